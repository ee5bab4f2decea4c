"""Edit one key of a reply document's YAML front matter: set a plain value
(`channel: chat`), remove it, or add a rule to `replylint-ignore`.

Each edit is one minimal change (a replaced, inserted or deleted line), so the rest
of the document stays byte for byte; it is checked by parsing the result, and None
when nothing needs to change or the front matter is laid out in a way this does not
handle (the caller says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from replylint.engine import IGNORE_KEY, ignored_rule_names
from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.record import RecordError
from replylint.model import Edit

# Same shape documents.parse_document accepts.
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:^|\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_PLAIN_VALUE = re.compile(r"[A-Za-z][A-Za-z0-9 _.@'-]*\Z")


def _yaml_item(name: str) -> str:
    if _PLAIN_NAME.match(name):
        return name
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _scalar(value: str) -> str:
    if _PLAIN_VALUE.match(value) and value.strip() == value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_flow_list(names: list[str]) -> str:
    """Rule names as a YAML flow sequence: `[brevity, \"odd name\"]`."""
    return "[" + ", ".join(_yaml_item(n) for n in names) + "]"


def line_break(text: str) -> str:
    """The line break `text` uses (its first one), \\n by default."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def set_front_matter_edit(text: str, key: str, value: str | None) -> Edit | None:
    """The edit that makes `key: value` hold in the front matter (None: remove the
    key), creating the front matter when there is none."""
    before = _front_matter(text)
    if before is not None and before.get(key) == value:
        return None
    line = f"{key}: {_scalar(value)}" if value is not None else None
    return _key_edit(text, key, line, lambda after: after.get(key) == value)


def ignore_rule_edit(text: str, rule: str) -> Edit | None:
    """The edit that makes this document skip `rule`, or None if it cannot (or does
    already). Creates the front matter when there is none."""
    before = _front_matter(text)
    if before is None:
        return None
    names = ignored_rule_names(before.get(IGNORE_KEY, []))
    if names is None or rule in names:
        return None
    line = f"{IGNORE_KEY}: {yaml_flow_list([*names, rule])}"

    def ignores(after: dict[str, Any]) -> bool:
        found = ignored_rule_names(after.get(IGNORE_KEY))
        return found is not None and rule in found

    return _key_edit(text, IGNORE_KEY, line, ignores)


def _key_edit(
    text: str, key: str, line: str | None, holds: Callable[[dict[str, Any]], bool]
) -> Edit | None:
    """Replace `key`'s entry with `line` (None: delete it), or add `line` when the key
    is absent; the edit only if the parsed result `holds`."""
    import yaml

    eol = line_break(text)
    match = _FRONT_MATTER.match(text)
    edit: Edit | None = None
    if match is None:
        if line is None:
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
        entries = root.value if root is not None else []
        for node_key, node_value in entries:
            if getattr(node_key, "value", None) != key:
                continue
            start = yaml_start + node_key.start_mark.index
            end = yaml_start + node_value.end_mark.index
            end = start + len(text[start:end].rstrip())
            if line is not None:
                edit = Edit(start, end, line)
            elif len(entries) == 1:
                # The only key: drop the whole front matter (an empty one is no front matter).
                edit = Edit(1 if text.startswith("\ufeff") else 0, match.end(), "")
            else:
                # The whole line, with its line break.
                line_start = text.rfind("\n", 0, start) + 1
                after = text.find("\n", end)
                edit = Edit(line_start, len(text) if after == -1 else after + 1, "")
        if edit is None:
            if line is None:
                return None
            if root is None:
                edit = Edit(yaml_start, yaml_start, f"{line}{eol}")
            else:
                at = yaml_end - 1 if source.endswith("\r") else yaml_end
                edit = Edit(at, at, f"{eol}{line}")
    result = _front_matter(text[: edit.start] + edit.text + text[edit.end :])
    if result is None or not holds(result):
        return None
    return edit


def _front_matter(text: str) -> dict[str, Any] | None:
    try:
        return parse_document(text).front_matter
    except (DocumentError, RecordError):
        return None
