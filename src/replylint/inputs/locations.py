"""Where each record's `text` sits in a collection file (JSON, JSONL, YAML).

Findings are code-point offsets into the decoded `text` string; the editor needs
offsets into the file. For JSON the string token is scanned and every escape
(`\\n`, `\\"`, `\\u00e9`, a surrogate pair) maps one decoded character to its
several source characters. For YAML the scalar node's marks give the value's
span; plain, single-quoted, double-quoted (single line) and literal block
scalars map exactly, anything else (folded `>` scalars, multi-line quoted or
plain scalars) falls back to highlighting the whole value.

The collection shapes are those `replylint check` reads: a list of records, an
object with a `replies` list, or a single record.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from replylint.model import OffsetMap

COLLECTION_KINDS = ("json", "jsonl", "yaml")


@dataclass(frozen=True)
class RecordEntry:
    """One record of a collection and where its parts are in the file."""

    data: Any
    default_id: str
    start: int  # the record in the file
    end: int
    text_map: OffsetMap | None = None  # decoded `text` offsets -> file offsets
    text_start: int = 0  # the whole `text` value in the file
    text_end: int = 0
    exact: bool = False  # False: only the whole value can be highlighted
    style: str = ""  # how the value is written: "json", or a YAML scalar style

    def to_file(self, offset: int) -> int:
        if self.text_map is not None and self.exact:
            return self.text_map.to_file(offset)
        return self.text_start

    def encode(self, text: str) -> str | None:
        """`text` written for insertion inside this value (a fix's replacement), or
        None when it cannot be inserted as is (e.g. a line break in a YAML block)."""
        return encode_for(self.style, text)


# Characters that could end or change a plain YAML scalar.
_YAML_PLAIN_UNSAFE = frozenset(":#'\"\n\r\t[]{},&*!|>%@`")


def encode_for(style: str, text: str) -> str | None:
    if style in ("json", '"'):
        # JSON escapes are valid in YAML double-quoted scalars too.
        return json.dumps(text, ensure_ascii=False)[1:-1]
    if style == "'":
        return None if "\n" in text or "\r" in text else text.replace("'", "''")
    if style == "|":
        return None if "\n" in text or "\r" in text else text
    if style == "plain":
        return None if any(c in _YAML_PLAIN_UNSAFE for c in text) else text
    return None


@dataclass(frozen=True)
class CollectionError:
    message: str
    start: int
    end: int


class _Segments:
    """Builds an OffsetMap piece by piece; pieces are checked against the value."""

    def __init__(self, value: str, raw_start: int) -> None:
        self.value = value
        self.decoded = 0
        self.raw_end = raw_start
        self.segments: list[tuple[int, int, int]] = []
        self.ok = True

    def same(self, source: str, raw: int, length: int) -> None:
        """`length` characters that are the same in the file and in the value."""
        if length <= 0:
            return
        if source[raw : raw + length] != self.value[self.decoded : self.decoded + length]:
            self.ok = False
        self.segments.append((self.decoded, raw, length))
        self.decoded += length
        self.raw_end = raw + length

    def copy(
        self,
        source: str,
        raw: int,
        stop: int,
        marker: str,
        decode: Callable[[int], tuple[str, int] | None],
    ) -> bool:
        """Read source[raw:stop]: plain text as it is, and each escape starting with
        `marker` through `decode(position)` -> (decoded text, raw length). False when
        an escape cannot be decoded."""
        while raw < stop:
            at = source.find(marker, raw, stop)
            if at == -1:
                self.same(source, raw, stop - raw)
                break
            self.same(source, raw, at - raw)
            decoded = decode(at)
            if decoded is None:
                return False
            text, length = decoded
            self.escape(text, at, length)
            raw = at + length
        return True

    def escape(self, decoded: str, raw: int, raw_length: int) -> None:
        """`decoded` (one or two code points) written as `raw_length` file characters."""
        if self.value[self.decoded : self.decoded + len(decoded)] != decoded:
            self.ok = False
        # Each decoded code point starts at the escape; the next piece starts after it.
        for _ in decoded:
            self.segments.append((self.decoded, raw, 0))
            self.decoded += 1
        self.raw_end = raw + raw_length
        self.segments.append((self.decoded, self.raw_end, 0))

    def result(self, complete: bool = True) -> OffsetMap | None:
        if not self.ok or (complete and self.decoded != len(self.value)):
            return None
        return OffsetMap([*self.segments, (self.decoded, self.raw_end, 0)])


# --- JSON ---------------------------------------------------------------------

_JSON_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_WS = re.compile(r"[ \t\n\r]*")
_scalar = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]


def json_string_map(source: str, start: int, end: int, value: str) -> OffsetMap | None:
    """Map a JSON string token `source[start:end]` (quotes included) to its value."""
    builder = _Segments(value, start + 1)

    def decode(backslash: int) -> tuple[str, int]:
        kind = source[backslash + 1]
        if kind != "u":
            return _JSON_ESCAPES.get(kind, kind), 2
        code = int(source[backslash + 2 : backslash + 6], 16)
        if 0xD800 <= code < 0xDC00 and source.startswith("\\u", backslash + 6):
            low = int(source[backslash + 8 : backslash + 12], 16)
            if 0xDC00 <= low < 0xE000:
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), 12
        return chr(code), 6

    builder.copy(source, start + 1, end - 1, "\\", decode)
    return builder.result()


@dataclass
class _JsonObject:
    start: int
    end: int
    members: dict[str, tuple[int, int, Any]]  # key -> (value start, value end, value)


def _json_value(source: str, i: int) -> tuple[Any, int]:
    """Skip one JSON value at `i` (already validated); objects keep member spans."""
    char = source[i]
    if char == "{":
        obj = _JsonObject(i, i, {})
        i = _WS.match(source, i + 1).end()  # type: ignore[union-attr]
        if source[i] == "}":
            obj.end = i + 1
            return obj, i + 1
        while True:
            key, i = scanstring(source, i + 1)
            i = _WS.match(source, i).end()  # type: ignore[union-attr]
            i = _WS.match(source, i + 1).end()  # type: ignore[union-attr]  # past ':'
            value_start = i
            value, i = _json_value(source, i)
            obj.members[key] = (value_start, i, value)
            i = _WS.match(source, i).end()  # type: ignore[union-attr]
            if source[i] == "}":
                obj.end = i + 1
                return obj, i + 1
            i = _WS.match(source, i + 1).end()  # type: ignore[union-attr]  # past ','
    if char == "[":
        items: list[Any] = []
        i = _WS.match(source, i + 1).end()  # type: ignore[union-attr]
        if source[i] == "]":
            return items, i + 1
        while True:
            item_start = i
            value, i = _json_value(source, i)
            items.append((item_start, i, value))
            i = _WS.match(source, i).end()  # type: ignore[union-attr]
            if source[i] == "]":
                return items, i + 1
            i = _WS.match(source, i + 1).end()  # type: ignore[union-attr]
    return _scalar(source, i)


def json_object_members(
    source: str, start: int
) -> tuple[dict[str, tuple[int, int, Any]], int] | None:
    """The members of the JSON object at `start` in `source` (a record already read
    by `read_json` / `read_jsonl`) as key -> (value start, value end, value), and
    where the object ends; None when there is no object there."""
    try:
        node, end = _json_value(source, start)
    except (ValueError, IndexError, RecursionError):
        return None
    if not isinstance(node, _JsonObject):
        return None
    members = {
        key: (first, last, _plain(value)) for key, (first, last, value) in node.members.items()
    }
    return members, end


def _plain(node: Any) -> Any:
    """The Python value of a positional JSON node."""
    if isinstance(node, _JsonObject):
        return {key: _plain(value) for key, (_, _, value) in node.members.items()}
    if isinstance(node, list):
        return [_plain(value) for _, _, value in node]
    return node


def _json_entry(source: str, start: int, end: int, node: Any, default_id: str) -> RecordEntry:
    data = _plain(node)
    if isinstance(node, _JsonObject) and "text" in node.members:
        t_start, t_end, value = node.members["text"]
        if isinstance(value, str):
            mapping = json_string_map(source, t_start, t_end, value)
            return RecordEntry(
                data, default_id, start, end, mapping, t_start, t_end, mapping is not None, "json"
            )
    return RecordEntry(data, default_id, start, end)


def _json_error(exc: json.JSONDecodeError, offset: int = 0) -> CollectionError:
    pos = offset + exc.pos
    return CollectionError(f"invalid JSON: {exc.msg}", pos, pos + 1)


def _records_in(
    node: Any, start: int, end: int, make: Callable[[Any, int, int, str], RecordEntry]
) -> tuple[list[RecordEntry], list[CollectionError]]:
    """Records of a collection's top-level value (list, {replies: [...]}, one record)."""
    if isinstance(node, _JsonObject) and isinstance(
        node.members.get("replies", (0, 0, None))[2], list
    ):
        _, _, node = node.members["replies"]
    if isinstance(node, _JsonObject) and "text" in node.members:
        return [make(node, start, end, "1")], []
    if not isinstance(node, list):
        return [], [
            CollectionError("a collection must be a list of reply records", start, start + 1)
        ]
    return [make(value, s, e, str(n)) for n, (s, e, value) in enumerate(node, start=1)], []


def read_json(source: str) -> tuple[list[RecordEntry], list[CollectionError]]:
    begin = 1 if source.startswith("\ufeff") else 0
    try:
        json.loads(source[begin:])
    except json.JSONDecodeError as exc:
        return [], [_json_error(exc, begin)]
    except RecursionError:
        return [], [CollectionError("JSON nested too deeply", begin, begin + 1)]
    i = _WS.match(source, begin).end()  # type: ignore[union-attr]
    try:
        node, end = _json_value(source, i)
    except RecursionError:
        return [], [CollectionError("JSON nested too deeply", begin, begin + 1)]
    return _records_in(node, i, end, lambda value, s, e, rid: _json_entry(source, s, e, value, rid))


def read_jsonl(source: str) -> tuple[list[RecordEntry], list[CollectionError]]:
    entries: list[RecordEntry] = []
    errors: list[CollectionError] = []
    start = 0
    number = 0
    while start < len(source):
        # JSON Lines break at \n only (a raw U+2028 is valid inside a JSON string).
        number += 1
        newline = source.find("\n", start)
        stop = len(source) if newline == -1 else newline
        body, line_start = source[start:stop].rstrip("\r"), start
        start = stop + 1
        if number == 1 and body.startswith("\ufeff"):
            body, line_start = body[1:], line_start + 1
        if not body.strip():
            continue
        try:
            json.loads(body)
        except json.JSONDecodeError as exc:
            errors.append(_json_error(exc, line_start))
            continue
        except RecursionError:
            errors.append(
                CollectionError("JSON nested too deeply", line_start, line_start + len(body))
            )
            continue
        i = _WS.match(source, line_start).end()  # type: ignore[union-attr]
        node, end = _json_value(source, i)
        entries.append(_json_entry(source, i, end, node, str(number)))
    return entries, errors


# --- YAML ---------------------------------------------------------------------

_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_YAML_HEX = {"x": 2, "u": 4, "U": 8}


def yaml_scalar_map(source: str, node: Any) -> OffsetMap | None:
    """Map a YAML scalar node's value to the file, or None when it cannot be exact."""
    value: str = node.value
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style
    if style is None:
        if source[start:end] == value:
            return OffsetMap([(0, start, len(value)), (len(value), end, 0)])
        return None
    if style in ("'", '"'):
        raw_start, raw_end = start + 1, end - 1
        if "\n" in source[raw_start:raw_end] or "\r" in source[raw_start:raw_end]:
            return None  # line folding: no exact mapping
        builder = _Segments(value, raw_start)
        if style == "'":
            builder.copy(source, raw_start, raw_end, "''", lambda _: ("'", 2))
            return builder.result()
        if not builder.copy(source, raw_start, raw_end, "\\", _yaml_escape(source)):
            return None
        return builder.result()
    if style == "|":
        return _literal_block_map(source, start, end, value)
    return None


def _yaml_escape(source: str) -> Callable[[int], tuple[str, int] | None]:
    """A decoder for double-quoted YAML escapes (None for one it does not know)."""

    def decode(backslash: int) -> tuple[str, int] | None:
        kind = source[backslash + 1]
        if kind in _YAML_HEX:
            digits = _YAML_HEX[kind]
            try:
                return chr(int(source[backslash + 2 : backslash + 2 + digits], 16)), 2 + digits
            except ValueError:
                return None
        return (_YAML_ESCAPES[kind], 2) if kind in _YAML_ESCAPES else None

    return decode


def _literal_block_map(source: str, start: int, end: int, value: str) -> OffsetMap | None:
    header_end = source.find("\n", start, end)
    if header_end == -1:
        return None
    lines: list[tuple[int, str]] = []
    pos = header_end + 1
    while pos < end:
        nl = source.find("\n", pos, end)
        stop = end if nl == -1 else nl
        lines.append((pos, source[pos:stop]))
        pos = stop + 1
    indent = None
    for _, line in lines:
        text = line.rstrip("\r")
        if text.strip(" "):
            indent = len(text) - len(text.lstrip(" "))
            break
    if indent is None:
        return None
    builder = _Segments(value, lines[0][0] + indent if lines else start)
    for line_start, line in lines:
        if builder.decoded >= len(value):
            break
        content = line[indent:] if len(line) > indent else ""
        crlf = content.endswith("\r")
        if crlf:
            content = content[:-1]
        content_start = line_start + min(indent, len(line))
        builder.same(source, content_start, len(content))
        if builder.decoded < len(value):
            newline_at = content_start + len(content)
            builder.escape("\n", newline_at, 2 if crlf else 1)
    if not builder.ok or builder.decoded != len(value):
        return None
    return builder.result()


def read_yaml(source: str) -> tuple[list[RecordEntry], list[CollectionError]]:
    import yaml

    try:
        roots = list(yaml.compose_all(source, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        pos = mark.index if mark is not None else getattr(exc, "position", 0)
        return [], [CollectionError(f"invalid YAML: {problem}", pos, pos + 1)]
    except RecursionError:
        return [], [CollectionError("YAML nested too deeply", 0, 1)]
    loader_errors: list[CollectionError] = []
    entries: list[RecordEntry] = []
    for root in roots:
        if root is None:
            continue
        found, errors = _yaml_records(source, root)
        entries.extend(found)
        loader_errors.extend(errors)
    if len(roots) > 1:
        # Several documents: number records across them.
        entries = [
            dataclasses.replace(e, default_id=str(n)) for n, e in enumerate(entries, start=1)
        ]
    return entries, loader_errors


def _yaml_records(source: str, root: Any) -> tuple[list[RecordEntry], list[CollectionError]]:
    import yaml

    node = root
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "replies" and isinstance(value, yaml.SequenceNode):
                node = value
                break
    if isinstance(node, yaml.MappingNode) and any(
        getattr(k, "value", None) == "text" for k, _ in node.value
    ):
        items = [node]
    elif isinstance(node, yaml.SequenceNode):
        items = list(node.value)
    else:
        start = root.start_mark.index
        return [], [
            CollectionError("a collection must be a list of reply records", start, start + 1)
        ]
    entries = []
    for number, item in enumerate(items, start=1):
        entries.append(_yaml_entry(source, item, str(number)))
    return entries, []


def yaml_value(node: Any) -> Any:
    """The Python value of a composed YAML node (None if it cannot be built)."""
    import yaml

    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None
    finally:
        loader.dispose()


def _yaml_entry(source: str, node: Any, default_id: str) -> RecordEntry:
    import yaml

    data = yaml_value(node)
    start, end = node.start_mark.index, node.end_mark.index
    if isinstance(node, yaml.MappingNode):
        text_node = None
        for key, value in node.value:
            if getattr(key, "value", None) == "text":
                text_node = value
        if isinstance(text_node, yaml.ScalarNode) and isinstance(data, dict):
            value = data.get("text")
            if isinstance(value, str):
                t_start, t_end = text_node.start_mark.index, text_node.end_mark.index
                # Block scalars' marks run to the next key: keep the span to its text.
                t_end = t_start + len(source[t_start:t_end].rstrip())
                mapping = yaml_scalar_map(source, text_node) if text_node.value == value else None
                style = text_node.style or "plain"
                return RecordEntry(
                    data,
                    default_id,
                    start,
                    end,
                    mapping,
                    t_start,
                    t_end,
                    mapping is not None,
                    style,
                )
    return RecordEntry(data, default_id, start, end)
