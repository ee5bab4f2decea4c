"""Reading what `check` lints: one-reply documents and collections of reply records.

Collections are read by `locations.py`, the reader the editor uses too, so both
doors accept the same files and shapes (helpdesk exports included). JSON Lines
and CSV stream line by line, so memory stays flat in the number of replies. A
malformed record becomes an `InputError` item naming the file and the line or
row; the rest of the file is still read. A file whose first bytes say it is not
text (a zip, a PDF, an image) is skipped with an input error.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.kinds import (
    COLLECTION_KINDS,
    REPLY,
    SNIFF_BYTES,
    SUFFIX_KINDS,
    binary_kind,
    binary_message,
    kind_for_name,
)
from replylint.inputs.locations import (
    CollectionError,
    RecordEntry,
    iter_csv,
    iter_jsonl,
    read_json,
    read_yaml,
    split_lines,
)
from replylint.inputs.parquet import ParquetUnavailable, read_parquet
from replylint.inputs.record import RecordError, foreign_fields, parse_record
from replylint.model import OffsetMap, Reply

COLLECTION_SUFFIXES = tuple(s for s, kind in SUFFIX_KINDS.items() if kind in COLLECTION_KINDS)
STDIN = "-"
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


@dataclass(frozen=True)
class Reading:
    """How records are read for one file: defaults from the command line, the
    configured channel, and the languages `language` may name."""

    defaults: Mapping[str, Any]
    default_channel: str | None = None
    languages: Collection[str] | None = None


@dataclass(frozen=True)
class Item:
    """One reply to lint and where it came from."""

    path: str
    reply: Reply
    offsets: OffsetMap | None = None  # set for documents: reply.text -> file offsets
    source: str | None = None  # the file text for documents (positions are in the file)
    line: int | None = None  # collections: the 1-based line where the record starts
    ignored: tuple[str, ...] = ()  # the record's foreign fields, kept and ignored


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
    return kind_for_name(path.name) is not None


def expand_paths(
    paths: Iterable[str], excluded: Callable[[str], bool] | None = None
) -> Iterator[str | InputError]:
    """Files to lint in a stable order; directories are walked, `-` is stdin.

    `excluded` drops files that a directory walk or a glob finds (the config's
    `exclude`); a file named on its own is always linted, as in ruff and eslint."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            found: list[str] = []
            top = str(path)  # as Path spells it: "." or a path with no "./" in front
            for root, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                # Plain strings, not Paths (a folder of thousands of replies is walked on
                # every run, a warm cached one included), spelt as `Path(root) / name`
                # is: the walk of "." yields "./sub", where a Path has "sub".
                folder = "" if root == "." else root[2:] if top == "." else root
                for name in files:
                    if kind_for_name(name) is None or name.startswith("."):
                        continue
                    candidate = os.path.join(folder, name)
                    if excluded is None or not excluded(candidate):
                        found.append(candidate)
            yield from sorted(found)
        elif path.is_file():
            yield str(path)
        elif glob.has_magic(raw):  # a quoted glob: "archive/*.jsonl"
            matches = sorted(glob.glob(raw, recursive=True))
            yield from (
                m
                for m in matches
                if is_lintable(Path(m))
                and Path(m).is_file()
                and (excluded is None or not excluded(m))
            )
            if not matches:
                yield InputError(raw, "no file matches this pattern")
        else:
            yield InputError(str(path), "no such file or directory")


def is_document(path: str) -> bool:
    """One reply per file (front matter, quoted incoming), not a collection."""
    return path != STDIN and kind_for_name(os.path.basename(path)) not in COLLECTION_KINDS


