"""`sensitive-in-private`: personal and sensitive matters go private (docs/rules).

Every channel (error): a full payment card number or asking for one, and asking for
(or giving out) a password, PIN or card security code. In the `public` channel also:
- personal data in the reply (error; the fix masks it); the brand's own contacts
  ("call us on 0800 …", `public_contacts`) are not personal data;
- asking for personal data without sending the customer to a private channel (error);
- discussing the customer's own billing, order or account matter (warning);
- an incoming message that raises such a matter, or holds personal data, answered
  without offering a private channel (warning).

A private channel is any non-public one: a DM, email, phone, chat, a contact or case
form, or a link the reply presents as a way to reach the team. Personal data is found
by `replylint.builtin.personal_data`; every word the rule matches is a list of
`rules/sensitive-in-private.toml`, matched on the shared tokens the way its `[lists]`
declaration says (word forms or lemmas).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from replylint.builtin.contact_made import already_made
from replylint.builtin.incoming_gate import incoming_may_hold, incoming_may_hold_words
from replylint.builtin.personal_data import (
    DetectionWords,
    PersonalData,
    find_card_numbers,
    find_personal_data,
)
from replylint.builtin.placeholders import find_placeholders
from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, data_words
from replylint.text.analysis import Analysis
from replylint.text.char_scan import contains_any
from replylint.text.derived import derived
from replylint.text.phrases import PhraseMatch, PhraseTable, data_phrase_table, is_clock_time
from replylint.text.token_arrays import token_bounds, token_lowers

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# How far before a billing or order word the customer's "I" / "my" may stand.
_FIRST_PERSON_WINDOW = 12
# How far before (or after) a word "your" / "the" / "my" may stand: "your current order".
_MARKER_WINDOW = 3
# How near a problem word must stand to a matter that is not said to be theirs:
# "Apple Pay keeps failing", "the bill is double".
_NEAR_WINDOW = 2
# How far after a secret word its value may stand: "your new password is: 'x1'".
_VALUE_WINDOW = 5
# How far after a contact verb its object may stand: "contact our billing team".
_CONTACT_WINDOW = 8
# How far after a number word the card may stand: "the 16 digits on the front of your card".
_CARD_WINDOW = 7
# The fewest digits a payment card number has.
_CARD_DIGITS = 12
# How far after "unable to view" the matter may stand: "unable to view your order details".
_NO_ACCESS_REACH = 3
_NO_ACCESS_TOPICS = (
    ("order_terms", "order"),
    ("billing_terms", "billing"),
    ("account_terms", "account"),
)
# Quoted words in messages are cut to this many characters.
_QUOTE_CHARS = 60

# The phrase lists the rule looks up with `_Reader.find`; the other lists are word
# sets read token by token (`_Reader.words`). Each list matches as `[lists]` declares.
_PHRASE_LISTS = (
    "private_channel",
    "reader_contacts",
    "no_access",
    "contact_verbs",
    "team_words",
    "link_request",
    "link_words",
    "reading_words",
    "with_reader",
    "public_post",
    "request",
    "hand_over",
    "hand_over_verbs",
    "identifiers",
    "secrets",
    "card_number_terms",
    "partial_card_terms",
    "billing_terms",
    "payment_terms",
    "money_places",
    "lookups",
    "order_terms",
    "order_events",
    "travel_terms",
    "order_states",
    "account_states",
    "account_terms",
    "account_forms",
    "case_terms",
    "compensation_terms",
    "complaint_words",
    "apology_words",
)
# The topics of the customer's own matter in their message, strongest first.
# In this order: a thing named (a bag, a claim) tells the topic before an event verb
# ("my suitcase never arrived" is about baggage).
_TOPICS = (
    ("billing", "billing_terms"),
    ("billing", "payment_terms"),
    ("order", "order_terms"),
    ("travel", "travel_terms"),
    ("account", "account_terms"),
    ("account", "account_forms"),
    ("case", "case_terms"),
    ("order", "order_events"),
)


# What the customer's message is read for: a smaller table matches faster.
_TOPIC_LISTS = tuple(key for _, key in _TOPICS)
_INCOMING_LISTS = (*_TOPIC_LISTS, "complaint_words", "secrets")
# The word lists that tell trouble (or an account in trouble) in the customer's message.
_TROUBLE_WORDS = ("problem_words", "negations", "still_words", "account_problems")
# The word lists that tell the matter is the writer's own.
_OWNER_WORDS = ("first_person", "own_possessives")


def _form_lists(ctx: RuleContext, keys: tuple[str, ...]) -> frozenset[str]:
    """The phrase lists among `keys` that match by word form only (not by lemma)."""
    return derived(ctx.rule, ("sensitive form lists", keys), _forms_of, ctx, keys)


def _forms_of(ctx: RuleContext, keys: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for k in keys if ctx.list_kind(k) != "lemma")


@dataclass
class _Reader:
    """Phrase lookups on one document with the rule's data for its language."""

    doc: Doc
    ctx: RuleContext
    language: str
    model: str | None
    keys: tuple[str, ...] = _PHRASE_LISTS  # the lists this reader can find

    # Every list's matches, found on first use; the lookups below run a dozen times
    # per reply, so each is one dict read once warm.
    _found: Mapping[str, Sequence[PhraseMatch]] | None = None
    _lowers: list[str] | None = None
    _url_tokens: list[int] | None = None

    def __post_init__(self) -> None:
        # One lookup for what every reply's reader starts from.
        setup = derived(
            self.ctx,
            ("sensitive reader", self.keys, self.language, self.model),
            _reader_setup,
            self.ctx,
            self.keys,
            self.language,
            self.model,
        )
        self.data: Mapping[str, Any] = setup[0]
        self._words: dict[str, frozenset[str]] = setup[1]
        self._table: PhraseTable = setup[2]

    def find(self, key: str) -> Sequence[PhraseMatch]:
        """Matches of the phrase list `key` (one of `self.keys`), in text order.

        The first call matches every list in one table: one lower-case pass for all
        of them and one lemma pass for the lemma lists (most replies ask for lists
        of both kinds, which as two tables cost three matcher runs). A list's
        matches are sorted out when it is first read: a reply reads few of them.
        """
        found = self._found
        if found is None:
            found = self._found = self._table.find_on_demand(self.doc)
            # The later lookups (a dozen or two per reply) read the answer directly,
            # without this method's frame.
            self.find = found.__getitem__  # type: ignore[method-assign,assignment]
        return found[key]

    def words(self, key: str) -> frozenset[str]:
        """The word list `key`, lower-cased, for token lookups."""
        words = self._words.get(key)
        if words is None:  # kept with the data: the same sets for every reply
            words = self._words[key] = data_words(self.data, key)
        return words

    def lower(self, index: int) -> str:
        lowers = self._lowers
        if lowers is None:
            lowers = self._lowers = token_lowers(self.doc)
        return lowers[index] if 0 <= index < len(lowers) else ""

    def lowers(self, start: int, end: int) -> list[str]:
        """The lower-case forms of the tokens from `start` to `end`."""
        self.lower(0)  # fills `_lowers`
        return self._lowers[start:end]  # type: ignore[index]

    def _sentence_form(self, sent: Span) -> str:
        """The sentence's tokens lower-cased and joined without their spaces: "?"
        stands in it where it stands in `sent.text`, which builds a Token per word."""
        return "".join(self.lowers(sent.start, sent.end))

    def has_question_mark(self, sent: Span) -> bool:
        """`"?" in sent.text`"""
        return "?" in self._sentence_form(sent)

    def ends_in_question(self, sent: Span) -> bool:
        """`sent.text.rstrip().endswith("?")`"""
        return self._sentence_form(sent).rstrip().endswith("?")

    def has_url(self, sent: Span, text: str) -> bool:
        """Is a token of `sent` like a URL (spaCy's `like_url`)? `text` is the doc's
        text (`Analysis.text`: the same offsets, and no join of the tokens)."""
        urls = self._url_tokens
        if urls is None:
            urls = self._url_tokens = _url_tokens(self.doc, text)
        if not urls:
            return False
        first = bisect_left(urls, sent.start)
        return first < len(urls) and urls[first] < sent.end


def _reader_setup(
    ctx: RuleContext, keys: tuple[str, ...], language: str, model: str | None
) -> tuple[Mapping[str, Any], dict[str, frozenset[str]], PhraseTable]:
    """The rule's data for the language, its word sets (filled as they are asked
    for) and the phrase table of `keys`."""
    data = ctx.data
    # The reply's lists are matched in the pass shared with the other rules (the
    # incoming message's lists read another doc).
    form_keys, shared = _form_lists(ctx, keys), keys == _PHRASE_LISTS
    table = data_phrase_table(data, keys, language, model, form_keys=form_keys, shared=shared)
    return data, derived(data, "sensitive words", dict), table


