"""A team's own phrase rules, declared in config without writing Python.

`phrases` flags each occurrence ("existence"); `swap` flags and offers the
replacement ("substitution"), like Vale's rules of the same names.
"""

from __future__ import annotations

from collections.abc import Iterator

from replylint.config import PhraseRuleSpec
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, RuleDocs
from replylint.text.analysis import Analysis
from replylint.text.phrases import phrase_list


def phrase_rule(spec: PhraseRuleSpec) -> Rule:
    def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
        if spec.channels and analysis.channel not in spec.channels:
            return
        words = (*spec.phrases, *spec.swap)
        for match in phrase_list(words, analysis.language, analysis.model).find(analysis.doc):
            replacement = spec.swap.get(match.phrase)
            fixes = []
            if replacement is not None:
                fixes.append(
                    Fix(
                        f"Replace with '{replacement}'",
                        (Edit(match.start, match.end, replacement),),
                    )
                )
            message = (spec.message or "Avoid '{phrase}'.").format(
                phrase=analysis.text[match.start : match.end], replacement=replacement or ""
            )
            yield ctx.finding(match.start, match.end, message, fixes=fixes)

    listed = ", ".join(f"'{p}'" for p in (*spec.phrases, *spec.swap))
    return Rule(
        name=spec.name,
        check=check,
        summary=spec.message or f"Team phrase rule: {listed}",
        default_severity=spec.severity,
        languages=frozenset([spec.language]) if spec.language else None,
        docs=RuleDocs(
            what=f"Flags the phrases your team's configuration lists: {listed}.",
            why="Declared in the team's replylint configuration.",
        ),
        url=None,
    )
