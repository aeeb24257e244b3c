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


def test_a_catalogue_row_becomes_a_rule_with_every_field_and_defaults_for_a_row_without_a_source():
    from types import SimpleNamespace

    from talent.certification.rules import Rule

    row = SimpleNamespace(
        level="intermediate",
        min_education="bachelor",
        social_work_major=True,
        min_years=Decimal("3"),
        requires_level="assistant",
        note="本科，社会工作专业，3年",
        id=7,
        source="人社部发〔2018〕1号",
        source_year=2018,
    )
    assert Rule.of(row) == Rule(
        level="intermediate",
        min_education="bachelor",
        social_work_major=True,
        min_years=3,
        requires_level="assistant",
        note="本科，社会工作专业，3年",
        id=7,
        source="人社部发〔2018〕1号",
        source_year=2018,
    )
    bare = SimpleNamespace(**{k: v for k, v in vars(row).items() if k not in ("source", "source_year")})
    assert (Rule.of(bare).source, Rule.of(bare).source_year) == ("", None)


def test_a_level_row_gives_its_own_rules_and_no_level_the_defaults():
    from types import SimpleNamespace

    from talent.certification.rules import LevelRules

    level = SimpleNamespace(
        carry_over_years=2,
        review_required=True,
        first_registration_months=6,
        registration_valid_years=5,
        renewal_window_months=4,
        ce_hours_per_period=72,
    )
    assert LevelRules.of(level) == LevelRules(2, True, 6, 5, 4, 72)
    assert LevelRules.of(None) == LevelRules(1, False, 12, 3, 3, 90)


def test_the_thresholds_of_a_day_are_months_away_from_it():
    from talent.certification.rules import LevelRules, Thresholds

    today = date(2026, 5, 31)
    t = Thresholds.of(LevelRules(first_registration_months=6, renewal_window_months=4), today)
    # 6 months back: 2025-11-30 (31 November clamps to the 30th); 4 months on: 2026-09-30; 12 months on: 2027-05-31.
    assert t == Thresholds(today, date(2025, 11, 30), date(2026, 9, 30), date(2027, 5, 31))


def test_the_rule_of_the_nearest_region_wins_then_the_latest_and_one_starting_on_the_day_counts():
    from talent.certification.rules import CapRule, ranked

    on = date(2026, 1, 1)
    national_old = CapRule("", "course", date(2020, 1, 1), Decimal(50))
    national_new = CapRule("", "course", on, Decimal(40))  # in force from the day itself
    province = CapRule("32/", "course", date(2019, 1, 1), Decimal(60))
    later = CapRule("32/", "course", date(2026, 1, 2), Decimal(70))  # not yet in force
    elsewhere = CapRule("33/", "course", date(2019, 1, 1), Decimal(80))  # another province
    rules = [national_old, later, elsewhere, national_new, province]
    assert ranked(rules, "32/3201/", on) == [province, national_new, national_old]


def test_years_to_a_cutoff_are_whole_calendar_years_plus_the_share_of_the_next():
    from talent.certification.rules import years_to_cutoff

    cutoff = date(2026, 5, 31)
    assert years_to_cutoff(0, cutoff) == 0
    # 2025-06-01 … 2026-05-31 is 365 days: exactly one year.
    assert years_to_cutoff(365, cutoff) == 1
    # 2024-06-01 … 2026-05-31 is 730 days (29 February 2025 does not exist; 2024's is before June): 2 years.
    assert years_to_cutoff(730, cutoff) == 2
    # One day short of two years: 1 + 364/365 (the second year back has 365 days).
    assert years_to_cutoff(729, cutoff) == 1 + Decimal(364) / Decimal(365)