# A dot with no space on either side ("e.g.", "shop.example"); the dot comes first in
# the pattern so that `re` looks for dots instead of trying every position.
_INNER_DOT = re.compile(r"\.(?<=\S\.)(?=\S)")


def _url_tokens(doc: Doc, text: str) -> list[int]:
    """The tokens that are `like_url`, in order. It holds only for a token with a dot
    inside it or opening with "http://", "https://" or "www.": only the tokens at
    those places are read as Token objects."""
    places = [dot.start() for dot in _INNER_DOT.finditer(text)]
    for opening in ("http://", "https://", "www."):
        at = text.find(opening)
        while at != -1:
            places.append(at)
            at = text.find(opening, at + 1)
    if not places:
        return []
    starts = token_bounds(doc)[0]
    tokens = {bisect_right(starts, place) - 1 for place in places}
    return sorted(i for i in tokens if i >= 0 and doc[i].like_url)


def _in(span: Span, matches: Sequence[PhraseMatch]) -> list[PhraseMatch]:
    """The matches inside `span`; `matches` are in text order."""
    if not matches:
        return []  # most lists match nowhere in a reply
    # A reply's matches of one list are few: one pass costs less than a bisection
    # that calls a key function at every step.
    start, end = span.start, span.end
    return [m for m in matches if start <= m.token_start < end and m.token_end <= end]


def _before(
    reader: _Reader, match: PhraseMatch, words: frozenset[str], window: int, floor: int
) -> int | None:
    """Where one of `words` stands among the `window` tokens before the match (same
    sentence), nearest first; None if nowhere."""
    for i in range(match.token_start - 1, max(floor, match.token_start - window) - 1, -1):
        if reader.lower(i) in words:
            return i
    return None


def _after(
    reader: _Reader, match: PhraseMatch, words: frozenset[str], window: int, ceiling: int
) -> int | None:
    for i in range(match.token_end, min(ceiling, match.token_end + window)):
        if reader.lower(i) in words:
            return i
    return None


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1].rstrip() + "…"


def _said_near(text: str, reader: _Reader, sent: Span, match: PhraseMatch) -> str:
    """The words around `match` in its clause ("I ordered chips but they forgot to put
    it…"), quoted: the part of the customer's message that raised the matter, not the
    start of a long sentence."""
    start, end = _clause_around(reader, sent, match)
    start = max(start, match.token_start - _QUOTE_BEFORE)
    doc = reader.doc
    while start < match.token_start and (
        doc[start].is_punct
        or doc[start].is_space
        or doc[start].text.startswith(("@", "＠"))
        or reader.lower(start) in _CLAUSE_BREAKS
    ):
        start += 1
    last = doc[end - 1]
    stop = last.idx + len(last.text)
    # A long clause loses words at its start rather than the words that raised it.
    while start < match.token_start and stop - doc[start].idx > _QUOTE_CHARS:
        start += 1
    return _quote(text[doc[start].idx : stop])


# The quote of the words that raised a matter starts this many tokens before them
# and runs to the end of their clause (cut at `_QUOTE_CHARS`).
_QUOTE_BEFORE = 10


def _is_question_or_request(reader: _Reader, sent: Span, requests: Sequence[PhraseMatch]) -> bool:
    return reader.has_question_mark(sent) or bool(_in(sent, requests))


def _asks(reader: _Reader, sent: Span) -> list[PhraseMatch]:
    """Where the sentence asks the customer to hand something over."""
    asks = _in(sent, reader.find("hand_over"))
    # "Did they give you a reference number?": the customer is who receives it.
    readers = reader.words("reader_pronouns")
    verbs = [
        v
        for v in _in(sent, reader.find("hand_over_verbs"))
        if reader.lower(v.token_end) not in readers
    ]
    if verbs:
        if _is_question_or_request(reader, sent, reader.find("request")):
            asks += verbs
        else:  # an imperative: "Send the receipt."
            first = next((t.i for t in sent if not t.is_punct), sent.start)
            asks += [v for v in verbs if v.token_start == first]
    return sorted(asks, key=lambda m: m.token_start)


def _negated(reader: _Reader, sent: Span, match: PhraseMatch) -> bool:
    negations = reader.words("negations")
    return any(reader.lower(i) in negations for i in range(sent.start, match.token_start))


def _asked_after(asks: Sequence[PhraseMatch], match: PhraseMatch) -> bool:
    """Does an ask stand before the match ("send us your card number"), or is the
    sentence a question whose ask follows ("your card number, can you send it?")."""
    return any(a.token_start <= match.token_start for a in asks)


# --- every channel ----------------------------------------------------------------


def _detection_words(analysis: Analysis, ctx: RuleContext) -> DetectionWords:
    return derived(
        ctx.rule.data,
        ("detection words", analysis.language),
        DetectionWords.from_rule_data,
        ctx.rule.data,
        analysis.language,
    )


def _card_findings(analysis: Analysis, ctx: RuleContext, reader: _Reader) -> Iterator[Finding]:
    for card in find_card_numbers(analysis.text, _detection_words(analysis, ctx)):
        if any(s <= card.start < e for s, e in analysis.urls):
            continue
        yield _data_finding(ctx, card, ctx.message("card"), "card-number")
    terms = sorted(
        [*reader.find("card_number_terms"), *_card_number_pairs(reader, analysis)],
        key=lambda m: m.token_start,
    )
    if not terms:
        return
    partial = reader.find("partial_card_terms")
    for sent in analysis.sentences:
        asked = _in(sent, terms)
        if not asked:
            continue
        asks = _asks(reader, sent)
        if not asks or _in(sent, partial):
            continue  # not asked for, or only its last digits
        for term in asked:
            if _negated(reader, sent, term) or not _is_payment_card(reader, term, sent):
                continue
            if not _asked_after(asks, term) and not reader.has_question_mark(sent):
                continue
            words = analysis.text[term.start : term.end]
            yield ctx.finding(
                term.start,
                term.end,
                ctx.message("card_request", what=words),
                check="card-number",
            )
            return


def _card_number_pairs(reader: _Reader, analysis: Analysis) -> list[PhraseMatch]:
    """A number word with a card word a few words after it, in one sentence: "the 16
    digits on the front of your card", "les chiffres de votre carte bancaire"."""
    card_words = reader.words("card_words")
    if card_words.isdisjoint(analysis.lower_tokens):
        return []  # no card word anywhere: the tokens need not be read
    lowers = token_lowers(analysis.doc)
    numbers = reader.words("card_number_words")
    few = reader.words("few_digit_counts")
    pairs = []
    for sent in analysis.sentences:
        for i in range(sent.start, sent.end):
            if lowers[i] not in numbers:
                continue
            # "the 3 digits on the back of your card" counts too few for a card number
            # (the security code is the secret checks' business).
            count = lowers[i - 1] if i > sent.start else ""
            if count in few or (count.isdigit() and int(count) < _CARD_DIGITS):
                continue
            for j in range(i + 1, min(sent.end, i + 1 + _CARD_WINDOW)):
                if lowers[j] in card_words:
                    first, last = analysis.doc[i], analysis.doc[j]
                    end = last.idx + len(last.text)
                    pairs.append(
                        PhraseMatch(first.idx, end, analysis.text[first.idx : end], i, j + 1)
                    )
                    break
    return pairs


def _acronym_secrets(analysis: Analysis, reader: _Reader) -> list[PhraseMatch]:
    """Secret words written in capitals ("PIN"): in lower case they are other words."""
    acronyms = reader.words("acronym_secrets")
    if not any(a.upper() in analysis.text for a in acronyms):
        return []
    return [
        PhraseMatch(t.idx, t.idx + len(t.text), t.text, t.i, t.i + 1)
        for t in analysis.tokens
        if t.is_upper and t.lower_ in acronyms
    ]


def _secrets(analysis: Analysis, reader: _Reader) -> list[PhraseMatch]:
    """Secret words that name the secret itself, not a procedure ("password reset")."""
    named = [*reader.find("secrets"), *_acronym_secrets(analysis, reader)]
    if not named:
        return named  # most replies name no secret
    context = reader.words("secret_context")
    return sorted(
        (
            s
            for s in named
            if reader.lower(s.token_end) not in context
            and reader.lower(s.token_start - 1) not in context
        ),
        key=lambda m: m.token_start,
    )


