"""`brevity`: keep replies within the channel's word budget, and sentences short."""

from __future__ import annotations

import re
from collections.abc import Iterator

from replylint.hookspecs import hookimpl
from replylint.model import Finding
from replylint.rule import Rule, RuleContext
from replylint.text.analysis import Analysis

_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    channel = analysis.channel
    budget = ctx.option_for("max_words", channel, default=90)
    limit = ctx.option_for("max_sentence_words", analysis.language, default=35)
    if type(budget) is not int or type(limit) is not int:  # a float or text in a config
        budget, limit = int(budget), int(limit)
    size = len(analysis.doc)
    if size <= budget and size <= limit:
        return  # every word is a token: a short reply needs no word count at all
    starts = analysis.body_word_starts  # where each word starts: no Token objects
    words = len(starts)
    if words > budget:
        # Highlight from the first word past the budget to the end of the body.
        yield ctx.finding(
            starts[budget],
            analysis.body_end,
            ctx.message("too_long", words=words, channel=channel, budget=budget),
            check="reply-length",
        )
    if words <= limit:
        return  # a sentence is part of the body: none can be longer than it
    text = analysis.text
    paragraphs = "\n" in text and _BLANK_LINE.search(text) is not None
    for sentence in analysis.sentences:
        span = (sentence.start_char, sentence.end_char)
        for start, end in _paragraph_pieces(text, *span) if paragraphs else (span,):
            count = analysis.word_count(start, end)
            if count > limit:
                yield ctx.finding(
                    start,
                    end,
                    ctx.message("long_sentence", words=count, limit=limit),
                    check="sentence-length",
                )


def _paragraph_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence never runs past a blank line: a line without a full stop before
    it ("… look here XXX" and then a new paragraph) still ends there."""
    pieces = []
    for match in _BLANK_LINE.finditer(text, start, end):
        pieces.append((start, len(text[: match.start()].rstrip())))
        start = match.end()
    pieces.append((start, end))
    return [(s, e) for s, e in pieces if e > s]


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("brevity", check)]
