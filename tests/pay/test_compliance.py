"""Compliance on a date, worked by hand: each status, compa-ratio, penetration, shortfall, years of service and
certificate level on their boundary days, summaries by region, station and level, and back pay."""

from datetime import date
from decimal import Decimal

import pytest

from talent.core import export as writers
from talent.core.access import Role, Scope
from talent.core.pagination import ListParams
from talent.pay import selectors
from talent.pay.rules import whole_months, years_of_service
from talent.people.models import Worker
from tests.factories import world
from tests.pay.helpers import ADMIN, band, certificate, hire, salary, standard
from tests.querycount import count_queries

ON = date(2026, 3, 1)


@pytest.fixture
async def staffed(db):
    """County A (stations S1, S2): standard floor 3600 from 2026-01-01 with bands
       none [0, 3) 3600–4400 (mid 4000), none [3, ∞) 4000–5000 (mid 4500), assistant [0, ∞) 4200–5400 (mid 4800).
    County B (S3, S4): the city's standard, floor 3200, every level 3200–4200 (+200 per level above none).
    Workers W1…W4 of the world were hired 2022-01-01 (4 years on 2026-03-01)."""
    w = await world()
    r = w["regions"]
    await standard(r["city"], date(2025, 1, 1), 3200)
    bands = [
        band("none", 0, 3, 3600, 4400),
        band("none", 3, None, 4000, 5000),
        band("assistant", 0, None, 4200, 5400),
        band("intermediate", 0, None, 4600, 5800),
        band("senior", 0, None, 5000, 6400),
    ]
    await standard(r["county_a"], date(2026, 1, 1), 3600, bands)
    w1, w2, w3, w4 = w["workers"]
    await salary(w1, date(2022, 1, 1), 3300, 200)  # 3500 < floor 3600: below_floor, shortfall 4000 − 3500 = 500
    await salary(w2, date(2022, 1, 1), 3000)
    await salary(w2, date(2026, 2, 1), 3600, 200)  # 3800: ≥ floor, < band min 4000: below_band, shortfall 200
    await certificate(w3, "assistant", date(2025, 6, 1))
    await salary(w3, date(2024, 1, 1), 5000)  # city assistant band 3400–4400: above_band
    # W4: no record. W5 at S1 from 2024-03-01 (2 years on 2026-03-01, none [0, 3)): 4000 within 3600–4400.
    w5 = await hire("W5", w["stations"][0], date(2024, 3, 1))
    await salary(w5, date(2024, 3, 1), 4000)
    # W6 at S1, part-time: not counted.
    w6 = await hire("W6", w["stations"][0], date(2024, 3, 1), full_time=False)
    await salary(w6, date(2024, 3, 1), 1000)
    return w


async def test_each_status_with_its_shortfall_compa_ratio_and_penetration(staffed):
    page = await selectors.compliance_rows(scope=ADMIN, on=ON, params=ListParams(per_page=50, sort="worker_no"))
    rows = {r["worker_no"]: r for r in page.items}
    assert set(rows) == {"W1", "W2", "W3", "W4", "W5"}
    assert [rows[n]["status"] for n in ("W1", "W2", "W3", "W4", "W5")] == [
        "below_floor",
        "below_band",
        "above_band",
        "no_record",
        "within_band",
    ]
    assert rows["W1"]["pay"] == Decimal("3500.00") and rows["W1"]["shortfall"] == Decimal("500.00")
    assert rows["W2"]["pay"] == Decimal("3800.00") and rows["W2"]["shortfall"] == Decimal("200.00")
    # W2: band none [3, ∞): compa-ratio 3800 ÷ 4500, penetration (3800 − 4000) ÷ 1000 = −0.2
    assert rows["W2"]["years"] == 4 and rows["W2"]["bmid"] == Decimal("4500.00")
    assert rows["W2"]["compa_ratio"] == Decimal("3800") / Decimal("4500")
    assert rows["W2"]["penetration"] == Decimal("-0.2")
    # W3: assistant in the city's standard (3400–4400, mid 3900): 5000 ÷ 3900; (5000 − 3400) ÷ 1000 = 1.6
    assert rows["W3"]["level"] == "assistant" and rows["W3"]["penetration"] == Decimal("1.6")
    assert rows["W3"]["shortfall"] == Decimal("0.00")
    # W5: 2 years, none [0, 3): 3600–4400, mid 4000: compa-ratio 1, penetration 0.5
    assert rows["W5"]["years"] == 2 and rows["W5"]["compa_ratio"] == 1 and rows["W5"]["penetration"] == Decimal("0.5")
    assert rows["W4"]["pay"] is None and rows["W4"]["shortfall"] == Decimal("0.00")


