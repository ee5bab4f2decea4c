"""`saved-reply-fit`: saved replies for frequent questions only (docs/rules/).

Four checks, most severe first:
- unfilled placeholders, in any reply (error);
- a saved reply answering an incoming message that none of its `faq` questions
  covers (warning);
- a saved reply sent to an incoming message that asks several questions, or names
  specifics (an order number, a date, a model), that the reply never touches (info);
- in a template library (saved reply, no incoming), a saved reply without `faq` (info).

Coverage is lemma containment: the share of a `faq` question's content lemmas that
the incoming message contains. One question at or above `coverage_threshold` covers it.
Words of the same meaning (`same_meaning` in the rule data: "return" / "send back",
"retourner" / "renvoyer") count as one word on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from replylint.builtin.placeholders import Placeholder, find_placeholders
from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, data_words
from replylint.text.analysis import Analysis, content_lemmas
from replylint.text.derived import derived
from replylint.text.nlp import pipeline, process

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Specifics a customer names that a canned answer should pick up: codes and numbers
# with 4+ digits (orders, tickets), dates, and model names with digits ("PS4", "XPS13").
_CODE = re.compile(r"\A#?[A-Za-z]*\d[\w-]*\Z")
_DATE = re.compile(r"\A(?:\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{4}-\d{2}-\d{2})\Z")


def _norm(lemma: str) -> str:
    """The lemma without accents, so that a missing accent still meets its word
    ("reçu" / "recu"): inflections are already folded by the pipeline's lemmas."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", lemma.lower()) if not unicodedata.combining(ch)
    )


def _lemmas(tokens: Iterable[Token]) -> frozenset[str]:
    return frozenset(_norm(lemma) for lemma in content_lemmas(list(tokens)))


Meanings = tuple[tuple[str, tuple[frozenset[str], ...]], ...]


def _meaning_lemmas(tokens: Iterable[Token], meanings: Meanings) -> frozenset[str]:
    """The content lemmas, where the words of a `same_meaning` entry stand (all of
    them, stop words included: "send back") replaced by the meaning's name."""
    tokens = list(tokens)
    lemmas = set(_lemmas(tokens))
    if not meanings:
        return frozenset(lemmas)
    present = {_norm(t.lemma_) for t in tokens} | {_norm(t.lower_) for t in tokens}
    for name, entries in meanings:
        for words in entries:
            if words <= present:
                lemmas -= words
                lemmas.add(f"={name}")
    return frozenset(lemmas)


def _meanings(ctx: RuleContext) -> Meanings:
    table = ctx.data.get("same_meaning") or {}
    return tuple(
        (str(name), tuple(frozenset(_norm(w) for w in str(e).split()) for e in entries))
        for name, entries in table.items()
    )


@lru_cache(maxsize=4096)
def _question_lemmas(
    language: str, model: str | None, question: str, meanings: Meanings
) -> frozenset[str]:
    return _meaning_lemmas(process(pipeline(language, model), question), meanings)


def coverage(incoming: frozenset[str], question: frozenset[str]) -> float:
    """Share of the question's content lemmas found in the incoming message."""
    if not question:
        return 1.0  # nothing to compare ("Thank you"): do not judge
    return len(incoming & question) / len(question)


