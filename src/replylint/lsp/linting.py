"""Lint an open document: one reply document, or a collection of reply records.

Returns findings in *file* code-point offsets plus "problems" (a document that
cannot be read, a record without text, a skipped document) that are not rule
findings. No LSP types here; `diagnostics` converts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from replylint.engine import IGNORE_KEY, Engine
from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.kinds import REPLY, binary_message, kind_for_name
from replylint.inputs.locations import (
    CollectionError,
    RecordEntry,
    read_csv,
    read_json,
    read_jsonl,
    read_yaml,
)
from replylint.inputs.record import RecordError, parse_record
from replylint.model import Edit, Finding, Fix, Reply, Report, Severity

_LANGUAGE_KINDS = {
    "reply": REPLY,
    "plaintext": REPLY,
    "markdown": REPLY,
    "json": "json",
    "jsonc": "json",
    "jsonl": "jsonl",
    "yaml": "yaml",
    "csv": "csv",
}

# Codes of diagnostics that are not rule findings.
INVALID_DOCUMENT = "invalid-document"
INVALID_RECORD = "invalid-record"
SKIPPED = "skipped"
LINT_FAILED = "lint-failed"


def document_kind(name: str, language_id: str) -> str | None:
    """How to read a document: "reply", "json", "jsonl", "yaml", or None (not ours).

    The file name decides first (a `.jsonl` file is a collection whatever the editor
    calls it); untitled documents go by their language id.
    """
    return kind_for_name(name) or _LANGUAGE_KINDS.get(language_id)


@dataclass(frozen=True)
class Problem:
    """Something to show that is not a rule finding."""

    code: str
    message: str
    start: int
    end: int
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class LintOutcome:
    text: str  # the text linted (positions are computed on it)
    kind: str | None
    findings: tuple[Finding, ...] = ()  # file offsets
    problems: tuple[Problem, ...] = ()
    rule_errors: tuple[str, ...] = ()
    internal_errors: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()  # config / settings problems to show once
    # Collections: where each record starts and ends.
    records: tuple[tuple[int, int], ...] = ()
    # (channel, language) each linted reply was checked in, for the status bar.
    replies: tuple[tuple[str, str], ...] = ()


class Stale(Exception):
    """The document changed while it was being linted; the result would be thrown away."""


class ReportCache:
    """Reports of recently linted replies, so an edit to one record of a large
    collection re-lints that record only. Keyed by engine and reply (the reply's
    `extra` takes no part in equality, so the ignore list is added to the key)."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: OrderedDict[tuple[Any, ...], Report] = OrderedDict()
        self._lock = threading.Lock()

    def lint(self, engine: Engine, reply: Reply) -> Report:
        try:
            key: tuple[Any, ...] | None = (engine, reply, repr(reply.extra.get(IGNORE_KEY)))
            hash(key)
        except TypeError:
            key = None
        if key is not None:
            with self._lock:
                found = self._items.get(key)
                if found is not None:
                    self._items.move_to_end(key)
                    return found
        report = engine.lint(reply)
        if key is not None:
            with self._lock:
                self._items[key] = report
                if len(self._items) > self._size:
                    self._items.popitem(last=False)
        return report

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _line_end(text: str, start: int) -> int:
    for i in range(start, min(len(text), start + 200)):
        if text[i] in "\r\n":
            return i
    return min(len(text), start + 200)


def lint_text(
    engine: Engine,
    text: str,
    kind: str | None,
    *,
    max_size: int,
    cache: ReportCache | None = None,
    is_stale: Callable[[], bool] = lambda: False,
) -> LintOutcome:
    if kind is None:
        return LintOutcome(text, kind)
    if len(text) > max_size:
        message = (
            f"replylint skipped this document: {len(text):,} characters is more than "
            f"maxDocumentSize ({max_size:,}). Raise the maxDocumentSize setting to lint it."
        )
        return LintOutcome(
            text, kind, problems=(Problem(SKIPPED, message, 0, _line_end(text, 0), Severity.INFO),)
        )
    cache = cache or ReportCache(0)
    if kind == REPLY:
        return _lint_reply_document(engine, text, cache)
    return _lint_collection(engine, text, kind, cache, is_stale)