def _given_value(analysis: Analysis, reader: _Reader, secret: PhraseMatch, sent: Span) -> int:
    """The end of the value a secret is given as ("password is “1234”"), else -1.

    A value is shaped like one: it holds a digit, or it is all capitals, or it mixes
    letters and digits; only linking words and quotes may stand between."""
    links = reader.words("value_links")
    doc = analysis.doc
    stop = min(sent.end, secret.token_end + _VALUE_WINDOW)
    slot = _slot_given(analysis.text, secret.end, sent.end_char, links)
    if slot != -1:
        return slot
    set_verbs = reader.words("set_verbs")
    to_words = reader.words("set_to")
    after_set = False
    for i in range(secret.token_end, stop):
        token = doc[i]
        if after_set:  # "reset to 4821" links; "changed 3 times" does not
            if token.lower_ not in to_words:
                return -1
            after_set = False
            continue
        text = token.text.strip("\"'“”«»‘’")
        if token.lower_ in links or not text:
            continue
        if token.lower_ in set_verbs:
            after_set = True
            continue
        has_digit = any(ch.isdigit() for ch in text)
        shaped = has_digit or (text.isupper() and len(text) >= 4)
        return token.idx + len(token.text) if shaped else -1
    return -1


def _slot_given(text: str, start: int, end: int, links: frozenset[str]) -> int:
    """The end of a template slot given as the value ("password is {{password}}",
    "mot de passe est%s": filled in, the template gives the secret out), with only
    linking words and marks before it in text[start:end]; else -1."""
    if _SLOT_MARK.search(text, start, end) is None:
        return -1  # no slot delimiter (most sentences)
    slots = find_placeholders(text[start:end])
    if not slots:
        return -1
    before = _WORDS.findall(text[start : start + slots[0].start].lower())
    return start + slots[0].end if all(word in links for word in before) else -1


# What a template slot needs (`placeholders.find_placeholders` reads the rest).
_SLOT_MARK = re.compile(r"[{%\[<$]|\*\|")
_WORDS = re.compile(r"\w+")


def _secret_findings(analysis: Analysis, ctx: RuleContext, reader: _Reader) -> Iterator[Finding]:
    """Asking the customer to hand over a password, PIN or security code, or giving
    one out."""
    secrets = _secrets(analysis, reader)
    pronouns = reader.words("pronouns")
    if not secrets and not any(
        reader.lower(ask.token_end) in pronouns
        # Every ask is one of these: most stand before no pronoun, and then the
        # sentences need not be read for asks.
        for ask in (*reader.find("hand_over"), *reader.find("hand_over_verbs"))
    ):
        return  # nothing named and nothing asked for
    if not secrets and not any(
        reader.lower(ask.token_end) in pronouns
        for sent in analysis.sentences
        for ask in _asks(reader, sent)
    ):
        # No secret named and no "give me that one": the customer's message cannot
        # make this an ask for a secret, so it need not be read.
        return
    possessives = reader.words("possessives")
    question_words = reader.words("secret_question_words")
    incoming_secret = None
    for sent in analysis.sentences:
        named = [s for s in _in(sent, secrets) if not _negated(reader, sent, s)]
        for secret in named:
            end = _given_value(analysis, reader, secret, sent)
            if end != -1:
                yield ctx.finding(
                    secret.start,
                    end,
                    ctx.message("secret_given", secret=_quote(analysis.text[secret.start : end])),
                    check="secret-request",
                )
                return
        asks = _asks(reader, sent)
        # "Votre mot de passe, c'est lequel ?": a question about their own secret asks for it.
        # "Quel mot de passe utilisez-vous ?": a question word right before it asks too.
        asked_question = reader.ends_in_question(sent) and any(
            _before(reader, s, possessives, _MARKER_WINDOW, sent.start) is not None
            or reader.lower(s.token_start - 1) in question_words
            for s in named
        )
        if named and (asks or asked_question):
            secret = named[0]
            yield ctx.finding(
                secret.start,
                secret.end,
                ctx.message("secret", secret=analysis.text[secret.start : secret.end].lower()),
                check="secret-request",
            )
            return
        if not asks:
            continue
        if incoming_secret is None:
            incoming_secret = _incoming_secret(analysis, ctx) or ""
        if not incoming_secret:
            continue
        # "vous pouvez me donner celui que vous voulez" after the customer spoke of
        # their password: the pronoun stands for it.
        for ask in asks:
            pronoun = analysis.doc[ask.token_end] if ask.token_end < len(analysis.doc) else None
            if (
                pronoun is not None
                and pronoun.lower_ in pronouns
                and not _negated(reader, sent, ask)
            ):
                yield ctx.finding(
                    ask.start,
                    pronoun.idx + len(pronoun.text),
                    ctx.message("secret", secret=incoming_secret),
                    check="secret-request",
                )
                return


def _incoming_secret(analysis: Analysis, ctx: RuleContext) -> str | None:
    if not incoming_may_hold(analysis, ctx, ("secrets",)):
        return None
    doc = analysis.incoming_doc
    if doc is None:
        return None
    found = _Reader(doc, ctx, analysis.language, analysis.model, _INCOMING_LISTS).find("secrets")
    return found[-1].phrase if found else None


# --- public channel ---------------------------------------------------------------


def _data_finding(ctx: RuleContext, item: PersonalData, message: str, check: str) -> Finding:
    fix = Fix(ctx.message("fix_mask"), (Edit(item.start, item.end, item.masked()),), safe=True)
    return ctx.finding(item.start, item.end, message, fixes=[fix], check=check, personal_data=True)


def _phone_regions(analysis: Analysis, ctx: RuleContext) -> tuple[str, ...] | None:
    """The language's regions first, then the others: a short reply may be misdetected,
    and a valid number is personal data whatever the language around it."""
    table = ctx.options.get("phone_regions")
    if not isinstance(table, Mapping):
        return tuple(table) if table else None
    language = analysis.language
    return derived(table, ("phone regions", language), _region_order, table, language)


def _region_order(table: Mapping[str, Any], language: str) -> tuple[str, ...] | None:
    ordered = [*table.get(language, ()), *(r for rs in table.values() for r in rs)]
    return tuple(dict.fromkeys(ordered)) or None


def _contacts(analysis: Analysis, ctx: RuleContext, text: str) -> list[PersonalData]:
    """Personal data and the brand's own contacts in `text` (`business` tells which)."""
    language = analysis.language
    regions, public, words = derived(
        ctx, ("contact settings", language), _contact_settings, analysis, ctx
    )
    return find_personal_data(text, language, regions=regions, public_contacts=public, words=words)


def _contact_settings(
    analysis: Analysis, ctx: RuleContext
) -> tuple[tuple[str, ...] | None, tuple[str, ...], DetectionWords]:
    """What `find_personal_data` is given for the rule's settings in a language: the
    same for every reply (the context, its options and data do not change)."""
    return (
        _phone_regions(analysis, ctx),
        tuple(ctx.options.get("public_contacts", ())),
        _detection_words(analysis, ctx),
    )


def _offers_private_channel(
    reader: _Reader, analysis: Analysis, found: Sequence[PersonalData]
) -> bool:
    """Does the reply move the case to a non-public channel of the same team?"""
    doc = reader.doc
    channels = reader.find("private_channel")
    if channels:
        thanks = reader.words("gratitude")
        if any(not is_clock_time(doc, m) and not _thanked_for(reader, m, thanks) for m in channels):
            return True
    sentences = analysis.sentences
    # "Please provide some details here: <link>", "use the link to provide your conf #".
    link_requests = reader.find("link_request")
    link_words = reader.find("link_words")
    contact_verbs = reader.find("contact_verbs")
    if not (link_requests or contact_verbs or analysis.urls):
        return False
    brand_contacts = [(d.start, d.end) for d in found if d.business]
    agents = reader.words("agent_subjects")
    for sent in sentences:
        url = reader.has_url(sent, analysis.text)
        has_link = url or bool(_in(sent, link_words))
        if has_link and _in(sent, link_requests):
            return True
        # (With no contact verb in the reply, no sentence holds an instruction.)
        if contact_verbs and _contact_instruction(reader, sent, has_link, brand_contacts):
            return True
        # "We'd like to look into this with you here: <link>", "our team can sort this
        # for you here: <link>": the team offers the link as the way to work on the
        # case with the reader; "see this article: <link>" and "the date listed here:
        # <link>" are reading.
        if (
            url
            and not _in(sent, reader.find("reading_words"))
            and _in(sent, reader.find("with_reader"))
            and (
                not agents.isdisjoint(reader.lowers(sent.start, sent.end))
                or _in(sent, reader.find("team_words"))
            )
        ):
            return True
    return False


