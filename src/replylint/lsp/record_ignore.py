"""Make one record of a JSON / JSONL collection skip a rule: its `replylint-ignore`.

The member is added as the record's first, in the layout of the member after it
(on its own line in a pretty-printed array, inline in a JSON Lines record), or
an existing list / comma-separated string is extended. The edited record is
parsed again and the edit offered only when the engine would now skip the rule.
YAML collections get no such edit: their layouts (block and flow mappings,
anchors, comments) leave no single safe place.
"""

from __future__ import annotations

import json
import re

from replylint.engine import IGNORE_KEY
from replylint.lsp.front_matter import listed_rules
from replylint.lsp.record_locations import json_object_members
from replylint.model import Edit

_SPACE = re.compile(r"[ \t\r\n]*")


def ignore_rule_in_record(text: str, start: int, rule: str) -> Edit | None:
    """The edit that makes the JSON record at `start` skip `rule`, or None when it
    cannot be made (or the record skips it already)."""
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
        names = listed_rules(value)
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
    names = listed_rules(data.get(IGNORE_KEY)) if isinstance(data, dict) else None
    return edit if names is not None and rule in names else None
