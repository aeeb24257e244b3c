"""Cohort outcomes beside the other kind and workers outside cohorts: a worked example of retention, first-year
attrition, certification rate and mean CE hours, and the retention rule's boundary day."""

from datetime import date
from decimal import Decimal

from talent.certification.models import CeCredit, Certificate
from talent.cohorts.models import Cohort, CohortMember
from talent.cohorts.outcomes import compare
from talent.cohorts.rules import left_in_first_year, retained
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login
from tests.factories import cohort, world

ON = date(2026, 6, 1)


def test_retention_at_12_months_counts_365_days_of_the_first_spell_on_the_boundary_day():
    start = date(2022, 1, 1)
    assert retained(start, date(2023, 1, 1), 12, ON) is True  # 365 days
    assert retained(start, date(2022, 12, 31), 12, ON) is False  # 364 days
    assert left_in_first_year(start, date(2022, 12, 31), ON) is True
    assert retained(start, None, 24, ON) is True
    # Hired 364 days before the day: too recent to tell at 12 months.
    assert retained(date(2025, 6, 2), None, 12, ON) is None
    assert retained(date(2025, 6, 1), None, 12, ON) is True


async def _cohort(w, name, kind):
    return await cohort(w["regions"]["county_a"], name, kind, date(2022, 1, 1), date(2022, 12, 31))


async def test_outcomes_worked_example_against_the_other_kind_and_workers_outside_cohorts(db, client):
    """County A on 2026-06-01 (full-time first spells in the county):
    internal cohort: W1 (S1 from 2022-01-01, open; certified 2023; 10 CE h) and W2 (S2 2022-01-01 → 2022-06-30,
    180 days; 5 CE h): hires 2, certified 1 → 0.5; mean CE (10 + 5) ÷ 2 = 7.5; retained at 6/12/24 months 1 of 2 →
    0.5 each; first-year attrition 1 ÷ 2 = 0.5.
    external cohort: W5 (S2 2023-03-01 → 2024-03-10, 375 days): retained at 6 and 12 months, not 24 → 1, 1, 0;
    attrition 0.
    outside cohorts, hired in 2022 (the cohort's hire years), in county A: W6 (S1 from 2022-05-01, open) → 1 hire,
    retention 1; W3 and W4 work in county B and W7 was hired in 2023, so they do not count."""
    w = await world()
    w1, w2 = w["workers"][0], w["workers"][1]
    await EmploymentSpell.filter(worker_id=w2.id).update(end_on=date(2022, 6, 30))
    w5 = await Worker.create(worker_no="W5", name="工作者5")
    await EmploymentSpell.create(
        worker=w5, station=w["stations"][1], start_on=date(2023, 3, 1), end_on=date(2024, 3, 10)
    )
    w6 = await Worker.create(worker_no="W6", name="工作者6")
    await EmploymentSpell.create(worker=w6, station=w["stations"][0], start_on=date(2022, 5, 1))
    w7 = await Worker.create(worker_no="W7", name="工作者7")
    await EmploymentSpell.create(worker=w7, station=w["stations"][0], start_on=date(2023, 5, 1))
    await Certificate.create(worker=w1, level="assistant", number="C-1", obtained_on=date(2023, 1, 1))
    await CeCredit.create(worker=w1, hours=Decimal(10), source="external", earned_on=date(2024, 1, 1), note="x")
    await CeCredit.create(worker=w2, hours=Decimal(5), source="external", earned_on=date(2022, 3, 1), note="x")
    internal = await _cohort(w, "内部孵化", "internal_incubation")
    external = await _cohort(w, "外部引进", "external_introduction")
    for worker in (w1, w2):
        await CohortMember.create(cohort=internal, worker=worker, joined_on=date(2022, 1, 1))
    await CohortMember.create(cohort=external, worker=w5, joined_on=date(2022, 1, 1))

    figures = await compare(cohort=internal, on=ON)
    mine, other, outside = figures["cohort"], figures["other"], figures["outside"]
    assert (mine.hires, mine.certified, mine.certification_rate, mine.mean_ce_hours) == (
        2,
        1,
        Decimal("0.5"),
        Decimal("7.5"),
    )
    assert [mine.retention(m) for m in (6, 12, 24)] == [Decimal("0.5")] * 3
    assert mine.attrition == Decimal("0.5")
    assert (other.hires, [other.retention(m) for m in (6, 12, 24)]) == (1, [Decimal(1), Decimal(1), Decimal(0)])
    assert other.attrition == Decimal(0)
    assert figures["years"] == (2022, 2022)
    assert (outside.hires, outside.retention(12), outside.certification_rate) == (1, Decimal(1), Decimal(0))

    await login(client, "bureau")
    page = await client.get(f"/cohorts/{internal.id}/outcomes")
    assert page.status_code == 200 and "50.0%" in page.text and "÷" in page.text
    client.cookies.clear()
    await login(client, "worker")
    assert (await client.get(f"/cohorts/{internal.id}/outcomes")).status_code == 403


