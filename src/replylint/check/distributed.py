"""`replylint check --dask ADDRESS`: the same engine, run on a Dask cluster.

The archive is cut into partitions that workers read themselves, so no single
process holds it: a JSONL file into byte ranges that end on a line break, a Parquet
file into row groups, a CSV file or a reply document whole. A first, cheap pass
counts each JSONL partition's lines (and Parquet row groups come with their row
counts), so every record keeps the line number and default id a local run gives it.

Each worker builds its checker once, from the configuration shipped as plain data
(`Checker.settings()`), and keeps it for every later task: a spaCy pipeline is never
pickled. Tasks are pure (read a partition, lint it, return `Linted` results or write
Parquet rows), so when a worker dies Dask reruns its tasks elsewhere, and each
partition's result is gathered exactly once, in input order.

Dask is optional: `pip install 'replylint[dask]'`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replylint.check.checker import Checker, Linted, Unit
from replylint.check.findings_table import COLUMN_TYPES, COLUMNS
from replylint.inputs.files import (
    STDIN,
    InputError,
    is_document,
    read_items,
    read_jsonl_lines,
    read_parquet_items,
)
from replylint.inputs.kinds import kind_for_name
from replylint.inputs.parquet import ParquetUnavailable, row_group_rows

if TYPE_CHECKING:
    from distributed import Client

MISSING_DASK = "--dask needs the dask extra: pip install 'replylint[dask]'"
# Bytes of JSONL per partition: at most about 100,000 short replies (a minute of one
# core), at least a few hundred; in between, enough partitions to keep every worker
# busy to the end (PARTITIONS_PER_WORKER each).
PARTITION_BYTES = 32 * 1024 * 1024
MIN_PARTITION_BYTES = 256 * 1024
PARTITIONS_PER_WORKER = 4
DOCUMENTS_PER_PARTITION = 256


class DaskUnavailable(RuntimeError):
    """Dask (distributed) is not installed."""


@dataclass(frozen=True)
class Partition:
    """A piece of the input a worker reads and lints on its own."""

    path: str
    kind: str  # "jsonl" (byte range), "parquet" (row groups), "file", "documents"
    start: int = 0  # jsonl: first byte; parquet: first row group
    end: int = 0  # jsonl: byte past the end; parquet: row group past the end
    first_line: int = 1  # jsonl: line number of the first line; parquet: first row number
    documents: tuple[str, ...] = ()


def connect(address: str, *, workers: int | None = None) -> Client:
    """A client for the scheduler at `address`, or for a `LocalCluster` sized to this
    machine (one single-threaded process per core) when `address` is "local"."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DaskUnavailable(MISSING_DASK) from None
    if address == "local":
        count = workers or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        return Client(cluster)
    return Client(address)


# --- cutting the input ------------------------------------------------------------


def partitions(
    files: Sequence[str | InputError], partition_bytes: int = PARTITION_BYTES
) -> list[Partition | InputError]:
    """The input's partitions in input order (line numbers of JSONL partitions are
    filled in later by `number_lines`). Input errors stay in place."""
    out: list[Partition | InputError] = []
    documents: list[str] = []

    def flush() -> None:
        if documents:
            out.append(Partition(documents[0], "documents", documents=tuple(documents)))
            documents.clear()

    for path in files:
        if isinstance(path, InputError):
            flush()
            out.append(path)
            continue
        if path == STDIN:
            flush()
            out.append(InputError(STDIN, "--dask cannot read stdin: name the files"))
            continue
        if is_document(path):
            documents.append(path)
            if len(documents) >= DOCUMENTS_PER_PARTITION:
                flush()
            continue
        flush()
        kind = kind_for_name(Path(path).name)
        if kind == "jsonl":
            out.extend(_byte_ranges(path, partition_bytes))
        elif kind == "parquet":
            out.extend(_row_group_ranges(path, partition_bytes))
        else:  # CSV (quoted cells may span lines), JSON and YAML lists: whole files
            out.append(Partition(path, "file"))
    flush()
    return out


def _byte_ranges(path: str, size: int) -> list[Partition]:
    """Byte ranges of about `size` bytes, each ending just after a line break."""
    total = os.path.getsize(path)
    ranges = []
    start = 0
    with open(path, "rb") as handle:
        while start < total:
            end = min(start + size, total)
            if end < total:
                handle.seek(end)
                handle.readline()  # run on to the end of the line
                end = min(handle.tell(), total)
            ranges.append(Partition(path, "jsonl", start, end))
            start = end
    return ranges or [Partition(path, "jsonl", 0, 0)]


