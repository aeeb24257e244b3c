"""The JSON report answers give the pages' numbers, as fractions, with a formula; out of scope is 404."""

from datetime import date

from talent.cohorts.models import Cohort, CohortMember
from tests.conftest import login
from tests.factories import world


async def test_the_coverage_answer_gives_the_worked_figures(client, db):
    await world()
    await login(client, "citybureau")
    answer = await client.get("/api/v1/reports/supervision-coverage", params={"region": "320100", "on": "2026-06-01"})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["stations"], body["covered"], body["rate"]) == (4, 1, 0.25)
    assert {c["region"]: c["rate"] for c in body["children"]} == {"320102": 0.5, "320104": 0.0}
    assert "÷" in body["formula"]
    client.cookies.clear()
    await login(client, "bureau")
    assert (await client.get("/api/v1/reports/supervision-coverage", params={"region": "320104"})).status_code == 404


async def test_the_cohort_outcomes_answer(client, db):
    w = await world()
    region = w["regions"]["county_a"]
    cohort = await Cohort.create(
        name="班",
        kind="internal_incubation",
        region=region,
        region_path=region.path,
        start_on=date(2022, 1, 1),
        end_on=date(2022, 12, 31),
    )
    await CohortMember.create(cohort=cohort, worker=w["workers"][0], joined_on=date(2022, 1, 1))
    await login(client, "bureau")
    answer = await client.get("/api/v1/reports/cohort-outcomes", params={"cohort": cohort.id, "on": "2026-06-01"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["groups"]["cohort"]["hires"] == 1
    assert body["groups"]["cohort"]["retention"]["12"]["rate"] == 1.0
    assert body["groups"]["other_kind"]["kind"] == "external_introduction"
    client.cookies.clear()
    await login(client, "hr")
    assert (await client.get("/api/v1/reports/cohort-outcomes", params={"cohort": cohort.id})).status_code in (403, 404)
