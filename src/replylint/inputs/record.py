"""Reply records (dicts from JSON/CSV/YAML/HTTP) to `Reply`, with per-field errors.

The field rules (docs/record-fields.md): a single-reply request (hook, HTTP, a dict
given to the API) is strict, so an unknown field is an error naming the closest
known one; free-form data goes under `meta`. A collection row carries its own
columns: a name a small edit away from a known field (`chanel`, `txt`) is an error
for that record, any other foreign field is kept in `Reply.extra` and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
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
# Fields a record may carry besides the contract's: free-form data, and the rules
# a library record skips (written by the editor's quick fix).
META_FIELD = "meta"
IGNORE_FIELD = "replylint-ignore"
_KNOWN_FIELDS = (*RECORD_FIELDS, META_FIELD, IGNORE_FIELD)
# The same names as sets: tested for every key of every record read.
_RECORD_FIELD_SET = frozenset(RECORD_FIELDS)
_KNOWN_FIELD_SET = frozenset(_KNOWN_FIELDS)
_STRING_FIELDS = ("incoming", "language", "agent", "brand", "customer")
_SURROGATE = re.compile("[\ud800-\udfff]")


class RecordError(ValueError):
    """A record that cannot be linted; `field` names the culprit when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def closest_field(name: str, known: Collection[str] = _KNOWN_FIELDS) -> str | None:
    """The known field `name` is a near miss of (a typo or another case), or None.

    Optimal-string-alignment distance, so a swap of two letters counts once
    (`langauge`): at most 1 for names of four letters or fewer, else at most 2.
    """
    if not isinstance(name, str):
        return None
    from rapidfuzz.distance import OSA  # only a run with a misspelt field pays for it

    lowered = name.strip().lower().replace("-", "_")
    best: tuple[int, str] | None = None
    for candidate in known:
        limit = 1 if len(candidate) <= 4 else 2
        distance = OSA.distance(lowered, candidate, score_cutoff=limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best is not None else None


def unknown_field_message(name: str, known: Collection[str] = _KNOWN_FIELDS) -> str:
    guess = closest_field(name, known)
    hint = f" — did you mean '{guess}'?" if guess else f" (known: {', '.join(known)})"
    return f"unknown field {name!r}{hint}"


def check_language(value: str, languages: Collection[str], what: str = "field 'language'") -> str:
    """`value` as a supported language code, or RecordError listing the supported ones."""
    code = value.strip().lower()
    if code not in languages:
        raise RecordError(
            f"{what} must be one of {', '.join(languages)} (the supported languages), "
            f"not {value!r}",
            "language",
        )
    return code


def parse_record(
    data: Any,
    *,
    default_id: str | None = None,
    default_channel: str | None = None,
    defaults: Mapping[str, Any] | None = None,
    strict: bool = False,
    allowed: Collection[str] = (),
    languages: Collection[str] | None = None,
) -> Reply:
    """Build a `Reply` from a record, or raise `RecordError` naming the bad field.

    `defaults` fill the fields the record leaves out (command-line flags); the
    channel falls back to `default_channel`, then `private`, and `Reply.assumed`
    says so. `strict`: any field that is not a record field (nor in `allowed`, the
    door's own keys) is an error; else only near misses are, and the other fields
    are kept in `Reply.extra`. `languages`: the codes `language` may take (the
    engine's supported languages). Empty strings from CSV cells count as absent
    for optional fields.
    """
    if not isinstance(data, Mapping):
        raise RecordError(f"a reply record must be an object, not {_type_name(data)}")
    for key in data:
        if key in _KNOWN_FIELD_SET or key in allowed:
            continue
        if not isinstance(key, str):
            raise RecordError(f"field names must be strings, not {_type_name(key)}")
        if strict or closest_field(key) is not None:
            raise RecordError(unknown_field_message(key), key)
    stated_channel = data.get("channel") not in (None, "")
    if defaults:
        data = {**{k: v for k, v in defaults.items() if v is not None}, **_present(data)}
    text = data.get("text")
    if text is None:
        raise RecordError("missing required field 'text'", "text")
    if not isinstance(text, str):
        raise RecordError(f"field 'text' must be a string, not {_type_name(text)}", "text")
    if not text.strip():
        raise RecordError("field 'text' is empty: nothing to send", "text")
    _refuse_lone_surrogates("text", text)

    values: dict[str, Any] = {}
    for name in _STRING_FIELDS:
        value = data.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise RecordError(f"field '{name}' must be a string, not {_type_name(value)}", name)
        _refuse_lone_surrogates(name, value)
        values[name] = value

    record_id = data.get("id")
    if record_id is not None and record_id != "":
        if isinstance(record_id, bool) or not isinstance(record_id, (str, int)):
            raise RecordError(
                f"field 'id' must be a string or number, not {_type_name(record_id)}", "id"
            )
        values["id"] = str(record_id)
    elif default_id is not None:
        values["id"] = default_id

    assumed: dict[str, str] = {}
    channel = data.get("channel")
    if channel is None or channel == "":
        channel = default_channel or "private"
    if not stated_channel:
        assumed["channel"] = "default"
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise RecordError(
            f"field 'channel' must be one of {', '.join(CHANNELS)}, not {channel!r}", "channel"
        )
    values["channel"] = channel

    language = values.get("language")
    if language is not None:
        if languages is not None:
            values["language"] = check_language(language, languages)
        else:
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
                f"field 'saved_reply' must be a boolean or a string, not {_type_name(saved)}",
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

    meta = data.get(META_FIELD)
    if meta is not None and not isinstance(meta, Mapping):
        raise RecordError(
            f"field 'meta' must be an object of free-form data, not {_type_name(meta)}", "meta"
        )

    extra = {k: v for k, v in data.items() if k not in _RECORD_FIELD_SET and k not in allowed}
    return Reply(text=text, extra=extra, assumed=assumed, **values)


def _refuse_lone_surrogates(name: str, value: str) -> None:
    """Half a UTF-16 pair (JSON can escape one: "\\ud800") is not text: no reply
    can be sent with it, and the language pipeline cannot read it."""
    if value.isascii():  # a flag of the string, not a scan: most fields need no search
        return
    found = _SURROGATE.search(value)
    if found is not None:
        raise RecordError(
            f"field '{name}' holds an unpaired surrogate (U+{ord(found.group()):04X} at"
            f" character {found.start()}): not text",
            name,
        )


def foreign_fields(data: Any) -> list[str]:
    """The fields of a collection record that replylint keeps but ignores."""
    if not isinstance(data, Mapping):
        return []
    return [key for key in data if isinstance(key, str) and key not in _KNOWN_FIELD_SET]


def _present(data: Mapping[Any, Any]) -> dict[Any, Any]:
    """The record without absent optional values (None, or an empty CSV cell)."""
    return {k: v for k, v in data.items() if k == "text" or (v is not None and v != "")}


def _type_name(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    return names.get(type(value), type(value).__name__)


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