def _thanked_for(reader: _Reader, match: PhraseMatch, thanks: frozenset[str]) -> bool:
    """ "Thanks for reaching out to us", "merci pour votre appel", "the email you used
    to reach out to us": the contact already made, thanked for or used, is no channel
    offered."""
    if already_made(reader.lowers(max(0, match.token_start - 2), match.token_start)):
        return True
    if reader.lower(match.token_start - 1) not in _THANKS_LINKS:
        return False
    return not thanks.isdisjoint(reader.lowers(max(0, match.token_start - 4), match.token_start))


_THANKS_LINKS = frozenset({"for", "pour"})


def _contact_instruction(
    reader: _Reader, sent: Span, has_link: bool, brand_contacts: Sequence[tuple[int, int]]
) -> bool:
    """ "Please contact our billing team", "you can reach the care desk at 0800 …":
    a contact verb addressed to the reader, with the team, a link or the brand's own
    number or address to reach."""
    # "your phone number", "the email address": the data asked for, not a contact verb.
    data = _in(sent, reader.find("identifiers"))
    verbs = [
        v
        for v in _in(sent, reader.find("contact_verbs"))
        if not any(d.token_start <= v.token_start < d.token_end for d in data)
    ]
    if not verbs:
        return False
    thanks = reader.words("gratitude")
    verbs = [v for v in verbs if not _thanked_for(reader, v, thanks)]
    if not verbs:
        return False
    agents = reader.words("agent_subjects")
    readers = reader.words("reader_pronouns")
    team = _in(sent, reader.find("team_words"))
    start, end = sent.start_char, sent.end_char
    has_contact = has_link or any(start <= s < end for s, _ in brand_contacts)
    for verb in verbs:
        # "Composez le 3900", "call 611": a service number too short to be read as a
        # phone number is still the line to call.
        has_contact = has_contact or _number_after(reader, verb, sent)
        # "We contacted the carrier" reports what the team did: not an instruction.
        if _before(reader, verb, agents, 2, sent.start) is not None:
            continue
        # "When you spoke to us, ...": the reader's past contact, an inflected verb
        # right after "you", is no instruction either.
        token = reader.doc[verb.token_start]
        if reader.lower(verb.token_start - 1) in readers and token.lower_ != token.lemma_.lower():
            continue
        if has_contact or any(
            0 <= t.token_start - verb.token_start <= _CONTACT_WINDOW for t in team
        ):
            return True
    return False


def _number_after(reader: _Reader, verb: PhraseMatch, sent: Span) -> bool:
    """A number right after the contact verb, or after one linking word ("call 611",
    "contacter le 3900", "call us on 0800…" is found as a phone number already)."""
    i = verb.token_end
    if i < sent.end and reader.lower(i) in reader.words("number_links"):
        i += 1
    return i < sent.end and reader.doc[i].like_num


def _names_public_thing(reader: _Reader, sent: Span, match: PhraseMatch) -> bool:
    """A common identifier word qualified by something public: "flight number",
    "the store's address" (before it), "numéro de vol", "adresse du magasin" (after)."""
    public = reader.words("public_qualifiers")
    before = match.token_start - 1
    if before >= sent.start and reader.lower(before) in ("'s", "’s"):
        before -= 1
    if before >= sent.start and reader.lower(before) in public:
        return True
    after = match.token_end
    if after < sent.end and reader.lower(after) in reader.words("of_words"):
        after += 1
        if after < sent.end and reader.lower(after) in ("le", "la", "l'", "l’", "the"):
            after += 1
        return after < sent.end and reader.lower(after) in public
    return False


def _is_identifier(reader: _Reader, sent: Span, match: PhraseMatch) -> bool:
    if _negated(reader, sent, match):
        return False  # "Without giving any account information, ..."
    words = match.phrase.lower().split()
    if len(words) != 1 or words[0] not in reader.words("generic_identifiers"):
        return True
    if _names_public_thing(reader, sent, match):
        return False  # "your flight number", "the store's address", "le numéro de vol"
    if match.token_start > sent.start and reader.lower(match.token_start - 1) in reader.words(
        "generic_identifiers"
    ):
        return False  # "le mail reçu hier": the word before is the noun, this one its participle
    # "the number of items", "please address it": a common word needs "your", "a", ...
    markers = reader.words("own_markers") | reader.words("generic_markers")
    if _before(reader, match, markers, 2, sent.start) is None:
        return False
    if (
        words[0] in reader.words("message_nouns")
        and _before(reader, match, reader.words("possessives"), 2, sent.start) is None
        and reader.words("address_cues").isdisjoint(
            reader.lowers(match.token_end, min(match.token_end + 3, sent.end))
        )
    ):
        return False  # "send me the email asking…": a message, not an address
    if words[0] in reader.words("name_words") and reader.lower(match.token_end) in reader.words(
        "of_words"
    ):
        # "the name of the app" is no one's personal data; "of the colleague" is.
        end = min(match.token_end + 3, sent.end)
        following = {reader.lower(i) for i in range(match.token_end + 1, end)}
        return bool(following & reader.words("person_words"))
    return True


def _public_asks(
    analysis: Analysis, ctx: RuleContext, reader: _Reader, private: bool
) -> Iterator[Finding]:
    """Asking for personal data in public, or without saying where to send it."""
    identifiers = reader.find("identifiers")
    if not identifiers:
        return
    public_posts = reader.find("public_post")
    link_words = reader.find("link_words")
    for sent in analysis.sentences:
        asks = _asks(reader, sent)
        if not asks:
            # "booking reference, email address and contact number 2/2": a list of
            # identifiers standing alone asks for them (its verb was in the part before).
            asked = _bare_list(reader, sent, identifiers)
        else:
            # The data asked for follows the ask: "send us your email", not "reply to
            # the email we sent"; "please don't share your order details" asks for nothing.
            asked = [
                m
                for m in _in(sent, identifiers)
                if _is_identifier(reader, sent, m) and _asked_after(asks, m)
            ]
        asked = [m for m in asked if not any(_negated(reader, sent, a) for a in asks)]
        if not asked:
            continue
        # "DM us your email" is right; "reply with your email" is not, DM offered or not.
        # ("the email you used to reach out to us" names no channel to send it by.)
        thanks = reader.words("gratitude")
        if any(
            not _thanked_for(reader, m, thanks) for m in _in(sent, reader.find("private_channel"))
        ):
            continue
        # "via the link below" presents the link as the channel: "below" is not public.
        has_link = reader.has_url(sent, analysis.text) or bool(_in(sent, link_words))
        posts = [] if has_link else _in(sent, public_posts)
        if private and not posts:
            continue
        first = asked[0]
        what = analysis.text[first.start : asked[-1].end]
        if posts:
            where = analysis.text[posts[0].start : posts[0].end]
            message = ctx.message("ask_public_here", what=_quote(what), where=where)
        else:
            message = ctx.message("ask_public", what=_quote(what))
        yield ctx.finding(first.start, asked[-1].end, message, check="data-request")


def _bare_list(
    reader: _Reader, sent: Span, identifiers: Sequence[PhraseMatch]
) -> list[PhraseMatch]:
    """Two or more identifiers and nothing else but list words, punctuation and
    numbering ("booking reference, email address and phone number 2/2"); else []."""
    found = [m for m in _in(sent, identifiers) if _is_identifier(reader, sent, m)]
    if len(found) < 2:
        return []
    covered = {i for m in found for i in range(m.token_start, m.token_end)}
    glue = reader.words("list_glue")
    for token in reader.doc[sent.start : sent.end]:
        if token.i in covered or token.is_punct or token.is_space or token.like_num:
            continue
        text = token.lower_
        if text in glue or text[:1] in "@＠^*/-~" or any(c.isdigit() for c in text):
            continue  # a list word, a mention, a sign-off's initials, "2/2"
        return []
    return found