async def test_the_summary_counts_each_status_and_adds_the_shortfalls(staffed):
    s = await selectors.compliance_summary(scope=ADMIN, on=ON)
    assert s.headcount == 5 and s.uncovered == 0
    assert s.counts == {"below_floor": 1, "below_band": 1, "within_band": 1, "above_band": 1, "no_record": 1}
    assert s.shortfall_total == Decimal("700.00")  # 500 + 200


async def test_summaries_by_region_station_and_level(staffed):
    r = staffed["regions"]
    s = await selectors.compliance_summary(scope=ADMIN, on=ON, region=r["city"], group_by="region")
    by = {g["code"]: g["s"] for g in s.groups}
    assert by["320102"].headcount == 3 and by["320102"].shortfall_total == Decimal("700.00")
    assert by["320104"].headcount == 2 and by["320104"].counts["above_band"] == 1
    s = await selectors.compliance_summary(scope=ADMIN, on=ON, group_by="station")
    assert {g["code"]: g["s"].headcount for g in s.groups} == {"S1": 2, "S2": 1, "S3": 1, "S4": 1}
    s = await selectors.compliance_summary(scope=ADMIN, on=ON, group_by="level")
    assert {g["key"]: g["s"].headcount for g in s.groups} == {"none": 4, "assistant": 1}


async def test_a_bureau_sees_only_its_subtree_and_hr_its_stations(staffed):
    county_a = staffed["regions"]["county_a"]
    bureau = Scope(user_id=1, role=Role.BUREAU, region_path=county_a.path)
    s = await selectors.compliance_summary(scope=bureau, on=ON)
    assert s.headcount == 3
    hr = Scope(user_id=1, role=Role.HR, organisation_id=staffed["orgs"][1].id)
    page = await selectors.compliance_rows(scope=hr, on=ON, params=ListParams(per_page=50))
    assert {r["worker_no"] for r in page.items} == {"W3", "W4"}


async def test_years_of_service_and_the_certificate_level_change_on_their_boundary_days(staffed):
    # W5 hired 2024-03-01: 0 years on 2025-02-28, 1 on 2025-03-01 (both inside none [0, 3) though).
    assert years_of_service(date(2024, 3, 1), date(2025, 2, 28)) == 0
    assert years_of_service(date(2024, 3, 1), date(2025, 3, 1)) == 1
    assert years_of_service(date(2024, 2, 29), date(2025, 2, 28)) == 0
    for day, years in ((date(2025, 2, 28), 0), (date(2025, 3, 1), 1), (date(2027, 3, 1), 3)):
        page = await selectors.compliance_rows(scope=ADMIN, on=day, params=ListParams(per_page=50))
        assert {r["worker_no"]: r["years"] for r in page.items}["W5"] == years, day
    # W3's assistant certificate counts from 2025-06-01.
    for day, level in ((date(2025, 5, 31), "none"), (date(2025, 6, 1), "assistant")):
        page = await selectors.compliance_rows(scope=ADMIN, on=day, params=ListParams(per_page=50))
        assert {r["worker_no"]: r["level"] for r in page.items}["W3"] == level, day


async def test_the_below_filter_lists_below_floor_and_below_band_by_shortfall(staffed):
    page = await selectors.compliance_rows(scope=ADMIN, on=ON, params=ListParams(per_page=50), status="below")
    assert [r["worker_no"] for r in page.items] == ["W1", "W2"]  # 500, then 200
    rows = [r async for r in selectors.compliance_export(scope=ADMIN, on=ON)]
    assert [r["worker_no"] for r in rows] == ["W1", "W2"]


async def test_the_export_reads_its_rows_from_one_statement_a_batch_at_a_time(staffed, monkeypatch):
    """The same rows in the same order from one streamed statement whether they fit one batch or take one each."""
    statuses = ("below", "within_band", "")
    async with count_queries() as few:
        whole = [
            [r["worker_no"] async for r in selectors.compliance_export(scope=ADMIN, on=ON, status=s)] for s in statuses
        ]
    monkeypatch.setattr(writers, "BATCH_SIZE", 1)
    async with count_queries() as many:
        each = [
            [r["worker_no"] async for r in selectors.compliance_export(scope=ADMIN, on=ON, status=s)] for s in statuses
        ]
    assert each == whole
    assert whole[0] == ["W1", "W2"] and len(whole[2]) > 2
    assert many.count == few.count == len(many.streamed) == len(few.streamed) == len(statuses)


async def test_each_page_of_the_rows_carries_the_filtered_total_and_a_page_past_the_end_shows_the_last(staffed):
    # Below floor or band: W1 (short 500), then W2 (short 200), one to a page.
    shown = []
    for number in (1, 2, 9):
        params = ListParams(per_page=1, page=number)
        page = await selectors.compliance_rows(scope=ADMIN, on=ON, params=params, status="below")
        shown.append(([r["worker_no"] for r in page.items], page.total, params.page))
    assert shown == [(["W1"], 2, 1), (["W2"], 2, 2), (["W2"], 2, 2)]
    assert not {"n"} & set(page.items[0])  # the window's total is not a column of the row
    # A page past the end of an empty list (nobody hired yet) is the first page.
    params = ListParams(per_page=1, page=9)
    page = await selectors.compliance_rows(scope=ADMIN, on=date(2000, 1, 1), params=params)
    assert (page.items, page.total, params.page) == ([], 0, 1)