def test_the_certificate_sql_names_only_the_certificates_own_columns_as_the_schema_spells_them():
    """PostgreSQL compares quoted names case by case (SQLite does not): the SQL must quote the columns exactly."""
    import re

    from talent.certification.expressions import CertificateSql
    from talent.certification.models import Certificate
    from talent.certification.rules import CapRule, LevelRules

    caps = [CapRule("32/", "course", date(2020, 1, 1), Decimal(60))]  # a regional rule reads the worker's region
    # A level whose rules differ from the defaults: the rules are then chosen by the row's level.
    rules = {"assistant": LevelRules(), "senior": LevelRules(registration_valid_years=5)}
    sql = CertificateSql(rules=rules, pg=False, caps=caps).status(date(2026, 12, 1))
    quoted = set(re.findall(r'c\."([^"]+)"', sql))
    assert quoted == {"level", "obtained_on", "registered_on", "registration_expires_on", "worker_id"}
    meta = Certificate._meta
    assert quoted <= set(meta.fields_db_projection.values()) | {f"{fk}_id" for fk in meta.fk_fields}


def test_part_of_the_first_year_back_is_a_share_of_its_own_length_in_a_leap_year():
    from talent.certification.rules import years_to_cutoff

    # 2023-06-01 … 2024-05-31 holds 29 February 2024: 366 days, so 183 days are exactly half a year.
    assert years_to_cutoff(183, date(2024, 5, 31)) == Decimal("0.5")


def test_years_shown_round_half_a_hundredth_up():
    from talent.certification.rules import years_of

    # 1.82625 / 365.25 = 0.005 exactly: half up gives 0.01 (half to even would give 0.00).
    assert years_of(Decimal("1.82625")) == Decimal("0.01")
    assert years_of(None) == Decimal("0.00")


def test_eligibility_names_the_first_admitting_rule_the_nearest_one_the_missing_certificate_or_nothing():
    from talent.certification.rules import Held, LevelEligibility, Rule, eligibility_for

    sw_bachelor = Rule("assistant", min_education="bachelor", social_work_major=True, min_years=0, id=1)
    associate = Rule("assistant", min_education="associate", min_years=0)  # no id yet: ordered as id 0
    any_four = Rule("assistant", min_years=4, id=3)
    after_assistant = Rule("intermediate", requires_level="assistant", min_years=2, id=4)
    sw_bachelor_three = Rule("intermediate", min_education="bachelor", social_work_major=True, min_years=3, id=5)
    after_intermediate = Rule("senior", requires_level="intermediate", min_years=5, id=6)
    masters_only = Rule("supervisor", min_education="master", min_years=0, id=7)
    rules = [sw_bachelor, associate, any_four, after_assistant, sw_bachelor_three, after_intermediate, masters_only]
    held = [Held("assistant", date(2026, 1, 1), Decimal("0.5"))]

    result = eligibility_for(education="bachelor", social_work_major=True, years=Decimal("2.5"), held=held, rules=rules)
    assert result == [
        # Two rules of 0 years admit; the one without an id (ordered as 0) comes before id 1.
        LevelEligibility("assistant", True, rule=associate, held=True),
        # 2 − 0.5 years since the assistant certificate = 1.5 missing; 3 − 2.5 = 0.5 missing: the nearest.
        LevelEligibility("intermediate", False, rule=sw_bachelor_three, years_missing=Decimal("0.5"), held=False),
        # The only senior rule needs an intermediate certificate first.
        LevelEligibility("senior", False, level_missing="intermediate", held=False),
        # A level beyond the three, whose one rule wants a master's degree: no rule fits a bachelor.
        LevelEligibility("supervisor", False, held=False),
    ]


def test_postgresql_gets_every_date_of_the_certificate_sql_as_a_typed_date_literal():
    """Inside a CASE an untyped '2026-…' makes the CASE text on PostgreSQL, and date >= text fails there."""
    import re

    from talent.certification.expressions import CertificateSql, social_work_days_sql
    from talent.certification.rules import CapRule, LevelRules

    caps = [CapRule("32/", "course", date(2020, 1, 1), Decimal(60))]
    rules = {"assistant": LevelRules(first_registration_months=6)}
    for pg in (True, False):
        status = CertificateSql(rules=rules, pg=pg, caps=caps).status(date(2026, 12, 1))
        days = social_work_days_sql(worker_id=1, cutoff=date(2026, 5, 31), since=date(2020, 1, 1), pg=pg)
        for sql in (status, days):
            dates = re.findall(r"(DATE )?'\d{4}-\d\d-\d\d'", sql)
            assert dates and all(bool(typed) is pg for typed in dates)
            assert "None" not in sql  # no missing value was formatted into the statement


