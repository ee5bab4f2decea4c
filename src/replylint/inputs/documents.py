"""One-reply documents (`.txt`, `.md`, `.reply`): front matter, quoted incoming, body.

    ---
    channel: public
    agent: Marie
    ---
    > Where is my order?        <- the customer's message: becomes `incoming`
    Hi Sam, it ships today.     <- the reply: linted
    – Marie

Findings are computed on the reply text and mapped back to file offsets, so a
position always points at the file the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from replylint.inputs.record import RecordError, parse_record
from replylint.model import OffsetMap, Reply

_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:^|\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_QUOTE = re.compile(r"[ \t]*>[ \t]?")


class DocumentError(ValueError):
    """A document that cannot be read as a reply; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class ReplyDocument:
    reply: Reply
    offsets: OffsetMap  # reply.text offsets -> file offsets
    front_matter: dict[str, Any]
    body_start: int  # file offset where the part after front matter starts


def _parse_front_matter(source: str) -> tuple[dict[str, Any], int]:
    match = _FRONT_MATTER.match(source)
    if not match:
        return {}, 0
    import yaml  # ~25 ms, paid only by a run that meets front matter

    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocumentError(f"invalid YAML front matter: {problem}", line) from None
    if not isinstance(data, dict):
        raise DocumentError("front matter must be a mapping of record fields", 2)
    return data, match.end()


def parse_document(
    source: str,
    *,
    defaults: dict[str, Any] | None = None,
    default_id: str | None = None,
    default_channel: str | None = None,
    languages: Collection[str] | None = None,
) -> ReplyDocument:
    """Split a document into front matter, quoted incoming text and the reply.

    `defaults` (e.g. CLI flags) fill record fields the document does not set; the
    front matter follows a collection's field rules (see `record.py`). Raises
    `DocumentError` when it cannot be linted.
    """
    front, start = _parse_front_matter(source)
    segments: list[tuple[int, int, int]] = []
    reply_parts: list[str] = []
    quoted: list[str] = []
    text_len = 0
    pos = start
    for line in source[start:].splitlines(keepends=True):
        quote = _QUOTE.match(line)
        if quote:
            quoted.append(line[quote.end() :].rstrip("\r\n"))
        else:
            segments.append((text_len, pos, len(line)))
            reply_parts.append(line)
            text_len += len(line)
        pos += len(line)

    record: dict[str, Any] = dict(front)
    if quoted and not front.get("incoming"):
        record["incoming"] = "\n".join(quoted).strip()
    record["text"] = "".join(reply_parts)
    if not record["text"].strip():
        raise DocumentError("the reply is empty: nothing to send", None)
    try:
        reply = parse_record(
            record,
            default_id=default_id,
            defaults=defaults,
            default_channel=default_channel or (defaults or {}).get("channel"),
            languages=languages,
        )
    except RecordError as exc:
        in_front = exc.field is not None and exc.field in front
        if not in_front and exc.field == "text":
            raise DocumentError(f"the reply: {exc}", None) from None
        raise DocumentError(f"front matter: {exc}", 2 if in_front else None) from None
    return ReplyDocument(reply, OffsetMap(segments), front, start)
