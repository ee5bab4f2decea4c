"""`--format text`: `path:line:col: severity rule message`, coloured on a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from replylint.checker import Result, Summary
from replylint.inputs import STDIN, InputError
from replylint.model import LineIndex

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def location(result: Result) -> str:
    """`file` for a document, `file#id` for a record of a collection."""
    name = "<stdin>" if result.path == STDIN else result.path
    return name if result.is_document else f"{name}#{result.id}"


def render(
    results: Sequence[Result],
    errors: Sequence[InputError],
    summary: Summary,
    *,
    colour: bool = False,
) -> str:
    lines: list[str] = []
    for result in results:
        if not result.findings:
            continue
        index = LineIndex(result.source)
        where = location(result)
        for finding in result.findings:
            line, col = index.line_col(finding.start)
            severity = str(finding.severity)
            if colour:
                lines.append(
                    f"{_BOLD}{where}:{line + 1}:{col + 1}:{_RESET} "
                    f"{_COLOURS[severity]}{severity}{_RESET} {_DIM}{finding.rule}{_RESET} {finding.message}"
                )
            else:
                lines.append(
                    f"{where}:{line + 1}:{col + 1}: {severity} {finding.rule} {finding.message}"
                )
    for error in errors:
        where = "<stdin>" if error.path == STDIN else error.path
        if error.id is not None and error.line is None:
            where = f"{where}#{error.id}"
        elif error.line is not None:
            where = f"{where}:{error.line}"
        lines.append(f"{where}: input error: {error.message}")
    counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.by_severity.items())) or "no findings"
    lines.append(
        f"{summary.replies} {'reply' if summary.replies == 1 else 'replies'} checked: {counts}"
        + (f"; {len(errors)} input error(s)" if errors else "")
    )
    return "\n".join(lines) + "\n"
