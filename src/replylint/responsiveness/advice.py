"""Availability advice from the week grid: the hours where messages arrive but fewer
than the policy's share are answered in time, merged into runs ("Sun 22:00-Mon 06:00").
A run longer than a day is split at midnight ("Mon 18:00-24:00", "Tue 00:00-24:00",
...): one line per day stays readable, and each day's figures stay its own."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from replylint.responsiveness.hours import WEEKDAYS

HOURS_IN_WEEK = 168
HOURS_IN_DAY = 24


def _late(cell: dict[str, Any], target_share: float) -> bool:
    share = cell["within_target"]["share_of_all"]
    return bool(cell["customer_messages"]) and share is not None and share < target_share


def availability_advice(
    grid: Sequence[dict[str, Any]], target_share: float, limit: int = 5
) -> list[dict[str, Any]]:
    """The runs of late hours (consecutive, wrapping Sunday night into Monday), the
    busiest first. `grid` is `by_weekday_hour`: 168 cells, Monday 00:00 first."""
    late = [_late(cell, target_share) for cell in grid]
    if all(late) or not any(late):
        runs = [(0, HOURS_IN_WEEK)] if all(late) else []
    else:
        first_on_time = late.index(False)  # start scanning where a run cannot continue
        runs, start = [], None
        for step in range(1, HOURS_IN_WEEK + 1):
            index = (first_on_time + step) % HOURS_IN_WEEK
            if late[index] and start is None:
                start = first_on_time + step
            elif not late[index] and start is not None:
                runs.append((start, first_on_time + step))
                start = None
    advice = []
    for start, end in (piece for run in runs for piece in _per_day(*run)):
        cells = [grid[i % HOURS_IN_WEEK] for i in range(start, end)]
        messages = sum(c["customer_messages"] for c in cells)
        in_time = sum(c["within_target"]["count"] for c in cells)
        span = _span(start, end)
        share = in_time / messages
        advice.append(
            {
                "hours": span,
                "customer_messages": messages,
                "share_in_time": share,
                "advice": f"{span}: {messages} messages, {share:.0%} in time: "
                "staff these hours or set them as away",
            }
        )
    advice.sort(key=lambda item: -item["customer_messages"])
    return advice[:limit]


def _per_day(start: int, end: int) -> list[tuple[int, int]]:
    """A run of at most a day as it is (overnight included); a longer one cut at
    each midnight."""
    if end - start <= HOURS_IN_DAY:
        return [(start, end)]
    cuts = range((start // HOURS_IN_DAY + 1) * HOURS_IN_DAY, end, HOURS_IN_DAY)
    bounds = [start, *cuts, end]
    return list(pairwise(bounds))


def _span(start: int, end: int) -> str:
    """ "Mon 13:00-17:00", "Mon 18:00-24:00", or across midnight "Sun 22:00-Mon 06:00"."""
    if _day(start) == _day(end - 1) and end % HOURS_IN_DAY == 0:
        return f"{_at(start)}-24:00"
    if _day(start) == _day(end):
        return f"{_at(start)}-{end % HOURS_IN_DAY:02d}:00"
    return f"{_at(start)}-{_at(end)}"


def _day(hour_of_week: int) -> str:
    return WEEKDAYS[(hour_of_week // 24) % 7]


def _at(hour_of_week: int) -> str:
    return f"{_day(hour_of_week)} {hour_of_week % 24:02d}:00"
