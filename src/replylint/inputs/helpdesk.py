"""Saved-reply libraries exported from helpdesks, read as reply records.

Two exports are recognised by their shape, not their file name:

- **Zendesk macros** (JSON): `{"macros": [...]}`, `{"macro": {...}}` or a bare list of
  macros. A macro is `{"id", "title", "actions": [{"field", "value"}, ...]}`; its
  reply is the value of the `comment_value` action (or `comment_value_html`, turned
  into text, when there is no plain one). A value is a string or a
  `[channel, text]` pair. The record gets `saved_reply` = the macro's title, and
  keeps `description`, `active` and the macro's other fields as extra fields. A
  macro with no comment action (one that only sets ticket fields) is not a reply
  and is skipped.
- **Canned responses** (CSV) with a `title,content[,folder]` header (any case, any
  order): `text` = content, `saved_reply` = title, `folder` kept as an extra field.

Template text is kept exactly as written (`{{ticket.requester.first_name}}`,
`{% if %}`, `%NAME%`): whether a placeholder is expected is the saved-reply-fit
rule's call, not the reader's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

COMMENT_FIELDS = ("comment_value", "comment_value_html")
CANNED_COLUMNS = ("title", "content")

_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote)\s*>")
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def is_macro_export(data: Any) -> bool:
    """A Zendesk macro export (or one macro), by shape."""
    if isinstance(data, Mapping):
        if isinstance(data.get("macros"), list):
            return True
        return isinstance(data.get("macro"), Mapping) and "actions" in data["macro"]
    if isinstance(data, list) and data:
        first = next((item for item in data if isinstance(item, Mapping)), None)
        return first is not None and "actions" in first and "text" not in first
    return False


def macro_list(data: Any) -> list[Any]:
    """The macros of an export recognised by `is_macro_export`."""
    if isinstance(data, Mapping):
        if isinstance(data.get("macros"), list):
            return list(data["macros"])
        return [data["macro"]]
    return list(data)


def html_to_text(markup: str) -> str:
    """Readable text from a macro's HTML comment: line breaks kept, tags dropped."""
    import html  # its entity table is ~10 ms that only helpdesk exports need

    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _action_text(value: Any) -> str | None:
    """A comment action's text: a string, or the text of a [channel, text] pair."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value[-1]
    return None


def macro_text_action(macro: Mapping[str, Any]) -> tuple[int, str] | None:
    """Where a macro's reply text is: the index in `actions` and the field of the
    action it comes from (the plain comment first, else the HTML one); None when no
    comment action holds text."""
    actions = macro.get("actions")
    if not isinstance(actions, list):
        return None
    first: dict[str, int] = {}
    for index, action in enumerate(actions):
        if isinstance(action, Mapping) and action.get("field") in COMMENT_FIELDS:
            first.setdefault(str(action["field"]), index)
    for field in COMMENT_FIELDS:
        if field in first and _action_text(actions[first[field]].get("value")) is not None:
            return first[field], field
    return None


def macro_record(macro: Any) -> dict[str, Any] | None:
    """The reply record of one macro; None when it sets no comment (not a reply).

    Raises ValueError for a macro that is not an object or whose comment is not text.
    """
    if not isinstance(macro, Mapping):
        raise ValueError(f"a macro must be an object, not {type(macro).__name__}")
    actions = macro.get("actions")
    if not isinstance(actions, list):
        raise ValueError("macro has no 'actions' list")
    if not any(isinstance(a, Mapping) and a.get("field") in COMMENT_FIELDS for a in actions):
        return None
    found = macro_text_action(macro)
    if found is None:
        raise ValueError("macro comment must be text or a [channel, text] pair")
    index, field = found
    text = _action_text(actions[index].get("value"))
    assert text is not None  # macro_text_action checked it
    if field == "comment_value_html":
        text = html_to_text(text)
    record: dict[str, Any] = {
        key: value for key, value in macro.items() if key not in ("actions", "title")
    }
    record["text"] = text
    title = macro.get("title")
    record["saved_reply"] = title if isinstance(title, str) and title.strip() else True
    return record


def is_canned_header(fieldnames: list[str] | None) -> bool:
    """A canned-responses CSV: `title` and `content` columns and no `text` column."""
    if not fieldnames:
        return False
    names = {name.strip().lower() for name in fieldnames if name}
    return "text" not in names and all(column in names for column in CANNED_COLUMNS)


def canned_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The reply record of one canned-responses row (header names matched in any case)."""
    record: dict[str, Any] = {}
    for key, value in row.items():
        name = key.strip().lower() if isinstance(key, str) else key
        if name == "content":
            record["text"] = value
        elif name == "title":
            if isinstance(value, str) and value.strip():
                record["saved_reply"] = value
            else:
                record["saved_reply"] = True
        else:
            record[name] = value
    return record