def test_whole_months_count_from_the_effective_day():
    assert whole_months(date(2026, 1, 1), date(2026, 7, 1)) == 6
    assert whole_months(date(2026, 1, 15), date(2026, 7, 14)) == 5
    assert whole_months(date(2026, 1, 15), date(2026, 7, 15)) == 6
    assert whole_months(date(2026, 7, 1), date(2026, 1, 1)) == 0


async def test_back_pay_of_a_retroactive_uplift_is_the_shortfall_times_the_months_since_it_took_effect(staffed):
    """County B's standard of 2026-01-01 (floor 4000, none 4000–5000) is published on 2026-04-10: on that day W4
    still has no record (nothing owed) and S3's W3 (assistant, 4200–5200) earns 5000: nothing owed; add W7 at S4
    earning 3700: shortfall 300 × 3 whole months (2026-01-01 → 2026-04-10) = 900."""
    w = staffed
    w7 = await hire("W7", w["stations"][3], date(2023, 1, 1))
    await salary(w7, date(2023, 1, 1), 3700)
    s = await standard(w["regions"]["county_b"], date(2026, 1, 1), 4000, published_on=date(2026, 4, 10))
    result = await selectors.back_pay(scope=ADMIN, standard=s)
    assert result.day == date(2026, 4, 10) and result.months == 3
    assert result.workers == 1 and result.monthly_total == Decimal("300.00") and result.total == Decimal("900.00")
    assert result.rows[0]["worker_no"] == "W7" and result.rows[0]["back_pay"] == Decimal("900.00")
    on_time = await standard(w["regions"]["county_b"], date(2026, 5, 1), 4000, published_on=date(2026, 5, 1))
    assert await selectors.back_pay(scope=ADMIN, standard=on_time) is None


@pytest.mark.parametrize("group_by", ["region", "station", "level"])
@pytest.mark.parametrize(
    ("status", "page", "day"),
    [("", 1, ON), ("below", 2, ON), ("below", 9, ON), ("uncovered", 1, ON), ("", 9, date(2000, 1, 1))],
)
async def test_the_overview_in_one_statement_agrees_with_the_summary_and_the_rows_apart(
    staffed, group_by, status, page, day
):
    # /pay's summary and page read in one statement (compliance_overview) against the two apart: every group, the
    # whole, the page's rows, its total and the page shown, on a filtered page, a page past the end, a filter no
    # one meets (no one is uncovered) and a day before anyone was hired.
    region = staffed["regions"]["city"] if group_by == "region" else None
    one, apart = ListParams(per_page=1, page=page), ListParams(per_page=1, page=page)
    summary, rows = await selectors.compliance_overview(
        scope=ADMIN, on=day, params=one, region=region, group_by=group_by, status=status
    )
    assert summary == await selectors.compliance_summary(scope=ADMIN, on=day, region=region, group_by=group_by)
    expected = await selectors.compliance_rows(scope=ADMIN, on=day, params=apart, region=region, status=status)
    assert (rows.items, rows.total, one.page) == (expected.items, expected.total, apart.page)
    assert summary.groups or day != ON


async def test_a_workers_own_row_is_the_row_the_list_shows_of_them_and_none_out_of_scope_or_part_time(staffed):
    # worker_pay chooses the worker in the workforce's first clause (where the country's workforce was computed
    # for one worker): each row equals the list's, W6 (part-time) has none, and county B's bureau sees none of
    # county A's workers.
    page = await selectors.compliance_rows(scope=ADMIN, on=ON, params=ListParams(per_page=50, sort="worker_no"))
    listed = {r["worker_no"]: r for r in page.items}
    county_b = Scope(user_id=1, role=Role.BUREAU, region_path=staffed["regions"]["county_b"].path)
    workers = {w.worker_no: w for w in await Worker.all()}
    for no, worker in workers.items():
        own = await selectors.worker_pay(worker_id=worker.id, on=ON, scope=ADMIN)
        assert own == listed.get(no), no
        assert own == await selectors.worker_pay(worker_id=worker.id, on=ON), no  # the worker's own page
    w1, w3 = workers["W1"], workers["W3"]  # county A, county B
    assert await selectors.worker_pay(worker_id=w1.id, on=ON, scope=county_b) is None
    assert await selectors.worker_pay(worker_id=w3.id, on=ON, scope=county_b) == listed["W3"]
