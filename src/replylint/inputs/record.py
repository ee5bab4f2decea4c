"""Reply records (dicts from JSON/CSV/YAML/HTTP) to `Reply`, with per-field errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from replylint.model import CHANNELS, Reply

RECORD_FIELDS = (
    "text",
    "id",
    "channel",
    "incoming",
    "language",
    "agent",
    "brand",
    "customer",
    "saved_reply",
    "faq",
)
_STRING_FIELDS = ("incoming", "language", "agent", "brand", "customer")


class RecordError(ValueError):
    """A record that cannot be linted; `field` names the culprit when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def parse_record(
    data: Any,
    *,
    default_id: str | None = None,
    default_channel: str | None = None,
) -> Reply:
    """Build a `Reply` from a record, or raise `RecordError` naming the bad field.

    Unknown fields are kept in `Reply.extra` and otherwise ignored. Empty strings
    from CSV cells count as absent for optional fields.
    """
    if not isinstance(data, Mapping):
        raise RecordError(f"a reply record must be an object, not {type(data).__name__}")
    text = data.get("text")
    if text is None:
        raise RecordError("missing required field 'text'", "text")
    if not isinstance(text, str):
        raise RecordError(f"field 'text' must be a string, not {type(text).__name__}", "text")

    values: dict[str, Any] = {}
    for name in _STRING_FIELDS:
        value = data.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise RecordError(f"field '{name}' must be a string, not {type(value).__name__}", name)
        values[name] = value

    record_id = data.get("id")
    if record_id is not None and record_id != "":
        if isinstance(record_id, bool) or not isinstance(record_id, (str, int)):
            raise RecordError(
                f"field 'id' must be a string or number, not {type(record_id).__name__}", "id"
            )
        values["id"] = str(record_id)
    elif default_id is not None:
        values["id"] = default_id

    channel = data.get("channel")
    if channel is None or channel == "":
        channel = default_channel or "private"
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise RecordError(
            f"field 'channel' must be one of {', '.join(CHANNELS)}, not {channel!r}", "channel"
        )
    values["channel"] = channel

    language = values.get("language")
    if language is not None:
        language = language.strip().lower()
        if not (2 <= len(language) <= 3 and language.isalpha()):
            raise RecordError(
                f"field 'language' must be an ISO 639-1 code like 'en', not {language!r}",
                "language",
            )
        values["language"] = language

    saved = data.get("saved_reply")
    if saved is not None and saved != "":
        if isinstance(saved, str):
            lowered = saved.strip().lower()
            # CSV cells carry booleans as text.
            if lowered in ("true", "yes", "1"):
                saved = True
            elif lowered in ("false", "no", "0"):
                saved = False
        elif not isinstance(saved, bool):
            raise RecordError(
                f"field 'saved_reply' must be a boolean or a string, not {type(saved).__name__}",
                "saved_reply",
            )
        values["saved_reply"] = saved

    faq = data.get("faq")
    if faq is not None and faq != "":
        if isinstance(faq, str):
            # CSV: one question per line, or separated by '|'.
            faq = [q for q in faq.replace("|", "\n").splitlines() if q.strip()]
        if not isinstance(faq, list) or not all(isinstance(q, str) for q in faq):
            raise RecordError("field 'faq' must be a list of strings", "faq")
        values["faq"] = tuple(faq)

    extra = {k: v for k, v in data.items() if k not in RECORD_FIELDS}
    return Reply(text=text, extra=extra, **values)


def reply_to_record(reply: Reply) -> dict[str, Any]:
    """The record form of a reply (for output and round trips)."""
    record: dict[str, Any] = {"text": reply.text, "channel": reply.channel}
    for name in ("id", *_STRING_FIELDS):
        value = getattr(reply, name)
        if value is not None:
            record[name] = value
    if reply.saved_reply:
        record["saved_reply"] = reply.saved_reply
    if reply.faq:
        record["faq"] = list(reply.faq)
    return record
