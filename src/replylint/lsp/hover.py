"""Hover over a flagged range: the finding's message and the rule's documentation."""

from __future__ import annotations

from lsprotocol import types

from replylint.engine import Engine
from replylint.lsp.positions import PositionIndex
from replylint.model import Finding


def findings_at(findings: tuple[Finding, ...], offset: int) -> list[Finding]:
    return [f for f in findings if f.start <= offset < f.end or (f.start == f.end == offset)]


def rule_markdown(engine: Engine, finding: Finding) -> str:
    rule = engine.rules.get(finding.rule)
    parts = [f"**replylint · {finding.rule}** ({finding.severity}): {finding.message}"]
    if rule is not None:
        parts.append(rule.docs.markdown(rule.name, rule.summary).strip())
    url = finding.url or (rule.url if rule is not None else None)
    if url:
        parts.append(f"[Rule documentation]({url})")
    return "\n\n".join(parts)


def hover_for(
    engine: Engine,
    findings: tuple[Finding, ...],
    index: PositionIndex,
    offset: int,
    markdown: bool = True,
) -> types.Hover | None:
    hits = findings_at(findings, offset)
    if not hits:
        return None
    seen: set[str] = set()
    sections = []
    for finding in hits:
        if finding.rule in seen:
            continue
        seen.add(finding.rule)
        sections.append(rule_markdown(engine, finding))
    value = "\n\n---\n\n".join(sections)
    first = hits[0]
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText,
            value=value,
        ),
        range=index.range(first.start, first.end),
    )
