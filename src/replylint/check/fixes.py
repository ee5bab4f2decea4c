"""`check --fix` / `--diff`: apply the fixes rules offer, in place.

Only fixes a rule marks safe (`Fix.safe`) are applied, unless `unsafe` is set
(`--unsafe-fixes`). Per reply, fixes are taken in finding order and one whose edits
overlap an edit already taken waits for the next run.

Reply documents are edited at the positions the findings give in the file. In
collections only the record's text value changes: JSON and JSONL string tokens
and YAML scalars through `inputs.locations` (each replacement escaped for its
value), CSV cells through `inputs.csv_cells`. Everything else stays byte for byte,
a byte-order mark included. Every edited file is read again before it is written:
the same records with the same fields, and each fixed reply reading exactly as
intended; a file that fails that check is left alone and reported. Files are
written atomically (a temporary file beside them, renamed over them).
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from replylint.check.checker import Checker
from replylint.inputs.csv_cells import Cell, csv_rows
from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.files import STDIN, InputError, is_document
from replylint.inputs.helpdesk import canned_record, is_canned_header
from replylint.inputs.locations import (
    CollectionError,
    RecordEntry,
    read_json,
    read_jsonl,
    read_yaml,
)
from replylint.inputs.record import RecordError, parse_record
from replylint.model import Edit, Finding, Fix

BOM = "\ufeff"

_READERS: dict[str, Callable[[str], tuple[list[RecordEntry], list[CollectionError]]]] = {
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".yaml": read_yaml,
    ".yml": read_yaml,
}


@dataclass
class FileFixes:
    """The fixes for one file: its text before and after, and what was applied."""

    path: str
    before: str
    after: str
    applied: int = 0  # findings fixed
    error: str | None = None  # why the file is left as it was

    @property
    def changed(self) -> bool:
        return self.error is None and self.after != self.before

    def diff(self) -> str:
        """A unified diff of the change (`--diff`)."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}",
        )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in lines
        )


@dataclass
class FixRun:
    files: list[FileFixes] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(f.applied for f in self.files if f.changed)

    @property
    def changed(self) -> list[FileFixes]:
        return [f for f in self.files if f.changed]

    @property
    def failed(self) -> list[FileFixes]:
        return [f for f in self.files if f.error is not None]


def chosen_fixes(findings: Iterable[Finding], *, unsafe: bool) -> list[Fix]:
    """One fix a finding (its first allowed one), skipping any that overlaps one taken."""
    taken: list[Fix] = []
    spans: list[tuple[int, int]] = []
    for finding in findings:
        fix = next((f for f in finding.fixes if f.safe or unsafe), None)
        if fix is None or not fix.edits:
            continue
        if any(_overlaps(edit, span) for edit in fix.edits for span in spans):
            continue
        taken.append(fix)
        spans.extend((e.start, e.end) for e in fix.edits)
    return taken


def _overlaps(edit: Edit, span: tuple[int, int]) -> bool:
    start, end = span
    if edit.start == edit.end and start == end:
        return edit.start == start  # two insertions clash at the same point only
    return edit.start < end and start < edit.end


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with non-overlapping `edits` applied (last first, so offsets hold)."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def fix_files(
    checker: Checker, files: Sequence[str | InputError], stdin_text: str | None, *, unsafe: bool
) -> FixRun:
    """The fixes for every file (nothing written; see `write`)."""
    run = FixRun()
    for path in files:
        if isinstance(path, InputError):
            continue
        if path == STDIN:
            text = stdin_text or ""
            # Read as `check` reads stdin: JSON records, else one reply document.
            head = text.lstrip()[:1]
            kind = {"[": ".json", "{": ".jsonl"}.get(head, "document")
            fixed = _fix_text(checker, STDIN, text, unsafe=unsafe, kind=kind)
        else:
            try:
                raw = Path(path).read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # the check reports it
            fixed = _fix_text(checker, path, raw, unsafe=unsafe, kind=_kind(path))
        if fixed is not None:
            run.files.append(fixed)
    return run


def _kind(path: str) -> str:
    if is_document(path):
        return "document"
    suffix = Path(path).suffix.lower()
    return "csv" if suffix == ".csv" else suffix


def _fix_text(
    checker: Checker, path: str, raw: str, *, unsafe: bool, kind: str
) -> FileFixes | None:
    bom = BOM if raw.startswith(BOM) else ""
    text = raw[len(bom) :]
    defaults = checker.record_defaults(path)
    if kind == "document":
        result = _fix_document(checker, path, text, defaults, unsafe)
    elif kind == "csv":
        result = _fix_csv(checker, path, text, defaults, unsafe)
    else:
        result = _fix_collection(checker, path, text, defaults, unsafe, _READERS[kind])
    if result is None:
        return None
    after, applied, error = result
    if not applied and error is None:
        return None
    return FileFixes(path, raw, bom + after if error is None else raw, applied, error)


_Outcome = tuple[str, int, "str | None"]