def test_a_quote_in_a_cap_rules_region_path_stays_inside_its_sql_literal():
    from talent.certification.expressions import CertificateSql
    from talent.certification.rules import CapRule

    caps = [CapRule("32'/", "course", date(2020, 1, 1), Decimal(60))]
    sql = CertificateSql(rules={}, pg=False, caps=caps).ce_hours()
    assert "= '32''/'" in sql  # the quote doubled: the literal is still 32'/


def test_eligibility_says_a_level_is_held_whether_or_not_a_rule_admits_to_it():
    from talent.certification.rules import Held, LevelEligibility, Rule, eligibility_for

    any_four = Rule("assistant", min_years=4, id=1)
    after_intermediate = Rule("senior", requires_level="intermediate", min_years=5, id=2)
    masters_only = Rule("supervisor", min_education="master", min_years=0, id=3)
    held = [Held(level, date(2025, 1, 1), Decimal(0)) for level in ("assistant", "senior", "supervisor")]

    result = eligibility_for(
        education="bachelor",
        social_work_major=True,
        years=Decimal(1),
        held=held,
        rules=[any_four, after_intermediate, masters_only],
    )
    assert result == [
        LevelEligibility("assistant", False, rule=any_four, years_missing=Decimal(3), held=True),  # 4 − 1
        LevelEligibility("intermediate", False, held=False),  # no rule for it at all
        LevelEligibility("senior", False, level_missing="intermediate", held=True),
        LevelEligibility("supervisor", False, held=True),  # its one rule wants a master's degree
    ]


async def test_without_any_cap_rule_row_the_sql_counts_each_kind_at_its_national_default(db):
    from talent.certification import selectors, services
    from talent.certification.models import CeCredit, CeCreditRule, Certificate
    from talent.core.access import Role, Scope
    from tests.factories import world

    w = await world()
    await services.catalogue_seed()  # the levels
    # No CE rule rows (a migrated database has the national ones: removed), so rules.CE_CREDIT_DEFAULTS hold.
    await CeCreditRule.all().delete()
    worker, registered_on = w["workers"][0], date(2025, 6, 1)
    await Certificate.create(
        worker=worker, level="assistant", number="W1-a", obtained_on=date(2024, 6, 1), registered_on=registered_on
    )
    for kind, hours in (("course", 50), ("public", 30), ("degree", 120)):
        await CeCredit.create(worker=worker, hours=Decimal(hours), source=kind, earned_on=registered_on)
    [cert] = await selectors.worker_certificates(
        scope=Scope(user_id=0, role=Role.ADMIN), worker_id=worker.id, today=date(2026, 1, 10)
    )
    # Courses uncapped 50 + public subjects 0 (they do not count) + a degree once at 90 = 140.
    assert cert.ce_hours == Decimal(140)


def test_a_rule_every_level_shares_is_written_once_and_a_cap_no_rule_sets_is_not_tested():
    """SQLite compiles the certificate statements on every request and an expiry appears several times in a status:
    a value every level shares is the literal, not a CASE over the level, and a kind whose every rule leaves it
    uncapped counts its hours as they are. A level that differs brings the CASE back."""
    from talent.certification.expressions import CertificateSql
    from talent.certification.rules import CE_KINDS, CapRule, LevelRules

    uncapped = [CapRule("", "course", date(2009, 9, 7), None)]  # the national course rule: no cap
    same = CertificateSql(rules={level: LevelRules() for level in ("assistant", "senior")}, pg=False, caps=uncapped)
    assert "CASE" not in same.expiry() and "'+' || 3 || ' years'" in same.expiry()
    hours = same.ce_hours()
    assert "IS NULL OR t.k_course" not in hours and "t.k_course" in hours
    assert "IS NULL OR t.k_degree" in hours  # degree keeps its cap of 90 hours (CE_CREDIT_DEFAULTS)
    assert all(f"t.k_{kind}" in hours for kind in CE_KINDS)
    differs = CertificateSql(
        rules={"assistant": LevelRules(), "senior": LevelRules(registration_valid_years=5)}, pg=False
    ).expiry()
    assert "WHEN 'senior' THEN 5" in differs
