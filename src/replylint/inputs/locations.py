"""The one collection reader: records of a JSON, JSONL, YAML or CSV file, and where
each record and its `text` sit in the file.

`check` and the editor both read collections here (`check` with `positions=False`,
which skips the text maps it does not need). Helpdesk exports are read by their
shape: a Zendesk macro export in JSON (the reply is the comment action's value)
and a canned-responses CSV (`title,content[,folder]`); see `helpdesk.py`.

Findings are code-point offsets into the decoded `text` string; the editor needs
offsets into the file. For JSON the string token is scanned and every escape
(`\\n`, `\\"`, `\\u00e9`, a surrogate pair) maps one decoded character to its
several source characters. For YAML the scalar node's marks give the value's
span; plain, single-quoted, double-quoted (single line) and literal block
scalars map exactly, anything else (folded `>` scalars, multi-line quoted or
plain scalars) falls back to highlighting the whole value.

The collection shapes: a list of records, an object with a `replies` list, a
single record, or a macro export (`{"macros": [...]}`, `{"macro": {...}}`, a list
of macros). In a CSV file a cell maps exactly: unquoted as it is, quoted with
`""` read as one quote.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import orjson

from replylint.inputs.helpdesk import (
    canned_record,
    is_canned_header,
    is_macro_export,
    macro_record,
    macro_text_action,
)
from replylint.model import LineIndex, OffsetMap


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
    style: str = ""  # how the value is written: "json", a YAML scalar style, "csv"
    line: int | None = None  # 1-based line where the record starts

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
    if style == 'csv"':
        return text.replace('"', '""')  # inside a quoted cell
    if style == "csv":
        return None if any(c in ',"\r\n' for c in text) else text
    return None


@dataclass(frozen=True)
class CollectionError:
    message: str
    start: int
    end: int
    line: int | None = None  # 1-based
    record_id: str | None = None  # the record at fault, when it is one record


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
    decoded: Any = None  # the decoded object, when built from decoded data


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
        if not isinstance(node, _JsonObject):
            return None
        members = {
            key: (first, last, _plain(value)) for key, (first, last, value) in node.members.items()
        }
    except (ValueError, IndexError, RecursionError):
        return None
    return members, end


def _plain(node: Any) -> Any:
    """The Python value of a positional JSON node."""
    if isinstance(node, _JsonObject) and node.decoded is not None:
        return node.decoded
    if isinstance(node, _JsonObject):
        return {key: _plain(value) for key, (_, _, value) in node.members.items()}
    if isinstance(node, list):
        return [_plain(value) for _, _, value in node]
    return node


def _shallow(node: Any) -> Any:
    """`_plain` of the top level only: nested objects and lists come back empty."""

    def empty(value: Any) -> Any:
        return {} if isinstance(value, _JsonObject) else [] if isinstance(value, list) else value

    if isinstance(node, _JsonObject):
        return {key: empty(value) for key, (_, _, value) in node.members.items()}
    if isinstance(node, list):
        return [empty(value) for _, _, value in node]
    return node


def _json_entry(source: str, start: int, end: int, node: Any, default_id: str) -> RecordEntry:
    data = _plain(node)
    if isinstance(node, _JsonObject) and "text" in node.members:
        t_start, t_end, value = node.members["text"]
        if isinstance(value, str):
            return _json_text_entry(data, default_id, start, end, source, t_start, t_end, value)
    return RecordEntry(data, default_id, start, end)


def _json_text_entry(
    data: Any,
    default_id: str,
    start: int,
    end: int,
    source: str,
    t_start: int,
    t_end: int,
    value: str,
    exact: bool = True,
) -> RecordEntry:
    mapping = json_string_map(source, t_start, t_end, value) if exact else None
    return RecordEntry(
        data, default_id, start, end, mapping, t_start, t_end, mapping is not None, "json"
    )


def _json_error(exc: json.JSONDecodeError, offset: int = 0) -> CollectionError:
    pos = offset + exc.pos
    return CollectionError(f"invalid JSON: {exc.msg} (column {exc.colno})", pos, pos + 1)


def _macro_id(data: Any, index: int) -> str:
    macro_id = data.get("id") if isinstance(data, dict) else None
    ok = isinstance(macro_id, (str, int)) and not isinstance(macro_id, bool) and macro_id != ""
    return str(macro_id) if ok else str(index)


def _macro_entries(
    source: str | None, macros: list[tuple[int, int, Any]]
) -> Iterator[RecordEntry | CollectionError]:
    """One entry per macro that sets a comment, its text mapped when it is plain."""
    for index, (start, end, node) in enumerate(macros, start=1):
        # Without `source` the items are decoded values already (see `_fake_nodes`).
        try:
            data = _plain(node) if source is not None else node
        except RecursionError:
            yield CollectionError(f"macro {index}: nested too deeply", start, start + 1, None)
            continue
        default_id = _macro_id(data, index)
        try:
            record = macro_record(data)
        except ValueError as exc:
            yield CollectionError(f"macro {index}: {exc}", start, start + 1, None, default_id)
            continue
        if record is None:
            continue  # sets ticket fields only: not a reply
        found = macro_text_action(data)
        if source is None or found is None or not isinstance(node, _JsonObject):
            yield RecordEntry(record, default_id, start, end)
            continue
        action_index, field = found
        _, _, actions = node.members["actions"]
        _, _, action = actions[action_index]
        v_start, v_end, value = action.members["value"]
        if isinstance(value, list):  # a [channel, text] pair: the text is the last item
            v_start, v_end, value = value[-1]
        yield _json_text_entry(
            record,
            default_id,
            start,
            end,
            source,
            v_start,
            v_end,
            value,
            exact=field == "comment_value",  # HTML is turned into text: no exact map
        )


def _records_in(
    source: str | None, node: Any, start: int, end: int, data: Any = None
) -> Iterator[RecordEntry | CollectionError]:
    """Records of a collection's top-level value (list, {replies: [...]}, one record,
    a macro export). With `source`, `node` is the positional tree of `_json_value`;
    without, `data` is the decoded value and positions are left at 0."""
    try:
        plain = _plain(node) if source is not None else data
    except RecursionError:  # one record nested deeper than this walk can go
        plain = _shallow(node)  # enough to tell a macro export; records fail one by one
    if source is None:
        node = _fake_nodes(data)
    if is_macro_export(plain):
        if isinstance(node, _JsonObject):
            key = "macros" if isinstance(plain.get("macros"), list) else "macro"
            s, e, value = node.members[key]
            items = value if key == "macros" else [(s, e, value)]
        else:
            items = node
        yield from _macro_entries(source, items)
        return
    if isinstance(node, _JsonObject) and isinstance(
        node.members.get("replies", (0, 0, None))[2], list
    ):
        _, _, node = node.members["replies"]
    if isinstance(node, _JsonObject) and "text" in node.members:
        yield _entry(source, node, start, end, "1")
        return
    if not isinstance(node, list):
        yield CollectionError(
            "a collection must be a list of reply records", start, start + 1, None
        )
        return
    for number, (s, e, value) in enumerate(node, start=1):
        yield _entry(source, value, s, e, str(number))


def _entry(
    source: str | None, node: Any, start: int, end: int, default_id: str
) -> RecordEntry | CollectionError:
    try:
        return _record_entry(source, node, start, end, default_id)
    except RecursionError:  # the file's parser went deeper than this walk can
        return CollectionError("record nested too deeply", start, start + 1, None, default_id)


def _record_entry(
    source: str | None, node: Any, start: int, end: int, default_id: str
) -> RecordEntry:
    if source is None:
        return RecordEntry(node, default_id, start, end)  # decoded already
    return _json_entry(source, start, end, node, default_id)


def _fake_nodes(data: Any) -> Any:
    """The shape `_records_in` walks, for decoded data: the top-level object and its
    lists, each list item with its index in place of its offsets."""
    if isinstance(data, dict):
        members = {k: (0, 0, _fake_nodes(v) if k in _LIST_KEYS else v) for k, v in data.items()}
        return _JsonObject(0, 0, members, data)
    if isinstance(data, list):
        return [(i, i, item) for i, item in enumerate(data)]
    return data


# Top-level keys under which a collection file may hold its records.
_LIST_KEYS = ("replies", "macros")


def read_json(
    source: str, *, positions: bool = True
) -> tuple[list[RecordEntry], list[CollectionError]]:
    """The records of a JSON collection. `positions=False` (what `check` needs: the
    records and their lines) decodes with the C decoder only."""
    begin = 1 if source.startswith("\ufeff") else 0
    try:
        data = json.loads(source[begin:])
    except json.JSONDecodeError as exc:
        error = _json_error(exc, begin)
        return [], [dataclasses.replace(error, line=exc.lineno)]
    except RecursionError:
        return [], [CollectionError("JSON nested too deeply", begin, begin + 1, 1)]
    if not positions:
        # `_fake_nodes` puts each item's index where its offset would be.
        lines = _json_item_lines(source) or []
        return _split(
            dataclasses.replace(e, line=lines[e.start] if e.start < len(lines) else None)
            for e in _records_in(None, None, 0, 0, data)
        )
    index = LineIndex(source)
    i = _WS.match(source, begin).end()  # type: ignore[union-attr]
    try:
        node, end = _json_value(source, i)
    except RecursionError:
        return [], [CollectionError("JSON nested too deeply", begin, begin + 1, 1)]
    return _split(_with_lines(_records_in(source, node, i, end), index))


def _with_lines(
    found: Iterable[RecordEntry | CollectionError], index: LineIndex
) -> Iterator[RecordEntry | CollectionError]:
    for entry in found:
        if entry.line is None:
            entry = dataclasses.replace(entry, line=index.line_col(entry.start)[0] + 1)
        yield entry


def _split(
    found: Iterable[RecordEntry | CollectionError],
) -> tuple[list[RecordEntry], list[CollectionError]]:
    entries: list[RecordEntry] = []
    errors: list[CollectionError] = []
    for item in found:
        (entries if isinstance(item, RecordEntry) else errors).append(item)  # type: ignore[arg-type]
    return entries, errors


def _json_item_lines(text: str) -> list[int] | None:
    """The line where each record of a JSON collection starts, or None.

    Walks the top level with the C decoder (`raw_decode`) element by element: a
    bare list, or the list under `replies` / `macros` in an object.
    """
    decoder = json.JSONDecoder()
    ws = _WS
    pos = ws.match(text, 0).end()  # type: ignore[union-attr]
    if text.startswith("\ufeff", pos):
        pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
    try:
        if text.startswith("{", pos):
            pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
            while not text.startswith("}", pos):
                key, pos = decoder.raw_decode(text, pos)
                pos = ws.match(text, pos).end()  # type: ignore[union-attr]
                if not text.startswith(":", pos):
                    return None
                pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
                if key in ("replies", "macros") and text.startswith("[", pos):
                    return _array_lines(text, pos, decoder)
                _, pos = decoder.raw_decode(text, pos)
                pos = ws.match(text, pos).end()  # type: ignore[union-attr]
                if text.startswith(",", pos):
                    pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
            return [1]
        if text.startswith("[", pos):
            return _array_lines(text, pos, decoder)
    except (ValueError, AttributeError):
        return None
    return None


def _array_lines(text: str, pos: int, decoder: json.JSONDecoder) -> list[int]:
    lines: list[int] = []
    line, counted = 1, 0
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    while not text.startswith("]", pos):
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        _, pos = decoder.raw_decode(text, pos)
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        elif not text.startswith("]", pos):
            raise ValueError("not a JSON array")
    return lines


def split_lines(source: str) -> Iterator[str]:
    """`source` in lines ending at `\\n` only (with their endings): JSON Lines and CSV
    break there, while a raw U+2028 is valid inside a JSON string."""
    start = 0
    while start < len(source):
        newline = source.find("\n", start)
        stop = len(source) if newline == -1 else newline + 1
        yield source[start:stop]
        start = stop


# Values `orjson` gives as `json` does. It reads an integer over 64 bits as a float,
# so a record holding a float, or a list or object that might, is read again by `json`.
_PLAIN_VALUES = (str, int, bool, type(None))


def _load_record(body: str) -> Any:
    """One JSON Lines record as `json.loads` reads it, in a tenth of its time for a
    record of strings (most are): `orjson` parses, `json` reads what it refuses (NaN,
    escaped lone surrogates, errors: worded as before) or may have read otherwise."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)
    if type(data) is dict and all(type(value) in _PLAIN_VALUES for value in data.values()):
        return data
    return json.loads(body)