def _fix_document(
    checker: Checker, path: str, text: str, defaults: dict[str, Any], unsafe: bool
) -> _Outcome | None:
    try:
        doc = parse_document(text, defaults=defaults)
    except (DocumentError, RecordError):
        return None
    report = checker.engine_for(path).lint(doc.reply)
    fixes = chosen_fixes(report.findings, unsafe=unsafe)
    if not fixes:
        return None
    # A line break a fix adds follows the file's own (CRLF stays CRLF).
    newline = "\r\n" if "\r\n" in text else "\n"
    edits = [Edit(e.start, e.end, e.text.replace("\n", newline)) for f in fixes for e in f.edits]
    intended = apply_edits(doc.reply.text, edits)
    to_file = doc.offsets.to_file
    after = apply_edits(text, (Edit(to_file(e.start), to_file(e.end), e.text) for e in edits))
    try:
        reread = parse_document(after, defaults=defaults).reply.text
    except (DocumentError, RecordError):
        reread = None
    if reread != intended:
        return text, 0, "the fixed document would not read back as intended"
    return after, len(fixes), None


def _fix_reply(
    checker: Checker,
    path: str,
    data: Any,
    default_id: str,
    defaults: dict[str, Any],
    unsafe: bool,
    writable: Callable[[Fix], bool] = lambda fix: True,
) -> tuple[str, str, list[Fix]] | None:
    """(text, fixed text, fixes) for one record, or None when nothing applies.
    Only fixes the file can hold as written (`writable`) are chosen."""
    try:
        reply = parse_record({**defaults, **data}, default_id=default_id)
    except RecordError:
        return None
    findings = checker.engine_for(path).lint(reply).findings
    fixes = [f for f in chosen_fixes(findings, unsafe=unsafe) if writable(f)]
    if not fixes:
        return None
    return reply.text, apply_edits(reply.text, (e for f in fixes for e in f.edits)), fixes


def _fix_collection(
    checker: Checker,
    path: str,
    text: str,
    defaults: dict[str, Any],
    unsafe: bool,
    read: Callable[[str], tuple[list[RecordEntry], list[CollectionError]]],
) -> _Outcome | None:
    entries, errors = read(text)
    if errors:
        return None  # the check reports the file's errors; nothing is fixed in it
    edits: list[Edit] = []
    expected = [entry.data for entry in entries]
    applied = 0
    for number, entry in enumerate(entries):
        if not isinstance(entry.data, dict) or not entry.exact:
            continue
        # A replacement the value cannot hold as written (a line break in a YAML
        # block scalar, ...) is left for the editor.
        fixed = _fix_reply(
            checker,
            path,
            entry.data,
            entry.default_id,
            defaults,
            unsafe,
            _encodable_in(entry),
        )
        if fixed is None or fixed[0] != entry.data.get("text"):
            continue
        _, new_text, fixes = fixed
        for fix in fixes:
            for e in fix.edits:
                encoded = entry.encode(e.text)
                assert encoded is not None  # checked when the fix was chosen
                edits.append(Edit(entry.to_file(e.start), entry.to_file(e.end), encoded))
        expected[number] = {**entry.data, "text": new_text}
        applied += len(fixes)
    if not applied:
        return None
    after = apply_edits(text, edits)
    reread, reread_errors = read(after)
    if reread_errors or [entry.data for entry in reread] != expected:
        return text, 0, "the fixed file would not read back as intended"
    return after, applied, None


def _encodable_in(entry: RecordEntry) -> Callable[[Fix], bool]:
    def encodable(fix: Fix) -> bool:
        return all(entry.encode(e.text) is not None for e in fix.edits)

    return encodable


def _fix_csv(
    checker: Checker, path: str, text: str, defaults: dict[str, Any], unsafe: bool
) -> _Outcome | None:
    rows = csv_rows(text)
    if not rows:
        return None
    header = [cell.value for cell in rows[0]]
    canned = is_canned_header(header)
    column = next(
        (
            i
            for i, name in enumerate(header)
            if name.strip().lower() == ("content" if canned else "text")
        ),
        None,
    )
    if column is None:
        return None
    rewrites: list[tuple[Cell, str]] = []
    applied = 0
    for number, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            continue  # the check reports it
        data: dict[str, Any] = dict(zip(header, (cell.value for cell in row), strict=True))
        record = canned_record(data) if canned else data
        fixed = _fix_reply(checker, path, record, str(number), defaults, unsafe)
        if fixed is None or fixed[0] != row[column].value:
            continue
        rewrites.append((row[column], fixed[1]))
        applied += len(fixed[2])
    if not applied:
        return None
    after = apply_edits(
        text, (Edit(cell.start, cell.end, cell.rewritten(new)) for cell, new in rewrites)
    )
    new = {cell.start: value for cell, value in rewrites}
    expected = [[new.get(cell.start, cell.value) for cell in row] for row in rows]
    if [r for r in csv.reader(io.StringIO(after, newline="")) if r] != expected:
        return text, 0, "the fixed file would not read back as intended"
    return after, applied, None


def write(fixes: FileFixes) -> None:
    """Write the fixed file atomically, keeping its permissions."""
    path = Path(fixes.path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(fixes.after.encode("utf-8"))
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report(run: FixRun, *, diff: bool, out: TextIO, err: TextIO) -> None:
    """`--diff`: the diffs on `out`; `--fix`: write the files. Either way say what
    was (or would be) fixed, and which files were left alone, on `err`."""
    for fixes in run.changed:
        if diff:
            out.write(fixes.diff())
        else:
            write(fixes)
    for fixes in run.failed:
        err.write(f"replylint: {fixes.path}: not fixed: {fixes.error}\n")
    files = len(run.changed)
    verb = "would fix" if diff else "fixed"
    err.write(
        f"replylint: {verb} {run.applied} finding{'s' if run.applied != 1 else ''}"
        f" in {files} file{'s' if files != 1 else ''}\n"
    )
