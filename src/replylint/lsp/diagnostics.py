"""Findings and problems -> LSP diagnostics.

Each diagnostic carries `source: "replylint"`, the rule name as `code`, a link to
the rule's docs, and its fixes in `data` (ruff-lsp style) so a client or a code
action can apply them without asking the server again:

    data = {"rule": "brevity", "version": 7,
            "fixes": [{"title": ..., "edits": [{"start": 57, "end": 71, "text": ...,
                                                "range": {"start": {...}, "end": {...}}}]}]}

`start`/`end` are code-point offsets into the file, `range` is in the negotiated
position encoding.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from replylint.lsp.linting import LintOutcome, Problem
from replylint.lsp.positions import PositionIndex
from replylint.model import Finding, Severity

SOURCE = "replylint"

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def _range_dict(range_: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": range_.start.line, "character": range_.start.character},
        "end": {"line": range_.end.line, "character": range_.end.character},
    }


def fix_data(finding: Finding, index: PositionIndex) -> list[dict[str, Any]]:
    return [
        {
            "title": fix.title,
            "edits": [
                {
                    "start": edit.start,
                    "end": edit.end,
                    "text": edit.text,
                    "range": _range_dict(index.range(edit.start, edit.end)),
                }
                for edit in fix.edits
            ],
        }
        for fix in finding.fixes
    ]


def finding_diagnostic(
    finding: Finding, index: PositionIndex, version: int | None
) -> types.Diagnostic:
    return types.Diagnostic(
        range=index.range(finding.start, finding.end),
        message=finding.message,
        severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=finding.url) if finding.url else None,
        source=SOURCE,
        data={"rule": finding.rule, "version": version, "fixes": fix_data(finding, index)},
    )


def problem_diagnostic(problem: Problem, index: PositionIndex) -> types.Diagnostic:
    return types.Diagnostic(
        range=index.range(problem.start, problem.end),
        message=problem.message,
        severity=SEVERITIES.get(problem.severity, types.DiagnosticSeverity.Error),
        code=problem.code,
        source=SOURCE,
    )


def to_diagnostics(
    outcome: LintOutcome, index: PositionIndex, version: int | None
) -> list[types.Diagnostic]:
    out = [problem_diagnostic(p, index) for p in outcome.problems]
    out.extend(finding_diagnostic(f, index, version) for f in outcome.findings)
    return out


def same_place(diagnostic: types.Diagnostic, finding: Finding, index: PositionIndex) -> bool:
    """Whether a diagnostic the client sent back is this finding's."""
    return diagnostic.code == finding.rule and diagnostic.range == index.range(
        finding.start, finding.end
    )
