"""Business hours: the clock that response times run on when `--hours` is given.

Outside the hours (evenings, weekends, holidays) the clock stops, as helpdesks count
it: a message sent Friday 17:50 and answered Monday 09:05 with hours `Mon-Fri
09:00-18:00` took 15 minutes. Hours are read in the given time zone, so a day with a
daylight-saving change still opens and closes at its local times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SPEC = re.compile(
    r"(?P<first>[A-Za-z]{3})(?:\s*-\s*(?P<last>[A-Za-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})"
)


class HoursError(ValueError):
    """Hours, a time zone or a holiday that cannot be read."""


def time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(f"unknown time zone {name!r} (use a name like Europe/Paris)") from None


def _minutes(text: str, spec: str) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise HoursError(f"--hours {spec!r}: {text} is not a time of day")
    return hours * 60 + minutes


def _weekday(name: str, spec: str) -> int:
    for index, day in enumerate(WEEKDAYS):
        if day.lower() == name.lower():
            return index
    raise HoursError(f"--hours {spec!r}: {name!r} is not a weekday (Mon..Sun)")


@dataclass(frozen=True)
class BusinessHours:
    """Opening minutes per weekday (0 = Monday), in `zone`, minus `holidays`."""

    openings: tuple[tuple[int, int, int], ...]  # (weekday, open minute, close minute)
    zone: ZoneInfo
    holidays: frozenset[dt.date] = frozenset()

    @classmethod
    def parse(cls, spec: str, zone: ZoneInfo, holidays: Iterable[str] = ()) -> BusinessHours:
        """`Mon-Fri 09:00-18:00`, several joined with `;` or `,`: `Mon-Fri 09:00-18:00;
        Sat 10:00-13:00`."""
        openings = []
        for part in re.split(r"[;,]", spec):
            if not part.strip():
                continue
            match = _SPEC.fullmatch(part.strip())
            if not match:
                raise HoursError(
                    f"--hours {spec!r}: expected days and times like 'Mon-Fri 09:00-18:00'"
                )
            first = _weekday(match["first"], spec)
            last = _weekday(match["last"], spec) if match["last"] else first
            start, end = _minutes(match["open"], spec), _minutes(match["close"], spec)
            if end <= start:
                raise HoursError(f"--hours {spec!r}: {part.strip()} closes before it opens")
            days = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
            openings += [(day, start, end) for day in days]
        if not openings:
            raise HoursError("--hours is empty")
        parsed_holidays = set()
        for day in holidays:
            try:
                parsed_holidays.add(dt.date.fromisoformat(day.strip()))
            except ValueError:
                raise HoursError(f"holiday {day!r} is not a date (write 2024-12-25)") from None
        return cls(tuple(sorted(openings)), zone, frozenset(parsed_holidays))

    def _intervals(self, first: dt.date, last: dt.date) -> npt.NDArray[np.float64]:
        """[open, close] in epoch seconds for every open period from `first` to `last`."""
        rows = []
        day = first
        while day <= last:
            if day not in self.holidays:
                for weekday, start, end in self.openings:
                    if weekday == day.weekday():
                        rows.append((self._epoch(day, start), self._epoch(day, end)))
            day += dt.timedelta(days=1)
        return np.array(rows or [(0.0, 0.0)], dtype=np.float64).reshape(-1, 2)

    def _epoch(self, day: dt.date, minute: int) -> float:
        # Wall-clock arithmetic: 09:00 local on the day, whatever the offset that day.
        wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
        return wall.replace(tzinfo=self.zone).timestamp()

    def elapsed(
        self, start: npt.NDArray[np.float64], end: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """Business seconds between each `start` and `end` (epoch seconds, UTC)."""
        if len(start) == 0:
            return np.zeros(0)
        low, high = float(np.nanmin(start)), float(np.nanmax(end))
        high = max(high, low)
        first = dt.datetime.fromtimestamp(low, self.zone).date() - dt.timedelta(days=1)
        last = dt.datetime.fromtimestamp(high, self.zone).date() + dt.timedelta(days=1)
        periods = self._intervals(first, last)
        opens, lengths = periods[:, 0], periods[:, 1] - periods[:, 0]
        before = np.concatenate(([0.0], np.cumsum(lengths)))

        def clock(at: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            index = np.searchsorted(opens, at, side="right") - 1
            safe = np.clip(index, 0, None)
            within = np.clip(at - opens[safe], 0, lengths[safe])
            return np.where(index < 0, 0.0, before[safe] + within)

        return clock(end) - clock(start)
