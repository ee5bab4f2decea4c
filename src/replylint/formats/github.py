"""`--format github`: GitHub Actions workflow commands, shown as annotations on a PR.

One line per finding:

    ::warning file=replies/a.md,line=4,col=1,endLine=4,endColumn=15,title=replylint signature-present::Sign with your own name…

error -> `::error`, warning -> `::warning`, info -> `::notice`. A record of a
collection is annotated at the line where it starts (when known), and its message
starts with `[record ID]`. The message escapes `%`, CR and LF; property values also
escape `:` and `,` (GitHub's `escapeData` / `escapeProperty`). Input errors are
`::error` lines; library checks are `::notice` lines; the summary is a plain line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from replylint.check.baseline import normalize_path
from replylint.formats import ReportContext
from replylint.formats.text import summary_line
from replylint.inputs.files import STDIN

if TYPE_CHECKING:
    from replylint.check.checker import Linted, Summary
    from replylint.inputs.files import InputError
    from replylint.inputs.library import LibraryEntry, LibraryReport

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """`::name key=value,...::message` with GitHub's escaping."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}\n"


def _file(path: str) -> str:
    return "<stdin>" if path == STDIN else normalize_path(path)


class Renderer:
    def __init__(self, out: TextIO, context: ReportContext | None = None) -> None:
        self.out = out

    def result(self, result: Linted) -> None:
        lines = []
        for finding in result.findings:
            name = COMMANDS.get(finding["severity"], "warning")
            title = f"replylint {finding['rule']}"
            if result.is_document:
                start, end = finding["start"], finding["end"]
                lines.append(
                    command(
                        name,
                        finding["message"],
                        file=_file(result.path),
                        line=start["line"],
                        col=start["column"],
                        endLine=end["line"],
                        endColumn=end["column"],
                        title=title,
                    )
                )
            else:
                prefix = f"[record {result.id}] " if result.id is not None else ""
                lines.append(
                    command(
                        name,
                        prefix + finding["message"],
                        file=_file(result.path),
                        line=result.line or 1,
                        title=title,
                    )
                )
        if lines:
            self.out.write("".join(lines))

    def finish(
        self, errors: Sequence[InputError], summary: Summary, library: LibraryReport | None
    ) -> None:
        out = self.out
        for error in errors:
            message = error.message if error.id is None else f"[record {error.id}] {error.message}"
            out.write(
                command(
                    "error",
                    message,
                    file=_file(error.path),
                    line=error.line,
                    title="replylint input error",
                )
            )
        if library is not None:
            for pair in library.near_duplicates:
                out.write(
                    _entry_notice(
                        pair.b,
                        "library:near-duplicate",
                        f"near-duplicate of {_where(pair.a)} (similarity "
                        f"{pair.similarity:.2f}): keep one saved reply per answer",
                    )
                )
            for entry in library.missing_faq:
                out.write(
                    _entry_notice(entry, "library:missing-faq", "saved reply declares no `faq`")
                )
        out.write(f"replylint: {summary_line(summary, len(errors))}\n")


def _where(entry: LibraryEntry) -> str:
    path = _file(entry.path)
    return path if entry.is_document or entry.id is None else f"{path}#{entry.id}"


def _entry_notice(entry: LibraryEntry, rule: str, message: str) -> str:
    prefix = "" if entry.is_document or entry.id is None else f"[record {entry.id}] "
    return command(
        "notice",
        prefix + message,
        file=_file(entry.path),
        line=entry.line or 1,
        title=f"replylint {rule}",
    )
