"""`no-marketing-spam`: a reply is not an ad.

Flags promotional phrases (calls to buy, offers, newsletter / follow pitches,
upsell), invitations next to offer words ("check out the promos"), sign-up and upgrade
pitches, discounts ("20% off", "-20 %"), promo codes ("use code SAVE20"), campaign
links (`utm_` parameters) and "!!" runs beside them. An offer is not flagged when the
incoming message (or a saved reply's `faq`) asked about prices, promotions, codes or
offers (a complaint about a charge is no such question), nor a code given as goodwill
for the customer's problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from replylint.builtin.incoming_gate import incoming_may_hold
from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, data_strings, data_words
from replylint.text.analysis import Analysis
from replylint.text.derived import derived
from replylint.text.nlp import pipeline, process
from replylint.text.phrases import PhraseMatch, PhraseTable, data_phrase_list, data_phrase_table
from replylint.text.token_arrays import token_lowers

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_PHRASE_LISTS = ("buy", "offer", "subscribe", "upsell")
# A first word and the second it needs within `_PAIR_REACH` tokens after it
# ("signing up for our Click 'N Save emails").
_PAIRS = (
    ("pitch_verb", "offer_noun", "invite"),
    ("sale_noun", "announce_verb", "announce"),
    ("signup_verb", "signup_object", "signup"),
    ("upgrade_verb", "paid_tier", "upgrade"),
)
_PAIR_REACH = 7
# Pairs whose first word invites: reported in the past, it pitches nothing.
_INVITED_KINDS = frozenset({"signup", "upgrade"})
_WISH_REACH = 4  # "hope you can [soon] snag"
_ANNOUNCE_REACH = 3  # "sale starts", "promos de Noël démarrent" (no punctuation between)
_OWNER_REACH = 4  # "our [Boxing Day] sale"
_LINE_REACH = 4  # "our new [autumn] range"
_AMOUNT_REACH = 3  # "get £5 off your next", "5 € de réduction sur votre prochaine"
# What can explain a promotion: read only in a reply that has one.
_CONTEXT_LISTS = ("own_matter", "private_channel", "goodwill", "apology", "help_words")
# The parts of a sales pitch worded without an offer word, by family.
_PITCH_FAMILIES = ("call_to_act", "urgency", "novelty", "bait", "pitch_opener")
# What every pitch holds (novelty or bait) is matched with the other lists; the rest of
# a pitch's parts ("and", "now", "only" are everywhere) only in a reply that has some.
_PITCH_CORE_LISTS = ("novelty", "bait", "gift", "free_word", "currency_signs")
_PITCH_PART_LISTS = (
    "call_to_act",
    "urgency",
    "pitch_opener",
    "clause_links",
    "infinitive_markers",
    "free_object",
    "price_lead",
    "price_period",
    "product_lines",
)
_LISTS = (
    *_PHRASE_LISTS,
    *(k for first, second, _ in _PAIRS for k in (first, second)),
    *_PITCH_CORE_LISTS,
)
# The lists of which one word may be the start of a promotion (see `_listed`).
_ALONE_LISTS = frozenset((*_PHRASE_LISTS, *_PITCH_CORE_LISTS))
# Kinds of promotion that an offer question or a goodwill gesture can explain.
_OFFER_KINDS = frozenset(
    {
        "offer",
        "upsell",
        "invite",
        "announce",
        "signup",
        "upgrade",
        "discount",
        "code",
        "buy",
        "pitch",
    }
)
# Kinds an apology in the same sentence turns into compensation ("Sorry! Here's 10% off").
_COMPENSATION_KINDS = frozenset({"discount", "code", "pitch"})
# A pitch needs this many families, one of them what it puts forward (new or bait).
_PITCH_MIN_FAMILIES = 2
_PITCH_CORE = frozenset({"novelty", "bait"})
# The other families, found with the part lists of the same names.
_PITCH_PART_FAMILIES = frozenset({"call_to_act", "urgency", "pitch_opener"})
# A pitch of these families only announces a new product line ("Our new autumn range
# is here!"): news that may answer a customer's question about it.
_LAUNCH_FAMILIES = frozenset({"launch", "novelty", "pitch_opener"})
# How near a freebie's word and its object stand ("free delivery", "livraison offerte"),
# and a price's lead or period its amount ("now only £49", "29 € par mois").
_FREE_REACH = 3
_PRICE_REACH = 2
_SHOUTING = re.compile(r"!{2,}")
# Quoted words in messages are cut to this many characters.
_QUOTE_CHARS = 60
_SIGNS = "-−–+"
# How far a discount word may stand from the percentage: "20 % de réduction", "save up to 30%".
_DISCOUNT_AFTER = 2
_DISCOUNT_BEFORE = 3


@dataclass(frozen=True)
class Promo:
    start: int  # character offsets of the promotional words
    end: int
    token: int  # a token inside, to find its sentence
    kind: str  # the list or detector that found it
    # What it offers (character spans): "Rewards" in "sign up for Rewards", the bait
    # and novelty of a pitch; a customer who named it asked about it.
    offered: tuple[tuple[int, int], ...] = ()


class _Tables:
    """What every reply reads from the rule's data for one language, made once and
    found with one lookup (not one per table and word list)."""

    def __init__(self, ctx: RuleContext, language: str, model: str | None) -> None:
        data = ctx.data
        form_keys = derived(data, ("spam form lists", _LISTS), _form_keys, ctx, _LISTS)
        # Read on every reply: matched in the pass shared with the other rules.
        self.lists = data_phrase_table(
            data, _LISTS, language, model, form_keys=form_keys, shared=True
        )
        self.percent_starts = _starts(data, "percent_words")
        self.code_words = data_words(data, "code_words")


def _tables(analysis: Analysis, ctx: RuleContext) -> _Tables:
    key = ("spam tables", analysis.language, analysis.model)
    return derived(ctx.data, key, _Tables, ctx, analysis.language, analysis.model)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    tables = _tables(analysis, ctx)
    doc, lists = analysis.doc, tables.lists
    # Most replies hold no word of any list, or half a pair: set tests and one lemma
    # pass say so.
    in_reach = lists.lists_in_reach(doc, analysis.lower_tokens)
    matches = lists.find(doc) if _may_promote(in_reach) else {}
    if matches:
        matches = _as_written(analysis, ctx, matches)
    promos = _promos(analysis, ctx, matches, tables)
    if not promos:  # most replies: only a campaign link can be left to flag
        if analysis.urls:
            yield from _campaign_links(analysis, ctx, [])
        return
    promos.sort(key=lambda p: p.start)
    promos = _unexplained(analysis, ctx, matches, promos)
    flagged: list[tuple[int, int]] = []  # sentence spans already flagged
    complained: bool | None = None  # read only when there is something to say
    for sentence, group in _by_sentence(analysis.doc, promos):
        start, end = _clip(analysis, sentence)
        flagged.append((start, end))
        first = group[0]
        phrase = _quote(analysis.text[first.start : first.end])
        if complained is None:
            complained = _complained_about_charge(analysis, ctx)
        # After "I was charged twice", say why the offer is still unsolicited.
        key = "promo_after_complaint" if complained and first.kind in _OFFER_KINDS else "promo"
        fixes = []
        if _words_outside(analysis, start, end):
            fixes.append(Fix(ctx.message("fix_sentence"), (_remove(analysis.text, start, end),)))
        yield ctx.finding(
            group[0].start,
            max(p.end for p in group),
            ctx.message(key, kind=ctx.message(f"kind_{first.kind}"), phrase=phrase),
            fixes=fixes,
            check="promotion",
        )
    yield from _campaign_links(analysis, ctx, flagged)
    if promos:
        yield from _shouting(analysis, ctx)


def _as_written(
    analysis: Analysis, ctx: RuleContext, matches: dict[str, list[PhraseMatch]]
) -> dict[str, list[PhraseMatch]]:
    """`matches` without those where a word that names an offer only as written
    ("soldes") stands in another form ("le solde", a balance)."""
    words = data_words(ctx.data, "form_only_words")
    if not words:
        return matches
    text = analysis.text
    kept: dict[str, list[PhraseMatch]] = {}
    for key, found in matches.items():
        kept[key] = [
            m
            for m in found
            if not any(
                w in m.phrase.lower().split() and w not in text[m.start : m.end].lower().split()
                for w in words
            )
        ]
    return kept


def _may_promote(lists: set[str]) -> bool:
    """Can matches of these lists make a promotion? A phrase list's or a pitch's core
    word can alone, a pair's word only with the other."""
    if not lists:
        return False
    if not lists.isdisjoint(_ALONE_LISTS):
        return True
    return any(first in lists and second in lists for first, second, _ in _PAIRS)


