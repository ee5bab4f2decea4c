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
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, data_strings
from replylint.text.analysis import Analysis
from replylint.text.derived import derived
from replylint.text.nlp import pipeline, process
from replylint.text.phrases import PhraseMatch, data_phrase_table

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_PHRASE_LISTS = ("buy", "offer", "subscribe", "upsell")
# A first word and the second it needs within `_PAIR_REACH` tokens after it
# ("signing up for our Click 'N Save emails").
_PAIRS = (
    ("pitch_verb", "offer_noun"),
    ("signup_verb", "signup_object"),
    ("upgrade_verb", "paid_tier"),
)
_PAIR_REACH = 7
_CONTEXT_LISTS = ("own_matter", "private_channel", "goodwill")
_LISTS = (*_PHRASE_LISTS, *(k for pair in _PAIRS for k in pair), *_CONTEXT_LISTS)
# Kinds of promotion that an offer question or a goodwill gesture can explain.
_OFFER_KINDS = frozenset({"offer", "upsell", "pair", "discount", "code", "buy"})
_SHOUTING = re.compile(r"!{2,}")
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


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    yield from _findings(analysis, ctx)


def _findings(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    data = ctx.data
    matches = _matches(analysis, ctx)
    promos = sorted(_promos(analysis, data, matches), key=lambda p: p.start)
    if promos:
        promos = _unexplained(analysis, ctx, matches, promos)
    flagged: list[tuple[int, int]] = []  # sentence spans already flagged
    for sentence, group in _by_sentence(analysis.doc, promos):
        start, end = _clip(analysis, sentence)
        flagged.append((start, end))
        phrase = analysis.text[group[0].start : group[0].end]
        fixes = []
        if _words_outside(analysis, start, end):
            fixes.append(Fix(ctx.message("fix_sentence"), (_remove(analysis.text, start, end),)))
        yield ctx.finding(
            group[0].start,
            max(p.end for p in group),
            ctx.message("promo", phrase=phrase),
            fixes=fixes,
            check="promotion",
        )
    yield from _campaign_links(analysis, ctx, flagged)
    if promos:
        yield from _shouting(analysis, ctx)


def _matches(analysis: Analysis, ctx: RuleContext) -> dict[str, list[PhraseMatch]]:
    """Every list the rule reads, matched as its [lists] declaration says."""
    data, lang, model = ctx.data, analysis.language, analysis.model
    form_keys = derived(data, "spam form lists", _form_keys, ctx)
    return data_phrase_table(data, _LISTS, lang, model, form_keys=form_keys).find(analysis.doc)


def _form_keys(ctx: RuleContext) -> frozenset[str]:
    """The lists that match by word form only (the others by lemma too)."""
    return frozenset(k for k in _LISTS if ctx.list_kind(k) == "form")


def _unexplained(
    analysis: Analysis,
    ctx: RuleContext,
    matches: Mapping[str, list[PhraseMatch]],
    promos: list[Promo],
) -> list[Promo]:
    """The promotions that are not explained by the customer's question, a goodwill
    gesture, a private message or the customer's own things."""
    doc = analysis.doc
    tokens = analysis.tokens

    def in_sentence(key: str, promo: Promo) -> bool:
        sent = tokens[promo.token].sent
        return any(sent.start <= m.token_start < sent.end for m in matches.get(key, ()))

    own_starts = {m.token_start for m in matches.get("own_matter", ())}
    kept = []
    for promo in promos:
        if promo.kind == "subscribe":
            if in_sentence("private_channel", promo):
                continue  # "follow us so we can DM you"
            end = doc.char_span(promo.start, promo.end, alignment_mode="expand")
            if end is not None and own_starts & set(range(end.end, end.end + 2)):
                continue  # "so you don't miss out on your saved playlists"
        elif promo.kind in _OFFER_KINDS and in_sentence("goodwill", promo):
            continue  # a code for this customer's trouble: compensation
        kept.append(promo)
    if kept and any(p.kind in _OFFER_KINDS for p in kept) and _asked_about_offers(analysis, ctx):
        kept = [p for p in kept if p.kind not in _OFFER_KINDS]
    return kept


def _asked_about_offers(analysis: Analysis, ctx: RuleContext) -> bool:
    """Did the customer's message (or, for a saved reply without one, its `faq`) ask
    about prices, promotions, codes or offers, other than in a complaint about a charge?"""
    docs: list[Doc] = []
    if analysis.incoming_doc is not None:
        docs.append(analysis.incoming_doc)
    elif analysis.reply.faq:
        nlp = pipeline(analysis.language, analysis.model)
        docs.extend(process(nlp, question) for question in analysis.reply.faq)
    data, lang, model = ctx.data, analysis.language, analysis.model
    table = data_phrase_table(data, ("asked", "charge_complaint"), lang, model)
    for doc in docs:
        found = table.find(doc)
        complaints = {doc[m.token_start].sent.start for m in found["charge_complaint"]}
        if any(doc[m.token_start].sent.start not in complaints for m in found["asked"]):
            return True
    return False


def _promos(
    analysis: Analysis, data: Mapping[str, object], matches: Mapping[str, list[PhraseMatch]]
) -> Iterator[Promo]:
    tokens = analysis.tokens
    for key in _PHRASE_LISTS:
        for m in matches.get(key, ()):
            # A call to buy opens its clause: "Pre-order now", not "your pre-order".
            if key == "buy" and not _opens_clause(tokens, m.token_start):
                continue
            yield Promo(m.start, m.end, m.token_start, key)
    for first, second in _PAIRS:
        seconds = matches.get(second, ())
        for m in matches.get(first, ()):
            reach = m.token_end + _PAIR_REACH
            other = next((o for o in seconds if m.token_end <= o.token_start <= reach), None)
            if other is not None and _same_sentence(tokens, m.token_start, other.token_start):
                yield Promo(m.start, other.end, m.token_start, "pair")
    # Both need one of their words in the text (a percent sign or word, a code word):
    # most replies have neither, and their tokens need not be read.
    lower = analysis.text.lower()
    if _may_contain(lower, data_strings(data, "percent_words")):
        yield from _discounts(tokens, data)
    if _may_contain(lower, data_strings(data, "code_words")):
        yield from _codes(tokens, data)


def _opens_clause(tokens: Sequence[Token], i: int) -> bool:
    """Does token `i` start its sentence or follow punctuation or an @mention?"""
    if i == 0 or tokens[i].is_sent_start:
        return True
    before = tokens[i - 1]
    return before.is_punct or before.text[:1] in "@＠"


def _same_sentence(tokens: Sequence[Token], a: int, b: int) -> bool:
    return not any(tokens[i].is_sent_start for i in range(a + 1, b + 1))


def _may_contain(lower_text: str, phrases: Sequence[str]) -> bool:
    """Can one of `phrases` be in the text? (Its first word is, lower-cased.)"""
    for phrase in phrases:
        words = phrase.lower().split()
        if not words or words[0] in lower_text:
            return True
    return False


def _discounts(doc: Sequence[Token], data: Mapping[str, object]) -> Iterator[Promo]:
    """ "20% off", "save 30 percent", "-20 %", "20 % de réduction"."""
    percent = {tuple(p.lower().split()) for p in data_strings(data, "percent_words")}
    discount = {w.lower() for w in data_strings(data, "discount_words")}
    for token in doc:
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


def _percent_end(doc: Sequence[Token], i: int, percent: set[tuple[str, ...]]) -> int | None:
    """The token index after a percent sign or word starting at `i`, if any."""
    for words in percent:
        end = i + len(words)
        if end <= len(doc) and tuple(t.lower_ for t in doc[i:end]) == words:
            return end
    return None


def _codes(doc: Sequence[Token], data: Mapping[str, object]) -> Iterator[Promo]:
    """ "use code SAVE20", "avec le code BIENVENUE": a promo code, not "error code E42"."""
    code_words = {w.lower() for w in data_strings(data, "code_words")}
    verbs = {w.lower() for w in data_strings(data, "code_verbs")}
    for token in doc:
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
    return any(not (start <= t.idx < end) for t in analysis.body_words)


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
