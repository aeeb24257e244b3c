from datetime import date

import pytest
from tortoise.exceptions import DoesNotExist

from talent.accounts.selectors import scope_for
from talent.core.clock import local_today
from talent.core.pagination import ListParams
from talent.people import selectors
from talent.people.models import EmploymentSpell, ExitReason, ExitType, Worker
from tests.factories import world

pytestmark = pytest.mark.usefixtures("db")

TODAY = date(2025, 6, 15)


async def _scope(user):
    await user.fetch_related("region")
    return await scope_for(user, today=local_today())


async def _nos(scope, **kwargs) -> list[str]:
    page = await selectors.worker_list(scope=scope, params=ListParams(per_page=100), today=TODAY, **kwargs)
    return [w.worker_no for w in page.items]


async def test_hr_of_organisation_a_never_sees_organisation_b_workers():
    w = await world()
    scope = await _scope(w["users"]["hr"])
    # W1 at S1 and W2 at S2 (org A); W3, W4 at S3, S4 (org B).
    assert await _nos(scope, status="all") == ["W1", "W2"]
    with pytest.raises(DoesNotExist):
        await selectors.worker_get(scope=scope, worker_id=w["workers"][2].id)
    assert [r["worker_no"] for r in await selectors.worker_suggest(scope=scope, q="W")] == ["W1", "W2"]


async def test_a_supervisor_sees_only_workers_at_assigned_stations():
    w = await world()
    scope = await _scope(w["users"]["supervisor"])  # assigned to S1 only
    assert await _nos(scope, status="all") == ["W1"]
    with pytest.raises(DoesNotExist):
        await selectors.worker_get(scope=scope, worker_id=w["workers"][1].id)


async def test_a_city_bureau_sees_both_counties_and_a_county_bureau_one():
    w = await world()
    assert await _nos(await _scope(w["users"]["citybureau"]), status="all") == ["W1", "W2", "W3", "W4"]
    assert await _nos(await _scope(w["users"]["bureau"]), status="all") == ["W1", "W2"]


async def test_status_filter_worked_example():
    """Today = 2025-06-15, viewer = admin.

    W1: S1 since 2022-01-01, open                      → active
    W2: S2 2022-01-01 .. 2025-06-14 (left yesterday)  → left
    W3: S3 2022-01-01 .. 2025-06-15 (last day today)  → active (end_on ≥ today)
    W4: S4 open                                        → active
    W5: S1 from 2025-07-01 (hired, not started yet)   → left (not active today)
    So active = W1, W3, W4 (3); left = W2, W5 (2); all = 5.
    """
    w = await world()
    await EmploymentSpell.filter(worker=w["workers"][1]).update(
        end_on=date(2025, 6, 14), exit_type=ExitType.VOLUNTARY, exit_reason=ExitReason.PAY
    )
    await EmploymentSpell.filter(worker=w["workers"][2]).update(
        end_on=date(2025, 6, 15), exit_type=ExitType.VOLUNTARY, exit_reason=ExitReason.PAY
    )
    w5 = await Worker.create(worker_no="W5", name="未到岗")
    await EmploymentSpell.create(worker=w5, station=w["stations"][0], start_on=date(2025, 7, 1))
    scope = await _scope(w["users"]["admin"])
    assert await _nos(scope, status="active") == ["W1", "W3", "W4"]
    assert await _nos(scope, status="left") == ["W2", "W5"]
    assert await _nos(scope, status="all") == ["W1", "W2", "W3", "W4", "W5"]
    # Station filter with "active": currently at S1 → only W1 (W5 has not started there yet).
    assert await _nos(scope, status="active", station_code="S1") == ["W1"]
    assert await _nos(scope, status="all", station_code="S1") == ["W1", "W5"]


async def test_the_list_carries_the_current_station_and_since_and_sorts_by_start_date():
    w = await world()
    await EmploymentSpell.filter(worker=w["workers"][0]).update(start_on=date(2023, 5, 1))
    scope = await _scope(w["users"]["admin"])
    page = await selectors.worker_list(scope=scope, params=ListParams(sort="-start", per_page=100), today=TODAY)
    first = page.items[0]
    assert first.worker_no == "W1" and first.since == date(2023, 5, 1)
    assert first.current[0].station.code == "S1"
    assert page.total == 4


async def test_search_matches_name_or_worker_number():
    w = await world()
    scope = await _scope(w["users"]["admin"])
    page = await selectors.worker_list(scope=scope, params=ListParams(q="工作者3"), today=TODAY)
    assert [x.worker_no for x in page.items] == ["W3"]
    page = await selectors.worker_list(scope=scope, params=ListParams(q="w4"), today=TODAY)
    assert [x.worker_no for x in page.items] == ["W4"]


async def test_a_worker_left_for_another_organisation_shows_no_current_station_to_the_old_hr():
    """W1 moved from S1 (org A) to S3 (org B) on 2025-01-01: HR of A still sees W1 among those who
    left, with no current station; the S3 spell is not shown to them."""
    w = await world()
    worker = w["workers"][0]
    await EmploymentSpell.filter(worker=worker).update(
        end_on=date(2024, 12, 31), exit_type=ExitType.TRANSFER, exit_reason=ExitReason.CAREER
    )
    await EmploymentSpell.create(worker=worker, station=w["stations"][2], start_on=date(2025, 1, 1))
    scope = await _scope(w["users"]["hr"])
    assert await _nos(scope, status="active") == ["W2"]
    page = await selectors.worker_list(scope=scope, params=ListParams(per_page=100), today=TODAY, status="left")
    assert [x.worker_no for x in page.items] == ["W1"] and page.items[0].current == []
    spells = await selectors.worker_spells(scope=scope, worker_id=worker.id)
    assert [s.station.code for s in spells] == ["S1"]
