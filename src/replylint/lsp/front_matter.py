"""Edit a reply document's YAML front matter: add a rule to `replylint-ignore`."""

from __future__ import annotations

import re

from replylint.engine import IGNORE_KEY, ignored_rule_names
from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.locations import yaml_value
from replylint.inputs.record import RecordError
from replylint.model import Edit

# Same shape documents.parse_document accepts.
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:^|\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


def _yaml_item(name: str) -> str:
    if _PLAIN_NAME.match(name):
        return name
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def yaml_flow_list(names: list[str]) -> str:
    """Rule names as a YAML flow sequence: `[brevity, \"odd name\"]`."""
    return "[" + ", ".join(_yaml_item(n) for n in names) + "]"


def line_break(text: str) -> str:
    """The line break `text` uses (its first one), \\n by default."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def ignore_rule_edit(text: str, rule: str) -> Edit | None:
    """The edit that makes this document skip `rule`, or None if it cannot (or does
    already). Creates the front matter when there is none."""
    import yaml

    eol = line_break(text)
    line = f"{IGNORE_KEY}: {yaml_flow_list([rule])}"
    match = _FRONT_MATTER.match(text)
    if match is None:
        at = 1 if text.startswith("\ufeff") else 0
        edit = Edit(at, at, f"---{eol}{line}{eol}---{eol}")
    else:
        yaml_start, yaml_end = match.span(1)
        source = match.group(1)
        try:
            root = yaml.compose(source, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return None
        if root is None:
            edit = Edit(yaml_start, yaml_start, f"{line}{eol}")
        elif not isinstance(root, yaml.MappingNode):
            return None
        else:
            edit = None
            for key, value in root.value:
                if getattr(key, "value", None) != IGNORE_KEY:
                    continue
                names = ignored_rule_names(yaml_value(value))
                if names is None:
                    return None
                if rule in names:
                    return None
                start = yaml_start + key.start_mark.index
                end = yaml_start + value.end_mark.index
                end = start + len(text[start:end].rstrip())
                edit = Edit(start, end, f"{IGNORE_KEY}: {yaml_flow_list([*names, rule])}")
            if edit is None:
                at = yaml_end - 1 if source.endswith("\r") else yaml_end
                edit = Edit(at, at, f"{eol}{line}")
    if edit is None or not _ignores(_apply(text, edit), rule):
        return None
    return edit


def _apply(text: str, edit: Edit) -> str:
    return text[: edit.start] + edit.text + text[edit.end :]


def _ignores(text: str, rule: str) -> bool:
    try:
        doc = parse_document(text)
    except (DocumentError, RecordError):
        return False
    names = ignored_rule_names(doc.front_matter.get(IGNORE_KEY))
    return names is not None and rule in names