def iter_jsonl(
    lines: Iterable[str], *, positions: bool = True, first_line: int = 1
) -> Iterator[RecordEntry | CollectionError]:
    """The records of a JSON Lines file, one line at a time (memory stays flat).
    Offsets are file offsets; `positions=False` skips the text maps. `first_line`
    numbers the lines of a part of a file read elsewhere (offsets then start at 0)."""
    offset = 0
    for number, raw in enumerate(lines, start=first_line):
        line_start, body = offset, raw.rstrip("\r\n")
        offset += len(raw)
        if number == 1 and body.startswith("\ufeff"):
            body, line_start = body[1:], line_start + 1
        if not body.strip():
            continue
        try:
            data = _load_record(body)
        except json.JSONDecodeError as exc:
            error = _json_error(exc, line_start)
            yield dataclasses.replace(error, line=number, record_id=str(number))
            continue
        except RecursionError:
            end = line_start + len(body)
            yield CollectionError("JSON nested too deeply", line_start, end, number, str(number))
            continue
        if not positions:
            yield RecordEntry(data, str(number), line_start, offset, line=number)
            continue
        i = _WS.match(body, 0).end()  # type: ignore[union-attr]
        try:
            node, end = _json_value(body, i)
            entry = _json_entry(body, i, end, node, str(number))
        except RecursionError:  # the C decoder went deeper than the positional walk can
            end = line_start + len(body)
            yield CollectionError("record nested too deeply", line_start, end, number, str(number))
            continue
        yield _shifted(entry, line_start, number)


