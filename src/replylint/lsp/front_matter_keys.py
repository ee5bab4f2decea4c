"""Set or remove one plain key of a reply document's front matter (`channel: chat`).

One minimal edit (a replaced, inserted or deleted line), so the rest of the
document stays byte for byte; checked by parsing the result, and None when the
front matter is laid out in a way this does not handle (the caller says so).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.record import RecordError
from replylint.lsp.front_matter import line_break
from replylint.model import Edit

# Same shape documents.parse_document accepts.
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:^|\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.@'-]*\Z")


def _scalar(value: str) -> str:
    if _PLAIN.match(value) and value.strip() == value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _apply(text: str, edit: Edit) -> str:
    return text[: edit.start] + edit.text + text[edit.end :]


def _front_matter(text: str) -> dict[str, Any] | None:
    try:
        return parse_document(text).front_matter
    except (DocumentError, RecordError):
        return None


def set_front_matter_edit(text: str, key: str, value: str | None) -> Edit | None:
    """The edit that makes `key: value` hold in the front matter (None: remove the
    key), creating the front matter when there is none. None when nothing needs to
    change or the edit cannot be made safely."""
    before = _front_matter(text)
    if before is not None and before.get(key) == value:
        return None
    eol = line_break(text)
    match = _FRONT_MATTER.match(text)
    line = f"{key}: {_scalar(value)}" if value is not None else ""
    edit: Edit | None = None
    if match is None:
        if value is None:
            return None
        at = 1 if text.startswith("\ufeff") else 0
        edit = Edit(at, at, f"---{eol}{line}{eol}---{eol}")
    else:
        yaml_start, yaml_end = match.span(1)
        source = match.group(1)
        try:
            root = yaml.compose(source, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return None
        if root is not None and not isinstance(root, yaml.MappingNode):
            return None
        for node_key, node_value in root.value if root is not None else []:
            if getattr(node_key, "value", None) != key:
                continue
            start = yaml_start + node_key.start_mark.index
            end = yaml_start + node_value.end_mark.index
            end = start + len(text[start:end].rstrip())
            if value is None and len(root.value) == 1:  # type: ignore[union-attr]
                # The only key: drop the whole front matter (an empty one is no front matter).
                edit = Edit(1 if text.startswith("\ufeff") else 0, match.end(), "")
            elif value is None:
                # The whole line, with its line break.
                line_start = text.rfind("\n", 0, start) + 1
                after = text.find("\n", end)
                edit = Edit(line_start, len(text) if after == -1 else after + 1, "")
            else:
                edit = Edit(start, end, line)
        if edit is None:
            if value is None:
                return None
            if root is None:
                edit = Edit(yaml_start, yaml_start, f"{line}{eol}")
            else:
                at = yaml_end - 1 if source.endswith("\r") else yaml_end
                edit = Edit(at, at, f"{eol}{line}")
    result = _front_matter(_apply(text, edit))
    if result is None or result.get(key) != value:
        return None
    return edit