def _row_group_ranges(path: str, size: int) -> list[Partition | InputError]:
    try:
        rows = row_group_rows(path)
    except ParquetUnavailable as exc:
        return [InputError(path, str(exc))]
    except Exception as exc:  # pyarrow's errors for a damaged or foreign file
        return [InputError(path, f"not a readable Parquet file: {exc}")]
    # Row groups are kept whole; about as many rows per partition as a JSONL range.
    per_partition = max(1, size // 300)
    out: list[Partition | InputError] = []
    first_row = 1
    group = 0
    while group < len(rows):
        start, count = group, 0
        while group < len(rows) and (count == 0 or count + rows[group] <= per_partition):
            count += rows[group]
            group += 1
        out.append(Partition(path, "parquet", start, group, first_row))
        first_row += count
    return out or [Partition(path, "parquet", 0, 0)]


def count_lines(partition: Partition) -> int:
    """How many lines a JSONL byte range holds (a task: cheap, one pass in C)."""
    with open(partition.path, "rb") as handle:
        handle.seek(partition.start)
        remaining = partition.end - partition.start
        lines = 0
        last = b"\n"
        while remaining > 0:
            block = handle.read(min(remaining, 1 << 20))
            if not block:
                break
            lines += block.count(b"\n")
            last = block[-1:]
            remaining -= len(block)
    return lines + (last != b"\n")


def number_lines(
    parts: list[Partition | InputError], line_counts: dict[int, int]
) -> list[Partition | InputError]:
    """`parts` with each JSONL range's first line number, from the line counts of the
    ranges before it in the same file (`line_counts` by index in `parts`)."""
    numbered: list[Partition | InputError] = []
    next_line: dict[str, int] = {}
    for index, part in enumerate(parts):
        if isinstance(part, Partition) and part.kind == "jsonl":
            first = next_line.get(part.path, 1)
            next_line[part.path] = first + line_counts[index]
            part = Partition(part.path, "jsonl", part.start, part.end, first)
        numbered.append(part)
    return numbered


# --- the worker side ---------------------------------------------------------------

_checkers: dict[bytes, Checker] = {}


def worker_checker(settings: bytes) -> Checker:
    """The checker for `settings` (a pickled `Checker.settings()`), built once per
    worker process and kept: every task after the first reuses its engines."""
    key = hashlib.sha256(settings).digest()
    checker = _checkers.get(key)
    if checker is None:
        cli_layer, explicit_config, defaults = pickle.loads(settings)
        checker = _checkers[key] = Checker(
            cli_layer=cli_layer, explicit_config=explicit_config, defaults=defaults
        )
    return checker


def read_partition(checker: Checker, part: Partition) -> Iterator[Any]:
    """The items (and input errors) of a collection partition, in order."""
    reading = checker.record_defaults(part.path)
    if part.kind == "jsonl":
        with open(part.path, "rb") as handle:
            handle.seek(part.start)
            data = handle.read(part.end - part.start)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield InputError(part.path, f"not UTF-8 text (byte {part.start + exc.start})")
            return
        lines = text.splitlines(keepends=True)
        yield from read_jsonl_lines(part.path, lines, reading, part.first_line)
    elif part.kind == "parquet":
        groups = list(range(part.start, part.end))
        yield from read_parquet_items(part.path, reading, groups, part.first_line)
    else:
        yield from read_items(part.path, reading)


def lint_partition(settings: bytes, part: Partition) -> list[Linted | InputError]:
    """A task: read and lint one partition; the results in input order."""
    checker = worker_checker(settings)
    if part.kind == "documents":
        return checker.lint_unit(Unit(documents=part.documents))
    return checker.lint_unit(Unit(items=tuple(read_partition(checker, part))))


def write_partition(
    settings: bytes, part: Partition, folder: str, index: int
) -> tuple[dict[str, Any], list[InputError]]:
    """A task: lint one partition and write its rows as `part-NNNNN.parquet` in
    `folder`; returns the partition's summary counts and its input errors."""
    from replylint.check.findings_table import summary_counts, write_rows

    results = lint_partition(settings, part)
    linted = [r for r in results if isinstance(r, Linted)]
    write_rows(linted, Path(folder) / f"part-{index:05}.parquet")
    return summary_counts(linted), [r for r in results if isinstance(r, InputError)]


# --- the client side ---------------------------------------------------------------


def partition_size(files: Sequence[str | InputError], workers: int) -> int:
    """Bytes per partition for this input on `workers` workers."""
    total = sum(
        os.path.getsize(f) for f in files if isinstance(f, str) and f != STDIN and os.path.isfile(f)
    )
    wanted = total // max(1, workers * PARTITIONS_PER_WORKER)
    return max(MIN_PARTITION_BYTES, min(PARTITION_BYTES, wanted))


def plan(
    client: Client, files: Sequence[str | InputError], partition_bytes: int | None = None
) -> list[Partition | InputError]:
    """The partitions of `files`, JSONL ranges numbered by a first pass on the cluster."""
    if partition_bytes is None:
        workers = sum(client.nthreads().values()) or 1
        partition_bytes = partition_size(files, workers)
    parts = partitions(files, partition_bytes)
    ranges = {i: p for i, p in enumerate(parts) if isinstance(p, Partition) and p.kind == "jsonl"}
    counts = client.gather(client.map(count_lines, list(ranges.values()), pure=False))
    return number_lines(parts, dict(zip(ranges, counts, strict=True)))


def lint_on_cluster(
    client: Client,
    checker: Checker,
    files: Sequence[str | InputError],
    partition_bytes: int | None = None,
) -> Iterator[list[Linted | InputError]]:
    """Each partition's results, in input order, linted on the cluster."""
    from distributed import as_completed

    settings = pickle.dumps(checker.settings())
    parts = plan(client, files, partition_bytes)
    futures = {}
    for index, part in enumerate(parts):
        if isinstance(part, Partition):
            futures[client.submit(lint_partition, settings, part, pure=False)] = index
    done: dict[int, list[Linted | InputError]] = {}
    next_index = 0

    def ready() -> Iterator[list[Linted | InputError]]:
        nonlocal next_index
        while next_index < len(parts):
            part = parts[next_index]
            if isinstance(part, InputError):
                yield [part]
            elif next_index in done:
                yield done.pop(next_index)
            else:
                return
            next_index += 1

    yield from ready()
    for future in as_completed(futures):
        done[futures[future]] = future.result()
        future.release()
        yield from ready()
    yield from ready()


def write_on_cluster(
    client: Client, checker: Checker, files: Sequence[str | InputError], folder: Path
) -> Iterator[tuple[dict[str, Any], list[InputError]]]:
    """Lint every partition on the cluster, each worker writing its rows as a part
    in `folder`; yields each partition's summary counts and input errors."""
    from distributed import as_completed

    settings = pickle.dumps(checker.settings())
    futures = []
    for index, part in enumerate(plan(client, files)):
        if isinstance(part, InputError):
            yield {"replies": 0, "findings": 0, "by_rule": {}, "by_severity": {}}, [part]
        else:
            futures.append(
                client.submit(write_partition, settings, part, str(folder), index, pure=False)
            )
    for future in as_completed(futures):
        yield future.result()
        future.release()


# --- the API for data teams ---------------------------------------------------------


def _settings_of(checker: Checker | None) -> bytes:
    return pickle.dumps((checker or Checker()).settings())


def lint_records(records: Sequence[Any], settings: bytes) -> list[dict[str, Any]]:
    """Lint reply records (dicts) with the worker's checker: each one's report as a
    dict (`id`, `language`, `channel`, `verdict`, `findings`), or `{"id", "error"}`
    for a malformed record, in order. Records are read as a collection's are."""
    from replylint.inputs.files import record_item

    checker = worker_checker(settings)
    reading = checker.record_defaults(STDIN)
    engine = checker.engine_for(STDIN)
    out: list[dict[str, Any]] = []
    for record in records:
        item = record_item("<records>", record, reading, None, None)
        if isinstance(item, InputError):
            out.append({"id": item.id, "error": item.message})
        else:
            out.append(engine.lint(item.reply).to_dict())
    return out


def lint_bag(bag: Any, checker: Checker | None = None) -> Any:
    """A `dask.bag.Bag` of reply records -> a bag of reports (see `lint_records`), in
    the same order and partitions. `checker` carries the configuration (default:
    built-in settings); each worker builds its engine once."""
    return bag.map_partitions(lint_records, _settings_of(checker))


def _finding_rows(frame: Any, settings: bytes) -> Any:
    import pandas as pd

    from replylint.check.findings_table import report_rows

    records = [
        {k: v for k, v in row.items() if v is not None and v == v}  # drop nulls and NaN
        for row in frame.to_dict(orient="records")
    ]
    return pd.DataFrame(report_rows(lint_records(records, settings)), columns=COLUMNS)


def lint_dataframe(frame: Any, checker: Checker | None = None) -> Any:
    """A `dask.dataframe.DataFrame` with the record columns (`text`, `id`, `channel`,
    ...) -> a DataFrame of finding rows: one per reply (`kind = "reply"`, its verdict)
    and one per finding, the columns of `check --output FILE.parquet`."""
    import pandas as pd

    meta = pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in COLUMN_TYPES.items()})
    return frame.map_partitions(_finding_rows, _settings_of(checker), meta=meta)
