"""`replylint/documentStatus`: what the status bar shows for a document.

The channel and language the server actually linted the reply in (front matter
`channel: public` wins over the editor setting), the verdict (`block`, `warn`,
`pass`, as `replylint check` reports it) and the counts by severity. Sent as a
notification after every lint, and answered as a request for any open document.

    {"uri": ..., "isReply": true, "reason": "it matches `*.reply` ...",
     "kind": "reply", "channel": "public", "language": "en", "verdict": "warn",
     "counts": {"error": 0, "warning": 2, "info": 1}, "replies": 1}

For a collection, `channel` / `language` are "mixed" when its records differ.
A document that is not a reply has `isReply: false` and the reason.
"""

from __future__ import annotations

from typing import Any

from replylint.lsp.linting import LintOutcome
from replylint.lsp.reply_files import Decision
from replylint.model import Severity

STATUS_METHOD = "replylint/documentStatus"
MIXED = "mixed"


def _one(values: set[str]) -> str | None:
    if not values:
        return None
    return next(iter(values)) if len(values) == 1 else MIXED


def verdict_of(worst: Severity | None) -> str:
    """The same words as `Report.verdict`."""
    if worst is Severity.ERROR:
        return "block"
    if worst is Severity.WARNING:
        return "warn"
    return "pass"


def document_status(uri: str, decision: Decision, outcome: LintOutcome | None) -> dict[str, Any]:
    status: dict[str, Any] = {"uri": uri, "isReply": decision.is_reply, "reason": decision.reason}
    if not decision.is_reply or outcome is None:
        return status
    severities = [f.severity for f in outcome.findings] + [p.severity for p in outcome.problems]
    status.update(
        kind=outcome.kind,
        channel=_one({channel for channel, _ in outcome.replies}),
        language=_one({language for _, language in outcome.replies}),
        verdict=verdict_of(max(severities, default=None)),
        counts={str(level): severities.count(level) for level in reversed(Severity)},
        replies=len(outcome.replies),
    )
    return status
