"""Edit a config file's text to turn a rule off: `[rules.<rule>] enabled = false`.

Line-based and minimal (one insertion or one replaced line), so the user's
comments and layout stay. Every edit is checked by parsing the result with
tomllib; when the file is laid out in a way this does not handle, no edit is
offered rather than a wrong one.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from replylint.model import Edit
from replylint.tomlcompat import tomllib

REPLYLINT_TOML_PREFIX: tuple[str, ...] = ()
PYPROJECT_PREFIX: tuple[str, ...] = ("tool", "replylint")

_HEADER = re.compile(r"[ \t]*(\[\[?)([^\]\n]*)\]\]?[ \t]*(?:#.*)?\Z")
_KEY_PART = re.compile(r'[ \t]*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|\'([^\']*)\')[ \t]*')
_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")
_BOOL_VALUE = re.compile(r"(=[ \t]*)(true|false)\b")


def new_config_text(rule: str, prefix: tuple[str, ...] = REPLYLINT_TOML_PREFIX) -> str:
    return f"[{_dotted((*prefix, 'rules', rule))}]\nenabled = false\n"


def _quote_key(part: str) -> str:
    return part if _BARE.match(part) else json.dumps(part, ensure_ascii=False)


def _dotted(parts: tuple[str, ...]) -> str:
    return ".".join(_quote_key(p) for p in parts)


def _parse_key(text: str) -> tuple[tuple[str, ...], int] | None:
    """A dotted key at the start of `text`: (parts, end of the key)."""
    parts: list[str] = []
    pos = 0
    while True:
        match = _KEY_PART.match(text, pos)
        if match is None:
            return None
        bare, basic, literal = match.groups()
        if bare is not None:
            parts.append(bare)
        elif basic is not None:
            try:
                parts.append(json.loads(f'"{basic}"'))
            except ValueError:
                return None
        else:
            parts.append(literal)
        pos = match.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return tuple(parts), pos


@dataclass
class _Line:
    start: int
    end: int  # before the line break
    text: str
    table: tuple[str, ...]  # the table the line belongs to
    header: bool = False
    key: tuple[str, ...] | None = None  # for `key = value` lines: the full path
    value_start: int = 0  # offset of the value in the file


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    table: tuple[str, ...] = ()
    pos = 0
    while pos <= len(text):
        nl = text.find("\n", pos)
        stop = len(text) if nl == -1 else nl
        raw = text[pos:stop]
        body = raw[:-1] if raw.endswith("\r") else raw
        line = _Line(pos, pos + len(body), body, table)
        header = _HEADER.match(body)
        if header is not None and body.lstrip().startswith("["):
            parsed = _parse_key(header.group(2))
            table = parsed[0] if parsed and header.group(1) == "[" else ("<array>",)
            line.table = table
            line.header = True
        else:
            parsed = _parse_key(body)
            if parsed is not None and body.strip() and not body.lstrip().startswith("#"):
                parts, end = parsed
                rest = body[end:]
                if rest.startswith("="):
                    line.key = (*table, *parts)
                    value = end + 1
                    value += len(body[value:]) - len(body[value:].lstrip())
                    line.value_start = pos + value
        out.append(line)
        if nl == -1:
            break
        pos = nl + 1
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_quote_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(type(value).__name__)


def _lookup(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _disabled(text: str, target: tuple[str, ...]) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    settings = _lookup(data, target)
    return settings is False or (isinstance(settings, dict) and settings.get("enabled") is False)


def disable_rule_edit(
    text: str, rule: str, prefix: tuple[str, ...] = REPLYLINT_TOML_PREFIX
) -> Edit | None:
    """The edit of a config file's text that disables `rule`, or None.

    `prefix` is () for replylint.toml and ("tool", "replylint") for pyproject.toml.
    None also when the file does not parse (fix it first) or the rule is already off.
    """
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    target = (*prefix, "rules", rule)
    if _disabled(text, target):
        return None
    eol = "\r\n" if "\r\n" in text else "\n"
    lines = _lines(text)
    candidates: list[Edit] = []

    for line in lines:
        if line.key == (*target, "enabled"):
            match = _BOOL_VALUE.search(text, line.start, line.end)
            if match:
                candidates.append(Edit(match.start(2), match.end(2), "false"))
        elif line.key == target:
            value_text = text[line.value_start : line.end]
            try:
                value = tomllib.loads(f"v = {value_text}")["v"]
            except tomllib.TOMLDecodeError:
                continue  # a multi-line value
            if isinstance(value, bool):
                candidates.append(Edit(line.value_start, line.end, "false"))
            elif isinstance(value, dict):
                try:
                    rendered = _toml_value({**value, "enabled": False})
                except TypeError:
                    continue
                candidates.append(Edit(line.value_start, line.end, rendered))
    for line in lines:
        if line.header and line.table == target:
            candidates.append(Edit(line.end, line.end, f"{eol}enabled = false"))
    for line in lines:
        if line.header and line.table == (*prefix, "rules"):
            candidates.append(Edit(line.end, line.end, f"{eol}{_quote_key(rule)}.enabled = false"))
    ending = "" if not text or text.endswith("\n") else eol
    gap = eol if text.strip() else ""
    candidates.append(
        Edit(len(text), len(text), f"{ending}{gap}[{_dotted(target)}]{eol}enabled = false{eol}")
    )

    for edit in candidates:
        if _disabled(text[: edit.start] + edit.text + text[edit.end :], target):
            return edit
    return None


def add_to_list_edit(
    text: str, key: str, item: str, prefix: tuple[str, ...] = REPLYLINT_TOML_PREFIX
) -> Edit | None:
    """The edit of a config file's text that adds `item` to the top-level list `key`
    (for example a path to `exclude`), or None: already there, a file that does not
    parse, or a value laid out over several lines (edit it by hand)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    target = (*prefix, key)
    current = _lookup(data, target)
    if isinstance(current, list) and item in current:
        return None
    eol = "\r\n" if "\r\n" in text else "\n"
    new_line = f"{_quote_key(key)} = {_toml_value([item])}"
    candidates: list[Edit] = []
    for line in _lines(text):
        if line.key == target and isinstance(current, list):
            # Up to the closing bracket, so a trailing comment stays.
            close = text.rfind("]", line.value_start, line.end) + 1 or line.end
            candidates.append(Edit(line.value_start, close, _toml_value([*current, item])))
        elif current is None and prefix and line.header and line.table == prefix:
            candidates.append(Edit(line.end, line.end, f"{eol}{new_line}"))
    if current is None and not prefix:
        # Top-level keys come before the first table: the first line is always safe.
        candidates.append(Edit(0, 0, f"{new_line}{eol}"))

    def holds(edited: str) -> bool:
        try:
            value = _lookup(tomllib.loads(edited), target)
        except tomllib.TOMLDecodeError:
            return False
        return isinstance(value, list) and item in value

    for edit in candidates:
        if holds(text[: edit.start] + edit.text + text[edit.end :]):
            return edit
    return None
