"""Make one record of a collection skip a rule: its `replylint-ignore`.

JSON / JSONL: the member is added as the record's first, in the layout of the
member after it (on its own line in a pretty-printed array, inline in a JSON
Lines record), or an existing list / comma-separated string is extended.

YAML: a block mapping gets `replylint-ignore: [rule]` as its first key, at that
key's indentation, or its existing entry is rewritten as a flow list (as in a
document's front matter, `front_matter.py`). A flow mapping (`{id: 1, text: x}`)
gets no edit.

Every edit is checked by reading the result again; it is offered only when the
engine would then skip the rule for that record, and nothing else changed shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from replylint.engine import IGNORE_KEY, ignored_rule_names
from replylint.inputs.locations import json_object_members, read_yaml, yaml_value
from replylint.lsp.front_matter import line_break, yaml_flow_list
from replylint.model import Edit

_SPACE = re.compile(r"[ \t\r\n]*")


def ignore_rule_in_record(
    text: str, records: Sequence[tuple[int, int]], index: int, rule: str
) -> Edit | None:
    """The edit that makes JSON record `index` (of `records`, their spans in
    `text`) skip `rule`, or None when it cannot be made (or it skips it already)."""
    start = records[index][0]
    found = json_object_members(text, start)
    if found is None:
        return None
    members, end = found
    current = members.get(IGNORE_KEY)
    if current is None:
        entry = f"{json.dumps(IGNORE_KEY)}: {json.dumps([rule], ensure_ascii=False)}"
        gap = _SPACE.match(text, start + 1)
        assert gap is not None  # the pattern matches the empty string
        if not members:
            edit = Edit(gap.end(), gap.end(), entry)
        elif "\n" in gap.group():  # one member per line: a line of its own
            edit = Edit(gap.end(), gap.end(), f"{entry},{gap.group()}")
        else:
            edit = Edit(gap.end(), gap.end(), f"{entry}, ")
    else:
        value_start, value_end, value = current
        names = ignored_rule_names(value)
        if names is None or rule in names:
            return None
        extended: list[str] | str = (
            [*names, rule] if not isinstance(value, str) else ", ".join([*names, rule])
        )
        edit = Edit(value_start, value_end, json.dumps(extended, ensure_ascii=False))
    record = text[start : edit.start] + edit.text + text[edit.end : end]
    try:
        data = json.loads(record)
    except ValueError:
        return None
    names = ignored_rule_names(data.get(IGNORE_KEY)) if isinstance(data, dict) else None
    return edit if names is not None and rule in names else None


def ignore_rule_in_yaml_record(
    text: str, records: Sequence[tuple[int, int]], index: int, rule: str
) -> Edit | None:
    """The edit that makes YAML record `index` (a mapping; `records` are the spans
    `read_yaml` found in `text`) skip `rule`, or None when it cannot be made safely
    (or the record skips it already)."""
    import yaml

    start = records[index][0]
    try:
        roots = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return None
    node = _mapping_at(roots, start)
    if node is None or node.flow_style or not node.value:
        return None
    edit = None
    for key, value in node.value:
        if getattr(key, "value", None) != IGNORE_KEY:
            continue
        names = ignored_rule_names(yaml_value(value))
        if names is None or rule in names:
            return None
        first = key.start_mark.index
        last = first + len(text[first : value.end_mark.index].rstrip())
        edit = Edit(first, last, f"{IGNORE_KEY}: {yaml_flow_list([*names, rule])}")
    if edit is None:
        first_key = node.value[0][0]
        at, indent = first_key.start_mark.index, " " * first_key.start_mark.column
        line = f"{IGNORE_KEY}: {yaml_flow_list([rule])}"
        edit = Edit(at, at, f"{line}{line_break(text)}{indent}")
    return edit if _yaml_record_ignores(text, edit, len(records), index, rule) else None


def _mapping_at(roots: list[Any], start: int) -> Any:
    import yaml

    pending = list(roots)
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            if node.start_mark.index == start:
                return node
            pending.extend(value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    return None


def _yaml_record_ignores(text: str, edit: Edit, count: int, index: int, rule: str) -> bool:
    """Does the edited file still read as `count` records, record `index` skipping `rule`?"""
    after, errors = read_yaml(text[: edit.start] + edit.text + text[edit.end :])
    if errors or len(after) != count:
        return False
    edited = after[index].data
    names = ignored_rule_names(edited.get(IGNORE_KEY)) if isinstance(edited, dict) else None
    return names is not None and rule in names