def _lint_reply_document(engine: Engine, text: str, cache: ReportCache) -> LintOutcome:
    if "\x00" in text:
        message = binary_message("binary")
        return LintOutcome(
            text, REPLY, problems=(Problem(SKIPPED, message, 0, _line_end(text, 0), Severity.INFO),)
        )
    try:
        doc = parse_document(
            text, default_channel=engine.config.channel, languages=engine.languages
        )
    except DocumentError as exc:
        start = 0
        if exc.line:
            start = _offset_of_line(text, exc.line - 1)
        return LintOutcome(
            text,
            REPLY,
            problems=(Problem(INVALID_DOCUMENT, str(exc), start, _line_end(text, start)),),
        )
    try:
        report = cache.lint(engine, doc.reply)
    except Exception as exc:
        return LintOutcome(
            text, REPLY, internal_errors=(f"linting failed: {type(exc).__name__}: {exc}",)
        )
    findings = tuple(f.shifted(doc.offsets) for f in report.findings)
    return LintOutcome(
        text,
        REPLY,
        findings,
        rule_errors=report.rule_errors,
        replies=((report.channel, report.language),),
    )


def _offset_of_line(text: str, line: int) -> int:
    pos = 0
    for _ in range(line):
        nl = text.find("\n", pos)
        if nl == -1:
            return len(text)
        pos = nl + 1
    return pos


_READERS: dict[str, Callable[[str], tuple[list[RecordEntry], list[CollectionError]]]] = {
    "json": read_json,
    "jsonl": read_jsonl,
    "yaml": read_yaml,
    "csv": read_csv,
}


def _place(finding: Finding, entry: RecordEntry) -> Finding:
    if not entry.exact:
        # No exact mapping (folded YAML, ...): the whole value, and no fix to apply.
        return replace(finding, start=entry.text_start, end=entry.text_end, fixes=())
    fixes = []
    for fix in finding.fixes:
        # A replacement goes inside a JSON string or a YAML scalar: escape it for that.
        edits = [
            Edit(entry.to_file(e.start), entry.to_file(e.end), encoded)
            for e in fix.edits
            if (encoded := entry.encode(e.text)) is not None
        ]
        if len(edits) == len(fix.edits):
            fixes.append(Fix(fix.title, tuple(edits), fix.safe))
    return replace(
        finding,
        start=entry.to_file(finding.start),
        end=entry.to_file(finding.end),
        fixes=tuple(fixes),
    )


def _record_name(entry: RecordEntry) -> str:
    record_id = entry.data.get("id") if isinstance(entry.data, dict) else None
    if isinstance(record_id, (str, int)) and not isinstance(record_id, bool) and record_id != "":
        return str(record_id)
    return entry.default_id


def _lint_collection(
    engine: Engine, text: str, kind: str, cache: ReportCache, is_stale: Callable[[], bool]
) -> LintOutcome:
    entries, errors = _READERS[kind](text)
    problems = [Problem(INVALID_DOCUMENT, e.message, e.start, max(e.end, e.start)) for e in errors]
    findings: list[Finding] = []
    rule_errors: list[str] = []
    internal: list[str] = []
    replies: list[tuple[str, str]] = []
    channel = engine.config.channel
    for entry in entries:
        if is_stale():
            raise Stale
        try:
            reply = parse_record(
                entry.data,
                default_id=entry.default_id,
                default_channel=channel,
                languages=engine.languages,
            )
        except RecordError as exc:
            end = _line_end(text, entry.start)
            problems.append(
                Problem(
                    INVALID_RECORD,
                    f"record {_record_name(entry)}: {exc}",
                    entry.start,
                    max(end, entry.start + 1),
                )
            )
            continue
        try:
            report = cache.lint(engine, reply)
        except Exception as exc:
            internal.append(
                f"record {_record_name(entry)}: linting failed: {type(exc).__name__}: {exc}"
            )
            continue
        findings.extend(_place(f, entry) for f in report.findings)
        replies.append((report.channel, report.language))
        rule_errors.extend(f"record {_record_name(entry)}: {e}" for e in report.rule_errors)
    return LintOutcome(
        text,
        kind,
        tuple(findings),
        tuple(problems),
        tuple(rule_errors),
        tuple(internal),
        records=tuple((e.start, e.end) for e in entries),
        replies=tuple(replies),
    )
