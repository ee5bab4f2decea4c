"""Conversation exports read into one DuckDB table of messages, for `responsiveness`.

Three kinds of export are recognised by shape (docs/responsiveness.md has the fields):

- **Twitter-support CSV** shaped like the public "Customer Support on Twitter" data set
  (`tweet_id, author_id, inbound, created_at, text, response_tweet_id,
  in_response_to_tweet_id`, an optional unnamed index column first). DuckDB reads it
  directly; rows it cannot read land in its rejects table and are reported by line.
- **A generic conversation log** (JSONL, CSV or Parquet) with `conversation, id, time,
  role, text` and optional `agent, brand, in_reply_to`; other column names are mapped
  with `FieldNames`. Values are checked in one SQL pass, each bad row reported.
- **A Facebook Page messages export** ("download your information" JSON): the unpacked
  folder, its `.zip`, or single `message_N.json` files. The page's name says which
  sender is the agent.

Every export lands in the `messages` table (`MESSAGES_TABLE` columns); a bad row becomes
a `SkippedRow` and the rest is used. A file that cannot be an export at all (empty, not
UTF-8, the wrong kind) raises `ExportError` naming it.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import duckdb

MESSAGES_TABLE = """
CREATE TABLE IF NOT EXISTS messages (
    source VARCHAR,          -- the export file the message came from
    export INTEGER,          -- its position among the exports read: ids are unique within one
    conversation VARCHAR,    -- messages are answered within their conversation (NULL
                             -- for a twcs reply: see message_conversations)
    id VARCHAR,
    ts DOUBLE,               -- seconds since the epoch (UTC)
    role VARCHAR,            -- 'customer' | 'agent'
    text VARCHAR,
    agent VARCHAR,
    brand VARCHAR,
    in_reply_to VARCHAR,
    named_replies VARCHAR,   -- ids the export says answered this message, as written (twcs)
    linked BOOLEAN           -- the export links replies to messages
)
"""
# `named_replies` is read only for the few messages left unanswered, so it is kept as
# the export writes it ("21,22.0"); this macro turns one of its items into an id as
# `id` holds it ("22"), the way the twcs reader writes tweet ids.
NAMED_REPLY_ID = """
CREATE OR REPLACE TEMP MACRO named_reply_id(written) AS
    coalesce(CAST(TRY_CAST(TRY_CAST(trim(written) AS DOUBLE) AS BIGINT) AS VARCHAR), trim(written))
"""
# Every message's conversation. A twcs reply's is the author of the tweet it replies to
# (the customer; the brand when it answers the brand's own tweet; itself when that
# tweet is not in the export), as the Facebook definitions count per person and page.
# Looked up only by the policies that need a reply's conversation.
MESSAGE_CONVERSATIONS = """
CREATE OR REPLACE TEMP VIEW message_conversations AS
SELECT m.rowid AS key,
       coalesce(m.conversation,
                CASE WHEN p.role = 'customer' THEN p.conversation ELSE p.brand END,
                'tweet ' || m.id) AS conversation
FROM messages m
LEFT JOIN messages p
    ON m.conversation IS NULL AND p.export = m.export AND p.id = m.in_reply_to
