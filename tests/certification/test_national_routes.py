"""The national eligibility routes as the current exam notice states them (defaults.ELIGIBILITY), one worked
example per route of every level, the exam dates of the published notices, and the boundary day of a route
that counts its years from a certificate's date.

Source of the routes: the 2025 national exam notice's 报名条件 (the routes of 国人部发〔2006〕71号 and, for
senior, 人社部规〔2018〕2号); of the dates: the annual 专业技术人员职业资格考试工作计划 notices."""

from datetime import date
from decimal import Decimal

import pytest

from talent.certification import selectors
from talent.certification.defaults import ELIGIBILITY, EXAM_DATES
from talent.certification.models import Certificate, EligibilityRule, ExamYear
from talent.certification.rules import Held, Rule, eligibility_for
from talent.core.access import Role, Scope
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Station
from tests.factories import world

ADMIN = Scope(user_id=0, role=Role.ADMIN)
NATIONAL = [
    Rule(
        level=lv,
        min_education=edu,
        social_work_major=major,
        min_years=years,
        requires_level=req,
        note=note,
        id=i,
        source=source,
        source_year=year,
    )
    for i, (lv, edu, major, years, req, note, source, year) in enumerate(ELIGIBILITY, 1)
]


def _level(level, education, major, years, held=()):
    results = eligibility_for(
        education=education, social_work_major=major, years=Decimal(years), held=held, rules=NATIONAL
    )
    return next(r for r in results if r.level == level)


# ── assistant: five routes ─────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("education", "major", "years_needed"),
    [
        ("secondary", False, 4),  # 高中或者中专, 4 years
        ("associate", True, 2),  # social-work 大专, 2 years (not 0: the notice's 大专 route asks for 2)
        ("bachelor", True, 0),  # social-work 本科 or above, graduates included: no years
        ("associate", False, 4),  # other 大专: 4 years (not 2)
        ("bachelor", False, 2),  # other 本科 or above: 2 years
    ],
)
def test_each_assistant_route_admits_at_its_years_and_not_a_year_before(education, major, years_needed):
    assert _level("assistant", education, major, years_needed).eligible
    if years_needed:
        short = _level("assistant", education, major, years_needed - 1)
        assert not short.eligible and short.years_missing == Decimal(1)


def test_a_social_work_associate_with_no_years_may_not_sit_assistant_yet():
    # The defect of issue 16: she was told she may sit. The social-work 大专 route asks for 2 years.
    result = _level("assistant", "associate", True, 0)
    assert not result.eligible and result.years_missing == Decimal(2)
    assert result.rule.note.startswith("取得社会工作专业大专学历")


def test_a_social_work_master_uses_the_bachelor_route_for_assistant():
    result = _level("assistant", "master", True, 0)
    assert result.eligible and result.rule.min_education == "bachelor"


# ── intermediate: social work 4/3/1/0 years by degree, other majors 2 more, 高中/中专 through assistant ───────


@pytest.mark.parametrize(
    ("education", "major", "years_needed"),
    [
        ("associate", True, 4),
        ("bachelor", True, 3),
        ("master", True, 1),
        ("doctorate", True, 0),
        ("associate", False, 6),  # 4 + 2
        ("bachelor", False, 5),  # 3 + 2
        ("master", False, 3),  # 1 + 2
        ("doctorate", False, 2),  # 0 + 2
    ],
)
def test_each_intermediate_degree_route_admits_at_its_years(education, major, years_needed):
    assert _level("intermediate", education, major, years_needed).eligible
    if years_needed:
        assert _level("intermediate", education, major, years_needed - 1).years_missing == Decimal(1)


def test_secondary_school_reaches_intermediate_through_the_assistant_certificate_and_6_years_after_it():
    # Without the assistant certificate the route names it as what is missing, whatever the years.
    without = _level("intermediate", "secondary", False, 20)
    assert not without.eligible and without.level_missing == "assistant"
    # 9 years in all but 5.5 since the assistant certificate: 0.5 short of 6.
    held = [Held(level="assistant", obtained_on=date(2021, 6, 1), years_since=Decimal("5.5"))]
    short = _level("intermediate", "secondary", False, 9, held)
    assert not short.eligible and short.years_missing == Decimal("0.5")
    assert short.rule.requires_level == "assistant" and short.rule.min_years == 6
    held = [Held(level="assistant", obtained_on=date(2020, 6, 1), years_since=Decimal(6))]
    assert _level("intermediate", "secondary", False, 9, held).eligible


# ── senior: 本科 or above, 5 years after the intermediate certificate ──────────────────────────────────────────


def test_senior_needs_a_bachelors_degree_and_5_years_after_the_intermediate_certificate():
    held = [Held(level="intermediate", obtained_on=date(2019, 6, 1), years_since=Decimal(7))]
    assert _level("senior", "bachelor", False, 15, held).eligible
    # The same years and certificate with a 大专: no senior route fits (the education requirement).
    assert _level("senior", "associate", True, 15, held).no_rule_fits
    held = [Held(level="intermediate", obtained_on=date(2022, 6, 1), years_since=Decimal(4))]
    assert _level("senior", "master", True, 15, held).years_missing == Decimal(1)


