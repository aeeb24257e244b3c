"""Report parameters: dates and periods as the pages and the API take them (ISO dates; a bad one is no error,
the default applies on pages, 422 in the API)."""

from dataclasses import dataclass
from datetime import date

from talent.places.rules import counted_kind

MAX_YEARS = 10
GRAINS = ("month", "quarter", "year")


def parse_day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if date(1990, 1, 1) <= day <= date(2100, 12, 31) else None


@dataclass(frozen=True)
class ReportDates:
    on: date
    start: date
    end: date
    grain: str = "month"

    @property
    def query(self) -> dict[str, str]:
        return {"on": self.on.isoformat(), "from": self.start.isoformat(), "to": self.end.isoformat()}


def report_dates(
    today: date, on: str = "", start: str = "", end: str = "", grain: str = ""
) -> tuple[ReportDates, bool]:
    """The report's day and period from the query, defaults for what is missing: the day is today (or the
    period's end), the period the twelve months ending on the day. Returns the dates and whether every given
    value was valid (the API answers 422 otherwise)."""
    valid = True
    day = parse_day(on)
    if on and day is None:
        valid = False
    last = parse_day(end)
    first = parse_day(start)
    if (end and last is None) or (start and first is None):
        valid = False
    day = day or last or today
    last = last or day
    if first is None:
        index = last.year * 12 + last.month - 1 - 11  # twelve months, the day's month the last
        first = date(index // 12, index % 12 + 1, 1)
    if first > last or (last.year - first.year) > MAX_YEARS:
        valid = False
        first, last = date(day.year, 1, 1), day
    return ReportDates(day, first, last, grain if grain in GRAINS else "month"), valid


def kind_valid(value: str | None) -> bool:
    """Does a `kind` query value name what a report can count (empty: the default, township stations)? The API
    answers 422 otherwise; a page falls back to the default."""
    return not (value or "").strip() or counted_kind(value) == value.strip()