def _matches(
    analysis: Analysis, ctx: RuleContext, keys: tuple[str, ...]
) -> dict[str, list[PhraseMatch]]:
    """Every list of `keys`, matched as its [lists] declaration says."""
    return _table(analysis, ctx, keys).find(analysis.doc)


def _table(analysis: Analysis, ctx: RuleContext, keys: tuple[str, ...]) -> PhraseTable:
    """The lists of `keys`, each to match as its [lists] declaration says."""
    data, lang, model = ctx.data, analysis.language, analysis.model
    form_keys = derived(data, ("spam form lists", keys), _form_keys, ctx, keys)
    return data_phrase_table(data, keys, lang, model, form_keys=form_keys)


def _form_keys(ctx: RuleContext, keys: tuple[str, ...]) -> frozenset[str]:
    """The lists that match by word form only (the others by lemma too)."""
    return frozenset(k for k in keys if ctx.list_kind(k) == "form")


def _unexplained(
    analysis: Analysis,
    ctx: RuleContext,
    matches: Mapping[str, list[PhraseMatch]],
    promos: list[Promo],
) -> list[Promo]:
    """The promotions that are not explained by the customer's question, a goodwill
    gesture, a private message or the customer's own things."""
    doc = analysis.doc
    matches = {**matches, **_matches(analysis, ctx, _CONTEXT_LISTS)}

    def in_sentence(key: str, sent: Span) -> bool:
        return any(sent.start <= m.token_start < sent.end for m in matches.get(key, ()))

    own_starts = {m.token_start for m in matches.get("own_matter", ())}
    # Read (the message's doc built) only for a promotion that offers something.
    echoed: frozenset[str] | None = None
    kept = []
    for promo in promos:
        sent = doc[promo.token].sent  # every kind reads it (made once: a Span each time)
        if promo.kind == "subscribe":
            if in_sentence("private_channel", sent):
                continue  # "follow us so we can DM you"
            end = doc.char_span(promo.start, promo.end, alignment_mode="expand")
            if end is not None and own_starts & set(range(end.end, end.end + 2)):
                continue  # "so you don't miss out on your saved playlists"
            # "How do I hear about class cancellations?" -> "Follow us so you never miss
            # a class change": what is not to be missed is what the customer asked about.
            if echoed is None:
                echoed = _customer_words(analysis, ctx)
            told = replace(promo, offered=((promo.end, sent.end_char),))
            if echoed and _echoes(analysis, told, echoed):
                continue
        elif promo.kind in _OFFER_KINDS and in_sentence("goodwill", sent):
            continue  # a code for this customer's trouble: compensation
        elif promo.kind in _OFFER_KINDS and _asks_customer_about(analysis, ctx, promo, sent):
            continue  # "Which promo code did you use?": a question about theirs
        elif promo.kind in _COMPENSATION_KINDS and in_sentence("apology", sent):
            continue  # "Sorry for the wait: here's 10% off with code SORRY10"
        elif promo.kind == "pitch" and _gift_after_apology(matches, promo):
            continue  # "So sorry about the jug! … your next smoothie is on us"
        elif promo.kind == "launch" and "?" in analysis.incoming_text:
            continue  # "Is the pumpkin latte back?" -> "Yes, our new autumn menu is here"
        if promo.kind == "buy" and _asked_how_to_buy(analysis, ctx):
            continue  # "Can I get it on the store?" -> "Pre-order it on the UK site"
        if _help_link(analysis, matches, promo, sent):
            continue  # "Have a discount code? Learn how to redeem it here: <link>"
        if promo.offered:
            if echoed is None:
                echoed = _customer_words(analysis, ctx)
            if echoed and _echoes(analysis, promo, echoed):
                continue  # "Can kids sign up for Rewards?" -> "Yes, they can sign up for Rewards"
        kept.append(promo)
    if kept and any(p.kind in _OFFER_KINDS for p in kept) and _asked_about_offers(analysis, ctx):
        kept = [p for p in kept if p.kind not in _OFFER_KINDS]
    return kept


