"""Rules of the analytics domain with their Python mirror (the SQL is in measures_more.py, tests hold the two to
the same answers).

CE on track (DESIGN §1 "CE compliance"): a registered certificate is on track on day d when the CE hours
credited from the period's first day to d reach the period's required hours in proportion to the days of the
period elapsed: hours × period days ≥ required × elapsed days (both counts include the first day).
"""

from datetime import date
from decimal import Decimal


def ce_on_track(*, hours: Decimal | int, required: int, registered_on: date, expiry: date, day: date) -> bool:
    period_days = (expiry - registered_on).days + 1
    elapsed = min((day - registered_on).days + 1, period_days)
    return Decimal(hours) * period_days >= Decimal(required) * elapsed


def staffing_met(*, headcount: int, certified: int, at_level: int | None, tier) -> bool:
    """The station meets its tier (talent.staffing.selectors.station_compliance's checks): full-time workers ≥
    the minimum, certified ≥ the minimum, and, when the tier sets a minimum level, workers at that level or above
    ≥ max(minimum certified, 1)."""
    if headcount < tier.min_fulltime or certified < tier.min_certified:
        return False
    return not tier.min_level or (at_level or 0) >= max(tier.min_certified, 1)
