"""Edges of the certification rules that mutation testing found untested."""

from datetime import date
from decimal import Decimal

from talent.certification.rules import period_ce_hours


def test_credits_before_a_first_registration_count_for_no_period():
    credits = [(date(2025, 3, 1), Decimal(12))]
    assert period_ce_hours(credits, None, date(2027, 12, 31)) == Decimal(0)
    assert period_ce_hours(credits, date(2025, 1, 1), None) == Decimal(0)


def test_a_period_without_credits_has_zero_hours_as_a_decimal():
    hours = period_ce_hours([], date(2025, 1, 1), date(2027, 12, 31))
    assert hours == 0 and isinstance(hours, Decimal)
