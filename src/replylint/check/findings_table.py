"""Findings as table rows, written to Parquet: `check --output FILE.parquet`.

One row per reply (`kind = "reply"`, with its verdict and finding count) and one per
finding (`kind = "finding"`, with its rule, check, severity, message and position).
The output is a folder of `part-NNNNN.parquet` files (a partitioned dataset that
DuckDB, pandas, Spark or Dask read as one table); a local run writes a part every
`ROWS_PER_PART` replies, a Dask run one part per partition, from the worker.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from replylint.check.checker import Linted, Summary
from replylint.inputs.parquet import MISSING_PYARROW, ParquetUnavailable

ROWS_PER_PART = 50_000
_VERDICTS = {"error": "block", "warning": "warn"}


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ParquetUnavailable(MISSING_PYARROW) from None
    return pa, pq


# The table's columns and their pandas dtypes (text, or nullable integers).
COLUMN_TYPES = {
    "kind": "object", "path": "object", "id": "object", "line": "Int64", "language": "object",
    "channel": "object", "verdict": "object", "findings": "Int64", "rule": "object",
    "check": "object", "severity": "object", "message": "object", "start_line": "Int64",
    "start_column": "Int64", "start_offset": "Int64", "end_line": "Int64",
    "end_column": "Int64", "end_offset": "Int64",
}  # fmt: skip
COLUMNS = tuple(COLUMN_TYPES)


def _schema(pa: Any) -> Any:
    return pa.schema(
        [
            (name, pa.int64() if kind == "Int64" else pa.string())
            for name, kind in COLUMN_TYPES.items()
        ]
    )


def verdict(item: Linted) -> str:
    """`block` if any finding is an error, `warn` if any is a warning, else `pass`."""
    severities = {f["severity"] for f in item.findings}
    for severity in ("error", "warning"):
        if severity in severities:
            return _VERDICTS[severity]
    return "pass"


def rows(items: Iterable[Linted]) -> list[dict[str, Any]]:
    """The table rows of `items`: each reply's row, then its findings' rows."""
    out: list[dict[str, Any]] = []
    for item in items:
        base = {
            "path": item.path,
            "id": item.id,
            "line": item.line,
            "language": item.language,
            "channel": item.channel,
        }
        out.append(
            {**base, "kind": "reply", "verdict": verdict(item), "findings": len(item.findings)}
        )
        out.extend(_finding_rows(base, item.findings))
    return out


def report_rows(reports: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table rows of reply reports (`Report.to_dict()`, or `{"id", "error"}` for a
    malformed record, which gets a reply row of kind "error")."""
    out: list[dict[str, Any]] = []
    for report in reports:
        base = {"id": report.get("id")}
        if "error" in report:
            out.append({**base, "kind": "error", "message": report["error"]})
            continue
        base |= {"language": report["language"], "channel": report["channel"]}
        findings = report["findings"]
        out.append(
            {**base, "kind": "reply", "verdict": report["verdict"], "findings": len(findings)}
        )
        out.extend(_finding_rows(base, findings))
    return out


def _finding_rows(base: dict[str, Any], findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for finding in findings:
        start, end = finding["start"], finding["end"]
        out.append(
            {
                **base,
                "kind": "finding",
                "rule": finding["rule"],
                "check": finding.get("check"),
                "severity": finding["severity"],
                "message": finding["message"],
                "start_line": start["line"],
                "start_column": start["column"],
                "start_offset": start["offset"],
                "end_line": end["line"],
                "end_column": end["column"],
                "end_offset": end["offset"],
            }
        )
    return out


def write_rows(items: Iterable[Linted], path: Path) -> None:
    """Write `items`' rows as one Parquet file (atomically: a temporary name first)."""
    pa, pq = _pyarrow()
    table = pa.Table.from_pylist(rows(items), schema=_schema(pa))
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, temporary)
    temporary.replace(path)


def summary_counts(items: Iterable[Linted]) -> dict[str, Any]:
    """What a partition adds to the run's summary (replies, findings, by rule and
    severity, the worst severity), as plain data to send back from a worker."""
    summary = Summary()
    for item in items:
        summary.add(item)
    return {
        "replies": summary.replies,
        "findings": summary.findings,
        "by_rule": dict(summary.by_rule),
        "by_severity": dict(summary.by_severity),
    }


def merge_counts(total: Summary, counts: dict[str, Any]) -> None:
    from replylint.model import Severity

    total.replies += counts["replies"]
    total.findings += counts["findings"]
    total.by_rule.update(Counter(counts["by_rule"]))
    total.by_severity.update(Counter(counts["by_severity"]))
    for name in counts["by_severity"]:
        severity = Severity.parse(name)
        if total.worst is None or severity > total.worst:
            total.worst = severity


class DatasetWriter:
    """Writes a partitioned dataset folder: parts go to a temporary folder beside
    the target, which replaces the target only when the run completes."""

    def __init__(self, target: Path) -> None:
        _pyarrow()  # say at once when pyarrow is missing
        self.target = target
        self.folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        self.parts = 0
        self._pending: list[Linted] = []

    def add(self, item: Linted) -> None:
        self._pending.append(item)
        if len(self._pending) >= ROWS_PER_PART:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            write_rows(self._pending, self.folder / f"part-{self.parts:05}.parquet")
            self.parts += 1
            self._pending = []

    def part_path(self, index: int) -> Path:
        return self.folder / f"part-{index:05}.parquet"

    def commit(self) -> None:
        self.flush()
        if not any(self.folder.glob("*.parquet")):  # an empty run: a readable, empty table
            write_rows([], self.folder / "part-00000.parquet")
        if self.target.is_dir():
            shutil.rmtree(self.target)
        elif self.target.exists():
            self.target.unlink()
        self.folder.replace(self.target)

    def abort(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