def read_items(
    path: str, reading: Reading | Mapping[str, Any], stdin_text: str | None = None
) -> Iterator[Item | InputError]:
    """Every reply in `path` (or stdin), with errors in line for malformed ones."""
    if not isinstance(reading, Reading):
        reading = Reading(dict(reading), reading.get("channel"))
    try:
        if path == STDIN:
            yield from _read_stdin(stdin_text if stdin_text is not None else "", reading)
            return
        suffix_kind = kind_for_name(os.path.basename(path)) or REPLY
        if suffix_kind == "parquet":  # a binary format: pyarrow checks it
            yield from read_parquet_items(path, reading)
            return
        streamed = suffix_kind in ("jsonl", "csv")
        # A file read whole is opened once: its first bytes are sniffed, then decoded
        # with the rest (a warm cached run over many small documents notices a
        # second open per file).
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            kind = binary_kind(head)
            data = head + handle.read() if kind is None and not streamed else b""
        if kind is not None:
            yield InputError(path, binary_message(kind))
            return
        if suffix_kind == "jsonl":
            with open(path, encoding="utf-8", newline="") as handle:
                yield from _entries(path, iter_jsonl(handle, positions=False), reading)
        elif suffix_kind == "csv":
            with open(path, encoding="utf-8-sig", newline="") as handle:
                yield from _entries(path, iter_csv(handle, positions=False), reading)
        elif suffix_kind == "json":
            yield from _read_json(path, _decode(data), reading)
        elif suffix_kind == "yaml":
            entries, errors = read_yaml(_decode(data), positions=False)
            yield from _entries(path, [*errors, *entries], reading)
        else:
            yield from _read_document(path, _decode(data), reading)
    except UnicodeDecodeError as exc:
        yield InputError(path, f"not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        yield InputError(path, f"cannot read: {exc.strerror or exc}")


def _decode(data: bytes) -> str:
    """A file's text as `open(encoding="utf-8-sig", newline="")` reads it: a leading
    BOM dropped, line endings kept as they are."""
    return data.decode("utf-8-sig")


def record_item(
    path: str,
    data: Any,
    reading: Reading,
    default_id: str | None,
    line: int | None,
) -> Item | InputError:
    """One collection record as an `Item`, or the `InputError` that names its fault."""
    try:
        reply = parse_record(
            data,
            default_id=default_id,
            defaults=reading.defaults,
            default_channel=reading.default_channel,
            languages=reading.languages,
        )
    except RecordError as exc:
        record_id = data.get("id") if isinstance(data, dict) else None
        return InputError(
            path, str(exc), str(record_id) if record_id is not None else default_id, line
        )
    return Item(path, reply, line=line, ignored=tuple(foreign_fields(data)))


def read_parquet_items(
    path: str, reading: Reading, row_groups: list[int] | None = None, first_row: int = 1
) -> Iterator[Item | InputError]:
    """The records of a Parquet file (or of some of its row groups), a row each."""
    try:
        yield from read_parquet(
            path,
            lambda data, row: record_item(path, data, reading, str(row), row),
            row_groups,
            first_row,
        )
    except ParquetUnavailable as exc:
        yield InputError(path, str(exc))
    except Exception as exc:  # pyarrow's errors for a damaged or foreign file
        yield InputError(path, f"not a readable Parquet file: {exc}")


def read_jsonl_lines(
    path: str, lines: Iterable[str], reading: Reading, first_line: int = 1
) -> Iterator[Item | InputError]:
    """The records of JSONL `lines`, the first being line `first_line` of `path`
    (a part of a large file read elsewhere)."""
    return _entries(path, iter_jsonl(lines, positions=False, first_line=first_line), reading)


def _entries(
    path: str, found: Iterable[RecordEntry | CollectionError], reading: Reading
) -> Iterator[Item | InputError]:
    for entry in found:
        if isinstance(entry, CollectionError):
            yield InputError(path, entry.message, entry.record_id, entry.line)
        else:
            yield record_item(path, entry.data, reading, entry.default_id, entry.line)


def _read_json(path: str, text: str, reading: Reading) -> Iterator[Item | InputError]:
    entries, errors = read_json(text, positions=False)
    yield from _entries(path, [*errors, *entries], reading)


def _read_stdin(text: str, reading: Reading) -> Iterator[Item | InputError]:
    """Stdin: a JSON object, JSON lines, a JSON list, or else one reply document."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        except RecursionError:
            yield InputError(STDIN, "JSON nested too deeply")
            return
        if isinstance(data, dict):
            yield record_item(STDIN, data, reading, "1", None)
            return
        # Several JSON objects, one a line (a malformed line is an error for that line).
        yield from _entries(STDIN, iter_jsonl(split_lines(text), positions=False), reading)
        return
    if stripped.startswith("["):
        yield from _read_json(STDIN, text, reading)
        return
    yield from _read_document(STDIN, text, reading)


def _read_document(path: str, text: str, reading: Reading) -> Iterator[Item | InputError]:
    if "\x00" in text:
        yield InputError(path, binary_message("binary"))
        return
    try:
        doc = parse_document(
            text,
            defaults=dict(reading.defaults),
            default_id=None,
            default_channel=reading.default_channel,
            languages=reading.languages,
        )
    except DocumentError as exc:
        yield InputError(path, str(exc), line=exc.line)
        return
    ignored = tuple(foreign_fields(doc.front_matter))
    yield Item(path, doc.reply, doc.offsets, text, ignored=ignored)
