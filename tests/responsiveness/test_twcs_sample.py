"""On the real twcs sample with `seed` and no business hours, the JSON figures equal
the definitions worked out independently here with the csv module."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path
from typing import Any

import pytest

from replylint.responsiveness.command import main

TARGET_S = 300


def independent_figures(path: Path) -> dict[str, Any]:
    """The definitions in plain Python: a customer tweet is answered by the earliest
    agent tweet whose in_response_to_tweet_id is its id."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        tweets, malformed = {}, []
        start = reader.line_num + 1
        for row in reader:
            if row and len(row) != len(header):
                malformed.append(start)
            elif row:
                record = dict(zip(header, row, strict=True))
                tweets[int(float(record["tweet_id"]))] = record
            start = reader.line_num + 1

    def seconds(record: dict[str, str]) -> float:
        from datetime import datetime

        return datetime.strptime(record["created_at"], "%a %b %d %H:%M:%S %z %Y").timestamp()

    first_reply: dict[int, tuple[float, int]] = {}
    for tweet_id, record in tweets.items():
        parent = record["in_response_to_tweet_id"]
        if record["inbound"] == "False" and parent:
            parent_id = int(float(parent))
            if parent_id in tweets and tweets[parent_id]["inbound"] == "True":
                candidate = (seconds(record), tweet_id)
                first_reply[parent_id] = min(first_reply.get(parent_id, candidate), candidate)
    customers = [i for i, r in tweets.items() if r["inbound"] == "True"]
    times = [first_reply[i][0] - seconds(tweets[i]) for i in customers if i in first_reply]
    absent = 0
    for i in customers:
        named = [int(float(x)) for x in tweets[i]["response_tweet_id"].split(",") if x.strip()]
        if i not in first_reply and any(n not in tweets for n in named):
            absent += 1
    within = sum(t <= TARGET_S for t in times)
    return {
        "customer_messages": len(customers),
        "answered": len(times),
        "unanswered": len(customers) - len(times),
        "reply_not_in_export": absent,
        "median": statistics.median(times),
        "p90": statistics.quantiles(times, n=10, method="inclusive")[8],
        "mean": statistics.fmean(times),
        "within": within,
        "share_of_all": within / len(customers),
        "share_of_answered": within / len(times),
        "malformed_lines": malformed,
    }


def test_seed_figures_follow_the_definitions(
    twcs_sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = independent_figures(twcs_sample)
    out = tmp_path / "report.json"
    assert main([str(twcs_sample), "--policy", "seed", "-o", str(out)]) == 0
    report = json.loads(out.read_text("utf-8"))
    assert report["policy"]["name"] == "seed"
    assert report["policy"]["target_share"] == 0.9
    assert report["policy"]["target_time_s"] == TARGET_S
    for key in ("customer_messages", "answered", "unanswered", "reply_not_in_export"):
        assert report[key] == expected[key], key
    for key in ("median", "p90", "mean"):
        assert report["response_time_s"][key] == pytest.approx(expected[key]), key
    assert report["within_target"] == {
        "count": expected["within"],
        "share_of_all": pytest.approx(expected["share_of_all"]),
        "share_of_answered": pytest.approx(expected["share_of_answered"]),
    }
    assert report["meets_policy"] is (expected["share_of_all"] >= 0.9)
    skipped_lines = [row["line"] for row in report["skipped_rows"]]
    assert expected["malformed_lines"][0] in skipped_lines
    assert sum(b["customer_messages"] for b in report["by_brand"]) == expected["customer_messages"]
    assert len(report["by_weekday_hour"]) == 168
    assert sum(d["customer_messages"] for d in report["by_day"]) == expected["customer_messages"]