def _troubleshoots(analysis: Analysis, reader: _Reader) -> bool:
    """Does the reply ask a technical clarifying question ("which error code do you
    see?", "could you send a screenshot?", "please let us know the error message you
    get")? Troubleshooting touches no case detail."""
    requests = reader.find("request")
    if "?" not in analysis.text and not requests:
        return False  # no question and no request: its words need not be matched
    # Read only when a warning is due: a table of its own keeps the common one small.
    words = _Reader(
        analysis.doc, reader.ctx, analysis.language, analysis.model, ("troubleshooting_words",)
    ).find("troubleshooting_words")
    return bool(words) and any(
        (reader.ends_in_question(sent) or _in(sent, requests)) and _in(sent, words)
        for sent in analysis.sentences
    )


def _is_category(reader: _Reader, match: PhraseMatch) -> bool:
    """ "a billing or service issue", "the order page": a kind of matter, not theirs;
    "any questions about your bill": the topic of questions anyone may have."""
    if reader.lower(match.token_end) in reader.words("category_nouns"):
        return True
    # "What's your usual order?", "ta commande préférée": a taste, no purchase of theirs.
    tastes = reader.words("taste_words")
    if reader.lower(match.token_start - 1) in tastes or reader.lower(match.token_end) in tastes:
        return True
    return _questions_topic(reader, match)


def _questions_topic(reader: _Reader, match: PhraseMatch) -> bool:
    """ "For any questions about your bill", "pour toute question concernant votre
    facture", "toute demande de remboursement": the words before the match are a
    question noun, a preposition of topic and at most a determiner; "your question
    about your refund" is about their own case."""
    about = reader.words("about_words")
    determiners = reader.words("possessives") | reader.words("own_markers")
    i, seen_about = match.token_start - 1, False
    while i >= max(0, match.token_start - _TOPIC_REACH):
        lower = reader.lower(i)
        if lower in about:
            seen_about = True
        elif lower not in determiners:
            break
        i -= 1
    if not seen_about or reader.lower(i) not in reader.words("question_nouns"):
        return False
    return reader.lower(i - 1) not in reader.words("possessives")


# "questions au sujet de votre": a question noun this far before the matter at most.
_TOPIC_REACH = 5


def _is_payment_card(reader: _Reader, match: PhraseMatch, sent: Span | None = None) -> bool:
    """Is a "card" word a payment card? Not a SIM, gift or loyalty card, nor a card
    named by a store ("your Nectar card", "la carte Fnac")."""
    card_words = reader.words("card_words")
    positions = [
        i for i in range(match.token_start, match.token_end) if reader.lower(i) in card_words
    ]
    if not positions:
        return True
    others = reader.words("not_payment_card")
    payment = reader.words("payment_card_words")
    doc = reader.doc
    of_words = reader.words("of_words")
    determiners = reader.words("possessives") | reader.words("own_markers")
    for i in positions:
        before, after = reader.lower(i - 1), reader.lower(i + 1)
        if after in of_words:  # "carte de fidélité"
            after = reader.lower(i + 2)
        if before in others or after in others:
            return False
        for j in (i - 1, i + 1):
            if not 0 <= j < len(doc) or (sent is not None and not sent.start < j < sent.end):
                continue
            token = doc[j]
            if token.lower_ in determiners:
                continue  # "Your card was declined": a capital for the sentence, no store
            if token.is_title and token.is_alpha and token.lower_ not in payment:
                return False  # a store's card
    return True


def _own_matter(analysis: Analysis, reader: _Reader) -> tuple[PhraseMatch, str, int] | None:
    """The first place the reply discusses the customer's own billing or order matter:
    the match, its topic and where the words that make it theirs start."""
    requests = reader.find("request")
    billing = sorted(
        (
            m
            for m in [*reader.find("billing_terms"), *reader.find("payment_terms")]
            if _is_payment_card(reader, m)
        ),
        key=lambda m: m.token_start,
    )
    orders = reader.find("order_terms")
    trips = reader.find("travel_terms")
    accounts = sorted(
        [*reader.find("account_terms"), *reader.find("account_forms")], key=lambda m: m.token_start
    )
    terms = sorted([*orders, *billing], key=lambda m: m.token_start)
    money_signs = _has_currency_sign(analysis.text)
    if (
        not terms
        and not trips
        and not accounts
        and not money_signs
        and not reader.find("compensation_terms")
    ):
        return None  # no billing, order, account or compensation word: nothing to discuss
    possessives = reader.words("possessives")
    markers = reader.words("own_markers")
    reader_words = reader.words("reader_pronouns")
    apologies = reader.find("apology_words")
    places = reader.find("money_places")
    lookups = reader.find("lookups")
    # An amount of money in the reply: beside a billing word and the reader it is
    # theirs ("your account shows a payment of £54.20").
    for sent in analysis.sentences:
        # "Please don't share your order details": a warning, not their matter.
        sent_billing = [m for m in _in(sent, billing) if not _negated(reader, sent, m)]
        sent_orders = [m for m in _in(sent, orders) if not _negated(reader, sent, m)]
        asking = (sent_billing or sent_orders) and _is_question_or_request(reader, sent, requests)
        # "Sorry about the unexpected charge": an apology for their matter names it.
        sorry = bool(_in(sent, apologies))
        looked = _in(sent, lookups)
        contacts = _in(sent, reader.find("contact_verbs")) if sent_orders or sent_billing else []
        for match in sent_billing:
            if _is_category(reader, match):
                continue
            if _within(match, places) and not _money_event(reader, sent, money_signs):
                continue  # "refunds go back to your card", "depending on your bank"
            # "Speak to your bank about this": someone to talk to, not their billing.
            if any(_object_of(reader, c, match, markers | possessives) for c in contacts):
                continue
            own = _before(reader, match, possessives, _MARKER_WINDOW, sent.start)
            if own is None and (asking or sorry):
                own = _before(reader, match, markers, _MARKER_WINDOW, sent.start)
                if own is None and asking and reader.lower(match.token_end) in reader_words:
                    own = match.token_start
            if own is None and money_signs:
                found = _reader_amount(reader, sent, possessives)
                own = found[0] if found is not None else None
            if own is None and looked:
                own = looked[0].token_start  # "I can see the payment went through"
            if own is not None:
                return match, "billing", own
        for match in sent_orders:
            if _is_category(reader, match) or not (asking or looked):
                continue
            # "Please contact the courier": someone to talk to, not their order discussed.
            if any(_object_of(reader, c, match, markers | possessives) for c in contacts):
                continue
            own = _before(reader, match, markers, _MARKER_WINDOW, sent.start)
            if own is None and reader.lower(match.token_end) in reader_words:
                own = match.token_start
            if own is None and looked:
                own = looked[0].token_start  # "I've checked and the parcel was delivered"
            if own is not None:
                return match, "order", own
        if money_signs and not sent_billing:
            # "Your plan renews at £29.99": an amount on the reader's own account,
            # subscription or bill is their billing, with no billing word beside it.
            found = _reader_amount(reader, sent, possessives)
            if found is not None:
                token = reader.doc[found[1]]
                named = PhraseMatch(
                    token.idx, token.idx + len(token.text), token.text, token.i, token.i + 1
                )
                return named, "billing", found[0]
        status = _status_detail(reader, sent, terms) if terms else None
        if status is None and (terms or trips):
            status = _state_reported(reader, sent, [*terms, *trips], possessives, "order_states")
        if status is not None:
            return status, "order", status.token_start
        if accounts:
            state = _state_reported(reader, sent, accounts, possessives, "account_states")
            if state is not None:
                return state, "account", state.token_start
        decision = _compensation_decision(reader, sent)
        if decision is not None:
            return decision[0], "billing", decision[1]
    return None


def _answers_generally(
    analysis: Analysis, ctx: RuleContext, reader: _Reader, match: PhraseMatch
) -> bool:
    """Does the sentence of `match` answer a general question generally: the customer
    asked with no word of their own ("How long do refunds take?": no I, my, mon), and
    the sentence tells how things go (a hedge or a time frame: "your refund will reach
    your card within 5-7 days"), with no amount of money in it?"""
    incoming = analysis.incoming_text
    if "?" not in incoming or not data_words(ctx.data, "first_person").isdisjoint(
        analysis.incoming_runs
    ):
        return False
    sent = reader.doc[match.token_start].sent
    if _has_currency_sign(analysis.text[sent.start_char : sent.end_char]):
        return False
    general = reader.words("state_hedges") | reader.words("general_markers")
    return not general.isdisjoint(reader.lowers(sent.start, sent.end))


def _within(match: PhraseMatch, matches: Sequence[PhraseMatch]) -> bool:
    """Do the words of `match` lie inside one of `matches`?"""
    return any(
        m.token_start <= match.token_start and match.token_end <= m.token_end for m in matches
    )


