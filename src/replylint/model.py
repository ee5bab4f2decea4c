"""The data replylint passes around: replies in, findings and reports out.

Everything here is immutable so one analysis can be shared by every rule and every
thread. Offsets are Python string indices (code points) into the reply text unless a
name says otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CHANNELS: tuple[str, ...] = ("public", "private", "chat", "email")
# `--fail-on` values: a severity, or never fail.
FAIL_ON: tuple[str, ...] = ("error", "warning", "info", "never")


class ExitStatus(enum.IntEnum):
    """Exit codes of every command (see docs/record-fields.md)."""

    OK = 0
    FINDINGS = 1  # findings at or above --fail-on: do not send
    ERROR = 2  # usage, configuration or input error


def fails(worst: Severity | None, fail_on: str) -> bool:
    """Whether a worst severity of `worst` (None: no findings) fails `--fail-on`."""
    if fail_on == "never" or worst is None:
        return False
    return worst >= Severity.parse(fail_on)


def verdict_of(severities: Iterable[Severity]) -> str:
    """`block` if any error, `warn` if any warning, else `pass`."""
    worst = max(severities, default=None)
    if worst is Severity.ERROR:
        return "block"
    if worst is Severity.WARNING:
        return "warn"
    return "pass"


class Severity(enum.IntEnum):
    """How bad a finding is. Ordered so `max()` and `>=` compare as users expect."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except (KeyError, AttributeError):
            raise ValueError(
                f"unknown severity {value!r} (expected error, warning or info)"
            ) from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Reply:
    """One reply as it would be sent, with the context the rules may use.

    Field names and meanings are the reply-record contract of docs/record-fields.md.
    """

    text: str
    id: str | None = None
    channel: str = "private"
    incoming: str | None = None
    language: str | None = None
    agent: str | None = None
    brand: str | None = None
    customer: str | None = None
    saved_reply: bool | str = False
    faq: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Context the record did not state: field -> where the value came from
    # ("default" for channel; language is "detected" unless the record gives it).
    assumed: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_saved_reply(self) -> bool:
        return bool(self.saved_reply)


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `text` (offsets into the linted text)."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Fix:
    """Edits that resolve a finding. `safe`: the rule vouches that applying it
    unreviewed keeps the reply's meaning (`check --fix` applies only these; the
    others need `--unsafe-fixes`)."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "edits": [e.to_dict() for e in self.edits],
            "safe": self.safe,
        }

    def apply(self, text: str) -> str:
        """Apply the edits (non-overlapping) to `text`, last first so offsets hold."""
        for edit in sorted(self.edits, key=lambda e: e.start, reverse=True):
            text = text[: edit.start] + edit.text + text[edit.end :]
        return text


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    fixes: tuple[Fix, ...] = ()
    url: str | None = None
    check: str | None = None  # the rule's named sub-check that found it, if it has several
    # The span is a customer's personal data: reports show it masked (see redact.py).
    personal_data: bool = False

    def shifted(self, mapping: OffsetMap) -> Finding:
        """The same finding with offsets translated by `mapping` (text -> file)."""
        fixes = tuple(
            Fix(
                f.title,
                tuple(
                    Edit(mapping.to_file(e.start), mapping.to_file(e.end), e.text) for e in f.edits
                ),
                f.safe,
            )
            for f in self.fixes
        )
        return Finding(
            self.rule,
            self.severity,
            self.message,
            mapping.to_file(self.start),
            mapping.to_file(self.end),
            fixes,
            self.url,
            self.check,
            self.personal_data,
        )

    def to_dict(self, index: LineIndex) -> dict[str, Any]:
        """The Finding JSON of docs/json-report.md, with line/column taken from `index`."""
        data: dict[str, Any] = {"rule": self.rule}
        if self.check:
            data["check"] = self.check
        data |= {
            "severity": str(self.severity),
            "message": self.message,
            "start": index.position(self.start),
            "end": index.position(self.end),
            "fixes": [f.to_dict() for f in self.fixes],
        }
        if self.url:
            data["url"] = self.url
        if self.personal_data:
            data["personal_data"] = True
        return data


class OffsetMap:
    """Maps offsets in a text assembled from pieces of a file back to the file.

    `segments` are (text_start, file_start, length) triples in text order; an offset
    past the end of a segment (e.g. the end of the text) maps to the end of the last
    segment it follows.
    """

    __slots__ = ("_segments",)

    def __init__(self, segments: list[tuple[int, int, int]]) -> None:
        self._segments = segments

    @property
    def segments(self) -> list[tuple[int, int, int]]:
        return list(self._segments)

    @classmethod
    def identity(cls) -> OffsetMap:
        return cls([])

    def to_file(self, offset: int) -> int:
        if not self._segments:
            return offset
        chosen = self._segments[0]
        for seg in self._segments:
            if seg[0] <= offset:
                chosen = seg
            else:
                break
        text_start, file_start, length = chosen
        return file_start + min(max(offset - text_start, 0), length)


def utf16_length(text: str) -> int:
    """Length of `text` in UTF-16 code units (what LSP and SARIF count by default).

    A character outside the BMP (most emoji) is two units; a lone surrogate (possible
    after a JSON "\\ud800" escape) is one, as in an editor.
    """
    if text.isascii():
        return len(text)
    # In C: UTF-16 takes two bytes a unit; "surrogatepass" keeps a lone surrogate one.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """1-based line/column lookups for offsets into one source text."""

    __slots__ = ("_cursor", "_length", "_source", "_starts")

    def __init__(self, source: str) -> None:
        self._source = source
        starts = [0]
        pos = source.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = source.find("\n", pos + 1)
        self._starts = starts
        self._length = len(source)
        # (line start, offset, its UTF-16 column - 1) of the last lookup: findings come
        # in text order, so counting on from there keeps a long line's columns linear.
        self._cursor = (0, 0, 0)

    def line_col(self, offset: int) -> tuple[int, int]:
        """0-based (line, column in code points)."""
        import bisect

        offset = max(0, min(offset, self._length))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def utf16_column(self, offset: int) -> int:
        """The 1-based column of `offset` in UTF-16 code units."""
        offset = max(0, min(offset, self._length))
        start = self._starts[self.line_col(offset)[0]]
        last_start, last_offset, last_units = self._cursor  # one tuple: thread-consistent
        if last_start != start:
            units = utf16_length(self._source[start:offset])
        elif last_offset <= offset:
            units = last_units + utf16_length(self._source[last_offset:offset])
        else:  # a finding's end, then the next one's start before it
            units = last_units - utf16_length(self._source[offset:last_offset])
        self._cursor = (start, offset, units)
        return units + 1

    def position(self, offset: int) -> dict[str, int]:
        line, col = self.line_col(offset)
        return {"line": line + 1, "column": col + 1, "offset": offset}


@dataclass(frozen=True)
class Report:
    """The outcome of linting one reply."""

    reply: Reply
    language: str
    channel: str
    findings: tuple[Finding, ...]
    rule_errors: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:
        """`block` if any error, `warn` if any warning, else `pass`."""
        return verdict_of(f.severity for f in self.findings)

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def verdict_without(self, rules: Iterable[str]) -> str:
        """The verdict once the findings of `rules` no longer count (an override)."""
        overridden = frozenset(rules)
        return verdict_of(f.severity for f in self.findings if f.rule not in overridden)

    @property
    def assumed(self) -> dict[str, str]:
        """Context the reply did not state, and where it came from."""
        return assumed_context(self.reply)

    def to_dict(self, source: str | None = None) -> dict[str, Any]:
        index = LineIndex(self.reply.text if source is None else source)
        return {
            "id": self.reply.id,
            "language": self.language,
            "channel": self.channel,
            "assumed": self.assumed,
            "verdict": self.verdict,
            "findings": [f.to_dict(index) for f in self.findings],
        }


def assumed_context(reply: Reply) -> dict[str, str]:
    """`{"channel": "default", "language": "detected"}` for what the reply left open."""
    assumed = dict(reply.assumed)
    if reply.language is None:
        assumed["language"] = "detected"
    return assumed