async def test_the_other_kind_counts_the_members_of_its_cohorts_in_the_region_only(db):
    """County A's internal cohort with W1. W2 (S2, county A, hired 2022-01-01) is a member of county B's external
    cohort and W6 (S1, county A) of county A's: the other kind is W6 alone (1 hire); W3 (county B) is no hire of
    county A whatever cohort it is in."""
    w = await world()
    w1, w2, w3 = w["workers"][:3]
    w6 = await Worker.create(worker_no="W6", name="工作者6")
    await EmploymentSpell.create(worker=w6, station=w["stations"][0], start_on=date(2022, 5, 1))
    internal = await _cohort(w, "内部孵化", "internal_incubation")
    external_a = await _cohort(w, "外部引进", "external_introduction")
    external_b = await cohort(w["regions"]["county_b"], "秦淮引进", "external_introduction", ON, ON)
    await CohortMember.create(cohort=internal, worker=w1, joined_on=date(2022, 1, 1))
    await CohortMember.create(cohort=external_a, worker=w6, joined_on=date(2022, 5, 1))
    for worker in (w2, w3):
        await CohortMember.create(cohort=external_b, worker=worker, joined_on=date(2022, 1, 1))
    figures = await compare(cohort=internal, on=ON)
    assert (figures["cohort"].hires, figures["other"].hires) == (1, 1)


async def test_the_sql_retention_counts_agree_with_the_python_rule_on_the_boundary_days(db):
    """First spells ending exactly 182/183, 364/365 and 729/730 days after their start: the SQL aggregate and
    talent.cohorts.rules.retained count the same members retained at 6, 12 and 24 months."""
    w = await world()
    region = w["regions"]["county_a"]
    cohort = await Cohort.create(
        name="边界",
        kind="internal_incubation",
        region=region,
        region_path=region.path,
        start_on=date(2020, 1, 1),
        end_on=date(2026, 12, 31),
    )
    start = date(2020, 1, 1)
    spans = [182, 183, 364, 365, 729, 730, None]
    firsts = []
    for i, days in enumerate(spans):
        worker = await Worker.create(worker_no=f"B{i}", name=f"边界{i}")
        end = None if days is None else date.fromordinal(start.toordinal() + days)
        await EmploymentSpell.create(worker=worker, station=w["stations"][0], start_on=start, end_on=end)
        await CohortMember.create(cohort=cohort, worker=worker, joined_on=start)
        firsts.append((start, end))
    figures = await compare(cohort=cohort, on=ON)
    for months in (6, 12, 24):
        expected = sum(1 for s, e in firsts if retained(s, e, months, ON))
        assert figures["cohort"].retained[months] == expected
        assert figures["cohort"].eligible[months] == len(spans)
    assert [figures["cohort"].retained[m] for m in (6, 12, 24)] == [6, 4, 2]
