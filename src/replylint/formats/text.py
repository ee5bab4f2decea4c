"""`--format text`: what a person reads in a terminal or a CI log.

One line a finding, `path:line:col: severity rule message “flagged words”`, with
`[*]` when a safe fix exists. With `show_source` (the default on a terminal) each
finding is followed, as in ruff's full output, by its source line with the span
underlined and the fix on offer; findings stay grouped by file, in input order.
Personal data is already masked in the excerpts and lines this module is given
(see `replylint.redact`).

At the end: the library checks (near-duplicate saved replies, saved replies
without `faq`), a table of findings per rule when more than one reply was checked,
how many findings `--fix` would fix, and the summary line (input errors go to
stderr as they come, see cli.py; the summary counts them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from rich.cells import cell_len

from replylint.formats import ReportContext
from replylint.inputs.files import STDIN, InputError

if TYPE_CHECKING:
    from replylint.check.checker import FindingDetail, Linted, Summary
    from replylint.inputs.library import LibraryEntry, LibraryReport

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_DIM, _BOLD, _CYAN, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[36m", "\x1b[0m"
EXCERPT_CHARS = 40  # flagged words longer than this are cut in the one-line form
FIX_COMMAND = "replylint check --fix"


def location(result: Linted | LibraryEntry) -> str:
    """`file` for a document, `file#id` for a record of a collection."""
    name = "<stdin>" if result.path == STDIN else result.path
    return name if result.is_document or result.id is None else f"{name}#{result.id}"


def has_fix(finding: Mapping[str, Any], *, safe: bool) -> bool:
    """Does the finding carry a fix of that safety?"""
    return any(bool(fix.get("safe")) is safe for fix in finding.get("fixes", ()))


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The flagged words on one line, quoted, cut to `limit` characters."""
    flat = " ".join(text.split())
    return "“" + (flat if len(flat) <= limit else flat[: limit - 1] + "…") + "”"


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


def assumed_line(channels: Counter[str], languages: Counter[str]) -> str | None:
    """Which context was assumed, so a default is never mistaken for a fact:
    `assumed: channel private (the default) for 2 replies; language detected for 1
    reply (en)`, or None when every reply stated its channel and language."""
    parts = []
    for channel, count in sorted(channels.items()):
        parts.append(f"channel {channel} (the default) for {counted(count, 'reply', 'replies')}")
    if languages:
        found = ", ".join(f"{code} {n}" for code, n in sorted(languages.items()))
        total = counted(sum(languages.values()), "reply", "replies")
        parts.append(f"language detected for {total} ({found})")
    if not parts:
        return None
    return "assumed: " + "; ".join(parts) + " (set `channel` / `language` to state them)"


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
        context = context or ReportContext()
        self.out = out
        self.colour = context.colour
        self.show_source = context.show_source
        self.fixable = 0  # findings with a safe fix
        self.unsafe_only = 0  # findings whose fixes are all unsafe
        # Replies whose channel came from the default, and whose language was detected.
        self.assumed_channels: Counter[str] = Counter()
        self.detected_languages: Counter[str] = Counter()

    def _paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour else text

    def result(self, result: Linted) -> None:
        if result.assumed.get("channel") == "default":
            self.assumed_channels[result.channel] += 1
        if result.assumed.get("language") == "detected":
            self.detected_languages[result.language] += 1
        if not result.findings:
            return
        where = location(result)
        blocks = []
        for finding, detail in zip(result.findings, result.details, strict=True):
            safe = has_fix(finding, safe=True)
            self.fixable += safe
            self.unsafe_only += not safe and has_fix(finding, safe=False)
            blocks.append(self._finding(where, finding, detail, safe))
        self.out.write("".join(blocks))

    def _finding(
        self, where: str, finding: Mapping[str, Any], detail: FindingDetail, safe: bool
    ) -> str:
        start = finding["start"]
        severity, rule, message = finding["severity"], finding["rule"], finding["message"]
        head = (
            self._paint(_BOLD, f"{where}:{start['line']}:{start['column']}:")
            + f" {self._paint(_COLOURS[severity], severity)} {self._paint(_DIM, rule)}"
            + (f" {self._paint(_CYAN, '[*]')}" if safe else "")
            + f" {message}"
        )
        if not self.show_source or not detail.source_line:
            return f"{head} {excerpt(detail.text)}\n" if detail.text.strip() else head + "\n"
        line = detail.source_line.replace("\t", " ")
        first, last = detail.source_start, max(detail.source_end, detail.source_start + 1)
        number = str(start["line"])
        gutter = " " * len(number)
        pad = " " * cell_len(line[:first])
        marks = "^" * max(1, cell_len(line[first:last]))
        lines = [
            head,
            self._paint(_DIM, f"{gutter} |"),
            self._paint(_DIM, f"{number} |") + f" {line}",
            self._paint(_DIM, f"{gutter} |") + f" {pad}{self._paint(_COLOURS[severity], marks)}",
        ]
        fixes = finding.get("fixes") or ()
        if fixes:
            label = "fix" if fixes[0].get("safe") else "unsafe fix"
            lines.append(self._paint(_DIM, f"{gutter} = {label}:") + f" {fixes[0]['title']}")
        return "\n".join(lines) + "\n\n"

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
        # The summary stays the last line (scripts read it); the fix hint goes before.
        hint = fix_hint(self.fixable, self.unsafe_only)
        if hint:
            lines.append(hint)
        duplicates = len(library.near_duplicates) if library is not None else 0
        assumed = assumed_line(self.assumed_channels, self.detected_languages)
        if assumed is not None:
            lines.append(assumed)
        lines.append(summary_line(summary, len(errors), duplicates))
        self.out.write("\n".join(lines) + "\n")


def fix_hint(fixable: int, unsafe_only: int) -> str:
    """How many findings `--fix` fixes, and how to get the rest (as ruff says it)."""
    parts = []
    if fixable:
        parts.append(f"[*] {fixable} fixable with `{FIX_COMMAND}`")
    if unsafe_only:
        parts.append(
            f"{unsafe_only} more with `{FIX_COMMAND} --unsafe-fixes` (review those changes)"
        )
    return "; ".join(parts)


def render(
    results: Sequence[Linted],
    errors: Sequence[InputError],
    summary: Summary,
    *,
    colour: bool = False,
    show_source: bool = False,
    library: LibraryReport | None = None,
) -> str:
    """The whole report as a string (for tests and the API)."""
    import io

    buffer = io.StringIO()
    renderer = Renderer(buffer, ReportContext(colour=colour, show_source=show_source))
    for result in results:
        renderer.result(result)
    renderer.finish(errors, summary, library)
    return buffer.getvalue()