def test_every_national_route_names_its_source_document_and_year():
    assert len(ELIGIBILITY) == 15
    for rule in NATIONAL:
        assert rule.source and rule.source_year == 2025 and rule.note
    assert "人社部规〔2018〕2号" in next(r.source for r in NATIONAL if r.level == "senior")


# ── the catalogue rows and the exam dates ───────────────────────────────────────────────────────────────────


async def test_the_seeded_rules_carry_their_source_and_the_exam_dates_are_the_published_ones(db):
    rows = await EligibilityRule.all()
    assert len(rows) == 15 and all(r.source and r.source_year == 2025 for r in rows)
    dates = {y.year: y.exam_on for y in await ExamYear.all()}
    # By the notices: 2019 6/22–23, 2020 10/31–11/1, 2021 10/16–17, 2022 6/18–19, 2023 6/10–11,
    # 2024 6/15–16, 2025 5/24–25, 2026 5/23–24.
    assert dates == EXAM_DATES
    assert dates[2019] == date(2019, 6, 22) and dates[2020] == date(2020, 10, 31)
    assert dates[2021] == date(2021, 10, 16) and dates[2025] == date(2025, 5, 24)
    assert dates[2026] == date(2026, 5, 23)
    assert all(y.cutoff_on == date(y.year, 12, 31) for y in await ExamYear.all())


# ── the boundary day: years after a certificate count from its date, to the cut-off ───────────────────────


async def _candidate(education: str, level: str, obtained_on: date, spell_from: date) -> Worker:
    await world()
    worker = await Worker.create(worker_no="R1", name="考生", education=education, social_work_major=False)
    station = await Station.all().order_by("code").first()
    await EmploymentSpell.create(worker=worker, station=station, start_on=spell_from)
    await Certificate.create(worker=worker, level=level, number=f"{level}-R1", obtained_on=obtained_on)
    return worker


@pytest.mark.parametrize(
    ("obtained_on", "eligible"),
    [
        (date(2021, 1, 1), True),  # 2021-01-01 … 2026-12-31: six full years by the 2026 cut-off
        (date(2021, 1, 2), False),  # one day later: a day short of 6
    ],
)
async def test_the_secondary_route_counts_6_years_from_the_assistant_certificates_date(db, obtained_on, eligible):
    # Social work since 2010 (16 years by the cut-off), but the route counts only the years after the
    # certificate, to the 2026 cut-off 31 December 2026.
    worker = await _candidate("secondary", "assistant", obtained_on, date(2010, 1, 1))
    result = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2026, 3, 1), year=2026)
    assert result.cutoff == date(2026, 12, 31)
    intermediate = next(r for r in result.levels if r.level == "intermediate")
    assert intermediate.eligible is eligible
    assert intermediate.rule.requires_level == "assistant"


@pytest.mark.parametrize(
    ("obtained_on", "eligible"),
    [
        (date(2021, 1, 1), True),  # 5 years to 2025-12-31 (2021-01-01 … 2025-12-31)
        (date(2021, 1, 2), False),
    ],
)
async def test_senior_counts_5_years_from_the_intermediate_certificates_date_to_the_years_cut_off(
    db, obtained_on, eligible
):
    worker = await _candidate("bachelor", "intermediate", obtained_on, date(2012, 1, 1))
    # The 2025 sitting: cut-off 31 December 2025.
    result = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2025, 2, 1), year=2025)
    assert (result.year, result.cutoff) == (2025, date(2025, 12, 31))
    assert next(r for r in result.levels if r.level == "senior").eligible is eligible


async def test_a_year_outside_the_catalogue_counts_to_its_31_december(db):
    worker = await _candidate("bachelor", "intermediate", date(2021, 1, 2), date(2012, 1, 1))
    result = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2026, 3, 1), year=2027)
    assert (result.year, result.cutoff) == (2027, date(2027, 12, 31))
    assert next(r for r in result.levels if r.level == "senior").eligible


async def test_migration_0010_replaces_the_old_unedited_defaults_and_keeps_an_edited_row(db):
    from talent.certification import models
    from talent.certification.defaults import WRONG_ELIGIBILITY, correct_catalogue

    # A database seeded before issue 16: the old rows, one of them edited by a province (5 → 4 years).
    await EligibilityRule.all().delete()
    for level, education, major, years, requires, note in WRONG_ELIGIBILITY:
        await EligibilityRule.create(
            level=level,
            min_education=education,
            social_work_major=major,
            min_years=years,
            requires_level=requires,
            note=note,
        )
    await EligibilityRule.filter(level="intermediate", min_education="bachelor", social_work_major=None).update(
        min_years=4
    )
    await ExamYear.filter(year=2026).update(exam_on=date(2026, 6, 13))
    await ExamYear.filter(year=2025).update(exam_on=date(2025, 6, 1))  # edited by hand: kept
    await correct_catalogue(lambda name: getattr(models, name))
    rows = await EligibilityRule.all()
    # 11 unedited old rows replaced by the 14 other national routes; the edited row stays as it was.
    assert len(rows) == 15
    edited = next(
        r for r in rows if r.level == "intermediate" and r.min_education == "bachelor" and r.social_work_major is None
    )
    assert edited.min_years == 4 and edited.source == ""
    assert sum(1 for r in rows if r.source) == 14
    assert (await ExamYear.get(year=2026)).exam_on == date(2026, 5, 23)
    assert (await ExamYear.get(year=2025)).exam_on == date(2025, 6, 1)
