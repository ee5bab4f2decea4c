"""`check --dask`: the same findings as a local run, on a real two-process LocalCluster,
for JSONL and Parquet input; a worker killed mid-run loses and repeats nothing;
`--output FILE.parquet` writes findings as rows."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from replylint.check.checker import Checker, Linted
from replylint.check.distributed import (
    DaskUnavailable,
    Partition,
    connect,
    count_lines,
    lint_bag,
    lint_dataframe,
    lint_on_cluster,
    number_lines,
    partitions,
)
from replylint.check.parallel import lint_units
from replylint.check.parquet_output import lint_to_parquet
from replylint.cli import main
from replylint.inputs.files import InputError

RECORD_FIELDS = ("text", "id", "channel", "incoming", "language", "agent", "brand")


@pytest.fixture(autouse=True, scope="module")
def main_thread_event_loop() -> Iterator[None]:
    """Dask's synchronous Client and LocalCluster look up the main thread's event
    loop; an async test run earlier (pytest-asyncio) leaves none set."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture(scope="module")
def cluster_client(main_thread_event_loop: None) -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture
def labeled_jsonl(tmp_path: Path, corpus: list[dict], corpus2: list[dict]) -> Path:
    path = tmp_path / "archive.jsonl"
    lines = [
        json.dumps({k: r[k] for k in RECORD_FIELDS if k in r}, ensure_ascii=False)
        for r in corpus + corpus2
    ]
    # A malformed line in the middle: reported for that line, the rest still linted.
    lines.insert(100, '{"text": "broken')
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def findings_by_id(batches: Iterator[list[Linted | InputError]]) -> list[tuple[Any, ...]]:
    out = []
    for batch in batches:
        for item in batch:
            if isinstance(item, InputError):
                out.append(("error", item.id, item.line, item.message))
            else:
                out.append(("reply", item.id, item.line, json.dumps(item.to_dict())))
    return sorted(out, key=lambda row: (str(row[1]), row[0]))


def local_run(path: Path) -> list[tuple[Any, ...]]:
    checker = Checker()
    files = checker.prepare([str(path)])
    return findings_by_id(lint_units(checker, checker.units(files), 1))


def test_byte_ranges_end_on_line_breaks_and_lines_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"aaaa\nbb\ncccccc\nd")  # 4 lines, the last without a line break
    parts = partitions([str(path)], partition_bytes=6)
    spans = [(p.start, p.end) for p in parts if isinstance(p, Partition)]
    # 6 bytes run on to the break after "bb" (byte 8); the next range to byte 15; then "d".
    assert spans == [(0, 8), (8, 15), (15, 16)]
    counts = {i: count_lines(p) for i, p in enumerate(parts) if isinstance(p, Partition)}
    assert counts == {0: 2, 1: 1, 2: 1}
    numbered = number_lines(parts, counts)
    assert [p.first_line for p in numbered if isinstance(p, Partition)] == [1, 3, 4]


def test_stdin_is_an_input_error_for_dask() -> None:
    [part] = partitions(["-"])
    assert isinstance(part, InputError) and "stdin" in part.message


def test_jsonl_on_the_cluster_equals_a_local_run(cluster_client: Any, labeled_jsonl: Path) -> None:
    checker = Checker()
    files = checker.prepare([str(labeled_jsonl)])
    remote = findings_by_id(lint_on_cluster(cluster_client, checker, files, partition_bytes=20_000))
    local = local_run(labeled_jsonl)
    assert remote == local
    assert sum(1 for row in local if row[0] == "error") == 1
    assert sum(1 for row in local if row[0] == "reply") == 505


def test_parquet_on_the_cluster_equals_a_local_run(
    cluster_client: Any, tmp_path: Path, corpus: list[dict], corpus2: list[dict]
) -> None:
    path = tmp_path / "archive.parquet"
    rows = [{k: r.get(k) for k in RECORD_FIELDS} for r in corpus + corpus2]
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=40)
    checker = Checker()
    files = checker.prepare([str(path)])
    remote = findings_by_id(lint_on_cluster(cluster_client, checker, files, partition_bytes=20_000))
    assert remote == local_run(path)
    assert len(remote) == 505


def test_a_worker_killed_mid_run_loses_and_repeats_nothing(labeled_jsonl: Path) -> None:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    try:
        checker = Checker()
        files = checker.prepare([str(labeled_jsonl)])
        batches = lint_on_cluster(client, checker, files, partition_bytes=4_000)
        seen = list(next(batches))
        # Kill one worker's process while most partitions are still to run.
        victim = next(iter(cluster.workers.values()))
        victim.process.process.kill()
        for batch in batches:
            seen.extend(batch)
        ids = [item.id for item in seen if isinstance(item, Linted)]
        assert len(ids) == len(set(ids)) == 505
    finally:
        client.close()
        cluster.close()


