"""`sensitive-in-private`: personal and sensitive matters go private (RULES.md).

Every channel (error): a full payment card number, or asking for a password, PIN
or card security code. In the `public` channel also:
- personal data in the reply (error; the fix masks it);
- asking for personal data without sending the customer to a private channel (error);
- discussing the customer's own billing, order or account matter (warning);
- an incoming message that raises such a matter, or holds personal data, answered
  without offering a private channel (warning).

Personal data is found by `replylint.builtin.personal_data`; everything about wording
(requests, private channels, billing and order words) is matched on the shared
tokens with the phrase lists of `rules/sensitive-in-private.toml`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from replylint.builtin.personal_data import PersonalData, find_card_numbers, find_personal_data
from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, data_words
from replylint.text.analysis import Analysis
from replylint.text.derived import derived
from replylint.text.phrases import PhraseMatch, data_phrase_list, data_phrase_table
from replylint.text.token_arrays import token_lowers

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# How far before a billing or order word the customer's "I" / "my" may stand.
_FIRST_PERSON_WINDOW = 12
# How far before a word "your" / "the" may stand: "your current order", "the card".
_MARKER_WINDOW = 3

# Lists whose word forms carry the sense, so lemmas must not widen them: "charged me"
# is billing and "charging my phone" is not, "tracking" is an order and "tracks" music.
_EXACT_FORMS = frozenset(
    ["billing_terms", "payment_terms", "order_terms", "account_terms", "compensation_terms"]
)


# The phrase lists the rule looks up with `_Reader.find` (word lists use `words`).
_PHRASE_LISTS = (
    "account_terms",
    "billing_terms",
    "compensation_terms",
    "hand_over",
    "hand_over_verbs",
    "identifiers",
    "link_request",
    "link_words",
    "order_terms",
    "payment_terms",
    "private_channel",
    "public_post",
    "request",
    "secrets",
)
# The lists that name a topic of the customer's own matter in their message.
_TOPIC_LISTS = ("billing_terms", "payment_terms", "order_terms", "account_terms")
_WIDENED = tuple(k for k in _PHRASE_LISTS if k not in _EXACT_FORMS)
_EXACT = tuple(k for k in _PHRASE_LISTS if k in _EXACT_FORMS)


@dataclass
class _Reader:
    """Phrase lookups on one document with the rule's data for its language."""

    doc: Doc
    data: Mapping[str, Any]
    language: str
    model: str | None

    # Per table (exact forms or not): every list's matches, found on first use.
    _found: dict[bool, dict[str, list[PhraseMatch]]] = field(default_factory=dict)

    def find(self, key: str) -> list[PhraseMatch]:
        """Matches of the phrase list `key` (one of `_PHRASE_LISTS`), in text order.

        The first call for a lemma-widened list matches all of them in one pass, and
        likewise for the exact-form lists (one matcher run instead of two per list);
        the customer's message is only ever read for exact-form lists.
        """
        exact = key in _EXACT_FORMS
        found = self._found.get(exact)
        if found is None:
            table = data_phrase_table(
                self.data,
                _EXACT if exact else _WIDENED,
                self.language,
                self.model,
                lemmas=not exact,
            )
            found = self._found[exact] = table.find(self.doc)
        return found[key]

    def words(self, key: str) -> frozenset[str]:
        """The word list `key`, lower-cased, for token lookups."""
        return data_words(self.data, key)

    def lower(self, index: int) -> str:
        lowers = token_lowers(self.doc)
        return lowers[index] if 0 <= index < len(lowers) else ""


def _in(span: Span, matches: Sequence[PhraseMatch]) -> list[PhraseMatch]:
    """The matches inside `span`; `matches` are in text order."""
    first = bisect_left(matches, span.start, key=lambda m: m.token_start)
    result = []
    for match in matches[first:]:
        if match.token_start >= span.end:
            break
        if match.token_end <= span.end:
            result.append(match)
    return result


def _before(
    reader: _Reader, match: PhraseMatch, words: frozenset[str], window: int, floor: int
) -> bool:
    """Is one of `words` among the `window` tokens before the match (same sentence)?"""
    start = max(floor, match.token_start - window)
    return any(reader.lower(i) in words for i in range(start, match.token_start))


