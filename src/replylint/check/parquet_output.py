"""`check --output FILE.parquet`: lint into a partitioned Parquet dataset, here or on
a Dask cluster (see `findings_table.py` for the rows, `distributed.py` for the cluster).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from replylint.check.checker import Summary
from replylint.check.findings_table import DatasetWriter, merge_counts
from replylint.check.parallel import lint_units
from replylint.inputs.files import InputError


def lint_to_parquet(
    checker: Any,
    files: list[Any],
    stdin_text: str | None,
    jobs: int,
    target: Path,
    client: Any = None,
) -> tuple[Summary, list[Any]]:
    """Lint `files` into the dataset folder `target` (on the Dask `client`'s cluster
    when given, else here with `jobs` processes); the run's summary and input errors.
    The folder replaces `target` only once every part is written."""
    writer = DatasetWriter(target)
    summary = Summary()
    errors: list[InputError] = []
    try:
        if client is not None:
            from replylint.check.distributed import write_on_cluster

            for counts, found in write_on_cluster(client, checker, files, writer.folder):
                merge_counts(summary, counts)
                errors.extend(found)
        else:
            for batch in lint_units(checker, checker.units(files, stdin_text), jobs):
                for item in batch:
                    if isinstance(item, InputError):
                        errors.append(item)
                    else:
                        summary.add(item)
                        writer.add(item)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return summary, errors