def test_parquet_output_has_a_row_per_reply_and_per_finding(tmp_path: Path) -> None:
    source = tmp_path / "replies.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "Dear valued customer, it shipped.", "channel": "chat"})
        + "\n"
        + json.dumps({"id": "b", "text": "Hi Sam, it shipped today.", "channel": "chat"})
        + "\n",
        "utf-8",
    )
    checker = Checker()
    files = checker.prepare([str(source)])
    target = tmp_path / "findings.parquet"
    summary, errors = lint_to_parquet(checker, files, None, 1, target)
    table = pq.read_table(target).to_pylist()
    replies = {r["id"]: r for r in table if r["kind"] == "reply"}
    findings = [r for r in table if r["kind"] == "finding"]
    assert errors == [] and summary.replies == 2
    assert len(findings) == summary.findings == replies["a"]["findings"] + replies["b"]["findings"]
    # "Dear valued customer" is form-letter boilerplate: a personal-tone warning.
    assert ("a", "personal-tone", "warning") in {
        (f["id"], f["rule"], f["severity"]) for f in findings
    }
    assert replies["a"]["verdict"] == "warn"


def test_dask_without_the_extra_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if absent
    with pytest.raises(DaskUnavailable, match=r"pip install 'replylint\[dask\]'"):
        connect("local")
    reply = tmp_path / "r.jsonl"
    reply.write_text('{"text": "Hi Sam, done."}\n', "utf-8")
    assert main(["check", "--dask", "local", str(reply)]) == 2
    assert "replylint[dask]" in capsys.readouterr().err


def test_cli_dask_prints_the_same_report_as_a_local_run(labeled_jsonl: Path) -> None:
    command = [sys.executable, "-m", "replylint", "check", str(labeled_jsonl), "--format", "json"]
    local = subprocess.run([*command, "--jobs", "1"], capture_output=True, text=True, timeout=300)
    remote = subprocess.run(
        [*command, "--dask", "local"], capture_output=True, text=True, timeout=300
    )
    assert remote.returncode == local.returncode == 2  # the malformed line is an input error
    assert remote.stdout == local.stdout
    assert "Dask dashboard at http" in remote.stderr


def test_lint_bag_returns_reports_in_order(cluster_client: Any) -> None:
    import dask.bag as db

    records = [
        {"id": "1", "text": "Dear valued customer, it shipped.", "channel": "chat"},
        {"id": "2", "text": "Hi Sam, it ships today.", "channel": "chat"},
        {"id": "3", "text": "Hi", "channel": "fax"},  # an unknown channel: an error entry
    ]
    reports = lint_bag(db.from_sequence(records, npartitions=2)).compute()
    assert [r["id"] for r in reports] == ["1", "2", "3"]
    assert reports[0]["verdict"] == "warn"
    assert [f["rule"] for f in reports[0]["findings"]] == ["personal-tone"]
    assert reports[1]["verdict"] == "pass" and reports[1]["findings"] == []
    assert "channel" in reports[2]["error"]


def test_lint_dataframe_returns_finding_rows(cluster_client: Any) -> None:
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame(
        {
            "id": ["1", "2"],
            "text": ["Dear valued customer, it shipped.", "Hi Sam, it ships today."],
            "channel": ["chat", "chat"],
        }
    )
    rows = lint_dataframe(dd.from_pandas(frame, npartitions=2)).compute()
    replies = rows[rows["kind"] == "reply"].set_index("id")
    assert replies.loc["1", "verdict"] == "warn" and replies.loc["2", "verdict"] == "pass"
    findings = rows[rows["kind"] == "finding"]
    assert list(findings["rule"]) == ["personal-tone"] and list(findings["id"]) == ["1"]


def test_partition_size_keeps_every_worker_busy(tmp_path: Path) -> None:
    from replylint.check.distributed import MIN_PARTITION_BYTES, PARTITION_BYTES, partition_size

    path = tmp_path / "a.jsonl"
    path.write_bytes(b"x" * 8_000_000)
    # 8 MB on 2 workers, 4 partitions each: 1 MB per partition.
    assert partition_size([str(path)], 2) == 1_000_000
    assert partition_size([str(path)], 1000) == MIN_PARTITION_BYTES
    # No worker count known: one partition for the whole (under the 32 MiB cap).
    assert partition_size([str(path)], 0) == 8_000_000 < PARTITION_BYTES


def test_cli_output_parquet_prints_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "replies.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "Dear valued customer, it shipped.", "channel": "chat"})
        + "\n",
        "utf-8",
    )
    target = tmp_path / "out.parquet"
    # personal-tone is a warning: below the default --fail-on error, so exit 0.
    assert main(["check", str(source), "--output", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"1 reply, 1 finding -> {target}\n")
    assert "personal-tone: 1" in out
    assert [r["kind"] for r in pq.read_table(target).to_pylist()] == ["reply", "finding"]