def _money_event(reader: _Reader, sent: Span, money_signs: bool) -> bool:
    """Does the sentence report something that happened to the money: a problem, a
    past event or an amount ("your card was declined", "we've refunded your card",
    "£20 back to your card")?"""
    lowers = reader.lowers(sent.start, sent.end)
    if not reader.words("problem_words").isdisjoint(lowers):
        return True
    if not reader.words("past_aux").isdisjoint(lowers):
        return True
    if not reader.words("money_events").isdisjoint(lowers):
        return True
    return money_signs and any(reader.doc[i].is_currency for i in range(sent.start, sent.end))


def _object_of(
    reader: _Reader, verb: PhraseMatch, match: PhraseMatch, determiners: frozenset[str]
) -> bool:
    """Is `match` the object of `verb`, a determiner, "directly" or a preposition between
    them ("contact the courier directly", "speak to your bank", "vous rapprocher de
    votre banque")?"""
    if not 0 <= match.token_start - verb.token_end < _MARKER_WINDOW:
        return False
    between = reader.lowers(verb.token_end, match.token_start)
    return all(w in determiners or w in _DIRECTLY for w in between)


_DIRECTLY = frozenset(
    {"directly", "directement", "to", "with", "de", "du", "d'", "d’", "à", "au", "auprès"}
)


def _reader_amount(
    reader: _Reader, sent: Span, possessives: frozenset[str]
) -> tuple[int, int] | None:
    """Where the reader's account, bill or statement stands in a sentence that names
    an amount of money ("your account shows a payment of £54.20"): the possessive and
    the holder, or None. ("Your first payment" after a price is any subscriber's, so
    the holder must be named.)"""
    doc = reader.doc
    if not any(doc[i].is_currency for i in range(sent.start, sent.end)):
        return None
    holders = reader.words("money_holders")
    for i, lower in enumerate(reader.lowers(sent.start, sent.end - 1), sent.start):
        if lower in possessives:
            holder = _holder_after(reader, i + 1, min(sent.end, i + 4), holders)
            if holder is not None:
                return i, holder
    return None


def _holder_after(reader: _Reader, start: int, end: int, holders: frozenset[str]) -> int | None:
    """Where a money holder heads the noun after a possessive: "your account", or
    after words that only say which one ("your season ticket renewal", "your annual
    gym membership"); None if it does not."""
    doc = reader.doc
    for i in range(start, end):
        if reader.lower(i) in holders:
            return i
        token = doc[i]
        if not token.is_alpha or token.is_stop:
            return None  # "your order was …": the noun ended
    return None


def _status_detail(reader: _Reader, sent: Span, terms: Sequence[PhraseMatch]) -> PhraseMatch | None:
    """ "the bag's status", "your order status", "the status of your order"."""
    status_words = reader.words("status_words")
    possessives = reader.words("possessives") | {"'s", "’s"}
    for i, lower in enumerate(reader.lowers(sent.start, sent.end), sent.start):
        if lower not in status_words:
            continue
        token = reader.doc[i]
        before = range(max(sent.start, token.i - _MARKER_WINDOW), token.i)
        after = range(token.i + 1, min(sent.end, token.i + 1 + _MARKER_WINDOW))
        near_term = any(t.token_start in before or t.token_start in after for t in terms)
        own = any(reader.lower(i) in possessives for i in (*before, *after))
        if near_term and own:
            return PhraseMatch(
                token.idx, token.idx + len(token.text), token.text, token.i, token.i + 1
            )
    return None


def _state_reported(
    reader: _Reader,
    sent: Span,
    terms: Sequence[PhraseMatch],
    possessives: frozenset[str],
    states_key: str,
) -> PhraseMatch | None:
    """ "Your order left our warehouse today", "votre réservation est confirmée", "your
    account has been suspended": the reader's own order, booking, bag or account (a
    possessive right before it) and a state of it (`states_key`) reported after it,
    with no hedge or condition before the state ("…shipped today and should arrive
    Monday" reports the shipping)."""
    states = _in(sent, reader.find(states_key))
    if not states:
        return None
    hedges = reader.words("state_hedges")
    for term in _in(sent, terms):
        if reader.lower(term.token_start - 1) not in possessives:
            continue
        for state in states:
            if state.token_start < term.token_end:
                # "j'ai retrouvé votre réservation", "we've cancelled your order": the
                # act done to it, right before its possessive; further back it is
                # about something else ("orders are shipped by…, see your order page").
                if 0 <= term.token_start - state.token_end <= _ACT_REACH:
                    return term
                continue
            between = reader.lowers(term.token_end, state.token_start)
            if (
                len(between) <= _STATE_REACH
                and _CLAUSE_BREAKS.isdisjoint(between)
                and hedges.isdisjoint(reader.lowers(sent.start, state.token_start))
            ):
                return term
    return None


# "cancelled your order": the possessive (and one more word) between an act and its object.
_ACT_REACH = 2
# "your booking for 2 on Saturday at 7pm is confirmed": words between, in one clause.
_STATE_REACH = 10
_CLAUSE_BREAKS = frozenset({",", ";", ":", "and", "but", "or", "et", "mais", "ou", "-", "–"})


def _compensation_decision(reader: _Reader, sent: Span) -> tuple[PhraseMatch, int] | None:
    """ "we would not offer a gesture", "we'll refund you": a decision on their case."""
    compensation = _in(sent, reader.find("compensation_terms"))
    if not compensation:
        return None
    subjects = reader.words("agent_subjects")
    aux = reader.words("decision_aux")
    for i, lower in enumerate(reader.lowers(sent.start, sent.end), sent.start):
        if lower not in subjects:
            continue
        if aux.isdisjoint(reader.lowers(i + 1, min(sent.end, i + 4))):
            continue
        for match in compensation:
            if 0 < match.token_start - i <= 8:
                return match, i
    return None


# Every currency sign (Unicode category Sc): a quick test before reading amounts.
_CURRENCY_SIGNS = frozenset(
    chr(c) for c in range(0x20A0) if unicodedata.category(chr(c)) == "Sc"
) | frozenset(chr(c) for c in range(0x20A0, 0x20D0))
# The same signs as one character class: `re` scans a text for them in C, where a
# set test hashes every character (a few µs on a long reply).
_CURRENCY_SIGN = re.compile("[" + "".join(map(re.escape, sorted(_CURRENCY_SIGNS))) + "]")
# The only currency sign in ASCII: most texts are ASCII, and Python knows which.
_ASCII_CURRENCY_SIGNS = "".join(sorted(c for c in _CURRENCY_SIGNS if c.isascii()))


def _has_currency_sign(text: str) -> bool:
    """Does `text` hold one of `_CURRENCY_SIGNS`?"""
    return contains_any(text, _ASCII_CURRENCY_SIGNS, _CURRENCY_SIGN)


@dataclass(frozen=True)
class _Raised:
    topic: str
    words: str  # the customer's words that raise it


