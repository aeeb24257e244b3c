"""The pay pages as each role sees them: content, scope (another jurisdiction's sentinel is absent), forms that
refuse bad input with 422 and write nothing, publishing after a confirmation, the JSON report with the page's
numbers, and query counts that do not grow with the rows."""

from datetime import date

import pytest
import time_machine

from talent.pay.models import SalaryRecord, SalaryStandard
from tests.conftest import login, post, rows_with, text_of
from tests.factories import world
from tests.pay.helpers import band, bands_all, certificate, salary, standard
from tests.querycount import count_queries

TODAY = date(2026, 3, 1)


@pytest.fixture
async def setup(db):
    w = await world()
    r = w["regions"]
    await standard(r["city"], date(2025, 1, 1), 3200, title="南京市社工薪酬指导标准")
    county = await standard(
        r["county_a"],
        date(2026, 1, 1),
        3600,
        [band("none", 0, 3, 3600, 4400), band("none", 3, None, 4000, 5000), band("assistant", 0, None, 4200, 5400)],
        title="玄武区社工薪酬标准",
    )
    w1, w2, w3, w4 = w["workers"]
    await salary(w1, date(2022, 1, 1), 3300, 200)
    await salary(w2, date(2022, 1, 1), 3800)
    await certificate(w3, "assistant", date(2025, 6, 1))
    await salary(w3, date(2024, 1, 1), 5000)
    w["county_standard"] = county
    return w


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


async def test_a_bureau_sees_its_county_and_not_the_other(client, setup):
    await login(client, "bureau")
    page = await client.get("/pay")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "工作者1" in text and "工作者2" in text
    assert "工作者3" not in text  # county B
    standards = await client.get("/pay/standards")
    assert "玄武区社工薪酬标准" in standards.text and "南京市社工薪酬指导标准" in standards.text  # the enclosing one
    detail = await client.get(f"/pay/standards/{setup['county_standard'].id}")
    assert detail.status_code == 200 and "4,400.00" in detail.text


async def test_the_standards_list_names_each_standards_region_and_badges_a_draft_apart_from_a_published_one(
    client, setup
):
    await standard(setup["regions"]["county_a"], date(2026, 7, 1), 3900, publish=False, title="玄武区草案")
    await login(client, "bureau")
    page = (await client.get("/pay/standards")).text
    rows = rows_with(page, "玄武区草案", "南京市社工薪酬指导标准")
    assert "<td>玄武区</td>" in rows["玄武区草案"] and "<td>南京市</td>" in rows["南京市社工薪酬指导标准"]
    assert 'class="badge text-bg-secondary">Draft<' in rows["玄武区草案"]
    assert 'class="badge text-bg-success">Published<' in rows["南京市社工薪酬指导标准"]


async def test_hr_reads_the_standards_of_its_stations_and_the_api_matches_the_page(client, setup):
    await login(client, "hr")
    standards = await client.get("/pay/standards")
    assert "玄武区社工薪酬标准" in standards.text
    api = (await client.get("/api/v1/reports/pay-compliance?on=2026-03-01")).json()
    assert api["headcount"] == 2
    assert api["counts"] == {"below_floor": 1, "below_band": 1, "within_band": 0, "above_band": 0, "no_record": 0}
    assert api["monthly_shortfall_total"] == "700.00" and api["formula"]
    page = await client.get("/pay?on=2026-03-01")
    assert '<div class="fs-4" id="pay-headcount">2</div>' in page.text and "700.00" in page.text


async def test_the_api_answers_404_for_a_region_out_of_scope_and_401_without_a_session(client, setup):
    assert (await client.get("/api/v1/reports/pay-compliance")).status_code == 401
    await login(client, "bureau")
    assert (await client.get("/api/v1/reports/pay-compliance?region=320104")).status_code == 404
    city = await client.get("/api/v1/reports/pay-compliance?region=320102&on=2026-03-01")
    assert city.json()["headcount"] == 2


async def test_a_standard_of_another_county_is_not_found(client, setup):
    other = await standard(setup["regions"]["county_b"], date(2026, 1, 1), 3300, publish=False, title="秦淮区草案")
    await login(client, "bureau")
    assert (await client.get(f"/pay/standards/{other.id}")).status_code == 404
    assert "秦淮区草案" not in (await client.get("/pay/standards")).text


async def test_a_bureau_creates_a_draft_with_bands_then_publishes_it_after_confirming(client, setup):
    await login(client, "bureau")
    form = {
        "title": "梅园新村街道标准",
        "region_code": "320102001",
        "effective_from": "2026-06-01",
        "floor": "3700",
        "band-0-level": "none",
        "band-0-years_from": "0",
        "band-0-years_to": "",
        "band-0-min_pay": "3700",
        "band-0-max_pay": "4700",
        "allowance-0-name": "",
        "allowance-0-level": "assistant",
        "allowance-0-amount": "300",
    }
    response = await post(client, "/pay/standards", form)
    assert response.status_code == 303, response.text[:2000]
    s = await SalaryStandard.get(title="梅园新村街道标准")
    assert s.status == "draft"
    confirm = await client.get(f"/pay/standards/{s.id}/publish")
    assert confirm.status_code == 200 and "no longer be changed" in confirm.text
    assert (await post(client, f"/pay/standards/{s.id}/publish")).status_code == 303
    assert (await SalaryStandard.get(id=s.id)).status == "published"
    assert (await client.get(f"/pay/standards/{s.id}/edit")).status_code == 403