def _shifted(entry: RecordEntry, base: int, line: int) -> RecordEntry:
    """An entry read from one line of a file, with offsets moved to the file's."""
    mapping = entry.text_map
    if mapping is not None:
        mapping = OffsetMap([(t, f + base, n) for t, f, n in mapping.segments])
    return dataclasses.replace(
        entry,
        start=entry.start + base,
        end=entry.end + base,
        text_map=mapping,
        text_start=entry.text_start + base,
        text_end=entry.text_end + base,
        line=line,
    )


def read_jsonl(source: str) -> tuple[list[RecordEntry], list[CollectionError]]:
    return _split(iter_jsonl(split_lines(source)))


# --- CSV ----------------------------------------------------------------------


class _TrackedLines:
    """Lines handed to `csv.reader`, remembering where each starts in the file."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.offset = 0
        self.consumed: list[tuple[int, str]] = []  # (file offset, line) since the last row

    def __iter__(self) -> _TrackedLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        if self.offset == 0 and line.startswith("\ufeff"):
            self.offset = 1
            line = line[1:]
        self.consumed.append((self.offset, line))
        self.offset += len(line)
        return line

    def take(self) -> tuple[int, str]:
        """The raw text of the last row read, and its file offset."""
        start = self.consumed[0][0] if self.consumed else self.offset
        raw = "".join(line for _, line in self.consumed)
        self.consumed = []
        return start, raw


def _csv_cells(raw: str) -> list[tuple[int, int, bool]]:
    """The (start, end, quoted) span of each cell's content in one raw CSV row
    (the default dialect: comma, `"` quotes doubled inside a quoted cell)."""
    cells: list[tuple[int, int, bool]] = []
    i, n = 0, len(raw.rstrip("\r\n"))
    while True:
        if i < n and raw[i] == '"':
            j = i + 1
            while j < n:
                if raw[j] == '"':
                    if j + 1 < n and raw[j + 1] == '"':
                        j += 2
                        continue
                    break
                j += 1
            cells.append((i + 1, j, True))
            i = raw.find(",", j, n)
        else:
            comma = raw.find(",", i, n)
            cells.append((i, n if comma == -1 else comma, False))
            i = comma
        if i == -1 or i >= n:
            return cells
        i += 1


def _csv_map(
    raw: str, start: int, end: int, quoted: bool, base: int, value: str
) -> OffsetMap | None:
    builder = _Segments(value, base + start)
    if quoted:
        builder.copy(raw, start, end, '""', lambda _: ('"', 2))
    else:
        builder.same(raw, start, end - start)
    mapping = builder.result()
    if mapping is None:
        return None
    return OffsetMap([(t, f + base, n) for t, f, n in mapping.segments])


def iter_csv(
    lines: Iterable[str], *, positions: bool = True
) -> Iterator[RecordEntry | CollectionError]:
    """The records of a CSV file with a header row (a `text` column, or a
    canned-responses `title,content` export), one row at a time."""
    tracked = _TrackedLines(lines)
    reader = csv.reader(tracked)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield CollectionError(f"invalid CSV: {exc}", 0, 1, 1)
        return
    tracked.take()
    canned = is_canned_header(header)
    names = [name.strip().lower() if canned else name for name in header]
    if not canned and "text" not in header:
        yield CollectionError(
            "CSV header has no 'text' column (nor canned-response 'title,content')", 0, 1, 1
        )
        return
    text_column = names.index("content" if canned else "text")
    line = reader.line_num + 1
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start, _ = tracked.take()
            number += 1
            yield CollectionError(f"invalid CSV: {exc}", start, start + 1, line, str(number))
            line = reader.line_num + 1
            continue
        start, raw = tracked.take()
        row_line, line = line, reader.line_num + 1
        if not row:
            continue  # a blank line
        number += 1
        end = start + len(raw.rstrip("\r\n"))
        if len(row) > len(header):
            message = "row has more cells than the header"
            yield CollectionError(message, start, end, row_line, str(number))
            continue
        data: dict[str, Any] = dict(zip(header, row, strict=False))
        if canned:
            data = canned_record(data)
        entry = RecordEntry(data, str(number), start, end, line=row_line)
        if positions and text_column < len(row):
            cells = _csv_cells(raw)
            if len(cells) == len(row):
                c_start, c_end, quoted = cells[text_column]
                mapping = _csv_map(raw, c_start, c_end, quoted, start, row[text_column])
                entry = dataclasses.replace(
                    entry,
                    text_map=mapping,
                    text_start=start + c_start,
                    text_end=start + c_end,
                    exact=mapping is not None,
                    style='csv"' if quoted else "csv",
                )
        yield entry


def read_csv(source: str) -> tuple[list[RecordEntry], list[CollectionError]]:
    return _split(iter_csv(split_lines(source)))


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


def read_yaml(
    source: str, *, positions: bool = True
) -> tuple[list[RecordEntry], list[CollectionError]]:
    import yaml

    try:
        roots = list(yaml.compose_all(source, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        pos = mark.index if mark is not None else getattr(exc, "position", 0)
        line = mark.line + 1 if mark is not None else None
        return [], [CollectionError(f"invalid YAML: {problem}", pos, pos + 1, line)]
    except RecursionError:
        return [], [CollectionError("YAML nested too deeply", 0, 1, 1)]
    loader_errors: list[CollectionError] = []
    entries: list[RecordEntry] = []
    for root in roots:
        if root is None:
            continue
        found, errors = _yaml_records(source, root, positions)
        entries.extend(found)
        loader_errors.extend(errors)
    if len(roots) > 1:
        # Several documents: number records across them.
        entries = [
            dataclasses.replace(e, default_id=str(n)) for n, e in enumerate(entries, start=1)
        ]
    return entries, loader_errors


def _yaml_records(
    source: str, root: Any, positions: bool = True
) -> tuple[list[RecordEntry], list[CollectionError]]:
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
            CollectionError(
                "a collection must be a list of reply records",
                start,
                start + 1,
                root.start_mark.line + 1,
            )
        ]
    entries = []
    for number, item in enumerate(items, start=1):
        entries.append(_yaml_entry(source, item, str(number), positions))
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


def _yaml_entry(source: str, node: Any, default_id: str, positions: bool = True) -> RecordEntry:
    import yaml

    data = yaml_value(node)
    start, end = node.start_mark.index, node.end_mark.index
    line = node.start_mark.line + 1
    if positions and isinstance(node, yaml.MappingNode):
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
                    line,
                )
    return RecordEntry(data, default_id, start, end, line=line)
