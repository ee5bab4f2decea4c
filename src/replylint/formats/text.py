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
        for error in errors:
            where = "<stdin>" if error.path == STDIN else error.path
            if error.id is not None and error.line is None:
                where = f"{where}#{error.id}"
            elif error.line is not None:
                where = f"{where}:{error.line}"
            lines.append(f"{where}: input error: {error.message}")
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
        counts = (
            ", ".join(f"{n} {s}" for s, n in sorted(summary.by_severity.items())) or "no findings"
        )
        extra = ""
        if summary.baselined:
            extra += f"; {summary.baselined} baselined"
        if library is not None and library.near_duplicates:
            extra += f"; {len(library.near_duplicates)} near-duplicate saved replies"
        if errors:
            extra += f"; {len(errors)} input error(s)"
        lines.append(
            f"{summary.replies} {'reply' if summary.replies == 1 else 'replies'} checked: {counts}"
            + extra
        )
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