def _asks_customer_about(analysis: Analysis, ctx: RuleContext, promo: Promo, sent: Span) -> bool:
    """Is the offer word in a question that asks the customer about theirs ("Which promo
    code did you use?", "Quel est votre code promo ?"): a question with no amount or
    code value in it (those pitch one: "Want 20% off? Use SAVE20?"), no "our" and no
    pitch opener?"""
    said = analysis.text[sent.start_char : sent.end_char].rstrip()
    if not said.endswith(("?", "？")) or any(c.isdigit() for c in said):
        return False
    owners = data_words(ctx.data, "team_possessives")
    if _word_before(analysis.doc, promo.token, owners, _OWNER_REACH):
        return False
    # "Did you know we have an exclusive offer?": a pitch opener makes it one.
    openers = _matches(analysis, ctx, ("pitch_opener",))["pitch_opener"]
    return not any(sent.start <= m.token_start < sent.end for m in openers)


def _gift_after_apology(matches: Mapping[str, list[PhraseMatch]], promo: Promo) -> bool:
    """A pitch whose bait is a gift, after an apology anywhere before it: the gift makes
    up for this customer's trouble (a sale pitched after an apology is still a pitch)."""
    gifts = [(m.start, m.end) for m in matches.get("gift", ())]
    if not any(s < end and start < e for s, e in gifts for start, end in promo.offered):
        return False
    return any(m.start < promo.start for m in matches.get("apology", ()))


def _customer_words(analysis: Analysis, ctx: RuleContext) -> frozenset[str]:
    """The content words (lemmas) of the incoming message, outside its complaints about
    a charge: a reply that takes up the customer's own words answers them."""
    doc = analysis.incoming_doc
    if doc is None:
        return frozenset()
    keys = ("charge_complaint", "attribute_compounds")
    found = data_phrase_table(ctx.data, keys, analysis.language, analysis.model).find(doc)
    complaints = {doc[m.token_start].sent.start for m in found["charge_complaint"]}
    # "Is it fragrance free?": its "free" is no offer the reply could take up.
    compounds = _compound_tokens(found, token_lowers(doc), data_words(ctx.data, "free_word"))
    return frozenset(
        t.lemma_.lower()
        for sent in doc.sents
        if sent.start not in complaints
        for t in sent
        if _content_word(t) and t.i not in compounds
    )


def _content_word(token: Token) -> bool:
    return token.is_alpha and not token.is_stop and len(token.text) >= 3


def _echoes(analysis: Analysis, promo: Promo, words: frozenset[str]) -> bool:
    """Does what the promotion offers take up a content word of the customer's message?"""
    for start, end in promo.offered:
        span = analysis.doc.char_span(start, end, alignment_mode="expand")
        if span is not None and any(_content_word(t) and t.lemma_.lower() in words for t in span):
            return True
    return False


def _help_link(
    analysis: Analysis, matches: Mapping[str, list[PhraseMatch]], promo: Promo, sent: Span
) -> bool:
    """Is the promotion's sentence `sent`, or the next one, a help link ("learn how to
    redeem it here: <link>")? A code or offer named there is the topic of the help."""
    if not analysis.urls or promo.kind == "pitch":
        return False
    end = sent.end
    if end < len(analysis.doc):
        end = analysis.doc[end].sent.end  # and the next sentence
    start_char, end_char = sent.start_char, analysis.doc[end - 1].idx + len(analysis.doc[end - 1])
    has_link = any(start_char <= s < end_char for s, _ in analysis.urls)
    helps = any(sent.start <= m.token_start < end for m in matches.get("help_words", ()))
    return has_link and helps


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1].rstrip() + "…"