def _is_question_or_request(sent: Span, requests: Sequence[PhraseMatch]) -> bool:
    return "?" in sent.text or bool(_in(sent, requests))


def _asks(reader: _Reader, sent: Span) -> list[PhraseMatch]:
    """Where the sentence asks the customer to hand something over."""
    asks = _in(sent, reader.find("hand_over"))
    verbs = _in(sent, reader.find("hand_over_verbs"))
    if verbs:
        first = next((t.i for t in sent if not t.is_punct), sent.start)
        if _is_question_or_request(sent, reader.find("request")):
            asks += verbs
        else:  # an imperative: "Send the receipt."
            asks += [v for v in verbs if v.token_start == first]
    return asks


def _negated(reader: _Reader, sent: Span, match: PhraseMatch) -> bool:
    negations = reader.words("negations")
    return any(reader.lower(i) in negations for i in range(sent.start, match.token_start))


# --- every channel ----------------------------------------------------------------


def _card_findings(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for card in find_card_numbers(analysis.text):
        if any(s <= card.start < e for s, e in analysis.urls):
            continue
        yield _data_finding(ctx, card, ctx.message("card"), "card-number")


def _secret_findings(analysis: Analysis, ctx: RuleContext, reader: _Reader) -> Iterator[Finding]:
    """Asking the customer to hand over a password, PIN or security code."""
    pins = (
        [
            PhraseMatch(t.idx, t.idx + len(t.text), "PIN", t.i, t.i + 1)
            for t in analysis.tokens
            if t.text == "PIN"  # capitals only: "pin" is also a verb
        ]
        if "PIN" in analysis.text
        else []
    )
    context = reader.words("secret_context")
    secrets = sorted(
        (s for s in [*reader.find("secrets"), *pins] if reader.lower(s.token_end) not in context),
        key=lambda m: m.token_start,
    )
    pronouns = reader.words("pronouns")
    if not secrets and not (reader.find("hand_over") or reader.find("hand_over_verbs")):
        return  # nothing named and nothing asked for
    if not secrets and not any(
        reader.lower(ask.token_end) in pronouns
        for sent in analysis.sentences
        for ask in _asks(reader, sent)
    ):
        # No secret named and no "give me that one": the customer's message cannot
        # make this an ask for a secret, so it need not be read.
        return
    incoming_secret = _incoming_secret(analysis, ctx)
    if not secrets and incoming_secret is None:
        return
    for sent in analysis.sentences:
        asks = _asks(reader, sent)
        if not asks:
            continue
        named = [s for s in _in(sent, secrets) if not _negated(reader, sent, s)]
        if named:
            secret = named[0]
            yield ctx.finding(
                secret.start,
                secret.end,
                ctx.message("secret", secret=analysis.text[secret.start : secret.end].lower()),
                check="secret-request",
            )
            return
        if incoming_secret is None:
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
    doc = analysis.incoming_doc
    if doc is None:
        return None
    secrets = data_phrase_list(ctx.data, "secrets", analysis.language, analysis.model)
    found = secrets.find(doc)
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


def _personal_data(analysis: Analysis, ctx: RuleContext, text: str) -> list[PersonalData]:
    return [
        item
        for item in find_personal_data(
            text,
            analysis.language,
            regions=_phone_regions(analysis, ctx),
            public_contacts=tuple(ctx.options.get("public_contacts", ())),
        )
        if not item.business
    ]


def _offers_private_channel(reader: _Reader, analysis: Analysis) -> bool:
    """Does the reply move the case to a private channel of the same team?"""
    if reader.find("private_channel"):
        return True
    # "Please provide some details here: <link>", "use the link to provide your conf #".
    link_requests = reader.find("link_request")
    if not link_requests:
        return False
    link_words = reader.find("link_words")
    for sent in analysis.sentences:
        has_link = any(t.like_url for t in sent) or _in(sent, link_words)
        if has_link and _in(sent, link_requests):
            return True
    return False


def _is_identifier(reader: _Reader, sent: Span, match: PhraseMatch) -> bool:
    if _negated(reader, sent, match):
        return False  # "Without giving any account information, ..."
    words = match.phrase.lower().split()
    if len(words) != 1 or words[0] not in reader.words("generic_identifiers"):
        return True
    # "the number of items", "please address it": a common word needs "your", "a", ...
    markers = reader.words("own_markers") | reader.words("generic_markers")
    if not _before(reader, match, markers, 2, sent.start):
        return False
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
    for sent in analysis.sentences:
        if not _asks(reader, sent):
            continue
        asked = [m for m in _in(sent, identifiers) if _is_identifier(reader, sent, m)]
        if not asked:
            continue
        # "DM us your email" is right; "reply with your email" is not, DM offered or not.
        if _in(sent, reader.find("private_channel")):
            continue
        if private and not _in(sent, public_posts):
            continue
        first = asked[0]
        yield ctx.finding(
            first.start,
            asked[-1].end,
            ctx.message("ask_public", what=analysis.text[first.start : asked[-1].end]),
            check="data-request",
        )


def _is_category(reader: _Reader, match: PhraseMatch) -> bool:
    """ "a billing or service issue", "the order page": a kind of matter, not theirs."""
    return reader.lower(match.token_end) in reader.words("category_nouns")


def _is_payment_card(reader: _Reader, match: PhraseMatch) -> bool:
    if match.phrase.lower() not in ("card", "carte"):
        return True
    others = reader.words("not_payment_card")
    return (
        reader.lower(match.token_start - 1) not in others
        and reader.lower(match.token_end) not in others
    )


def _own_matter(
    analysis: Analysis, ctx: RuleContext, reader: _Reader
) -> tuple[PhraseMatch, str] | None:
    """The first place the reply discusses the customer's own billing or order matter."""
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
    terms = orders + billing
    if not terms and not reader.find("compensation_terms"):
        return None  # no billing, order or compensation word: nothing to discuss
    possessives = reader.words("possessives")
    markers = reader.words("own_markers")
    reader_words = {"you", "vous", "tu"}
    for sent in analysis.sentences:
        sent_billing, sent_orders = _in(sent, billing), _in(sent, orders)
        asking = (sent_billing or sent_orders) and _is_question_or_request(sent, requests)
        for match in sent_billing:
            if _is_category(reader, match):
                continue
            if _before(reader, match, possessives, _MARKER_WINDOW, sent.start) or (
                asking
                and (
                    _before(reader, match, markers, _MARKER_WINDOW, sent.start)
                    or reader.lower(match.token_end) in reader_words
                )
            ):
                return match, "billing"
        for match in sent_orders:
            if _is_category(reader, match) or not asking:
                continue
            if _before(reader, match, markers, _MARKER_WINDOW, sent.start) or (
                reader.lower(match.token_end) in reader_words
            ):
                return match, "order"
        status = _status_detail(reader, sent, terms) if terms else None
        if status is not None:
            return status, "order"
        decision = _compensation_decision(reader, sent)
        if decision is not None:
            return decision, "billing"
    return None


def _status_detail(reader: _Reader, sent: Span, terms: Sequence[PhraseMatch]) -> PhraseMatch | None:
    """ "the bag's status", "your order status", "the status of your order"."""
    status_words = reader.words("status_words")
    possessives = reader.words("possessives") | {"'s", "’s"}
    for token in sent:
        if token.lower_ not in status_words:
            continue
        before = range(max(sent.start, token.i - _MARKER_WINDOW), token.i)
        after = range(token.i + 1, min(sent.end, token.i + 1 + _MARKER_WINDOW))
        near_term = any(t.token_start in before or t.token_start in after for t in terms)
        own = any(reader.lower(i) in possessives for i in (*before, *after))
        if near_term and own:
            return PhraseMatch(
                token.idx, token.idx + len(token.text), token.text, token.i, token.i + 1
            )
    return None


def _compensation_decision(reader: _Reader, sent: Span) -> PhraseMatch | None:
    """ "we would not offer a gesture", "we'll refund you": a decision on their case."""
    subjects = reader.words("agent_subjects")
    aux = reader.words("decision_aux")
    compensation = _in(sent, reader.find("compensation_terms"))
    if not compensation:
        return None
    for token in sent:
        if token.lower_ not in subjects:
            continue
        follows = [reader.lower(i) for i in range(token.i + 1, min(sent.end, token.i + 4))]
        if not any(w in aux for w in follows):
            continue
        for match in compensation:
            if 0 < match.token_start - token.i <= 8:
                return match
    return None


def _incoming_matter(analysis: Analysis, ctx: RuleContext) -> str | None:
    """The topic of the customer's own problem raised in the incoming message."""
    if not analysis.incoming_text:
        return None
    exact = data_phrase_table(ctx.data, _EXACT, analysis.language, analysis.model, lemmas=False)
    if not exact.could_match(analysis.incoming_text, _TOPIC_LISTS):
        return None  # no billing, payment, order or account word: not worth tokenizing
    doc = analysis.incoming_doc
    if doc is None:
        return None
    reader = _Reader(doc, ctx.data, analysis.language, analysis.model)
    first_person = reader.words("first_person")
    possessives = reader.words("own_possessives")
    problems = reader.words("problem_words")
    negations = reader.words("negations") | {"still", "toujours"}
    account_problems = reader.words("account_problems")
    strong = reader.find("billing_terms")
    topics = (
        ("billing", strong),
        ("billing", [m for m in reader.find("payment_terms") if _is_payment_card(reader, m)]),
        ("order", reader.find("order_terms")),
        ("account", reader.find("account_terms")),
    )
    if not any(matches for _, matches in topics):
        return None
    for sent in doc.sents:
        if not any(_in(sent, matches) for _, matches in topics):
            continue
        words = {t.lower_ for t in sent}
        trouble = bool(words & problems)
        # "How do I get a refund?" asks how things work, not about their own case.
        lead = next((t for t in sent if not (t.is_punct or t.text.startswith(("@", "＠")))), None)
        how_to = (
            lead is not None
            and lead.lower_ in reader.words("question_starts")
            and sent.text.rstrip().endswith("?")
            and not words & negations
        )
        for topic, matches in topics:
            for match in _in(sent, matches):
                own = _before(reader, match, first_person, _FIRST_PERSON_WINDOW, sent.start)
                if how_to:
                    own = _before(reader, match, possessives, _MARKER_WINDOW, sent.start)
                if topic == "account" and not words & account_problems:
                    continue
                if own and matches is strong:
                    return topic  # a refund, a charge, a bill: a matter in itself
                if topic == "order" and _before(
                    reader, match, negations, _MARKER_WINDOW, sent.start
                ):
                    return topic  # "no expected delivery date", "still no shipping info"
                if own and trouble:
                    return topic
    return None


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    reader = _Reader(analysis.doc, ctx.data, analysis.language, analysis.model)
    if ctx.enabled("card-number"):
        yield from _card_findings(analysis, ctx)
    if ctx.enabled("secret-request"):
        yield from _secret_findings(analysis, ctx, reader)
    if analysis.channel != "public":
        return

    if ctx.enabled("personal-data"):
        data = [d for d in _personal_data(analysis, ctx, analysis.text) if d.kind != "card"]
        for item in data:
            kind = ctx.message(f"kind_{item.kind}")
            yield _data_finding(ctx, item, ctx.message("personal_data", kind=kind), "personal-data")

    private = _offers_private_channel(reader, analysis)
    asks = list(_public_asks(analysis, ctx, reader, private))
    yield from asks
    if private or asks:
        return

    own = _own_matter(analysis, ctx, reader)
    if own is not None:
        match, topic = own
        yield ctx.finding(
            match.start,
            match.end,
            ctx.message("own_matter", topic=ctx.message(f"topic_{topic}")),
            check="own-matter",
        )
        return

    start, end = analysis.body_span
    raised = _incoming_matter(analysis, ctx)
    if raised is not None:
        message = ctx.message("incoming_matter", topic=ctx.message(f"topic_{raised}"))
    elif analysis.reply.incoming and _personal_data(analysis, ctx, analysis.reply.incoming):
        message = ctx.message("incoming_data")
    else:
        return
    yield ctx.finding(start, end, message, check="incoming-matter")


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("sensitive-in-private", check)]
