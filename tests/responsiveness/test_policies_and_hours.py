"""Each policy counts the messages and applies the statistic it says; business hours
stop the clock outside opening times, across a weekend and a daylight-saving change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from replylint.responsiveness.command import main
from replylint.responsiveness.hours import BusinessHours, HoursError, time_zone
from replylint.responsiveness.policies import PolicyError, builtin_policies, find_policy

from .conftest import write_jsonl

DAY = "2024-05-{:02d}T{}:00+00:00"


def message(conversation: str, number: int, day: int, clock: str, role: str) -> dict:
    return {"conversation": conversation, "id": str(number), "time": DAY.format(day, clock),
            "role": role, "text": "Hello there", "brand": "Acme"}  # fmt: skip


# A: day 10 09:00 answered in 600 s; 09:30 in 60 s; day 11 09:00 (23.5 h after the last
# reply) in 1,200 s; day 13 12:00 never. B: 1 April, six weeks earlier, in 60 s.
TIMELINE = [
    message("A", 1, 10, "09:00", "customer"), message("A", 2, 10, "09:10", "agent"),
    message("A", 3, 10, "09:30", "customer"), message("A", 4, 10, "09:31", "agent"),
    message("A", 5, 11, "09:00", "customer"), message("A", 6, 11, "09:20", "agent"),
    message("A", 7, 13, "12:00", "customer"),
    {**message("B", 8, 1, "08:00", "customer"), "time": "2024-04-01T08:00:00+00:00"},
    {**message("B", 9, 1, "08:01", "agent"), "time": "2024-04-01T08:01:00+00:00"},
]  # fmt: skip


def report_for(tmp_path: Path, *args: str) -> dict:
    export = write_jsonl(tmp_path / "timeline.jsonl", TIMELINE)
    out = tmp_path / "report.json"
    assert main([str(export), *args, "-o", str(out)]) == 0
    return json.loads(out.read_text("utf-8"))


def test_seed_counts_every_message_over_the_whole_export(tmp_path: Path) -> None:
    report = report_for(tmp_path, "--policy", "seed")
    assert (report["customer_messages"], report["answered"]) == (5, 4)
    assert report["within_target"]["count"] == 2  # 60 s twice
    assert report["within_target"]["share_of_all"] == pytest.approx(0.4)
    assert report["meets_policy"] is False


def test_meta_2016_counts_the_first_message_of_each_day_over_seven_days(tmp_path: Path) -> None:
    report = report_for(tmp_path, "--policy", "meta-2016")
    # days 10, 11 and 13 of A; B is 40 days before the last message
    assert (report["customer_messages"], report["answered"]) == (3, 2)
    assert report["response_time_s"]["mean"] == pytest.approx(900)
    assert report["response_rate"] == pytest.approx(2 / 3)
    assert report["meets_policy"] is False  # mean 15 min, but a rate of 67%


def test_meta_2018_counts_messages_after_24_hours_of_silence_over_30_days(tmp_path: Path) -> None:
    report = report_for(tmp_path, "--policy", "meta-2018")
    # day 10 09:00 (nothing before) and day 13 12:00 (two days after the last message)
    assert (report["customer_messages"], report["answered"]) == (2, 1)
    assert report["policy_statistic_s"] == pytest.approx(600)
    assert report["meets_policy"] is False


def test_a_users_policy_from_a_toml_file(tmp_path: Path) -> None:
    policies = tmp_path / "ours.toml"
    policies.write_text(
        '[lenient]\ntitle = "Half within 20 minutes"\ntarget_share = 0.5\ntarget_time_s = 1200\n',
        encoding="utf-8",
    )
    report = report_for(tmp_path, "--policies", str(policies), "--policy", "lenient")
    assert report["within_target"]["count"] == 4  # 600, 60, 1200 and 60 s
    assert report["meets_policy"] is True


def test_the_shipped_policies_are_the_documented_ones() -> None:
    policies = builtin_policies()
    assert {"seed", "meta-2016", "meta-2018"} <= set(policies)
    assert (policies["seed"].target_share, policies["seed"].target_time_s) == (0.9, 300)
    for name in ("meta-2016", "meta-2018"):
        assert (policies[name].target_share, policies[name].target_time_s) == (0.9, 900)


def test_an_unknown_policy_names_the_known_ones() -> None:
    with pytest.raises(PolicyError, match="unknown policy 'fast'; known: meta-2016"):
        find_policy("fast")


PARIS = time_zone("Europe/Paris")


def utc(*parts: int) -> float:
    return dt.datetime(*parts, tzinfo=dt.timezone.utc).timestamp()


def elapsed(hours: BusinessHours, start: float, end: float) -> float:
    return float(hours.elapsed(np.array([start]), np.array([end]))[0])


def test_the_clock_stops_over_the_weekend() -> None:
    hours = BusinessHours.parse("Mon-Fri 09:00-18:00", PARIS)
    # Friday 8 March 17:50 Paris (16:50 UTC) to Monday 09:05 Paris (08:05 UTC): 10 + 5 min
    assert elapsed(hours, utc(2024, 3, 8, 16, 50), utc(2024, 3, 11, 8, 5)) == 900


def test_the_clock_follows_local_hours_across_a_dst_change() -> None:
    # Friday 29 March 17:00 CET (16:00 UTC) to Tuesday 2 April 10:00 CEST (08:00 UTC): an
    # hour on Friday, Easter Monday off, an hour on Tuesday.
    hours = BusinessHours.parse("Mon-Fri 09:00-18:00", PARIS, ["2024-04-01"])
    assert elapsed(hours, utc(2024, 3, 29, 16), utc(2024, 4, 2, 8)) == 7200
    # The night clocks go forward: 01:00-04:00 local on 31 March lasts two real hours.
    night = BusinessHours.parse("Sun 01:00-04:00", PARIS)
    assert elapsed(night, utc(2024, 3, 30, 23, 30), utc(2024, 3, 31, 3)) == 7200


def test_business_hours_in_the_report(tmp_path: Path) -> None:
    friday = [
        {"conversation": "w", "id": "1", "time": "2024-03-08T17:50:00+01:00", "role": "customer",
         "text": "Hi", "brand": "Acme"},
        {"conversation": "w", "id": "2", "time": "2024-03-11T09:05:00+01:00", "role": "agent",
         "text": "Hello", "brand": "Acme"},
    ]  # fmt: skip
    export = write_jsonl(tmp_path / "weekend.jsonl", friday)
    out = tmp_path / "report.json"
    args = ["--hours", "Mon-Fri 09:00-18:00", "--timezone", "Europe/Paris", "-o", str(out)]
    assert main([str(export), *args]) == 0
    report = json.loads(out.read_text("utf-8"))
    assert report["response_time_s"]["median"] == 900
    cell = next(c for c in report["by_weekday_hour"] if c["customer_messages"])
    assert (cell["weekday"], cell["hour"]) == ("Fri", 17)


@pytest.mark.parametrize(
    ("spec", "problem"),
    [("Mon-Fri 9-18", "expected days and times"), ("Mon-Fri 18:00-09:00", "closes before")],
)
def test_unreadable_hours_are_an_error(spec: str, problem: str) -> None:
    with pytest.raises(HoursError, match=problem):
        BusinessHours.parse(spec, PARIS)
