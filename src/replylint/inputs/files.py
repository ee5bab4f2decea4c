"""Reading what `check` lints: one-reply documents and collections of reply records.

Collections stream where the format allows (JSONL, CSV) so memory stays flat in
the number of replies. A malformed record becomes an `InputError` item naming the
file and the line or row; the rest of the file is still read.

Helpdesk exports are recognised by shape (see `helpdesk.py`): a `.json` file with
Zendesk macros, a `.csv` file with a canned-responses `title,content,folder` header.
Each record carries the line where it starts in its file when that is known
(JSONL, CSV, YAML, JSON lists), for reports that point into the file (SARIF).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replylint.inputs.documents import DOCUMENT_SUFFIXES, DocumentError, parse_document
from replylint.inputs.record import RecordError, parse_record
from replylint.model import OffsetMap, Reply

COLLECTION_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".yaml", ".yml")
STDIN = "-"
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


@dataclass(frozen=True)
class Item:
    """One reply to lint and where it came from."""

    path: str
    reply: Reply
    offsets: OffsetMap | None = None  # set for documents: reply.text -> file offsets
    source: str | None = None  # the file text for documents (positions are in the file)
    line: int | None = None  # collections: the 1-based line where the record starts


@dataclass(frozen=True)
class InputError:
    path: str
    message: str
    id: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        message = f"line {self.line}: {self.message}" if self.line else self.message
        return {"path": self.path, "id": self.id, "message": message}


def is_lintable(path: Path) -> bool:
    return path.suffix.lower() in DOCUMENT_SUFFIXES + COLLECTION_SUFFIXES


def expand_paths(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Files to lint in a stable order; directories are walked, `-` is stdin."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for name in files:
                    candidate = Path(root) / name
                    if is_lintable(candidate) and not name.startswith("."):
                        found.append(str(candidate))
            yield from sorted(found)
        elif path.is_file():
            yield str(path)
        else:
            yield InputError(str(path), "no such file or directory")


def is_document(path: str) -> bool:
    """One reply per file (front matter, quoted incoming), not a collection."""
    return path != STDIN and Path(path).suffix.lower() not in COLLECTION_SUFFIXES


def read_items(
    path: str, defaults: dict[str, Any], stdin_text: str | None = None
) -> Iterator[Item | InputError]:
    """Every reply in `path` (or stdin), with errors in line for malformed ones."""
    try:
        if path == STDIN:
            text = stdin_text if stdin_text is not None else ""
            yield from _read_stdin(text, defaults)
            return
        suffix = Path(path).suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            with open(path, encoding="utf-8", newline="") as handle:
                yield from _read_jsonl(path, handle, defaults)
        elif suffix == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as handle:
                yield from _read_csv(path, handle, defaults)
        elif suffix == ".json":
            yield from _read_json(path, _read_text(path), defaults)
        elif suffix in (".yaml", ".yml"):
            yield from _read_yaml(path, _read_text(path), defaults)
        else:
            yield from _read_document(path, _read_text(path), defaults)
    except UnicodeDecodeError as exc:
        yield InputError(path, f"not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        yield InputError(path, f"cannot read: {exc.strerror or exc}")


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.read()


def _record(
    path: str, data: Any, defaults: dict[str, Any], default_id: str, line: int | None
) -> Item | InputError:
    try:
        record = {**defaults, **data} if isinstance(data, dict) else data
        return Item(path, parse_record(record, default_id=default_id), line=line)
    except RecordError as exc:
        record_id = data.get("id") if isinstance(data, dict) else None
        return InputError(
            path, str(exc), str(record_id) if record_id is not None else default_id, line
        )


def _read_stdin(text: str, defaults: dict[str, Any]) -> Iterator[Item | InputError]:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            yield _record(STDIN, data, defaults, "1", None)
            return
        # Several JSON objects, one a line.
        if all(line.strip().startswith("{") for line in text.splitlines() if line.strip()):
            yield from _read_jsonl(STDIN, io.StringIO(text), defaults)
            return
    if stripped.startswith("["):
        yield from _read_json(STDIN, text, defaults)
        return
    yield from _read_document(STDIN, text, defaults)


def _read_document(path: str, text: str, defaults: dict[str, Any]) -> Iterator[Item | InputError]:
    if "\x00" in text:
        yield InputError(path, "binary file (NUL bytes), not a reply")
        return
    try:
        doc = parse_document(text, defaults=defaults, default_id=None)
    except DocumentError as exc:
        yield InputError(path, str(exc), line=exc.line)
        return
    yield Item(path, doc.reply, doc.offsets, text)


def _read_jsonl(
    path: str, handle: Iterable[str], defaults: dict[str, Any]
) -> Iterator[Item | InputError]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(
                path, f"invalid JSON: {exc.msg} (column {exc.colno})", str(number), number
            )
            continue
        yield _record(path, data, defaults, str(number), number)


def _read_csv(
    path: str, handle: Iterable[str], defaults: dict[str, Any]
) -> Iterator[Item | InputError]:
    from replylint.inputs.helpdesk import canned_record, is_canned_header

    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        return
    canned = is_canned_header(list(reader.fieldnames))
    if not canned and "text" not in reader.fieldnames:
        yield InputError(
            path, "CSV header has no 'text' column (nor canned-response 'title,content')", line=1
        )
        return
    start = reader.line_num + 1
    for row_number, row in enumerate(reader, start=1):
        if None in row:
            yield InputError(
                path, "row has more cells than the header", str(row_number), reader.line_num
            )
        else:
            data: dict[str, Any] = canned_record(row) if canned else row
            item = _record(path, data, defaults, str(row_number), reader.line_num)
            if isinstance(item, Item) and item.line != start:
                item = Item(item.path, item.reply, line=start)  # a row spanning lines
            yield item
        start = reader.line_num + 1


# Top-level keys under which a collection file may hold its list of records.
_LIST_KEYS = ("replies", "macros")


def _records_from_list(
    path: str,
    data: Any,
    defaults: dict[str, Any],
    kind: str,
    lines: list[int] | None = None,
) -> Iterator[Item | InputError]:
    from replylint.inputs.helpdesk import is_macro_export, macro_list

    if is_macro_export(data):
        yield from _macros(path, macro_list(data), defaults, lines)
        return
    if isinstance(data, dict) and isinstance(data.get("replies"), list):
        data = data["replies"]
    if isinstance(data, dict) and "text" in data:
        data = [data]
        lines = [1]
    if not isinstance(data, list):
        yield InputError(path, f"a {kind} collection must be a list of reply records")
        return
    for index, item in enumerate(data, start=1):
        line = lines[index - 1] if lines is not None and index <= len(lines) else None
        yield _record(path, item, defaults, str(index), line)


def _macros(
    path: str, macros: list[Any], defaults: dict[str, Any], lines: list[int] | None
) -> Iterator[Item | InputError]:
    from replylint.inputs.helpdesk import macro_record

    for index, macro in enumerate(macros, start=1):
        line = lines[index - 1] if lines is not None and index <= len(lines) else None
        macro_id = macro.get("id") if isinstance(macro, dict) else None
        default_id = str(macro_id) if macro_id is not None else str(index)
        try:
            record = macro_record(macro)
        except ValueError as exc:
            yield InputError(path, f"macro {index}: {exc}", default_id, line)
            continue
        if record is not None:
            yield _record(path, record, defaults, default_id, line)


def _read_json(path: str, text: str, defaults: dict[str, Any]) -> Iterator[Item | InputError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield InputError(path, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)
        return
    yield from _records_from_list(path, data, defaults, "JSON", _json_item_lines(text))


def _json_item_lines(text: str) -> list[int] | None:
    """The line where each record of a JSON collection starts, or None.

    Walks the top level with the C decoder (`raw_decode`) element by element: a
    bare list, or the list under `replies` / `macros` in an object.
    """
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")
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
                if key in _LIST_KEYS and text.startswith("[", pos):
                    return _array_lines(text, pos, decoder, ws)
                _, pos = decoder.raw_decode(text, pos)
                pos = ws.match(text, pos).end()  # type: ignore[union-attr]
                if text.startswith(",", pos):
                    pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
            return None
        if text.startswith("[", pos):
            return _array_lines(text, pos, decoder, ws)
    except (ValueError, AttributeError):
        return None
    return None


def _array_lines(text: str, pos: int, decoder: json.JSONDecoder, ws: re.Pattern[str]) -> list[int]:
    lines: list[int] = []
    line, counted = 1, 0
    pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
    while not text.startswith("]", pos):
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        _, pos = decoder.raw_decode(text, pos)
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
        elif not text.startswith("]", pos):
            raise ValueError("not a JSON array")
    return lines


def _read_yaml(path: str, text: str, defaults: dict[str, Any]) -> Iterator[Item | InputError]:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        yield InputError(path, f"invalid YAML: {problem}", line=mark.line + 1 if mark else None)
        return
    finally:
        loader.dispose()
    yield from _records_from_list(path, data, defaults, "YAML", _yaml_item_lines(node))


def _yaml_item_lines(node: Any) -> list[int] | None:
    """The line where each record of a YAML collection starts, from the node tree."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in _LIST_KEYS:
                node = value
                break
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return None
