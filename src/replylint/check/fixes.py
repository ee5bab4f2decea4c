"""`check --fix` / `--diff`: apply the fixes rules offer, in place.

Only fixes a rule marks safe (`Fix.safe`) are applied, unless `unsafe` is set
(`--unsafe-fixes`). Per reply, fixes are taken in finding order and one whose edits
overlap an edit already taken waits for the next run.

Reply documents are edited at the positions the findings give in the file. In
collections only the record's text value changes: JSON and JSONL string tokens,
YAML scalars and CSV cells, located by `inputs.locations` (the reader `check`
and the editor use), each replacement escaped for its value. Everything else stays byte for byte,
a byte-order mark included. Every edited file is read again before it is written:
the same records with the same fields, and each fixed reply reading exactly as
intended; a file that fails that check is left alone and reported. Files are
written atomically (a temporary file beside them, renamed over them).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from replylint.check.checker import Checker
from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.files import STDIN, InputError, Item, Reading, record_item
from replylint.inputs.kinds import kind_for_name
from replylint.inputs.locations import (
    CollectionError,
    RecordEntry,
    read_csv,
    read_json,
    read_jsonl,
    read_yaml,
)
from replylint.inputs.record import RecordError
from replylint.model import Edit, Finding, Fix

BOM = "\ufeff"


def _read_yaml(source: str) -> tuple[list[RecordEntry], list[CollectionError]]:
    return read_yaml(source)


def _read_json(source: str) -> tuple[list[RecordEntry], list[CollectionError]]:
    return read_json(source)


_READERS: dict[str, Callable[[str], tuple[list[RecordEntry], list[CollectionError]]]] = {
    "json": _read_json,
    "jsonl": read_jsonl,
    "yaml": _read_yaml,
    "csv": read_csv,
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
            kind = {"[": "json", "{": "jsonl"}.get(head, "document")
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
    kind = kind_for_name(Path(path).name)
    return kind if kind in _READERS else "document"


def _fix_text(
    checker: Checker, path: str, raw: str, *, unsafe: bool, kind: str
) -> FileFixes | None:
    bom = BOM if raw.startswith(BOM) else ""
    text = raw[len(bom) :]
    reading = checker.record_defaults(path)
    if kind == "document":
        result = _fix_document(checker, path, text, reading, unsafe)
    else:
        result = _fix_collection(checker, path, text, reading, unsafe, _READERS[kind])
    if result is None:
        return None
    after, applied, error = result
    if not applied and error is None:
        return None
    return FileFixes(path, raw, bom + after if error is None else raw, applied, error)


_Outcome = tuple[str, int, "str | None"]


def _parse(text: str, reading: Reading) -> Any:
    """The document as `check` reads it."""
    return parse_document(
        text,
        defaults=dict(reading.defaults),
        default_channel=reading.default_channel,
        languages=reading.languages,
    )


def _fix_document(
    checker: Checker, path: str, text: str, reading: Reading, unsafe: bool
) -> _Outcome | None:
    try:
        doc = _parse(text, reading)
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
        reread = _parse(after, reading).reply.text
    except (DocumentError, RecordError):
        reread = None
    if reread != intended:
        return text, 0, "the fixed document would not read back as intended"
    return after, len(fixes), None


def _fix_reply(
    checker: Checker,
    path: str,
    entry: RecordEntry,
    reading: Reading,
    unsafe: bool,
    writable: Callable[[Fix], bool],
) -> tuple[str, str, list[Fix]] | None:
    """(text, fixed text, fixes) for one record, or None when nothing applies.
    Only fixes the file can hold as written (`writable`) are chosen."""
    item = record_item(path, entry.data, reading, entry.default_id, entry.line)
    if not isinstance(item, Item):
        return None  # the check reports it
    reply = item.reply
    findings = checker.engine_for(path).lint(reply).findings
    fixes = [f for f in chosen_fixes(findings, unsafe=unsafe) if writable(f)]
    if not fixes:
        return None
    return reply.text, apply_edits(reply.text, (e for f in fixes for e in f.edits)), fixes


def _fix_collection(
    checker: Checker,
    path: str,
    text: str,
    reading: Reading,
    unsafe: bool,
    read: Callable[[str], tuple[list[RecordEntry], list[CollectionError]]],
) -> _Outcome | None:
    # A malformed record is the check's to report; the others are still fixed.
    entries, errors = read(text)
    edits: list[Edit] = []
    expected = [entry.data for entry in entries]
    applied = 0
    for number, entry in enumerate(entries):
        if not isinstance(entry.data, dict) or not entry.exact:
            continue
        # A replacement the value cannot hold as written (a line break in a YAML
        # block scalar, ...) is left for the editor.
        fixed = _fix_reply(checker, path, entry, reading, unsafe, _encodable_in(entry))
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
    # Lines may move (a fix can add one); the faults and the records at fault may not.
    same_errors = [(e.message, e.record_id) for e in reread_errors] == [
        (e.message, e.record_id) for e in errors
    ]
    if not same_errors or [entry.data for entry in reread] != expected:
        return text, 0, "the fixed file would not read back as intended"
    return after, applied, None


def _encodable_in(entry: RecordEntry) -> Callable[[Fix], bool]:
    def encodable(fix: Fix) -> bool:
        return all(entry.encode(e.text) is not None for e in fix.edits)

    return encodable


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