def _complained_about_charge(analysis: Analysis, ctx: RuleContext) -> bool:
    """Does the customer's message complain about a charge, a bill or a subscription?"""
    if not incoming_may_hold(analysis, ctx, ("charge_complaint",)):
        return False  # no such phrase can be in it: its doc need not be built
    doc = analysis.incoming_doc
    if doc is None:
        return False
    table = data_phrase_table(ctx.data, ("charge_complaint",), analysis.language, analysis.model)
    return bool(table.find(doc)["charge_complaint"])


def _asked_how_to_buy(analysis: Analysis, ctx: RuleContext) -> bool:
    """Did the customer ask, in a question, how or where to get the product?"""
    if "?" not in analysis.incoming_text or not incoming_may_hold(
        analysis, ctx, ("purchase_question",)
    ):
        return False  # no question, or no purchase phrase: its doc need not be built
    doc = analysis.incoming_doc
    if doc is None:
        return False
    table = data_phrase_list(ctx.data, "purchase_question", analysis.language, analysis.model)
    return any(doc[m.token_start].sent.text.rstrip().endswith("?") for m in table.find(doc))


def _asked_about_offers(analysis: Analysis, ctx: RuleContext) -> bool:
    """Did the customer's message (or, for a saved reply without one, its `faq`) ask
    about prices, promotions, codes or offers, other than in a complaint about a charge?"""
    data, lang, model = ctx.data, analysis.language, analysis.model
    table = data_phrase_table(
        data, ("asked", "charge_complaint", "attribute_compounds"), lang, model
    )
    owners = data_words(data, "complainants")
    free = data_words(data, "free_word")
    if analysis.incoming_text:
        # Only an "asked" phrase asks: the doc is built only when one can be in it.
        if not incoming_may_hold(analysis, ctx, ("asked",)):
            return False
        doc = analysis.incoming_doc
        return doc is not None and _asks_about_offers(table, owners, free, doc)
    return any(
        _faq_asks_about_offers(table, owners, free, lang, model, q) for q in analysis.reply.faq
    )


def _asks_about_offers(
    table: PhraseTable, owners: frozenset[str], free: frozenset[str], doc: Doc
) -> bool:
    found = table.find(doc)
    # A complaint is about the writer's own charge ("I was charged", "mon abonnement");
    # "how much is the annual subscription?" asks a price.
    lowers = token_lowers(doc)
    complaints = {
        sent.start
        for sent in {doc[m.token_start].sent for m in found["charge_complaint"]}
        if not owners.isdisjoint(lowers[sent.start : sent.end])
    }
    compounds = _compound_tokens(found, lowers, free)
    return any(
        doc[m.token_start].sent.start not in complaints and m.token_start not in compounds
        for m in found["asked"]
    )


def _compound_tokens(
    found: Mapping[str, Sequence[PhraseMatch]], lowers: list[str], free: frozenset[str]
) -> set[int]:
    """The tokens of what a product is made without ("fragrance free", "gluten-free"):
    no price asked about. "X-free" is one whatever X is; "is it free?" or "free
    shipping" are not."""
    compounds = {i for m in found["attribute_compounds"] for i in range(m.token_start, m.token_end)}
    compounds.update(i for i in range(1, len(lowers)) if lowers[i] in free and lowers[i - 1] == "-")
    return compounds


@lru_cache(maxsize=4096)
def _faq_asks_about_offers(
    table: PhraseTable,
    owners: frozenset[str],
    free: frozenset[str],
    language: str,
    model: str | None,
    question: str,
) -> bool:
    """`_asks_about_offers` for a `faq` question, read once: a saved reply comes back,
    with its questions, on every ticket it answers."""
    return _asks_about_offers(table, owners, free, process(pipeline(language, model), question))


def _promos(
    analysis: Analysis,
    ctx: RuleContext,
    matches: Mapping[str, list[PhraseMatch]],
    tables: _Tables,
) -> list[Promo]:
    promos: list[Promo] = []
    if any(matches.values()):  # most replies hold no word of any list
        promos.extend(_listed(analysis, ctx, matches))
    # Both need one of their words among the reply's tokens (a percent sign or word, a
    # code word): most replies have neither, and their tokens need not be read.
    present = analysis.lower_tokens  # cached per reply; other rules read it too
    percent = tables.percent_starts
    if "" in percent or not percent.isdisjoint(present):
        lowers = token_lowers(analysis.doc)
        promos.extend(_discounts(analysis.doc, lowers, ctx.data, percent))
    if not tables.code_words.isdisjoint(present):
        promos.extend(_codes(analysis.doc, token_lowers(analysis.doc), ctx.data))
    if matches.get("currency_signs"):
        promos.extend(
            _amount_discounts(
                analysis.doc,
                data_words(ctx.data, "discount_words"),
                data_words(ctx.data, "amount_offer_words"),
            )
        )
    return promos


