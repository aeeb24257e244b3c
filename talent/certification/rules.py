"""The certification rules as pure functions (no database): carry-over, registration dates and status.

Every date rule is written as "a date compared with a threshold computed from today", so the list
page's SQL (selectors.status_sql) computes exactly what these functions compute.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

STATUSES = ("none", "unregistered", "registered", "renewal_open", "ce_shortfall", "lapsed")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(registered_on: date, valid_years: int) -> date:
    """The last day of a registration period: registered 2024-03-01 for 3 years → valid through 2027-02-28."""
    return add_months(registered_on, 12 * valid_years) - timedelta(days=1)


@dataclass(frozen=True)
class LevelRules:
    carry_over_years: int = 1
    review_required: bool = False
    first_registration_months: int = 12
    registration_valid_years: int = 3
    renewal_window_months: int = 3
    ce_hours_per_period: int = 90

    @classmethod
    def of(cls, level) -> "LevelRules":
        if level is None:
            return cls()
        return cls(
            carry_over_years=level.carry_over_years,
            review_required=level.review_required,
            first_registration_months=level.first_registration_months,
            registration_valid_years=level.registration_valid_years,
            renewal_window_months=level.renewal_window_months,
            ce_hours_per_period=level.ce_hours_per_period,
        )


def level_passed_in(subject_codes: Iterable[str], passes: Mapping[str, Iterable[int]], window: int) -> int | None:
    """The first exam year E such that every subject has a pass in the `window` consecutive years ending
    with E, or None. `passes` maps a subject code to the years it was passed."""
    codes = list(subject_codes)
    if not codes or window < 1:
        return None
    years = {code: set(passes.get(code, ())) for code in codes}
    candidates = sorted(set().union(*years.values()))
    for end in candidates:
        start = end - window + 1
        if all(any(start <= y <= end for y in years[code]) for code in codes):
            return end
    return None


def effective_expiry(registered_on: date | None, expires_on: date | None, rules: LevelRules) -> date | None:
    if expires_on is not None:
        return expires_on
    if registered_on is None:
        return None
    return period_end(registered_on, rules.registration_valid_years)


@dataclass(frozen=True)
class Thresholds:
    """Dates computed from today for one level; the SQL uses the very same values."""

    today: date
    first_registration_from: date  # a certificate obtained on or after this may still be registered
    renewal_from: date  # an expiry on or before this day means the renewal window is open
    last_year_from: date  # an expiry before this day means the period is in its last year

    @classmethod
    def of(cls, rules: LevelRules, today: date) -> "Thresholds":
        return cls(
            today=today,
            first_registration_from=add_months(today, -rules.first_registration_months),
            renewal_from=add_months(today, rules.renewal_window_months),
            last_year_from=add_months(today, 12),
        )


def registration_status(
    *,
    obtained_on: date | None,
    registered_on: date | None,
    expires_on: date | None,
    ce_hours: Decimal | int | float,
    rules: LevelRules,
    today: date,
) -> str:
    """none / unregistered / registered / renewal_open / ce_shortfall / lapsed for one certificate."""
    if obtained_on is None:
        return "none"
    t = Thresholds.of(rules, today)
    if registered_on is None:
        return "unregistered" if obtained_on >= t.first_registration_from else "lapsed"
    expiry = effective_expiry(registered_on, expires_on, rules)
    short = Decimal(str(ce_hours)) < rules.ce_hours_per_period
    if expiry < today:
        return "lapsed"
    if expiry <= t.renewal_from:
        return "ce_shortfall" if short else "renewal_open"
    if expiry < t.last_year_from and short:
        return "ce_shortfall"
    return "registered"


def first_registration_allowed(day: date, obtained_on: date, months: int) -> bool:
    """A first registration on `day` is within `months` of obtaining the certificate."""
    return obtained_on <= day and obtained_on >= add_months(day, -months)


def first_registration_deadline(obtained_on: date, months: int) -> date:
    """The last day a first registration is accepted."""
    day = add_months(obtained_on, months) + timedelta(days=3)
    while not first_registration_allowed(day, obtained_on, months):
        day -= timedelta(days=1)
    return day


def renewal_allowed(day: date, expiry: date, window_months: int) -> bool:
    """A renewal on `day` falls in the window: on or before the expiry, at most `window_months` before it."""
    return day <= expiry <= add_months(day, window_months)


def renewal_opens(expiry: date, window_months: int) -> date:
    """The first day a renewal is accepted."""
    day = add_months(expiry, -window_months) - timedelta(days=3)
    while not renewal_allowed(day, expiry, window_months):
        day += timedelta(days=1)
    return day
