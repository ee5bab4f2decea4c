"""Reply records in Apache Parquet files: one record a row, columns as record fields.

Read with pyarrow, one row group at a time so memory stays flat; a record's line is
its 1-based row number, and its id defaults to that number, as for CSV rows. pyarrow
comes with the `dask` and `parquet` extras: without it a Parquet file is an input
error that says how to get it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

MISSING_PYARROW = "reading Parquet needs pyarrow: pip install 'replylint[parquet]'"


class ParquetUnavailable(ImportError):
    """pyarrow is not installed."""


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ParquetUnavailable(MISSING_PYARROW) from None
    return pq


def row_group_rows(path: str) -> list[int]:
    """How many rows each row group of `path` holds (from the file's footer only)."""
    metadata = _pyarrow_parquet().ParquetFile(path).metadata
    return [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]


def parquet_rows(
    path: str, row_groups: list[int] | None = None, first_row: int = 1
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, record) for the rows of `row_groups` (all by default); rows are
    numbered from `first_row`. Null cells are left out of the record."""
    parquet = _pyarrow_parquet().ParquetFile(path)
    groups = range(parquet.metadata.num_row_groups) if row_groups is None else row_groups
    number = first_row
    for group in groups:
        for row in parquet.read_row_group(group).to_pylist():
            yield number, {k: v for k, v in row.items() if v is not None}
            number += 1


def read_parquet(
    path: str,
    make_item: Callable[[dict[str, Any], int], Any],
    row_groups: list[int] | None = None,
    first_row: int = 1,
) -> Iterator[Any]:
    """`make_item(record, row)` for every row (the inputs layer builds items)."""
    for number, record in parquet_rows(path, row_groups, first_row):
        yield make_item(record, number)
