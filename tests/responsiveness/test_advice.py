"""Availability advice: late hours merged into runs, a run never longer than a day."""

from __future__ import annotations

from typing import Any

from replylint.responsiveness.advice import availability_advice


def cell(messages: int, in_time: int) -> dict[str, Any]:
    return {
        "customer_messages": messages,
        "within_target": {
            "count": in_time,
            "share_of_all": in_time / messages if messages else None,
        },
    }


def week(late_hours: dict[int, int]) -> list[dict[str, Any]]:
    """Every hour of the week on time (10 messages, all in time) except `late_hours`:
    hour of the week (Monday 00:00 = 0) -> messages, none in time."""
    return [cell(late_hours[h], 0) if h in late_hours else cell(10, 10) for h in range(168)]


def test_a_run_over_several_days_is_split_at_each_midnight() -> None:
    # Mon 18:00 (hour 18) to Thu 02:00 (hour 74), one late message an hour.
    grid = week({hour: 1 for hour in range(18, 74)})
    advice = availability_advice(grid, 0.9, limit=10)
    assert [(a["hours"], a["customer_messages"]) for a in advice] == [
        ("Tue 00:00-24:00", 24),
        ("Wed 00:00-24:00", 24),
        ("Mon 18:00-24:00", 6),
        ("Thu 00:00-02:00", 2),
    ]
    assert advice[0]["advice"] == (
        "Tue 00:00-24:00: 24 messages, 0% in time: staff these hours or set them as away"
    )


def test_a_night_shorter_than_a_day_stays_one_run() -> None:
    # Sun 22:00 (hour 166) to Mon 06:00 (hour 6), across the week's end: 8 hours.
    grid = week({166: 3, 167: 3, **{hour: 2 for hour in range(6)}})
    [advice] = availability_advice(grid, 0.9)
    assert (advice["hours"], advice["customer_messages"]) == ("Sun 22:00-Mon 06:00", 18)