def _amount_discounts(
    doc: Doc, discount: frozenset[str], offered: frozenset[str]
) -> Iterator[Promo]:
    """An amount off offered: "get £5 off your next order", "5 € de réduction sur
    votre prochaine commande" (a sign, a number, a discount word, and an offer word
    just before or after: "we refunded £5 off the total" states a bill, offers
    nothing). Percentages are `_discounts`'."""
    for token in doc:
        if not token.is_currency:
            continue
        i = token.i
        if i + 1 < len(doc) and doc[i + 1].like_num:
            number, end = doc[i + 1], i + 2  # "£5"
        elif i > 0 and doc[i - 1].like_num:
            number, end = doc[i - 1], i + 1  # "5 €"
        else:
            continue
        for width in (1, 2):  # "off", "de réduction"
            words = doc[end : end + width]
            if len(words) == width and " ".join(t.lower_ for t in words) in discount:
                first = min(token.i, number.i)
                near = doc[max(0, first - _AMOUNT_REACH) : end + width + _AMOUNT_REACH]
                if any(t.lower_ in offered for t in near):
                    last = words[-1]
                    yield Promo(doc[first].idx, last.idx + len(last.text), first, "discount")
                break


def _listed(
    analysis: Analysis, ctx: RuleContext, matches: Mapping[str, list[PhraseMatch]]
) -> Iterator[Promo]:
    """Promotions made of list words: phrases, pairs and pitches."""
    # The doc, not `Analysis.tokens`: the few tokens read here cost less one by one
    # than a Token object for every token of the reply.
    tokens = analysis.doc
    for key in _PHRASE_LISTS:
        for m in matches.get(key, ()):
            # A call to buy opens its clause: "Pre-order now", not "your pre-order".
            if key == "buy" and not _opens_clause(tokens, m.token_start):
                continue
            yield Promo(m.start, m.end, m.token_start, key)
    wishes = data_words(ctx.data, "wish_words")
    owners = data_words(ctx.data, "team_possessives")
    breaks = data_words(ctx.data, "announce_breaks")
    inviting = {
        kind: data_words(ctx.data, first) for first, _, kind in _PAIRS if kind in _INVITED_KINDS
    }
    for first, second, kind in _PAIRS:
        seconds = matches.get(second, ())
        # An announcement's verb is the sale's own, close after it with no punctuation
        # between: "our sale starts", "nos promos de Noël démarrent" (not "…our promo,
        # but it'll be back on tomorrow").
        pair_reach = _ANNOUNCE_REACH if kind == "announce" else _PAIR_REACH
        for m in matches.get(first, ()):
            reach = m.token_end + pair_reach
            other = next((o for o in seconds if m.token_end <= o.token_start <= reach), None)
            if other is None or not _same_sentence(tokens, m.token_start, other.token_start):
                continue
            # "the date you first subscribed; you'll get a reminder email": a sign-up or
            # upgrade reported, not invited (an invitation is a base form or a listed
            # imperative: "sign up", "join", "inscrivez-vous").
            if kind in _INVITED_KINDS and _reported(
                tokens[m.token_start], analysis.text[m.start : m.end].lower(), inviting[kind]
            ):
                continue
            # "Hope you can snag a great deal soon!": a wish for the customer, not an
            # invitation to an offer.
            if kind == "invite" and _word_before(tokens, m.token_start, wishes, _WISH_REACH):
                continue
            # "Our Boxing Day sale starts at midnight": the team's own sale announced
            # ("when the sale ends" in a returns answer names no sale of theirs).
            if kind == "announce" and (
                not _word_before(tokens, m.token_start, owners, _OWNER_REACH)
                or any(
                    t.is_punct or t.lower_ in breaks
                    for t in tokens[m.token_end : other.token_start]
                )
            ):
                continue
            offered = ((other.start, other.end),)
            yield Promo(m.start, other.end, m.token_start, kind, offered)
    yield from _pitches(analysis, ctx, matches)


def _reported(verb: Token, words: str, listed: frozenset[str]) -> bool:
    """Is the verb inflected ("subscribed", "joined", "inscrit") rather than a base
    form or a listed form ("subscribe", "signing up", "passez à")? `words`: the
    matched words."""
    return verb.lower_ != verb.lemma_.lower() and words not in listed


def _new_line(novelties: Sequence[tuple[int, int, int]], lines: Sequence[PhraseMatch]) -> bool:
    """Does a product line follow a novelty within a few words ("our new autumn
    range", "notre nouvelle gamme de printemps")?"""
    return any(
        0 < line.token_start - token <= _LINE_REACH for _, _, token in novelties for line in lines
    )


def _word_before(tokens: Doc, at: int, words: frozenset[str], reach: int) -> bool:
    """Does one of `words` stand within `reach` words before `at`, in its sentence
    ("hope you can [snag]", "our [Boxing Day] sale")?"""
    if tokens[at].is_sent_start:
        return False
    for i in range(at - 1, max(-1, at - reach - 1), -1):
        if tokens[i].lower_ in words:
            return True
        if tokens[i].is_sent_start:
            return False
    return False