"""
TWCS_COLUMNS = {
    "tweet_id": "DOUBLE",  # written as floats in some copies ("19.0")
    "author_id": "VARCHAR",
    "inbound": "BOOLEAN",
    "created_at": "TIMESTAMP",
    "text": "VARCHAR",
    "response_tweet_id": "VARCHAR",
    "in_response_to_tweet_id": "DOUBLE",
}
TWCS_TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"  # Tue Oct 31 22:10:47 +0000 2017
GENERIC_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")
ROLES = ("customer", "agent")


class ExportError(ValueError):
    """A file that cannot be read as a conversation export at all."""


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of the analysis, and why."""

    path: str
    line: int | None  # 1-based line in the file (row number for Parquet), when known
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class FieldNames:
    """Which column of a generic log holds each field."""

    conversation: str = "conversation"
    id: str = "id"
    time: str = "time"
    role: str = "role"
    text: str = "text"
    agent: str = "agent"
    brand: str = "brand"
    in_reply_to: str = "in_reply_to"

    REQUIRED = ("conversation", "id", "time", "role", "text")

    @classmethod
    def mapped(cls, pairs: Iterable[str]) -> FieldNames:
        """From `FIELD=COLUMN` pairs (`time=created`); unknown fields are an error."""
        known = {f.name for f in fields(cls)}
        values: dict[str, str] = {}
        for pair in pairs:
            name, sep, column = pair.partition("=")
            if not sep or not column.strip() or name.strip() not in known:
                raise ExportError(
                    f"--field {pair!r}: expected FIELD=COLUMN with FIELD one of "
                    + ", ".join(sorted(known))
                )
            values[name.strip()] = column.strip()
        return cls(**values)

    def columns(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def run(connection: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> None:
    """Run a statement to completion (DuckDB keeps a statement's result pending until
    it is read, and refuses the next one meanwhile)."""
    connection.execute(sql, parameters).fetchall()


def new_database() -> duckdb.DuckDBPyConnection:
    """An in-memory database with an empty `messages` table."""
    connection = duckdb.connect(":memory:")
    _create_schema(connection)
    return connection


def _create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    run(connection, MESSAGES_TABLE)
    run(connection, NAMED_REPLY_ID)
    run(connection, MESSAGE_CONVERSATIONS)


def load_exports(
    connection: duckdb.DuckDBPyConnection,
    paths: Sequence[str | Path],
    *,
    field_names: FieldNames | None = None,
    page: str | None = None,
) -> list[SkippedRow]:
    """Read every export into `connection`'s `messages` table; the rows left out."""
    _create_schema(connection)
    names = field_names or FieldNames()
    skipped: list[SkippedRow] = []
    first = connection.execute("SELECT coalesce(max(export) + 1, 0) FROM messages").fetchall()[0][0]
    for number, raw_path in enumerate(paths, int(first)):
        path = Path(raw_path)
        before = _count(connection)
        skipped += _load_one(connection, path, number, names, page)
        if _count(connection) == before:
            raise ExportError(f"{path}: empty export: no message could be read from it")
    return skipped


def _count(connection: duckdb.DuckDBPyConnection) -> int:
    return int(connection.execute("SELECT count(*) FROM messages").fetchall()[0][0])


def _load_one(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    number: int,
    names: FieldNames,
    page: str | None,
) -> list[SkippedRow]:
    if path.is_dir():
        return _load_facebook(connection, path, number, _facebook_folder(path), page)
    if not path.is_file():
        raise ExportError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _load_facebook(connection, path, number, _facebook_zip(path), page)
    if suffix == ".json":
        files = [(str(path), _utf8(path, path.read_bytes()))]
        return _load_facebook(connection, path, number, files, page)
    if suffix == ".parquet":
        return _load_parquet(connection, path, number, names)
    if suffix not in GENERIC_SUFFIXES:
        raise ExportError(
            f"{path}: not a conversation export (expected .csv, .jsonl, .parquet, "
            ".json, .zip or a folder of a Facebook export)"
        )
    if suffix == ".csv":
        with path.open("rb") as handle:
            first_line = handle.readline().rstrip(b"\r\n")
        header = next(csv.reader(io.StringIO(_utf8(path, first_line))), [])
        if {"tweet_id", "author_id", "inbound", "created_at"} <= set(header):
            # DuckDB reads it and checks the encoding: no Python copy of a big file.
            return _load_twcs(connection, path, header, number)
    data = path.read_bytes()
    if not data or data.isspace():
        raise ExportError(f"{path}: empty export: the file is empty")
    if suffix == ".csv":
        return _load_generic_csv(connection, path, number, _utf8(path, data), header, names)
    return _load_jsonl(connection, path, number, _utf8(path, data), names)


def _utf8(path: Path | str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ExportError(
            f"{path}: not UTF-8 text (byte {exc.start}, line {line}); re-export it as UTF-8"
        ) from None


# --- Twitter-support CSV ----------------------------------------------------------


def _load_twcs(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    header: list[str],
    number: int,
) -> list[SkippedRow]:
    columns = {
        (name or f"unnamed_{i}"): TWCS_COLUMNS.get(name, "VARCHAR") for i, name in enumerate(header)
    }
    rejects, scans = f"twcs_rejects_{number}", f"twcs_scans_{number}"
    # Read straight into `messages`, one pass over the file. A reply's conversation is
    # left empty here: `message_conversations` finds it, for the policies that need it.
    run(
        connection,
        f"""
        INSERT INTO messages
        SELECT $source, $export,
               CASE WHEN inbound IS NOT FALSE THEN author_id END,
               CAST(CAST(tweet_id AS BIGINT) AS VARCHAR), epoch(created_at),
               CASE WHEN inbound THEN 'customer' WHEN NOT inbound THEN 'agent' END,
               text, NULL,
               CASE WHEN NOT inbound THEN author_id END,
               CAST(CAST(in_response_to_tweet_id AS BIGINT) AS VARCHAR), response_tweet_id, true
        FROM read_csv(
            $path, header = true, columns = $columns, timestampformat = $format,
            quote = '"', escape = '"', store_rejects = true,
            rejects_table = '{rejects}', rejects_scan = '{scans}')
        """,
        {
            "source": str(path),
            "export": number,
            "path": str(path),
            "columns": columns,
            "format": TWCS_TIME_FORMAT,
        },
    )
    skipped = _rejected_rows(connection, rejects, path)
    # Rows without one of the fields every message needs are reported and left out.
    incomplete = connection.execute(
        """SELECT rowid, id, coalesce(conversation, brand), role, ts FROM messages
           WHERE export = $export AND (id IS NULL OR coalesce(conversation, brand) IS NULL
                                       OR role IS NULL OR ts IS NULL)""",
        {"export": number},
    ).fetchall()
    for _, tweet_id, author, role, ts in incomplete:
        missing = [
            name
            for name, value in zip(
                ("tweet_id", "author_id", "inbound", "created_at"),
                (tweet_id, author, role, ts),
                strict=True,
            )
            if value is None
        ]
        skipped.append(SkippedRow(str(path), None, f"tweet {tweet_id}: no {', '.join(missing)}"))
    if incomplete:
        connection.execute(
            "DELETE FROM messages WHERE rowid IN (SELECT unnest($keys))",
            {"keys": [row[0] for row in incomplete]},
        ).fetchall()
    return skipped


def _rejected_rows(
    connection: duckdb.DuckDBPyConnection, rejects: str, path: Path
) -> list[SkippedRow]:
    """One skipped row per record DuckDB rejected, at its physical line in the file
    (DuckDB counts records, and a quoted text may span lines)."""
    rows = connection.execute(
        f"""SELECT line_byte_position, arg_min(error_message, column_idx),
                   arg_min(column_name, column_idx), arg_min(error_type, column_idx)
            FROM {rejects} GROUP BY line_byte_position ORDER BY line_byte_position"""
    ).fetchall()
    data = path.read_bytes() if rows else b""  # for line numbers, only when needed
    skipped = []
    line, counted_to = 1, 0
    for position, message, column, kind in rows:
        line += data.count(b"\n", counted_to, position)
        counted_to = position
        if kind in ("INVALID UNICODE", "INVALID ENCODING"):
            raise ExportError(f"{path}: not UTF-8 text (line {line}); re-export it as UTF-8")
        if kind == "MISSING COLUMNS" or kind == "TOO MANY COLUMNS":
            reason = f"wrong number of fields ({message})"
        else:
            reason = f"field {column}: {message.splitlines()[0]}"
        skipped.append(SkippedRow(str(path), line, reason))
    return skipped


# --- generic conversation logs ----------------------------------------------------


def _load_jsonl(
    connection: duckdb.DuckDBPyConnection, path: Path, export: int, text: str, names: FieldNames
) -> list[SkippedRow]:
    rows: list[tuple[Any, ...]] = []
    skipped: list[SkippedRow] = []
    columns = names.columns()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(SkippedRow(str(path), number, f"not JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            skipped.append(SkippedRow(str(path), number, "not a JSON object"))
            continue
        rows.append((number, *(_as_text(record.get(c)) for c in columns.values())))
    if not rows and not skipped:
        raise ExportError(f"{path}: empty export: no JSON lines")
    if rows and all(all(v is None for v in row[1:]) for row in rows[:50]):
        raise ExportError(_wrong_columns(path, names, []))
    return skipped + _insert_generic(connection, path, export, rows, names)


def _load_generic_csv(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    export: int,
    text: str,
    header: list[str],
    names: FieldNames,
) -> list[SkippedRow]:
    columns = names.columns()
    missing = [c for f, c in columns.items() if f in FieldNames.REQUIRED and c not in header]
    if missing:
        raise ExportError(_wrong_columns(path, names, header))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[Any, ...]] = []
    skipped: list[SkippedRow] = []
    start = reader.line_num + 1
    for record in reader:
        if None in record or any(v is None for v in record.values()):
            skipped.append(SkippedRow(str(path), start, "wrong number of fields"))
        else:
            rows.append((start, *(_as_text(record.get(c)) for c in columns.values())))
        start = reader.line_num + 1
    return skipped + _insert_generic(connection, path, export, rows, names)


def _load_parquet(
    connection: duckdb.DuckDBPyConnection, path: Path, export: int, names: FieldNames
) -> list[SkippedRow]:
    try:
        described = connection.execute(
            "DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}
        ).fetchall()
    except duckdb.Error:
        raise ExportError(f"{path}: not a Parquet file") from None
    header = [row[0] for row in described]
    columns = names.columns()
    if any(columns[f] not in header for f in FieldNames.REQUIRED):
        raise ExportError(_wrong_columns(path, names, header))
    selected = ", ".join(
        f'CAST("{c}" AS VARCHAR)' if c in header else "NULL" for c in columns.values()
    )
    rows = connection.execute(
        f"SELECT file_row_number + 1, {selected} FROM read_parquet($path, file_row_number = true)",
        {"path": str(path)},
    ).fetchall()
    return _insert_generic(connection, path, export, rows, names)


def _wrong_columns(path: Path, names: FieldNames, header: Sequence[str]) -> str:
    wanted = ", ".join(getattr(names, f) for f in FieldNames.REQUIRED)
    found = ", ".join(header) if header else "none of them"
    return (
        f"{path}: not a conversation log: expected the columns {wanted} (map others with "
        f"--field FIELD=COLUMN) or a Twitter-support export; found {found}"
    )


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# Checks every generic row in one pass; the first failed check is the row's reason.
_GENERIC_CHECKS = """
WITH parsed AS (
    SELECT *,
           CASE WHEN regexp_full_match(trim(time), '-?[0-9]+(\\.[0-9]+)?')
                    THEN TRY_CAST(trim(time) AS DOUBLE)
                WHEN regexp_matches(trim(time), '(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$')
                    THEN epoch(TRY_CAST(trim(replace(time, 'T', ' ')) AS TIMESTAMPTZ))
           END AS ts,
           lower(trim(role)) AS role_name
    FROM generic_raw
)
SELECT *,
       CASE WHEN id IS NULL THEN 'no id'
            WHEN conversation IS NULL THEN 'no conversation'
            WHEN time IS NULL THEN 'no time'
            WHEN ts IS NULL AND NOT regexp_full_match(trim(time), '-?[0-9]+(\\.[0-9]+)?')
                 AND NOT regexp_matches(trim(time), '(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$')
                THEN 'time ' || time || ' has no UTC offset (write 2024-05-02T09:30:00+02:00)'
            WHEN ts IS NULL THEN 'time ' || time || ' is neither ISO 8601 nor epoch seconds'
            WHEN role IS NULL THEN 'no role'
            WHEN role_name NOT IN ('customer', 'agent')
                THEN 'role ' || role || ' is neither customer nor agent'
       END AS problem
FROM parsed
"""


def _insert_generic(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    export: int,
    rows: list[tuple[Any, ...]],
    names: FieldNames,
) -> list[SkippedRow]:
    column_names = ["line", *names.columns()]
    run(connection, "DROP TABLE IF EXISTS generic_raw")
    run(
        connection,
        "CREATE TEMP TABLE generic_raw ("
        + ", ".join(f'"{c}" {"BIGINT" if c == "line" else "VARCHAR"}' for c in column_names)
        + ")",
    )
    if rows:
        connection.executemany(
            f"INSERT INTO generic_raw VALUES ({', '.join('?' * len(column_names))})", rows
        )
    run(connection, f"CREATE OR REPLACE TEMP TABLE generic_checked AS {_GENERIC_CHECKS}")
    problems = connection.execute(
        "SELECT line, problem FROM generic_checked WHERE problem IS NOT NULL ORDER BY line"
    ).fetchall()
    linked = connection.execute(
        "SELECT count(in_reply_to) > 0 FROM generic_checked WHERE problem IS NULL"
    ).fetchall()[0][0]
    run(
        connection,
        """INSERT INTO messages
           SELECT $source, $export, conversation, id, ts, role_name, coalesce(text, ''), agent,
                  brand, in_reply_to, NULL, $linked
           FROM generic_checked WHERE problem IS NULL""",
        {"source": str(path), "export": export, "linked": bool(linked)},
    )
    run(connection, "DROP TABLE generic_raw")
    run(connection, "DROP TABLE generic_checked")
    return [SkippedRow(str(path), line, problem) for line, problem in problems]


# --- Facebook Page messages export ------------------------------------------------


def _facebook_folder(path: Path) -> list[tuple[str, str]]:
    files = sorted(path.rglob("message_*.json"))
    if not files:
        raise ExportError(f"{path}: no messages/inbox/<thread>/message_N.json in this folder")
    return [(str(f), _utf8(f, f.read_bytes())) for f in files]


def _facebook_zip(path: Path) -> list[tuple[str, str]]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(
                n
                for n in archive.namelist()
                if Path(n).name.startswith("message_") and n.endswith(".json")
            )
            if not names:
                raise ExportError(f"{path}: no messages/inbox/<thread>/message_N.json in this zip")
            return [(f"{path}:{n}", _utf8(f"{path}:{n}", archive.read(n))) for n in names]
    except zipfile.BadZipFile:
        raise ExportError(f"{path}: not a zip archive") from None


def _fix_mojibake(text: str) -> str:
    """Facebook writes UTF-8 bytes as \\u00XX escapes ("Ã©" for "é"); undo that."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _load_facebook(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    export: int,
    files: list[tuple[str, str]],
    page: str | None,
) -> list[SkippedRow]:
    rows: list[tuple[Any, ...]] = []
    skipped: list[SkippedRow] = []
    for name, text in files:
        try:
            thread = json.loads(text)
        except ValueError as exc:
            raise ExportError(f"{name}: not JSON ({exc})") from None
        if not isinstance(thread, dict) or not isinstance(thread.get("messages"), list):
            raise ExportError(
                f"{name}: not a Facebook messages export (expected participants and messages)"
            )
        participants = [
            _fix_mojibake(str(p.get("name", "")))
            for p in thread.get("participants", [])
            if isinstance(p, dict)
        ]
        if page is None:
            raise ExportError(
                f"{name}: a Facebook export: say which participant is the Page with "
                f"--page NAME (participants: {', '.join(participants) or 'none listed'})"
            )
        conversation = str(thread.get("thread_path") or Path(name.split(":")[-1]).parent.name)
        for index, message in enumerate(thread["messages"]):
            rows_or_problem = _facebook_row(message, conversation, page, index)
            if isinstance(rows_or_problem, str):
                skipped.append(SkippedRow(name, None, rows_or_problem))
            else:
                rows.append(rows_or_problem)
    if not rows and not skipped:
        raise ExportError(f"{path}: empty export: no messages in it")
    if rows:
        connection.executemany(
            "INSERT INTO messages VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, NULL, NULL, false)",
            [(str(path), export, *row) for row in rows],
        )
    return skipped


def _facebook_row(message: Any, conversation: str, page: str, index: int) -> tuple[Any, ...] | str:
    where = f"messages[{index}]"
    if not isinstance(message, dict):
        return f"{where}: not an object"
    sender, stamp = message.get("sender_name"), message.get("timestamp_ms")
    if not isinstance(sender, str):
        return f"{where}: no sender_name"
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
        return f"{where}: no timestamp_ms"
    role = "agent" if _fix_mojibake(sender).casefold() == page.casefold() else "customer"
    content = _fix_mojibake(str(message.get("content") or ""))
    message_id = f"{conversation}/{int(stamp)}/{index}"
    return (conversation, message_id, stamp / 1000, role, content, page)
