"""`--format text`: `path:line:col: severity rule message`, coloured on a terminal.

Lines are written as replies are linted. At the end: input errors, the library
checks (near-duplicate saved replies, saved replies without `faq`), a table of
findings per rule when more than one reply was checked, and the summary line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from replylint.formats import ReportContext
from replylint.inputs.files import STDIN, InputError

if TYPE_CHECKING:
    from replylint.check.checker import Linted, Summary
    from replylint.inputs.library import LibraryEntry, LibraryReport

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def location(result: Linted | LibraryEntry) -> str:
    """`file` for a document, `file#id` for a record of a collection."""
    name = "<stdin>" if result.path == STDIN else result.path
    return name if result.is_document or result.id is None else f"{name}#{result.id}"


def input_error_line(error: InputError) -> str:
    """`path:line: input error: message` (or `path#id` for a record without a line)."""
    where = "<stdin>" if error.path == STDIN else error.path
    if error.id is not None and error.line is None:
        where = f"{where}#{error.id}"
    elif error.line is not None:
        where = f"{where}:{error.line}"
    return f"{where}: input error: {error.message}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`1 reply`, `2 replies`: the number with the word that agrees with it."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


# Severities as counted nouns in the summary ("info" does not take a plural).
_SEVERITY_NOUNS = {"error": ("error", "errors"), "warning": ("warning", "warnings")}


def severity_counts(by_severity: dict[str, int]) -> str:
    """`2 errors, 1 warning, 3 info`, worst first, or `no findings`."""
    order = ("error", "warning", "info")
    parts = []
    for severity in sorted(by_severity, key=lambda s: order.index(s) if s in order else 9):
        singular, plural = _SEVERITY_NOUNS.get(severity, (severity, severity))
        parts.append(counted(by_severity[severity], singular, plural))
    return ", ".join(parts) or "no findings"


def summary_line(summary: Summary, errors: int, near_duplicates: int = 0) -> str:
    """`3 replies checked: 2 errors, 1 warning; 1 input error`."""
    extra = ""
    if summary.baselined:
        extra += f"; {summary.baselined} baselined"
    if near_duplicates:
        extra += f"; {counted(near_duplicates, 'near-duplicate saved reply', 'near-duplicate saved replies')}"
    if errors:
        extra += f"; {counted(errors, 'input error')}"
    if summary.ignored_fields:
        extra += f"; ignored {counted(len(summary.ignored_fields), 'field')}: " + ", ".join(
            sorted(summary.ignored_fields)
        )
    return (
        f"{counted(summary.replies, 'reply', 'replies')} checked: "
        f"{severity_counts(dict(summary.by_severity))}{extra}"
    )


class Renderer:
    def __init__(self, out: TextIO, context: ReportContext | None = None) -> None:
        self.out = out
        self.colour = context.colour if context is not None else False

    def result(self, result: Linted) -> None:
        if not result.findings:
            return
        where = location(result)
        lines = []
        for finding in result.findings:
            start = finding["start"]
            line, col = start["line"], start["column"]
            severity, rule, message = finding["severity"], finding["rule"], finding["message"]
            if self.colour:
                lines.append(
                    f"{_BOLD}{where}:{line}:{col}:{_RESET} "
                    f"{_COLOURS[severity]}{severity}{_RESET} {_DIM}{rule}{_RESET} {message}\n"
                )
            else:
                lines.append(f"{where}:{line}:{col}: {severity} {rule} {message}\n")
        self.out.write("".join(lines))

    def finish(
        self, errors: Sequence[InputError], summary: Summary, library: LibraryReport | None
    ) -> None:
        lines: list[str] = []
        # Input errors go to stderr as they come (see cli.py); the summary counts them.
        if library is not None:
            for pair in library.near_duplicates:
                lines.append(
                    f"{location(pair.b)}: library near-duplicate of {location(pair.a)}"
                    f" (similarity {pair.similarity:.2f}): keep one saved reply per answer"
                )
            for entry in library.missing_faq:
                lines.append(
                    f"{location(entry)}: library missing-faq: saved reply"
                    f"{f' {entry.name!r}' if entry.name else ''} declares no `faq`"
                )
        if summary.replies > 1 and summary.by_rule:
            width = max(len("rule"), *(len(rule) for rule in summary.by_rule))
            lines.append("")
            lines.append(f"{'rule':<{width}}  findings")
            for rule, count in sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"{rule:<{width}}  {count:>8}")
            lines.append("")
        duplicates = len(library.near_duplicates) if library is not None else 0
        lines.append(summary_line(summary, len(errors), duplicates))
        self.out.write("\n".join(lines) + "\n")


def render(
    results: Sequence[Linted],
    errors: Sequence[InputError],
    summary: Summary,
    *,
    colour: bool = False,
    library: LibraryReport | None = None,
) -> str:
    """The whole report as a string (for tests and the API)."""
    import io

    buffer = io.StringIO()
    renderer = Renderer(buffer, ReportContext(colour=colour))
    for result in results:
        renderer.result(result)
    renderer.finish(errors, summary, library)
    return buffer.getvalue()
