"""The standard applying on day d (rules: most specific enclosing region, published, effective on d), worked over
a province, city and county standard in time, by the one-station selector and by the SQL of compliance."""

from datetime import date

import pytest

from talent.pay import selectors
from talent.pay.models import SalaryStandard
from talent.pay.rules import PaySql
from talent.rawsql import fetch_all
from tests.factories import world
from tests.pay.helpers import standard


async def _sql_pick(path: str, on: date, pg: bool) -> int | None:
    sql = PaySql(on, pg)
    rows = await fetch_all(SalaryStandard, f"SELECT {sql.applicable(repr(path).replace(chr(34), chr(39)))} AS id")
    return rows[0]["id"]


@pytest.fixture
async def timeline(db):
    w = await world()
    r = w["regions"]
    # province 3000 from 2024; city 3200 from 2025; county A 3500 from 2025-07-01, then 3600 from 2026; a draft
    # for county B is never applied.
    p = await standard(r["province"], date(2024, 1, 1), 3000)
    c = await standard(r["city"], date(2025, 1, 1), 3200)
    k = await standard(r["county_a"], date(2025, 7, 1), 3500)
    k2 = await standard(r["county_a"], date(2026, 1, 1), 3600)
    await standard(r["county_b"], date(2025, 1, 1), 3900, publish=False)
    return w, {"P": p.id, "C": c.id, "K": k.id, "K2": k2.id, None: None}


CASES = [
    # (station, day, expected): S1 is in county A, S3 in county B
    (0, date(2023, 12, 31), None),
    (0, date(2024, 1, 1), "P"),
    (0, date(2024, 12, 31), "P"),
    (0, date(2025, 1, 1), "C"),
    (0, date(2025, 6, 30), "C"),
    (0, date(2025, 7, 1), "K"),
    (0, date(2025, 12, 31), "K"),
    (0, date(2026, 1, 1), "K2"),
    (2, date(2025, 7, 1), "C"),  # county B has only a draft: the city's applies
    (2, date(2026, 6, 1), "C"),
    (2, date(2024, 6, 1), "P"),
]


async def test_the_most_specific_published_standard_in_force_applies_on_each_boundary_day(timeline, is_postgres):
    w, ids = timeline
    for index, day, expected in CASES:
        station = w["stations"][index]
        picked = await selectors.standard_applying(region_path=station.region_path, on=day)
        assert (picked.id if picked else None) == ids[expected], (station.code, day)
        assert await _sql_pick(station.region_path, day, is_postgres) == ids[expected], (station.code, day)


async def test_the_standards_of_many_paths_and_days_at_once_are_each_ones_applying(timeline, is_postgres):
    w, ids = timeline
    # Every case above in one statement (PaySql.applicable_each, as the retention by pay status reads it): the same
    # standard for each (station path, day) as applicable's, none where none applies.
    pairs = " UNION ALL ".join(
        f"SELECT '{w['stations'][index].region_path}' AS region_path, {PaySql(day, is_postgres).d} AS day"
        for index, day, _expected in CASES
    )
    rows = await fetch_all(
        SalaryStandard,
        f"WITH pairs AS ({pairs}){PaySql.applicable_each('picked', 'pairs')} SELECT region_path, day, id FROM picked",
    )
    picked = {(r["region_path"], str(r["day"])[:10]): r["id"] for r in rows}
    for index, day, expected in CASES:
        station = w["stations"][index]
        assert picked.get((station.region_path, day.isoformat())) == ids[expected], (station.code, day)


async def test_a_worker_gets_the_standard_of_the_station_of_their_spell_that_day(timeline):
    w, ids = timeline
    found, station = await selectors.standard_for_worker(worker_id=w["workers"][0].id, on=date(2025, 8, 1))
    assert found.id == ids["K"] and station.code == "S1"
    found, station = await selectors.standard_for_worker(worker_id=w["workers"][0].id, on=date(2021, 8, 1))
    assert found is None and station is None  # hired 2022-01-01
