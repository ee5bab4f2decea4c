"""`brevity`: keep replies within the channel's word budget, and sentences short."""

from __future__ import annotations

from collections.abc import Iterator

from replylint.hookspecs import hookimpl
from replylint.model import Finding
from replylint.rule import Rule, RuleContext
from replylint.text.analysis import Analysis


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    channel = analysis.channel
    budget = int(ctx.option_for("max_words", channel, default=90))
    words = analysis.body_words
    if len(words) > budget:
        # Highlight from the first word past the budget to the end of the body.
        first_over = words[budget]
        yield ctx.finding(
            first_over.idx,
            analysis.body_end,
            ctx.message("too_long", words=len(words), channel=channel, budget=budget),
            check="reply-length",
        )
    limit = int(ctx.option_for("max_sentence_words", analysis.language, default=35))
    for sentence in analysis.sentences:
        count = analysis.word_count(sentence.start_char, sentence.end_char)
        if count > limit:
            yield ctx.finding(
                sentence.start_char,
                sentence.end_char,
                ctx.message("long_sentence", words=count, limit=limit),
                check="sentence-length",
            )


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("brevity", check)]