def _placeholder_words(data: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """The words that make bracketed text a slot, and a bracketed paragraph one (read
    together: one lookup per reply, not one per list)."""
    return data_words(data, "slot_words"), data_words(data, "slot_descriptions")


def _fill_value(
    placeholder: Placeholder, analysis: Analysis, fill: Mapping[str, list[str]]
) -> str | None:
    """What a placeholder stands for, when the reply record knows it."""
    reply = analysis.reply
    known = {
        "customer": (reply.customer or "").split()[0] if reply.customer else None,
        "agent": reply.agent,
        "brand": reply.brand,
    }
    for field, names in fill.items():
        if placeholder.name in names and known.get(field):
            return known[field]
    return None


def _placeholder_findings(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    data = ctx.data
    slot_words, descriptions = derived(data, "placeholder words", _placeholder_words, data)
    found = find_placeholders(
        analysis.text,
        slot_words=slot_words,
        handles=ctx.options.get("placeholder_handles", ()),
        urls=analysis.urls,
        greeting=analysis.greeting,
        description_words=descriptions,
    )
    if not found:
        return
    fill = data.get("fill", {})
    for placeholder in found:
        fixes = []
        value = _fill_value(placeholder, analysis, fill)
        if value:
            fixes.append(
                Fix(
                    ctx.message("fix_fill", placeholder=placeholder.text, value=value),
                    (Edit(placeholder.start, placeholder.end, value),),
                )
            )
        yield ctx.finding(
            placeholder.start,
            placeholder.end,
            ctx.message("placeholder", placeholder=placeholder.text),
            fixes=fixes,
            check="placeholder",
        )


def _questions(doc: Doc, joins: frozenset[str], openers: frozenset[str]) -> list[Span]:
    """The customer's questions: sentences ending in "?", split where a join is followed
    by a question opener ("How long does shipping take, and do you charge customs?")."""
    questions = []
    for sent in doc.sents:
        if not sent.text.rstrip().endswith("?"):
            continue
        start = sent.start
        for i in range(sent.start + 1, sent.end - 1):
            if doc[i].lower_ in joins and i > start and _opens_question(doc, i + 1, openers):
                questions.append(doc[start:i])
                start = i + 1
        questions.append(doc[start : sent.end])
    return questions


def _opens_question(doc: Doc, i: int, openers: frozenset[str]) -> bool:
    """A question opener at doc[i], one token or two ("est-ce", "pouvez-vous")."""
    first = doc[i].lower_
    if first in openers:
        return True
    if i + 1 >= len(doc):
        return False
    second = doc[i + 1].lower_
    return first + second in openers or f"{first} {second.lstrip('-')}" in openers


def _specifics(doc: Doc) -> list[str]:
    """Codes, numbers and dates the customer gave, as written."""
    result = []
    for token in doc:
        text = token.text
        if token.like_url or token.like_email or text.startswith(("@", "＠")):
            continue
        digits = sum(map(str.isdigit, text))
        if _DATE.match(text) or (_CODE.match(text) and (digits >= 4 or not text.isdigit())):
            result.append(text)
    return list(dict.fromkeys(result))


def _unchanged_findings(analysis: Analysis, ctx: RuleContext, doc: Doc) -> Iterator[Finding]:
    reply_lemmas = _lemmas(analysis.doc)
    reply_text = analysis.text.lower()
    start, end = analysis.body_span
    joins = data_words(ctx.data, "question_joins")
    questions = _questions(doc, joins, analysis.lang.question_words)
    if len(questions) >= 2:
        for question in questions:
            if not _lemmas(question) & reply_lemmas:
                yield ctx.finding(
                    start,
                    end,
                    ctx.message("untouched_question", question=question.text.strip()),
                    check="unchanged",
                )
                return
    missed = [s for s in _specifics(doc) if s.lower().lstrip("#") not in reply_text]
    if missed:
        yield ctx.finding(
            start,
            end,
            ctx.message("untouched_specifics", specifics=", ".join(missed[:3])),
            check="unchanged",
        )


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    yield from _placeholder_findings(analysis, ctx)
    reply = analysis.reply
    if not reply.is_saved_reply:
        return  # a personal reply: only placeholders matter
    start, end = analysis.body_span
    doc = analysis.incoming_doc
    if doc is None:
        if not reply.faq:
            yield ctx.finding(start, end, ctx.message("no_faq"), check="no-faq")
        return
    if reply.faq:
        meanings = derived(ctx.data, "same meanings", _meanings, ctx)  # once per rule data
        incoming = _meaning_lemmas(doc, meanings)
        threshold = float(ctx.options.get("coverage_threshold", 0.5))
        scores = [
            coverage(incoming, _question_lemmas(analysis.language, analysis.model, q, meanings))
            for q in reply.faq
        ]
        if max(scores) < threshold:
            yield ctx.finding(start, end, ctx.message("not_covered"), check="not-covered")
            return
    yield from _unchanged_findings(analysis, ctx, doc)


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("saved-reply-fit", check)]