def _incoming_matter(analysis: Analysis, ctx: RuleContext) -> _Raised | None:
    """The customer's own problem raised in the incoming message: a topic (billing,
    order, trip, account) that is theirs (first person, or a complaint about it) and
    in trouble (a problem state), outside a general how-to question."""
    has_money = _has_currency_sign(analysis.incoming_text)
    if not has_money and not incoming_may_hold(analysis, ctx, _TOPIC_LISTS):
        return None  # no money and no topic phrase: nothing to raise, and no doc built
    if _untroubled(analysis, ctx):
        return None  # read from the raw text: no sentence below can raise a matter
    doc = analysis.incoming_doc
    if doc is None:
        return None
    money = (
        [
            PhraseMatch(t.idx, t.idx + len(t.text), t.text, t.i, t.i + 1)
            for t in doc
            if t.is_currency
        ]
        if has_money
        else []
    )
    said = analysis.incoming_text  # the text the doc was made of
    reader = _Reader(doc, ctx, analysis.language, analysis.model, _INCOMING_LISTS)
    topics = [(topic, reader.find(key), key) for topic, key in _TOPICS]
    if not money and not any(matches for _, matches, _ in topics):
        return None
    first_person = reader.words("first_person")
    own_possessives = reader.words("own_possessives")
    objects = reader.words("first_person_objects")
    problems = reader.words("problem_words")
    negations = reader.words("negations")
    conditions = reader.words("condition_words")
    question_openers = reader.words("question_openers")
    stills = reader.words("still_words")
    delays = reader.words("delay_words")
    purchase_markers = reader.words("purchase_markers")
    hypotheticals = reader.words("hypothetical_openers")
    contrasts = reader.words("contrast_words")
    account_problems = reader.words("account_problems")
    thing_reflexives = reader.words("thing_reflexives")
    praise = reader.words("praise_words")
    # Dissatisfaction anywhere in the message: "Delivery planned for the 9th. So disappointed."
    complaint = bool(reader.find("complaint_words")) or any(
        emoji in analysis.incoming_text for emoji in reader.words("complaint_emoji")
    )
    lowers = token_lowers(doc)
    owner_anywhere = not first_person.isdisjoint(lowers)
    question_starts = reader.words("question_starts")
    status_questions = reader.words("status_questions")
    cause_questions = reader.words("cause_questions")
    subjects = reader.words("cause_subjects")
    past_aux = reader.words("past_aux")
    status_verbs = reader.words("status_verbs")
    status_openers = reader.words("status_openers")
    repeats = reader.words("repeat_words")
    working = reader.words("working_words")
    for sent in doc.sents:
        # "…, si ma valise est perdue, je m'adresse à qui ?": a supposed trouble is none.
        hypothetical = _hypothetical_tokens(reader, sent, hypotheticals)
        words = (
            {lowers[i] for i in range(sent.start, sent.end) if i not in hypothetical}
            if hypothetical
            else set(lowers[sent.start : sent.end])
        )
        # "Checkout is working again", "ça marche encore": a repeat word after a working
        # state reports that the trouble is over, not a problem.
        sentence_problems = problems
        if not repeats.isdisjoint(words) and all(
            lowers[i - 1] in working
            for i in range(max(sent.start, 1), sent.end)
            if lowers[i] in repeats
        ):
            sentence_problems = problems - repeats
        # "My fries were still hot and perfect!": "still" in praise is no trouble.
        if not (stills.isdisjoint(words) or praise.isdisjoint(words)) and negations.isdisjoint(
            words
        ):
            sentence_problems = sentence_problems - stills
        stated = bool(words & sentence_problems)
        own_sentence = bool(words & first_person)
        # "How do I get a refund?" asks how things work, not about their own case.
        lead = next((t for t in sent if not (t.is_punct or t.text.startswith(("@", "＠")))), None)
        lead_word = lead.lower_ if lead is not None else ""
        question = reader.ends_in_question(sent) or (
            # "where is my parcel": a status question written without its "?"
            lead is not None
            and lead_word in status_questions
            and reader.lower(lead.i + 1) in status_verbs
            and not reader.has_question_mark(sent)
        )
        # "Can I overpay without a fee?": in a question "without" sets a condition.
        sent_negations = negations - conditions if question else negations
        opener = (
            f"{lead_word} {lowers[lead.i + 1]}"
            if lead is not None and lead.i + 1 < sent.end
            else ""
        )
        # "Can I still return it?": a "still" right after the opener and its subject
        # asks whether something is possible, no trouble that goes on.
        still_at = [i for i in range(sent.start, sent.end) if lowers[i] in stills]
        lasting = lead is None or any(i > lead.i + 2 for i in still_at)
        how_to = (
            (lead_word in question_starts or opener in question_openers)
            and question
            and not words & sent_negations
            and not (still_at and lasting)
        )
        for match in _in(sent, money):
            # "they took my $500 twice", "you've taken £60 from me instead of £35": money
            # in a sentence about the writer, in trouble.
            own_money = (
                _before(reader, match, own_possessives, 2, sent.start) is not None
                or _before(reader, match, objects, _MARKER_WINDOW + 1, sent.start) is not None
                or _after(reader, match, objects, _MARKER_WINDOW, sent.end) is not None
            )
            if own_money and (stated or _negation_near(reader, match, sent, sent_negations)):
                return _Raised("billing", _said_near(said, reader, sent, match))
        for topic, matches, key in topics:
            for match in _in(sent, matches):
                if match.token_start in hypothetical:
                    continue
                if key == "payment_terms" and not _is_payment_card(reader, match, sent):
                    continue
                if key == "order_terms" and _buying(reader, match, sent, purchase_markers):
                    continue
                # "ma sonnette ne se connecte plus au wifi": a device connects itself;
                # the writer's login is "me connecter".
                if (
                    topic == "account"
                    and match.token_start > sent.start
                    and (reader.lower(match.token_start - 1) in thing_reflexives)
                ):
                    continue
                possessed = (
                    _before(reader, match, own_possessives, _MARKER_WINDOW, sent.start) is not None
                    or _after(reader, match, own_possessives, _MARKER_WINDOW, sent.end) is not None
                )
                if how_to and not possessed:
                    continue
                near = _before(reader, match, first_person, _FIRST_PERSON_WINDOW, sent.start)
                # "Charged twice this month", "Facturé deux fois": a message that opens
                # on the matter leaves out its "I" (I was charged, j'ai été facturé).
                opens = lead is not None and match.token_start == lead.i
                own = (
                    possessed
                    or near is not None
                    or (opens and (key == "billing_terms" or not question))
                )
                # "Where is my parcel?", "when are you shipping my order?", and asking why
                # something happened to the writer: "why was I charged £54?"
                # "Has my parcel shipped?", "ma commande est partie ?": a yes/no question
                # on the state of their own order or case.
                if (
                    question
                    and possessed
                    and topic in ("order", "case")
                    and (
                        lead_word in status_openers
                        # "…but I don't love the colour, can I swap it?" asks about the swap
                        or (not how_to and words.isdisjoint(contrasts))
                    )
                ):
                    return _Raised(topic, _said_near(said, reader, sent, match))
                if (
                    question
                    and topic != "account"
                    and lead_word in status_questions
                    and (
                        possessed
                        or (
                            near is not None
                            and lead is not None
                            and lead_word in cause_questions
                            and _happened(lowers, lead.i + 1, sent.end, subjects, past_aux)
                        )
                    )
                ):
                    return _Raised(topic, _said_near(said, reader, sent, match))
                negated = _negation_near(reader, match, sent, sent_negations | stills)
                # "my ticket no longer shows", "mon mot de passe ne marche plus": their
                # own thing as the subject of a negated verb.
                if possessed and not negated:
                    # "…is not here" negates it; "…arrived but I don't like it" does not.
                    after = _after(reader, match, sent_negations, _MARKER_WINDOW, sent.end)
                    negated = after is not None and contrasts.isdisjoint(
                        reader.lowers(match.token_end, after)
                    )
                if possessed and not negated:
                    negated = _contrasted(reader, match, sent, contrasts, sent_negations)
                # "How do I change my billing date?" asks how, about no problem.
                if how_to and not (stated or negated):
                    continue
                if topic == "account":
                    if own and (words & account_problems or negated):
                        return _Raised(topic, _said_near(said, reader, sent, match))
                    continue
                # A refund, a charge, a bill: theirs, or in trouble ("this quarter's bill
                # is double the usual").
                if key == "billing_terms" and (
                    own
                    or (not how_to and owner_anywhere)
                    or (
                        not reader.has_question_mark(sent)
                        and _near(reader, match, sentence_problems, sent)
                    )
                ):
                    return _Raised(topic, _said_near(said, reader, sent, match))
                trouble = stated or negated
                if key == "order_events" and stated and not negated and delays.isdisjoint(words):
                    # "I lost my signal…, this shows up": an event verb with no order
                    # noun is in trouble by a delay in its sentence, or by another
                    # problem word in its own clause.
                    start, end = _clause_around(reader, sent, match)
                    trouble = not sentence_problems.isdisjoint(lowers[start:end])
                if key == "payment_terms":
                    # "Apple Pay keeps failing at checkout": a payment failing for the
                    # writer, stated as a fact, is theirs without an "I".
                    unasked = not reader.has_question_mark(sent)
                    if (own and trouble) or (
                        unasked and _near(reader, match, sentence_problems, sent)
                    ):
                        return _Raised(topic, _said_near(said, reader, sent, match))
                    continue
                # Orders, deliveries and trips: the customer writing about one in
                # trouble is writing about their own, first person or not.
                if (trouble or complaint) and (own or own_sentence or owner_anywhere or complaint):
                    return _Raised(topic, _said_near(said, reader, sent, match))
                if negated:
                    return _Raised(
                        topic, _said_near(said, reader, sent, match)
                    )  # "still no shipping info"
    return None


