"""Report periods: months, quarters and years, and the months a period touches (the turnover denominator)."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def months_touched(start: date, end: date) -> list[Period]:
    """Every whole calendar month sharing a day with [start, end]: 2024-01-15 … 2024-02-10 touches January
    and February."""
    return list(_months_touched(start, end))


@lru_cache(maxsize=256)
def _months_touched(start: date, end: date) -> tuple[Period, ...]:
    # Kept: the turnover measures ask for the same period's months on every call, and the calendar arithmetic
    # cost a township's whole statement.
    out = []
    first = date(start.year, start.month, 1)
    while first <= end:
        out.append(Period(first, month_end(first)))
        first = month_end(first) + timedelta(days=1)
    return tuple(out)


def split(start: date, end: date, by: str) -> list[Period]:
    """[start, end] cut at month, quarter or year boundaries ('month', 'quarter', 'year'); the first and last
    pieces may be partial."""
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    out = []
    cursor = start
    while cursor <= end:
        index = (cursor.month - 1) // months * months  # the piece's first month, 0-based
        piece_start = date(cursor.year, index + 1, 1)
        last_month = piece_start.month + months - 1
        piece_end = month_end(date(piece_start.year, last_month, 1))
        out.append(Period(cursor, min(piece_end, end)))
        cursor = piece_end + timedelta(days=1)
    return out


def months_back(on: date, count: int) -> list[date]:
    """The last day of each of the `count` months ending with `on`'s month, oldest first; the last one is `on`
    itself (a series ending today ends today, not at the month's end)."""
    days = []
    first = date(on.year, on.month, 1)
    for _ in range(count - 1):
        first = date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)
        days.append(month_end(first))
    return sorted(days) + [on]


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))