def _pitches(
    analysis: Analysis, ctx: RuleContext, core: Mapping[str, list[PhraseMatch]]
) -> Iterator[Promo]:
    """Sales pitches worded without an offer word: "Our new fibre plans are live,
    switch today!", "Book by June 30 and earn double miles!". A sentence is one when
    it holds parts of two families, one of them novelty or bait."""
    # Every pitch has novelty or bait: without a word of either (or a price: a lead or
    # period word and a currency sign), nothing to read.
    priced = bool(core.get("currency_signs"))
    if not (
        priced
        or core.get("novelty")
        or core.get("bait")
        or core.get("gift")
        or core.get("free_word")
    ):
        return
    part_table = _table(analysis, ctx, _PITCH_PART_LISTS)
    if not _may_pitch(core, part_table.lists_in_reach(analysis.doc, analysis.lower_tokens)):
        return  # most replies with a free word or an amount: the parts need not be read
    matches = {**core, **part_table.find(analysis.doc)}
    tokens = analysis.doc
    links = {m.token_start for m in matches.get("clause_links", ())}
    # "Don't forget to check out…", "Pensez à découvrir…": the opener's infinitive.
    markers = {m.token_start for m in matches.get("infinitive_markers", ())}
    opened = {m.token_end for m in matches.get("pitch_opener", ())}
    opened |= {end + 1 for end in opened if end in markers}
    parts: dict[int, dict[str, list[tuple[int, int, int]]]] = {}  # sentence -> family -> spans

    def add(family: str, start: int, end: int, token: int) -> None:
        sentence = tokens[token].sent.start
        parts.setdefault(sentence, {}).setdefault(family, []).append((start, end, token))

    for family in _PITCH_FAMILIES:
        for m in matches.get(family, ()):
            # "open until 8pm": a time of day after it gives opening hours, not a
            # deadline ("until Sunday", "until midnight" stay urgent).
            if family == "urgency" and _time_of_day_at(tokens, m.token_end):
                continue
            # A call to act opens its clause: "Switch today", "...and get", not "you can get".
            if family == "call_to_act" and not (
                _opens_clause(tokens, m.token_start)
                or m.token_start - 1 in links
                or m.token_start in opened
            ):
                continue
            add(family, m.start, m.end, m.token_start)
    for m in matches.get("gift", ()):
        add("bait", m.start, m.end, m.token_start)
    # "Our new autumn range is here", "notre nouvelle gamme arrive lundi": a product
    # line announced is a launch, a pitch beside the novelty of its sentence.
    for line in matches.get("product_lines", ()):
        for verb in matches.get("announce_verb", ()):
            if 0 <= verb.token_start - line.token_end < _ANNOUNCE_REACH:
                add("launch", verb.start, verb.end, verb.token_start)
    for start, end, token in _freebies(tokens, matches):
        add("bait", start, end, token)
    if priced:
        for start, end, token in _prices(tokens, matches):
            add("bait", start, end, token)
        for start, end, token in _free_amounts(tokens, matches):
            add("bait", start, end, token)
    if not any(_PITCH_CORE & families.keys() for families in parts.values()):
        return  # a pitch's sentence puts something new or some bait forward
    # "Great news! We're bringing faster speeds to...": an opener standing alone sets
    # up the pitch of the next sentence.
    # (It counts there, but the finding and its fix stay in the pitch's sentence.)
    carried: set[int] = set()
    # "Have you tried our new plan? It's only £5 a month.": news made a pitch by the
    # bait of the next sentence.
    baited: set[int] = set()
    # Only an opener ties two sentences: without one, the sentences need not be read.
    starts = [sent.start for sent in analysis.doc.sents] if matches["pitch_opener"] else []
    for here, after in pairwise(starts):
        if set(parts.get(here, ())) == {"pitch_opener"} and after in parts:
            parts.pop(here)
            carried.add(after)
        elif set(parts.get(here, ())) == {"pitch_opener", "novelty"} and "bait" in parts.get(
            after, ()
        ):
            baited.add(here)
            carried.add(after)
    for sentence, families in parts.items():
        spans = _distinct(families)
        names = spans.keys() | ({"pitch_opener"} if sentence in carried else set())
        # "Good news, the fix is out now" is news: an opener needs bait to pitch,
        # unless what is new is a product line ("Have you seen our new autumn range?").
        weak = (
            names == {"pitch_opener", "novelty"}
            and sentence not in baited
            and not _new_line(families["novelty"], matches.get("product_lines", ()))
        )
        if len(names) >= _PITCH_MIN_FAMILIES and _PITCH_CORE & names and not weak:
            every = [span for family in spans.values() for span in family]
            first = min(every)
            offered = tuple((s, e) for f in _PITCH_CORE for s, e, _ in spans.get(f, ()))
            kind = "launch" if "launch" in names and names <= _LAUNCH_FAMILIES else "pitch"
            yield Promo(first[0], max(e for _, e, _ in every), first[2], kind, offered)


_TIME_OF_DAY = re.compile(r"\d{1,2}(?:[:.h]\d{2})?(?:[ap]\.?m\.?|h)?\Z", re.IGNORECASE)
_DAY_HALVES = frozenset({"am", "pm", "a.m.", "p.m.", "h"})


def _time_of_day_at(tokens: Doc, i: int) -> bool:
    """Is token `i` a time of day: "8pm", "8 pm", "20h", "20 h", "17:30"?"""
    if i >= len(tokens):
        return False
    text = tokens[i].text
    if not text[:1].isdigit() or not _TIME_OF_DAY.match(text):
        return False
    if not text.isdigit():
        return True  # "8pm", "17:30", "20h": the number says it is a time
    following = tokens[i + 1].lower_ if i + 1 < len(tokens) else ""
    return following in _DAY_HALVES


def _may_pitch(core: Mapping[str, list[PhraseMatch]], parts: set[str]) -> bool:
    """Can a sentence hold parts of two families, one of them novelty or bait, with
    these core matches and these part lists in reach? Bait is a bait word, a freebie
    (a free word and its object), a price (an amount and its lead or period) or an
    amount given away (a free word and an amount)."""
    free, priced = bool(core.get("free_word")), bool(core.get("currency_signs"))
    bait = (
        bool(core.get("bait"))
        or bool(core.get("gift"))
        or (free and (priced or "free_object" in parts))
        or (priced and not parts.isdisjoint(("price_lead", "price_period")))
    )
    novelty = bool(core.get("novelty"))
    launch = novelty and bool(core.get("announce_verb")) and "product_lines" in parts
    families = bait + novelty + launch + len(_PITCH_PART_FAMILIES & parts)
    return (bait or novelty) and families >= _PITCH_MIN_FAMILIES