def _untroubled(analysis: Analysis, ctx: RuleContext) -> bool:
    """Is the message, as its raw text shows, free of everything that raises a matter
    in `_incoming_matter` (so its doc need not be built)? Without a billing term (a
    message that opens on one raises it alone), a complaint, or a word of trouble
    (problem, negation, "still", an account problem), only a question about the
    writer's own order or case can: it needs a first-person word and, to be a
    question, a "?" or a status question word ("where is my parcel")."""
    # Most messages hold a word of trouble: that test comes first.
    if incoming_may_hold_words(analysis, ctx, _TROUBLE_WORDS):
        return False
    if incoming_may_hold(analysis, ctx, ("billing_terms",)) or incoming_may_hold(
        analysis, ctx, ("complaint_words",)
    ):
        return False
    text = analysis.incoming_text
    if any(emoji in text for emoji in data_words(ctx.data, "complaint_emoji")):
        return False
    if not incoming_may_hold_words(analysis, ctx, _OWNER_WORDS):
        return True
    return "?" not in text and not incoming_may_hold_words(analysis, ctx, ("status_questions",))


def _happened(
    lowers: Sequence[str],
    start: int,
    end: int,
    subjects: frozenset[str],
    past_aux: frozenset[str],
) -> bool:
    """After "why", is the first word past the subject an auxiliary of what happened
    ("why was I charged", "pourquoi j'ai été prélevé") rather than of a rule ("why do
    I have to pay", "pourquoi je dois payer")?"""
    for i in range(start, end):
        if lowers[i] not in subjects:
            return lowers[i] in past_aux
    return False


def _contrasted(
    reader: _Reader,
    match: PhraseMatch,
    sent: Span,
    contrasts: frozenset[str],
    negations: frozenset[str],
) -> bool:
    """Their matter, then a contrast, the matter taken up again and negated: "my parcel
    says delivered but it's not here", "ma commande est validée mais rien n'arrive"."""
    pronouns = reader.words("matter_pronouns")
    for i in range(match.token_end, sent.end - 1):
        if reader.lower(i) in contrasts:
            if reader.lower(i + 1) not in pronouns:
                return False  # "…but I don't like the colour": an opinion
            reach = min(sent.end, i + 2 + _MARKER_WINDOW)
            return any(reader.lower(j) in negations for j in range(i + 1, reach))
    return False


def _near(reader: _Reader, match: PhraseMatch, words: frozenset[str], sent: Span) -> bool:
    """Is one of `words` right around the match ("Apple Pay keeps failing", "the bill
    is double the usual")? Elsewhere in the sentence it may speak of something else."""
    return (
        _before(reader, match, words, _NEAR_WINDOW, sent.start) is not None
        or _after(reader, match, words, _NEAR_WINDOW, sent.end) is not None
    )


def _negation_near(
    reader: _Reader, match: PhraseMatch, sent: Span, negations: frozenset[str]
) -> bool:
    """A negation just before the matter: "has not been delivered", "still no tracking",
    "didn't get my parcel" (after it, "the parcel was not fragile", it negates another
    word). A comma or semicolon between them ends the negated clause: "since the page
    didn't load, this shows up" negates the loading."""
    floor = max(sent.start, match.token_start - _MARKER_WINDOW - 1)
    for i in range(match.token_start - 1, floor - 1, -1):
        word = reader.lower(i)
        if word in negations:
            return True
        if word in _NEGATION_BREAKS:
            return False
    return False


def _hypothetical_tokens(reader: _Reader, sent: Span, openers: frozenset[str]) -> set[int]:
    """The tokens of the sentence's clauses opened by a supposition ("If my bag doesn't
    arrive, …", "si ma valise est perdue"): they tell of no trouble that happened."""
    tokens: set[int] = set()
    if openers.isdisjoint(reader.lowers(sent.start, sent.end)):
        return tokens  # no opener word (most sentences)
    doc = reader.doc
    counterfactual = reader.words("counterfactual_words")
    start = sent.start
    while start < sent.end:
        end = start
        while end < sent.end and reader.lower(end) not in _NEGATION_BREAKS:
            end += 1
        first = start
        while first < end and (doc[first].is_punct or doc[first].text[:1] in "@＠"):
            first += 1
        if (
            first < end
            and (
                reader.lower(first) in openers
                or f"{reader.lower(first)} {reader.lower(first + 1)}" in openers
            )
            and counterfactual.isdisjoint(reader.lowers(first, end))
        ):
            tokens.update(range(start, end))
        start = end + 1
    return tokens


def _buying(reader: _Reader, match: PhraseMatch, sent: Span, markers: frozenset[str]) -> bool:
    """Is the order word a verb of buying ("can't order online", "went to order"),
    after a marker, or a modal and its "n't"? ("I didn't order this" keeps it: "did"
    is no marker.)"""
    before = match.token_start - 1
    if before > sent.start and reader.lower(before) in ("n't", "n’t", "not"):
        before -= 1
    return before >= sent.start and reader.lower(before) in markers


def _clause_around(reader: _Reader, sent: Span, match: PhraseMatch) -> tuple[int, int]:
    """The tokens of the match's clause: its sentence cut at the commas and semicolons
    around it."""
    start = match.token_start
    while start > sent.start and reader.lower(start - 1) not in _NEGATION_BREAKS:
        start -= 1
    end = match.token_end
    while end < sent.end and reader.lower(end) not in _NEGATION_BREAKS:
        end += 1
    return start, end


# What ends the clause a negation stands in (see `_negation_near`).
_NEGATION_BREAKS = frozenset({",", ";", ":"})


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    reader = _Reader(analysis.doc, ctx, analysis.language, analysis.model)
    if ctx.enabled("card-number"):
        yield from _card_findings(analysis, ctx, reader)
    if ctx.enabled("secret-request"):
        yield from _secret_findings(analysis, ctx, reader)
    if analysis.channel != "public":
        return

    found = _contacts(analysis, ctx, analysis.text)
    if ctx.enabled("personal-data"):
        for item in (d for d in found if not d.business and d.kind != "card"):
            kind = ctx.message(f"kind_{item.kind}")
            key = "personal_contact" if item.kind in ("phone", "email") else "personal_data"
            yield _data_finding(ctx, item, ctx.message(key, kind=kind), "personal-data")

    private = _offers_private_channel(reader, analysis, found)
    asks = list(_public_asks(analysis, ctx, reader, private))
    yield from asks
    # "We'll give you a call": the team takes the case private itself (though details
    # asked for in public still have no place to go).
    if private or asks or reader.find("reader_contacts"):
        return

    own = _own_matter(analysis, reader)
    if own is not None and _answers_generally(analysis, ctx, reader, own[0]):
        own = None  # "How long do refunds take?" -> "Your refund will reach you within…"
    if own is not None:
        match, topic, start = own
        words = analysis.text[analysis.doc[start].idx : match.end]
        yield ctx.finding(
            match.start,
            match.end,
            ctx.message("own_matter", topic=ctx.message(f"topic_{topic}"), words=_quote(words)),
            check="own-matter",
        )
        return

    raised = _incoming_matter(analysis, ctx) if analysis.incoming_text else None
    if raised is not None and _troubleshoots(analysis, reader):
        return  # "Which error message do you see?": technical, no case details yet
    if raised is not None:
        message = ctx.message(
            "incoming_matter", topic=ctx.message(f"topic_{raised.topic}"), words=raised.words
        )
    elif analysis.reply.incoming and any(
        not d.business for d in _contacts(analysis, ctx, analysis.reply.incoming)
    ):
        message = ctx.message("incoming_data")
    else:
        unviewable = _no_access(reader)
        if unviewable is not None:
            at, to, topic = unviewable
            topic_words = ctx.message(f"topic_{topic}")
            words = _quote(analysis.text[at:to])
            message = ctx.message("no_access", topic=topic_words, words=words)
            yield ctx.finding(at, to, message, check="own-matter")
        return
    start, end = analysis.body_span
    yield ctx.finding(start, end, message, check="incoming-matter")


def _no_access(reader: _Reader) -> tuple[int, int, str] | None:
    """ "We're unable to view orders via Twitter": the reply itself says the customer's
    matter cannot be looked at here. Where those words run to the matter, and its topic."""
    found = reader.find("no_access")
    if not found:
        return None
    doc = reader.doc
    for key, topic in _NO_ACCESS_TOPICS:
        for matter in reader.find(key):
            for access in found:
                reach = matter.token_start - access.token_end
                same = doc[access.token_start].sent.start == doc[matter.token_start].sent.start
                if 0 <= reach <= _NO_ACCESS_REACH and same:
                    return access.start, matter.end, topic
    return None


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("sensitive-in-private", check)]