async def test_bad_bands_come_back_with_422_and_nothing_is_written(client, setup):
    await login(client, "bureau")
    form = {
        "title": "坏标准",
        "region_code": "320102",
        "effective_from": "2026-06-01",
        "floor": "3700",
        "band-0-level": "none",
        "band-0-years_from": "0",
        "band-0-years_to": "5",
        "band-0-min_pay": "3700",
        "band-0-max_pay": "4700",
        "band-1-level": "none",
        "band-1-years_from": "3",
        "band-1-years_to": "",
        "band-1-min_pay": "3700",
        "band-1-max_pay": "4700",
    }
    response = await post(client, "/pay/standards", form)
    assert response.status_code == 422 and "overlap" in response.text
    form.update({"band-1-years_from": "5", "band-1-min_pay": "5000", "band-1-max_pay": "4000"})
    response = await post(client, "/pay/standards", form)
    assert response.status_code == 422 and "above the maximum" in response.text
    form.update({"band-1-min_pay": "3000", "band-1-max_pay": "4000", "region_code": "320104"})
    response = await post(client, "/pay/standards", form)
    assert response.status_code == 422
    assert not await SalaryStandard.filter(title="坏标准").exists()


async def test_publishing_below_the_city_floor_is_refused_on_the_confirmation_page(client, setup):
    low = await standard(setup["regions"]["street_a"], date(2026, 6, 1), 3400, bands_all(3400, 4400), publish=False)
    await login(client, "bureau")
    response = await post(client, f"/pay/standards/{low.id}/publish")
    assert response.status_code == 422 and "3600" in response.text
    assert (await SalaryStandard.get(id=low.id)).status == "draft"


async def test_hr_records_a_salary_and_sees_the_history(client, setup):
    await login(client, "hr")
    worker = setup["workers"][0]
    page = await client.get(f"/pay/workers/{worker.id}")
    assert page.status_code == 200 and "3,300.00" in page.text
    bad = await post(
        client, f"/pay/workers/{worker.id}/salaries", {"effective_from": "2021-06-01", "monthly_base": "4000"}
    )
    assert bad.status_code == 422 and "2022-01-01" in bad.text
    ok = await post(
        client,
        f"/pay/workers/{worker.id}/salaries",
        {"effective_from": "2026-03-01", "monthly_base": "3800", "monthly_allowances": "200"},
    )
    assert ok.status_code == 303
    assert await SalaryRecord.filter(worker_id=worker.id).count() == 2
    other = setup["workers"][2]
    assert (await client.get(f"/pay/workers/{other.id}")).status_code == 404


async def test_a_worker_sees_my_pay_and_the_next_level(client, setup):
    await login(client, "worker")
    page = await client.get("/pay/my")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "3,500.00" in text and "玄武区社工薪酬标准" in text
    assert "4,200.00" in text  # the assistant band's minimum
    assert (await client.get("/pay")).status_code == 403


async def test_the_simulator_recomputes_as_a_fragment(client, setup):
    draft = await standard(setup["regions"]["county_a"], date(2026, 7, 1), 3800, bands_all(3800, 4800), publish=False)
    await login(client, "bureau")
    page = await client.get(f"/pay/standards/{draft.id}/simulate?on=2026-03-01")
    assert page.status_code == 200 and 'id="simulation"' in page.text
    fragment = await client.get(
        f"/pay/standards/{draft.id}/simulate?on=2026-03-01&floor=4000&share=60", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="sim-lines"' in fragment.text


async def test_the_compliance_page_costs_the_same_queries_with_more_workers(client, setup):
    from tests.pay.helpers import hire

    await login(client, "admin")
    await client.get("/pay")
    # Each count is a visit after a change (the rows computed, not read back from the stored ones).
    await salary(await hire("X", setup["stations"][0], date(2023, 1, 1)), date(2023, 1, 1), 3000)
    async with count_queries() as small:
        await client.get("/pay?group=region")
    for i in range(30):
        w = await hire(f"X{i}", setup["stations"][i % 4], date(2023, 1, 1))
        await salary(w, date(2023, 1, 1), 3000 + 50 * i)
    async with count_queries() as big:
        await client.get("/pay?group=region")
    async with count_queries() as again:
        await client.get("/pay?group=region")
    assert big.count == small.count
    # Nothing changed since: the page's one statement (the groups, then the rows with their total) is one read of
    # stored rows, where computing it was a read, a claim (freshness: other processes wait for it), the statement and
    # a write.
    assert again.count == big.count - 3
