"""`replylint responsiveness` on a 1-million-message export, beside plain pandas.

The twcs sample (../shared/corpus/conversations/twcs-4200.csv) is repeated with ids and
times shifted until the export holds --messages rows, written once as CSV. Then the same
definitions run twice on it: replylint's DuckDB path (read, answer, agents, every
breakdown) and a plain pandas implementation (read_csv, merge, groupby). Both name agents
with the same sign-off reader on the distinct reply texts. Figures are printed side by
side; the overall figures of both are compared so the peer is known to agree.

    .venv/bin/python benchmarks/responsiveness.py [--messages 1000000] [--sample PATH]

Needs pandas (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / "conversations" / "twcs-4200.csv"
)
TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    figures: dict[str, Any]


def scaled_export(sample: Path, messages: int, out: Path) -> int:
    """The sample repeated with ids shifted by 10^7 and times by 3 days per copy."""
    connection = duckdb.connect()
    connection.execute(
        f"""CREATE TABLE base AS SELECT * FROM read_csv('{sample}', header = true,
            all_varchar = true, ignore_errors = true)"""
    ).fetchall()
    rows = connection.execute("SELECT count(*) FROM base").fetchall()[0][0]
    copies = -(-messages // rows)
    shift = "lambda x: CAST(CAST(CAST(trim(x) AS DOUBLE) AS BIGINT) + k * 10000000 AS VARCHAR)"
    connection.execute(
        f"""COPY (
            SELECT CAST(CAST(tweet_id AS DOUBLE) AS BIGINT) + k * 10000000 AS tweet_id,
                   author_id, inbound,
                   strftime(strptime(created_at, '{TIME_FORMAT}') + k * INTERVAL 3 DAY,
                            '%a %b %d %H:%M:%S +0000 %Y') AS created_at,
                   text,
                   array_to_string(list_transform(list_filter(
                       string_split(coalesce(response_tweet_id, ''), ','),
                       lambda x: trim(x) <> ''), {shift}), ',') AS response_tweet_id,
                   CAST(CAST(in_response_to_tweet_id AS DOUBLE) AS BIGINT) + k * 10000000
                       AS in_response_to_tweet_id
            FROM base, range({copies}) AS copies(k)
            LIMIT {messages}
        ) TO '{out}' (HEADER, DELIMITER ',')"""
    ).fetchall()
    return int(messages)


def _cpu_s() -> float:
    """CPU seconds of this process, all threads: steadier than wall time on a loaded
    machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_replylint(path: Path) -> Run:
    from replylint.inputs.conversations import load_exports, new_database
    from replylint.responsiveness.metrics import Settings, analyse
    from replylint.responsiveness.policies import find_policy

    start, cpu = time.perf_counter(), _cpu_s()
    connection = new_database()
    load_exports(connection, [path])
    report = analyse(connection, Settings(find_policy("seed"), ZoneInfo("UTC")))
    run = Run(time.perf_counter() - start, _cpu_s() - cpu, report)
    # Freed after the clock stops, as the pandas side's frames are.
    connection.close()
    return run


def run_command(path: Path) -> float:
    """The command end to end in its own process (imports included), JSON to a file."""
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "replylint", "responsiveness", str(path),
             "-o", str(Path(scratch) / "report.json")],
            check=True,
        )  # fmt: skip
        return time.perf_counter() - start


