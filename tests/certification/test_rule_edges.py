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


def test_a_years_hours_count_credits_without_a_kind_as_professional_training():
    from talent.certification.rules import YearlyRule, yearly_ce

    credits = [
        (date(2026, 3, 1), 40),  # no kind: a course, professional
        (date(2026, 7, 1), Decimal("30.5"), "course"),
        (date(2026, 9, 1), 25, "public"),  # public subjects: hours, not professional
        (date(2025, 12, 31), 50),  # the year before: not counted
    ]
    result = yearly_ce(credits, 2026, YearlyRule(applies=True))
    # Hours 40 + 30.5 + 25 = 95.5; professional 40 + 30.5 = 70.5 (both credits, not only the last one).
    assert (result.year, result.hours, result.professional) == (2026, Decimal("95.5"), Decimal("70.5"))
    assert result.rule.applies is True and result.met  # 95.5 ≥ 90 and 70.5 ≥ 60


def test_a_credit_without_a_kind_is_a_course_and_is_held_to_the_course_cap():
    from talent.certification.rules import period_ce_by_kind

    credits = [(date(2025, 3, 1), 100), (date(2025, 4, 1), 20, "supervision")]
    start, end = date(2025, 1, 1), date(2027, 12, 31)
    assert period_ce_by_kind(credits, start, end) == {"course": Decimal(100), "supervision": Decimal(20)}
    # A province capping courses at 60: min(100, 60) + 20 = 80 hours.
    assert period_ce_hours(credits, start, end, {"course": Decimal(60)}) == Decimal(80)