def _distinct(
    families: Mapping[str, list[tuple[int, int, int]]],
) -> dict[str, list[tuple[int, int, int]]]:
    """Each family's spans that no other family already holds: one phrase ("pensez à")
    is one part of a pitch, whatever lists hold it."""
    taken: list[tuple[int, int]] = []
    result: dict[str, list[tuple[int, int, int]]] = {}
    for family in sorted(families, key=lambda f: f not in _PITCH_CORE):
        kept = [
            span
            for span in families[family]
            if not any(span[0] < e and s < span[1] for s, e in taken)
        ]
        if kept:
            result[family] = kept
            taken.extend((s, e) for s, e, _ in kept)
    return result


def _freebies(
    tokens: Doc, matches: Mapping[str, list[PhraseMatch]]
) -> Iterator[tuple[int, int, int]]:
    """ "free delivery", "la livraison est gratuite": a free word beside what is free."""
    objects = matches.get("free_object", ())
    for word in matches.get("free_word", ()):
        for obj in objects:
            gap = max(obj.token_start - word.token_end, word.token_start - obj.token_end)
            if gap < _FREE_REACH and _same_sentence(
                tokens,
                min(word.token_start, obj.token_start),
                max(word.token_start, obj.token_start),
            ):
                yield min(word.start, obj.start), max(word.end, obj.end), word.token_start
                break


def _free_amounts(
    tokens: Doc, matches: Mapping[str, list[PhraseMatch]]
) -> Iterator[tuple[int, int, int]]:
    """ "10 € offerts", "a free $20 voucher": an amount of money given away."""
    free_words = matches.get("free_word", ())
    if not free_words:
        return
    for first, last in _amounts(tokens, matches.get("currency_signs", ())):
        for word in free_words:
            if word.token_start == last + 1 or word.token_end == first:
                start = min(word.start, tokens[first].idx)
                end = max(word.end, tokens[last].idx + len(tokens[last].text))
                yield start, end, first
                break


def _prices(
    tokens: Doc, matches: Mapping[str, list[PhraseMatch]]
) -> Iterator[tuple[int, int, int]]:
    """ "now only £49", "à seulement 29 € par mois", "save up to £120": an amount of
    money put forward as a price, not a sum on the customer's bill."""
    leads = matches.get("price_lead", ())
    periods = matches.get("price_period", ())
    if not (leads or periods):
        return
    for first, last in _amounts(tokens, matches.get("currency_signs", ())):
        lead = next(
            (
                m
                for m in leads
                if 0 <= first - m.token_end <= _PRICE_REACH
                and _same_sentence(tokens, m.token_start, first)
            ),
            None,
        )
        period = next(
            (
                m
                for m in periods
                if 0 <= m.token_start - last - 1 <= _PRICE_REACH
                and _same_sentence(tokens, last, m.token_start)
            ),
            None,
        )
        if lead is None and period is None:
            continue
        start = lead.start if lead is not None else tokens[first].idx
        end = period.end if period is not None else tokens[last].idx + len(tokens[last].text)
        yield start, end, first


def _amounts(tokens: Doc, signs: Sequence[PhraseMatch]) -> Iterator[tuple[int, int]]:
    """Token ranges (first, last) of money amounts: a currency sign beside a number."""
    for sign in signs:
        i = sign.token_start
        if i + 1 < len(tokens) and tokens[i + 1].like_num:
            yield i, i + 1  # "£49"
        elif i > 0 and tokens[i - 1].like_num:
            yield i - 1, i  # "29 €"


def _opens_clause(tokens: Doc, i: int) -> bool:
    """Does token `i` start its sentence or follow punctuation or an @mention?"""
    if i == 0 or tokens[i].is_sent_start:
        return True
    before = tokens[i - 1]
    return before.is_punct or before.text[:1] in "@＠"


def _same_sentence(tokens: Doc, a: int, b: int) -> bool:
    return not any(tokens[i].is_sent_start for i in range(a + 1, b + 1))


def _starts(data: Mapping[str, object], key: str) -> frozenset[str]:
    """The first word of each phrase of the list `key`, lower-cased ("" for an empty
    one)."""
    return frozenset((p.lower().split() or [""])[0] for p in data_strings(data, key))


def _positions(lowers: list[str], words: frozenset[str]) -> list[int]:
    """The token indexes whose lower-case form is one of `words`, in text order."""
    if words.isdisjoint(lowers):  # in C: most texts with "per" have no "%" token
        return []
    return [i for i, lower in enumerate(lowers) if lower in words]