def run_pandas(path: Path) -> Run:
    """The same definitions in idiomatic, vectorised pandas: the earliest direct agent
    reply per customer tweet, agents from the same sign-off reader (once per distinct
    reply), the same five breakdowns."""
    import pandas as pd

    from replylint.responsiveness.agents import agents_by_text

    start, cpu = time.perf_counter(), _cpu_s()
    frame = pd.read_csv(path, dtype={"author_id": str, "text": str}, on_bad_lines="skip")
    stamps = pd.to_datetime(frame["created_at"], format=TIME_FORMAT)
    frame["ts"] = (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    customers = frame[frame["inbound"]][["tweet_id", "ts", "text"]]
    replies = frame[~frame["inbound"] & frame["in_response_to_tweet_id"].notna()]
    replies = replies.sort_values(["ts", "tweet_id"]).drop_duplicates("in_response_to_tweet_id")
    replies = replies.rename(columns={"ts": "reply_ts", "text": "reply_text", "author_id": "brand"})
    merged = customers.merge(
        replies[["in_response_to_tweet_id", "reply_ts", "reply_text", "brand"]],
        left_on="tweet_id", right_on="in_response_to_tweet_id", how="left",
    )  # fmt: skip
    merged["response_s"] = merged["reply_ts"] - merged["ts"]
    answered = merged[merged["response_s"].notna()]
    pairs = answered[["reply_text", "brand"]].drop_duplicates()
    names = agents_by_text(pairs.itertuples(index=False, name=None))
    signed = pd.DataFrame(
        [(text, brand, agent) for (text, brand), agent in names.items()],
        columns=["reply_text", "brand", "agent"],
    )
    merged = merged.merge(signed, on=["reply_text", "brand"], how="left")
    merged.loc[merged["response_s"].notna() & merged["agent"].isna(), "agent"] = "(unsigned)"
    when = pd.to_datetime(merged["ts"], unit="s")
    merged["day"], merged["weekday"], merged["hour"] = (
        when.dt.date,
        when.dt.day_of_week,
        when.dt.hour,
    )
    merged["within"] = merged["response_s"] <= 300

    def figures(group: pd.core.groupby.DataFrameGroupBy) -> pd.DataFrame:
        table = group.agg(
            customer_messages=("tweet_id", "size"), answered=("response_s", "count"),
            median=("response_s", "median"), mean=("response_s", "mean"),
            within=("within", "sum"),
        )  # fmt: skip
        table["p90"] = group["response_s"].quantile(0.9)
        return table

    overall = figures(merged.assign(all=True).groupby("all")).iloc[0].to_dict()
    for keys in ("brand", ["brand", "agent"], ["weekday", "hour"], "day"):
        figures(merged.groupby(keys))
    return Run(time.perf_counter() - start, _cpu_s() - cpu, overall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import pandas  # noqa: F401  (imported before timing, as replylint's modules are)

    import replylint.responsiveness.metrics  # noqa: F401

    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "twcs-scaled.csv"
        made = time.perf_counter()
        scaled_export(args.sample, args.messages, export)
        print(f"export: {args.messages:,} messages, {export.stat().st_size / 1e6:.0f} MB, "
              f"written in {time.perf_counter() - made:.1f} s; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
        ours, peer, command = [], [], []
        # Interleaved, so a change in the machine's load falls on both sides.
        for _ in range(args.rounds):
            ours.append(run_replylint(export))
            peer.append(run_pandas(export))
            command.append(run_command(export))
    ours_s, peer_s = (
        statistics.median(r.wall_s for r in ours),
        statistics.median(r.wall_s for r in peer),
    )
    ours_cpu = statistics.median(r.cpu_s for r in ours)
    peer_cpu = statistics.median(r.cpu_s for r in peer)
    report, overall = ours[0].figures, peer[0].figures
    print(f"medians of {args.rounds} interleaved rounds")
    print(f"{'':24}{'replylint (DuckDB)':>20}{'pandas':>14}{'ratio':>9}")
    print(f"{'wall seconds':24}{ours_s:>20.2f}{peer_s:>14.2f}{peer_s / ours_s:>8.1f}x")
    print(f"{'CPU seconds':24}{ours_cpu:>20.2f}{peer_cpu:>14.2f}{peer_cpu / ours_cpu:>8.1f}x")
    print(f"{'command, end to end (s)':24}{statistics.median(command):>20.2f}")
    print(f"{'customer messages':24}{report['customer_messages']:>20,}{int(overall['customer_messages']):>14,}")  # fmt: skip
    print(f"{'answered':24}{report['answered']:>20,}{int(overall['answered']):>14,}")
    print(f"{'median response (s)':24}{report['response_time_s']['median']:>20.1f}{overall['median']:>14.1f}")  # fmt: skip
    print(f"{'p90 response (s)':24}{report['response_time_s']['p90']:>20.1f}{overall['p90']:>14.1f}")  # fmt: skip
    print(f"{'within 5 min':24}{report['within_target']['count']:>20,}{int(overall['within']):>14,}")  # fmt: skip
    print(f"speed-up: {peer_s / ours_s:.1f}x (target >= 3x); replylint within 10 s: {ours_s <= 10}")


if __name__ == "__main__":
    main()
