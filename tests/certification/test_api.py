"""GET /api/v1/workers/{worker_no}/eligibility?year=YYYY (DESIGN §3): the worker page's eligibility as JSON,
scoped like the worker page (404 outside it, with nothing of the other worker in the answer)."""

from datetime import date

import pytest

from talent.certification.models import Certificate
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login
from tests.factories import world


@pytest.fixture
async def w(db):
    w = await world()
    # W1 (county A, org A): an other-major bachelor with social work since 2022-01-01 (the world's spell).
    await Worker.filter(worker_no="W1").update(education="bachelor", social_work_major=False)
    # W3 (county B): a sentinel name that must never show to county A's viewers.
    await Worker.filter(worker_no="W3").update(name="秦淮哨兵考生", education="master", social_work_major=True)
    return w


async def test_a_bureau_gets_the_route_source_and_whats_missing_for_a_worker_in_its_county(client, w):
    await login(client, "bureau")
    response = await client.get("/api/v1/workers/W1/eligibility?year=2025")
    assert response.status_code == 200
    body = response.json()
    # 2022-01-01 … 2025-12-31 (the 2025 cut-off, 31 December): 1461 days = 4.00 years.
    assert (body["year"], body["cut_off"], body["days_of_social_work"]) == (2025, "2025-12-31", 1461)
    assert body["years_of_social_work"] == 4.0
    assistant, intermediate, senior = (body["levels"][k] for k in ("assistant", "intermediate", "senior"))
    # Other-major bachelor: assistant after 2 years (met), intermediate after 5 (1 missing).
    assert assistant["eligible"] is True and assistant["missing"] is None
    assert assistant["rule"] == "取得其他专业本科及以上学历，从事社会工作满2年"
    assert "2025年度社会工作者职业资格考试" in assistant["source"] and assistant["source_year"] == 2025
    assert intermediate["eligible"] is False and intermediate["years_missing"] == 1.0
    assert intermediate["missing"] == "years of social work missing: 1.0"
    assert senior["eligible"] is False and senior["certificate_missing"] == "intermediate"
    assert "formula" in body


async def test_the_year_moves_the_cut_off(client, w):
    await login(client, "hr")
    body = (await client.get("/api/v1/workers/W1/eligibility?year=2026")).json()
    # One more year to 2026-12-31: 1826 days = 5.00 years, and intermediate is reached.
    assert (body["cut_off"], body["days_of_social_work"]) == ("2026-12-31", 1826)
    assert body["levels"]["intermediate"]["eligible"] is True


async def test_a_worker_number_outside_the_scope_answers_404_and_shows_nothing_of_that_worker(client, w):
    for username in ("bureau", "hr", "worker"):
        await login(client, username)
        response = await client.get("/api/v1/workers/W3/eligibility")
        assert response.status_code == 404, username
        assert "秦淮哨兵考生" not in response.text and "master" not in response.text
        # The same answer as a number that does not exist at all.
        unknown = await client.get("/api/v1/workers/NOPE/eligibility")
        assert (unknown.status_code, unknown.json()) == (404, response.json())


async def test_a_worker_account_reads_its_own_answer_only(client, w):
    await login(client, "worker")
    assert (await client.get("/api/v1/workers/W1/eligibility")).status_code == 200
    assert (await client.get("/api/v1/workers/W2/eligibility")).status_code == 404


async def test_the_city_bureau_sees_both_counties(client, w):
    await Certificate.create(worker=w["workers"][2], level="intermediate", number="I-W3", obtained_on=date(2019, 6, 1))
    await EmploymentSpell.filter(worker_id=w["workers"][2].id).update(start_on=date(2015, 1, 1))
    await login(client, "citybureau")
    body = (await client.get("/api/v1/workers/W3/eligibility?year=2025")).json()
    # A social-work master with the intermediate certificate since 2019-06-01: 2019-06-01 … 2025-12-31 is
    # more than 5 years, so senior is open; the intermediate certificate is held.
    assert body["levels"]["senior"]["eligible"] is True
    assert body["levels"]["intermediate"]["held"] is True


async def test_anonymous_callers_get_401_and_a_bad_year_422(client, w):
    assert (await client.get("/api/v1/workers/W1/eligibility")).status_code == 401
    await login(client, "admin")
    assert (await client.get("/api/v1/workers/W1/eligibility?year=abc")).status_code == 422
    assert (await client.get("/api/v1/workers/W1/eligibility?year=1900")).status_code == 422
