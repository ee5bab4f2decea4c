"""`personal-tone`: sound like a person, not a machine.

Two checks (RULES.md): form-letter boilerplate from the rule's phrase lists, with a
plainer rewording as the fix; and a reply of `min_words` or more that never speaks
to the reader (no you/vous, no name, no leading @mention).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext
from replylint.text.analysis import Analysis
from replylint.text.phrases import PhraseMatch, data_phrase_list

if TYPE_CHECKING:
    from spacy.tokens import Span

# Quoted customer text is theirs, not the agent's: "> ..." lines and text in quotes.
_QUOTED = re.compile(r"(?m)^[ \t]*>.*$|\"[^\"\n]{1,400}\"|“[^”]{1,400}”|«[^»]{1,400}»")
# "**@username** Please ...": a mention opening the reply under markdown emphasis.
_LEADING_MENTION = re.compile(r"\A[\s*_~>]*[@＠]\w")
_SENTENCE_END = ".!?…\n"
_PUNCT = ".!?…:;, \t\n"
_WORD = re.compile(r"[\w'’-]+")
# Greeting words that are not a name: "Hi there," does not address anyone by name.
_NOT_NAMES = frozenset(
    {"there", "all", "everyone", "team", "folks", "customer", "client", "sir", "madam", "valued"}
)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    yield from _boilerplate(analysis, ctx)
    yield from _impersonal(analysis, ctx)


def _boilerplate(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    swaps: Mapping[str, str] = ctx.data.get("boilerplate", {})
    if not swaps:
        return
    boilerplate = data_phrase_list(ctx.data, "boilerplate", analysis.language, analysis.model)
    matches = boilerplate.find(analysis.doc)
    if not matches:
        return
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(analysis.text)]
    to_end = frozenset(ctx.data.get("to_sentence_end", ()))
    covered = 0  # end of the last finding: "Madame, Monsieur" inside "Veuillez agréer, ..."
    for match in matches:
        if match.start < covered:
            continue
        if any(q_start <= match.start and match.end <= q_end for q_start, q_end in quoted):
            continue
        start, end = match.start, match.end
        if match.phrase in to_end:
            sentence_end = _sentence_of(analysis, match).end_char
            end = max(end, len(analysis.text[:sentence_end].rstrip(_PUNCT)))
        covered = end
        phrase = analysis.text[start:end]
        replacement = _personalize(swaps[match.phrase], analysis)
        if replacement:
            fix = _replace(analysis, ctx, start, end, replacement)
            message = ctx.message("boilerplate_fix", phrase=phrase, replacement=replacement)
        else:
            fix = _remove(analysis, ctx, match, start, end, phrase)
            message = ctx.message("boilerplate", phrase=phrase)
        yield ctx.finding(start, end, message, fixes=[fix], check="boilerplate")


def _personalize(replacement: str, analysis: Analysis) -> str:
    """A salutation with the customer's name when known: "Hi" -> "Hi Keelin"."""
    customer = (analysis.reply.customer or "").split()
    if customer and replacement.lower() in analysis.lang.salutations:
        return f"{replacement} {customer[0]}"
    return replacement


def _at_sentence_start(analysis: Analysis, start: int) -> bool:
    before = analysis.text[:start].rstrip(" \t")
    if not before.strip() or start <= analysis.mentions_end:
        return True
    return before[-1] in _SENTENCE_END


def _replace(analysis: Analysis, ctx: RuleContext, start: int, end: int, text: str) -> Fix:
    if _at_sentence_start(analysis, start):
        text = text[:1].upper() + text[1:]
    elif text.split()[0].lower() not in analysis.lang.salutations:
        text = text[:1].lower() + text[1:]
    return Fix(ctx.message("fix_replace", replacement=text), (Edit(start, end, text),))


def _remove(
    analysis: Analysis, ctx: RuleContext, match: PhraseMatch, start: int, end: int, phrase: str
) -> Fix:
    text = analysis.text
    sentence = _sentence_of(analysis, match)
    title = ctx.message("fix_remove", phrase=phrase)
    before = text[sentence.start_char : start]
    rest = text[end : sentence.end_char]
    if not before.strip(_PUNCT) and not rest.strip(_PUNCT):
        # The phrase is the whole sentence: drop it with the space after it (or, at
        # the end of the text, the space before it).
        start = min(start, sentence.start_char)
        after = len(text) - len(text[sentence.end_char :].lstrip())
        if after == len(text):
            start = len(text[:start].rstrip())
        return Fix(title, (Edit(start, after, ""),))
    if not rest.strip(_PUNCT):
        # The phrase closes the sentence: drop it with the comma before it.
        return Fix(title, (Edit(len(text[:start].rstrip(" \t,;:")), end, ""),))
    # Drop the phrase and the spaces after it; the next word opens the sentence now
    # ("Ceci est un message automatique, merci de ..." -> "Merci de ...").
    if _at_sentence_start(analysis, start):
        after = end + len(text[end:]) - len(text[end:].lstrip(" \t,;:"))
        if after < len(text):
            return Fix(title, (Edit(start, after + 1, text[after].upper()),))
    after = end + len(text[end:]) - len(text[end:].lstrip(" \t"))
    return Fix(title, (Edit(start, after, ""),))


def _sentence_of(analysis: Analysis, match: PhraseMatch) -> Span:
    return analysis.doc[match.token_start].sent


def _impersonal(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    """A long reply with no "you", no name and no @mention of the customer."""
    min_words = int(ctx.option_for("min_words", analysis.channel, default=20))
    if len(analysis.body_words) < min_words or analysis.addresses_reader:
        return
    if _LEADING_MENTION.match(analysis.text) or _greets_by_name(analysis):
        return
    yield ctx.finding(
        analysis.body_start, analysis.body_end, ctx.message("impersonal"), check="impersonal"
    )


def _greets_by_name(analysis: Analysis) -> bool:
    """A greeting with a name ("Hi Keelin,") speaks to the reader, configured or not."""
    if analysis.greeting is None:
        return False
    greeting = analysis.text[analysis.greeting[0] : analysis.greeting[1]].lower()
    opener = max(
        (s for s in analysis.lang.salutations if greeting.startswith(s)), key=len, default=""
    )
    words = _WORD.findall(greeting[len(opener) :])
    return any(w not in _NOT_NAMES for w in words)


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("personal-tone", check)]
