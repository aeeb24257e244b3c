"""Eligibility to sit each level: the pure rule (talent.certification.rules.eligibility_for) on the seeded
national rules, years of social work counted in SQL to the cut-off date (overlaps once, unfinished spells
to the cut-off, nothing after it), rules and cut-offs as catalogue data, and the two pages that show it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from talent.certification import selectors
from talent.certification.defaults import ELIGIBILITY
from talent.certification.models import Certificate, EligibilityRule, ExamYear
from talent.certification.rules import Held, Rule, eligibility_for, years_of
from talent.core.access import Role, Scope
from talent.core.clock import local_today
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login, text_of
from tests.factories import world
from tests.querycount import count_queries

ADMIN = Scope(user_id=0, role=Role.ADMIN)

# The seeded 2026 exam is on 2026-05-23 with its cut-off on 2026-12-31: on this day that is the next exam.
TODAY = date(2026, 3, 2)
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
        source_year=source_year,
    )
    for i, (lv, edu, major, years, req, note, source, source_year) in enumerate(ELIGIBILITY, 1)
]


def _by_level(results) -> dict:
    return {r.level: r for r in results}


# ── the pure rule ───────────────────────────────────────────────────────────────────────────────────────────


def test_a_social_work_bachelor_with_no_years_may_sit_assistant_but_needs_3_years_for_intermediate():
    result = _by_level(eligibility_for(education="bachelor", social_work_major=True, years=Decimal(0), rules=NATIONAL))
    # Assistant: "social-work bachelor or higher, 0 years" (本科应届毕业生, including graduates) admits at once.
    assert result["assistant"].eligible
    assert (result["assistant"].rule.min_education, result["assistant"].rule.min_years) == ("bachelor", 0)
    # Intermediate: the nearest rule is "bachelor, social-work major, 3 years" (not the 4-year associate one).
    assert not result["intermediate"].eligible
    assert result["intermediate"].years_missing == Decimal(3)
    assert (result["intermediate"].rule.min_education, result["intermediate"].rule.min_years) == ("bachelor", 3)
    # Senior needs the intermediate certificate first.
    assert not result["senior"].eligible and result["senior"].level_missing == "intermediate"


def test_an_other_major_bachelor_needs_5_years_for_intermediate():
    four = _by_level(eligibility_for(education="bachelor", social_work_major=False, years=Decimal(4), rules=NATIONAL))
    # The social-work rules do not fit another major; "bachelor, any major, 5 years" misses 5 − 4 = 1 year.
    assert not four["intermediate"].eligible
    assert four["intermediate"].years_missing == Decimal(1)
    assert four["intermediate"].rule.min_years == 5 and four["intermediate"].rule.social_work_major is None
    # Assistant: "bachelor or higher, any major, 2 years" admits with 4 years.
    assert four["assistant"].eligible and four["assistant"].rule.min_years == 2
    five = _by_level(eligibility_for(education="bachelor", social_work_major=False, years=Decimal(5), rules=NATIONAL))
    assert five["intermediate"].eligible and five["intermediate"].rule.min_years == 5


def test_a_rule_requiring_a_certificate_counts_the_years_since_it_was_obtained():
    held = [Held(level="intermediate", obtained_on=date(2022, 6, 1), years_since=Decimal("4.58"))]
    result = _by_level(
        eligibility_for(education="master", social_work_major=True, years=Decimal(12), held=held, rules=NATIONAL)
    )
    # 12 years of social work in all, but only 4.58 since the intermediate certificate: 0.42 short of 5.
    assert not result["senior"].eligible
    assert result["senior"].years_missing == Decimal("0.42") and result["senior"].years_to_show == Decimal("0.5")
    assert result["intermediate"].held and result["intermediate"].eligible
    held = [Held(level="intermediate", obtained_on=date(2020, 6, 1), years_since=Decimal("6.58"))]
    result = _by_level(
        eligibility_for(education="master", social_work_major=True, years=Decimal(12), held=held, rules=NATIONAL)
    )
    assert result["senior"].eligible


def test_without_a_fitting_rule_nothing_is_named_and_secondary_school_needs_4_years_for_assistant():
    result = _by_level(eligibility_for(education=None, social_work_major=False, years=Decimal(10), rules=NATIONAL))
    # No education recorded: every rule of the seeded catalogue asks for one.
    assert result["assistant"].no_rule_fits and result["intermediate"].no_rule_fits
    result = _by_level(eligibility_for(education="secondary", social_work_major=True, years=Decimal(3), rules=NATIONAL))
    assert not result["assistant"].eligible and result["assistant"].years_missing == Decimal(1)
    # Intermediate from 高中/中专 goes through the assistant certificate first (then 6 years after it).
    assert not result["intermediate"].eligible and result["intermediate"].level_missing == "assistant"
    # Senior asks for a bachelor's degree or higher: no senior route fits secondary school.
    assert result["senior"].no_rule_fits


def test_years_are_days_over_365_25_to_a_hundredth():
    # 2022-01-01..2026-12-31 is 1826 days (one 29 February): 1826 / 365.25 = 4.9993… → 5.00.
    assert years_of(1826) == Decimal("5.00")
    assert years_of(1461) == Decimal("4.00")
    assert years_of(0) == Decimal("0.00")


# ── years of social work in SQL, and the cut-off date ──────────────────────────────────────────────────────


@pytest.fixture
async def w(db):
    return await world()


async def _worker(w, education="bachelor", major=False) -> Worker:
    worker = w["workers"][0]
    await Worker.filter(id=worker.id).update(education=education, social_work_major=major)
    await EmploymentSpell.filter(worker_id=worker.id).delete()
    return await Worker.get(id=worker.id)


async def _spell(w, worker, start, end=None, station=0):
    await EmploymentSpell.create(worker=worker, station=w["stations"][station], start_on=start, end_on=end)


async def test_the_cut_off_is_the_next_exams_else_the_end_of_this_year(w):
    assert await selectors.eligibility_cutoff(today=TODAY) == date(2026, 12, 31)
    await ExamYear.filter(year=2026).update(cutoff_on=date(2026, 8, 31))
    assert await selectors.eligibility_cutoff(today=TODAY) == date(2026, 8, 31)
    # After the last exam year the catalogue holds (2026's exam is past): 31 December of next year, the cut-off
    # of the next sitting by the notices' rule.
    assert await selectors.eligibility_cutoff(today=date(2026, 11, 27)) == date(2027, 12, 31)
    await ExamYear.create(year=2027, exam_on=date(2027, 6, 12), cutoff_on=date(2027, 5, 31))
    assert await selectors.eligibility_cutoff(today=date(2026, 11, 27)) == date(2027, 5, 31)


async def test_an_other_major_bachelor_with_4_years_needs_1_more_and_with_5_may_sit_intermediate(w):
    worker = await _worker(w, "bachelor", major=False)
    # An unfinished spell from 2023-01-01 counts to the cut-off 2026-12-31: 1461 days = 4.00 years.
    await _spell(w, worker, date(2023, 1, 1))
    e = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    assert (e.cutoff, e.days, e.years) == (date(2026, 12, 31), 1461, Decimal("4.00"))
    intermediate = _by_level(e.levels)["intermediate"]
    assert not intermediate.eligible and intermediate.years_missing == Decimal(1)
    # An earlier finished spell 2022-01-01..2022-12-31 adds 365 days: 1826 days = 5.00 years.
    await _spell(w, worker, date(2022, 1, 1), date(2022, 12, 31), station=1)
    e = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    assert (e.days, e.years) == (1826, Decimal("5.00"))
    assert _by_level(e.levels)["intermediate"].eligible


async def test_a_social_work_bachelor_without_spells_may_sit_assistant_only(w):
    worker = await _worker(w, "bachelor", major=True)
    e = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    levels = _by_level(e.levels)
    assert e.days == 0 and levels["assistant"].eligible
    assert not levels["intermediate"].eligible and levels["intermediate"].years_missing == Decimal(3)


async def test_spells_after_the_cut_off_do_not_count_and_one_across_it_counts_up_to_it(w):
    worker = await _worker(w)
    await _spell(w, worker, date(2027, 1, 1))  # starts after the cut-off 2026-12-31
    assert (await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)).days == 0
    # 2026-12-01..2027-03-31 counts 2026-12-01..2026-12-31: 31 days.
    await _spell(w, worker, date(2026, 12, 1), date(2027, 3, 31), station=1)
    assert (await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)).days == 31


async def test_overlapping_spells_count_their_shared_days_once(w):
    worker = await _worker(w)
    # A: 2020-01-01..2021-12-31 (731 days); B: 2021-07-01..2022-06-30 overlaps A by 184 days;
    # C: 2020-03-01..2020-03-31 lies inside A. Union 2020-01-01..2022-06-30 = 366 + 365 + 181 = 912 days
    # (adding them up would give 731 + 365 + 31 = 1127).
    await _spell(w, worker, date(2020, 1, 1), date(2021, 12, 31))
    await _spell(w, worker, date(2021, 7, 1), date(2022, 6, 30), station=1)
    await _spell(w, worker, date(2020, 3, 1), date(2020, 3, 31), station=1)
    e = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    assert e.days == 912 and e.years == Decimal("2.50")  # 912 / 365.25 = 2.4969 → 2.50
    # An unfinished spell from 2022-01-01 overlaps B and runs to the cut-off: union 2020-01-01..2026-12-31
    # = 2557 days (2020 and 2024 are leap years: 7 × 365 + 2).
    await _spell(w, worker, date(2022, 1, 1))
    e = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    assert e.days == 2557 and e.years == Decimal("7.00")


async def test_years_since_a_certificate_count_only_the_social_work_after_it(w):
    worker = await _worker(w, "master", major=True)
    # Social work 2012-01-01..2018-12-31 and again from 2023-01-01; intermediate obtained 2019-06-01.
    # Since then: 2023-01-01..2026-12-31 = 1461 days = 4.00 years < 5 for senior.
    await _spell(w, worker, date(2012, 1, 1), date(2018, 12, 31))
    await _spell(w, worker, date(2023, 1, 1), station=1)
    await Certificate.create(worker=worker, level="intermediate", number="I-ELIG", obtained_on=date(2019, 6, 1))
    e = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    senior = _by_level(e.levels)["senior"]
    assert not senior.eligible and senior.years_missing == Decimal(1)
    assert _by_level(e.levels)["intermediate"].held


async def test_rules_are_catalogue_data_and_an_edited_rule_changes_the_answer(w):
    worker = await _worker(w, "bachelor", major=False)
    await _spell(w, worker, date(2023, 1, 1))  # 4.00 years
    assert not _by_level((await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)).levels)[
        "intermediate"
    ].eligible
    # A province lowers "bachelor, any major" from 5 years to 4.
    await EligibilityRule.filter(level="intermediate", min_education="bachelor", social_work_major=None).update(
        min_years=4
    )
    levels = _by_level((await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)).levels)
    assert levels["intermediate"].eligible and levels["intermediate"].rule.min_years == 4
    # Without any assistant rule nobody may sit assistant.
    await EligibilityRule.filter(level="assistant").delete()
    levels = _by_level((await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)).levels)
    assert levels["assistant"].no_rule_fits


async def test_eligibility_costs_the_same_queries_with_one_spell_or_many(w):
    worker = await _worker(w)
    await _spell(w, worker, date(2010, 1, 1), date(2010, 12, 31))
    async with count_queries() as few:
        await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    for year in range(2011, 2026):
        await _spell(w, worker, date(year, 1, 1), date(year, 6, 30), station=year % 2)
    async with count_queries() as many:
        e = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=TODAY)
    assert few.count == many.count
    # 2010: 365 days; 2011..2025 each 1 January..30 June: 181 days, or 182 in 2012, 2016, 2020, 2024.
    assert e.days == 365 + 15 * 181 + 4


# ── the pages ──────────────────────────────────────────────────────────────────────────────────────────────


async def _one_year_before_the_cut_off() -> date:
    """The first day of the one calendar year that ends on today's cut-off (whatever today is): a spell from
    it counts exactly one year."""
    cutoff = await selectors.eligibility_cutoff(today=local_today())
    return cutoff.replace(year=cutoff.year - 1) + timedelta(days=1)


async def test_the_worker_sees_what_they_may_sit_on_the_exam_prep_home(client, w):
    worker = await _worker(w, "bachelor", major=True)
    await _spell(w, worker, await _one_year_before_the_cut_off())
    await login(client, "worker")
    response = await client.get("/exam-prep")
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Eligibility for the national exam" in page
    assert 'data-level="assistant" data-eligible="yes"' in response.text
    assert 'data-level="intermediate" data-eligible="no"' in response.text
    # A spell of exactly one year to the cut-off; a social-work bachelor needs 3 for intermediate.
    assert "needs 2 more years of social work" in page


async def test_staff_see_a_workers_eligibility_on_the_worker_page(client, w):
    worker = await _worker(w, "bachelor", major=False)
    await _spell(w, worker, await _one_year_before_the_cut_off())
    await login(client, "hr")
    response = await client.get(f"/workers/{worker.id}")
    assert response.status_code == 200
    assert 'id="eligibility"' in response.text
    # One year of social work: another major needs 2 for assistant and 5 for intermediate.
    assert 'data-level="assistant" data-eligible="no"' in response.text
    page = text_of(response.text)
    assert "needs 1 more year of social work" in page and "needs 4 more years of social work" in page