def _discounts(
    doc: Doc, lowers: list[str], data: Mapping[str, object], starts: frozenset[str]
) -> Iterator[Promo]:
    """ "20% off", "save 30 percent", "-20 %", "20 % de réduction"."""
    percent = derived(data, "spam percent phrases", _word_tuples, data, "percent_words")
    discount = data_words(data, "discount_words")
    # Only a token before a percent sign or word can be the amount: read those alone
    # (an empty percent phrase follows any token).
    signs = range(1, len(doc) + 1) if "" in starts else _positions(lowers, starts)
    for sign in signs:
        if sign == 0:
            continue
        token = doc[sign - 1]
        number = token.text.lstrip(_SIGNS)
        if not number or not (
            token.like_num or number.replace(",", ".").replace(".", "").isdigit()
        ):
            continue
        after = _percent_end(doc, token.i + 1, percent)
        if after is None:
            continue
        signed = token.text[0] in _SIGNS or (token.i > 0 and doc[token.i - 1].text in _SIGNS)
        before = [
            t for t in doc[max(token.i - _DISCOUNT_BEFORE, 0) : token.i] if t.lower_ in discount
        ]
        after_word = [t for t in doc[after : after + _DISCOUNT_AFTER] if t.lower_ in discount]
        if not (signed or before or after_word):
            continue
        # From "save" / the sign to "off" / "réduction": "save up to 30%", "- 30 %".
        first = before[0] if before else token
        if signed and token.text[0] not in _SIGNS and not before:
            first = doc[token.i - 1]
        last = after_word[0] if after_word else doc[after - 1]
        yield Promo(first.idx, last.idx + len(last.text), token.i, "discount")


def _word_tuples(data: Mapping[str, object], key: str) -> frozenset[tuple[str, ...]]:
    """Each phrase of the list `key` as its lower-case words."""
    return frozenset(tuple(p.lower().split()) for p in data_strings(data, key))


def _percent_end(doc: Doc, i: int, percent: frozenset[tuple[str, ...]]) -> int | None:
    """The token index after a percent sign or word starting at `i`, if any."""
    for words in percent:
        end = i + len(words)
        if end <= len(doc) and tuple(t.lower_ for t in doc[i:end]) == words:
            return end
    return None


def _codes(doc: Doc, lowers: list[str], data: Mapping[str, object]) -> Iterator[Promo]:
    """ "use code SAVE20", "avec le code BIENVENUE": a promo code, not "error code E42"."""
    code_words = data_words(data, "code_words")
    verbs = data_words(data, "code_verbs")
    for i in _positions(lowers, code_words):  # the code words alone are read
        token = doc[i]
        if token.lower_ not in code_words or token.i + 1 >= len(doc):
            continue
        code = doc[token.i + 1]
        before = doc[max(token.i - 2, 0) : token.i]
        verb = next((t for t in before if t.lower_ in verbs), None)
        if verb is not None and _looks_like_code(code):
            yield Promo(verb.idx, code.idx + len(code.text), token.i, "code")


def _looks_like_code(token: Token) -> bool:
    text = token.text
    return len(text) >= 4 and text.isalnum() and text.isupper() and any(c.isalpha() for c in text)


def _by_sentence(doc: Doc, promos: Sequence[Promo]) -> Iterator[tuple[Span, list[Promo]]]:
    groups: dict[int, tuple[Span, list[Promo]]] = {}
    for promo in promos:
        sentence = doc[promo.token].sent
        groups.setdefault(sentence.start, (sentence, []))[1].append(promo)
    for key in sorted(groups):
        yield groups[key]


def _clip(analysis: Analysis, sentence: Span) -> tuple[int, int]:
    """The sentence without the leading @mentions or salutation it may start with."""
    start, end = sentence.start_char, sentence.end_char
    if start < analysis.body_start < end:
        start = analysis.body_start
    if start < analysis.body_end < end:
        end = analysis.body_end  # keep the sign-off ("... for more. - Marie")
    text = analysis.text
    start += len(text[start:end]) - len(text[start:end].lstrip())
    return start, end


def _words_outside(analysis: Analysis, start: int, end: int) -> bool:
    """Would the reply still say something without this sentence?"""
    starts = analysis.body_word_starts  # in text order: the first and last tell
    return bool(starts) and (starts[0] < start or starts[-1] >= end)


def _remove(text: str, start: int, end: int) -> Edit:
    """Delete text[start:end] and one side of the space around it, keeping line breaks."""
    before = text[:start].rstrip(" \t")
    if before and not before.endswith("\n"):
        return Edit(len(before), end, "")  # " Shop now!" after a sentence on the same line
    after = end + len(text[end:]) - len(text[end:].lstrip(" \t"))
    if text[after : after + 1] == "\n" and before:
        after += 1  # the sentence was a line of its own
    return Edit(start, after, "")


def _campaign_links(
    analysis: Analysis, ctx: RuleContext, flagged: list[tuple[int, int]]
) -> Iterator[Finding]:
    text = analysis.text
    for start, end in analysis.urls:
        url = text[start:end]
        if "utm_" not in url.lower():
            continue
        if any(s <= start < e for s, e in flagged):
            continue  # the whole promotional sentence is already flagged
        clean = _without_tracking(url)
        fixes = [Fix(ctx.message("fix_link"), (Edit(start, end, clean),))] if clean != url else []
        yield ctx.finding(
            start, end, ctx.message("campaign_link"), fixes=fixes, check="campaign-link"
        )


def _without_tracking(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_")
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _shouting(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    runs = list(_SHOUTING.finditer(analysis.text))
    if len(runs) < 2:
        return
    edits = tuple(Edit(m.start(), m.end(), "!") for m in runs)
    first = runs[0]
    yield ctx.finding(
        first.start(),
        first.end(),
        ctx.message("shouting", count=len(runs)),
        fixes=[Fix(ctx.message("fix_shouting"), edits)],
        check="shouting",
    )


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("no-marketing-spam", check)]
