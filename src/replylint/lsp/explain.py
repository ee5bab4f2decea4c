"""`replylint/explainRule`: the documentation of the rule under the cursor.

The same text as `replylint explain <rule>` (the rule's `docs` sections), so the
editor, the terminal and the hover never disagree.
"""

from __future__ import annotations

from typing import Any

from replylint.engine import Engine
from replylint.lsp.hover import findings_at
from replylint.model import Finding

EXPLAIN_METHOD = "replylint/explainRule"


def rule_explanation(engine: Engine, name: str) -> dict[str, Any] | None:
    rule = engine.rules.get(name)
    if rule is None:
        return None
    return {
        "rule": name,
        "markdown": rule.docs.markdown(rule.name, rule.summary),
        "url": rule.url,
    }


def explain_at(engine: Engine, findings: tuple[Finding, ...], offset: int) -> list[dict[str, Any]]:
    """Each rule with a finding at `offset`, once, in the order of the findings."""
    names = dict.fromkeys(f.rule for f in findings_at(findings, offset))
    return [found for name in names if (found := rule_explanation(engine, name)) is not None]
