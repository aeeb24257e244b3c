"""Scope over time, pinned on its boundary days.

DESIGN §1 and talent.accounts.scope: HR sees the workers with any spell — current or past — at a station its
organisation operates, a bureau those with any spell in its region's subtree; a worker who has left stays in
their scope (their history is still theirs to keep). A supervisor sees the stations with an active assignment:
start_on ≤ today ≤ end_on (or no end_on), both ends included.

The viewer's day comes from a clock set with time_machine (tick=False, 09:00 in Nanjing) or an explicit
`today=`, never from the day the suite runs.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from talent.accounts.selectors import scope_for
from talent.people.access import workers_q
from talent.people.models import EmploymentSpell, Worker
from talent.places.access import stations_q
from talent.places.models import Station
from talent.supervision.models import Assignment
from tests.conftest import login
from tests.factories import world

NANJING = ZoneInfo("Asia/Shanghai")
LEFT_ON = date(2026, 3, 31)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=NANJING)


async def _leave(worker, end_on: date = LEFT_ON) -> None:
    await EmploymentSpell.filter(worker=worker).update(end_on=end_on, exit_type="voluntary", exit_reason="pay")


# --- former workers stay in HR's and the bureau's scope ---------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "bureau", "citybureau"])
@pytest.mark.parametrize(
    "today",
    [LEFT_ON, date(2026, 4, 1), date(2027, 4, 1)],
    ids=["the-last-working-day", "the-day-after", "a-year-later"],
)
async def test_hr_and_bureaus_still_see_a_worker_who_left_their_station(client, db, role, today):
    w = await world()
    w1 = w["workers"][0]  # at S1 (organisation A, county A) from 2022-01-01
    await _leave(w1)
    with time_machine.travel(at(today), tick=False):
        await login(client, role)
        detail = await client.get(f"/workers/{w1.id}")
        everyone = await client.get("/workers", params={"status": "all"})
        left = await client.get("/workers", params={"status": "left"})
        active = await client.get("/workers", params={"status": "active"})
    assert detail.status_code == 200
    assert f'href="/workers/{w1.id}"' in everyone.text
    # Active through the last working day; from the next day under "left".
    still_working = today <= LEFT_ON
    assert (f'href="/workers/{w1.id}"' in active.text) is still_working
    assert (f'href="/workers/{w1.id}"' in left.text) is not still_working


@pytest.mark.parametrize("role", ["hr", "bureau"])
async def test_a_worker_who_moved_to_another_organisation_stays_in_the_old_ones_scope(db, role):
    w = await world()
    w1 = w["workers"][0]
    await _leave(w1)
    # From 2026-04-01 at S3: organisation B, county B (outside both viewers' scope).
    await EmploymentSpell.create(worker=w1, station=w["stations"][2], start_on=date(2026, 4, 1))
    user = w["users"][role]
    await user.fetch_related("region")
    scope = await scope_for(user, today=date(2026, 6, 1))
    assert await Worker.filter(workers_q(scope), id=w1.id).exists()


async def test_a_former_worker_of_another_county_stays_out_of_scope(client, db):
    w = await world()
    w3 = w["workers"][2]  # at S3, organisation B, county B
    await _leave(w3)
    with time_machine.travel(at(date(2026, 4, 1)), tick=False):
        for role in ("hr", "bureau"):
            await login(client, role)
            assert (await client.get(f"/workers/{w3.id}")).status_code == 404


async def test_scope_is_one_query_filter_that_keeps_former_workers(db):
    # The selector level: W1 left on 2026-03-31; HR of organisation A and county A's bureau count W1 and W2
    # (both ever at S1/S2) on any day.
    w = await world()
    await _leave(w["workers"][0])
    for role in ("hr", "bureau"):
        user = w["users"][role]
        await user.fetch_related("region")
        for day in (LEFT_ON, date(2026, 4, 1)):
            scope = await scope_for(user, today=day)
            assert sorted(await Worker.filter(workers_q(scope)).values_list("worker_no", flat=True)) == ["W1", "W2"]


# --- a supervisor sees stations with an assignment active that day -----------------------------------------


@pytest.mark.parametrize(
    ("today", "assigned"),
    [
        (date(2026, 3, 1), False),  # the day before the assignment starts
        (date(2026, 3, 2), True),  # its first day
        (date(2026, 6, 30), True),  # its last day
        (date(2026, 7, 1), False),  # the day after
    ],
)
async def test_a_supervisor_sees_a_station_from_the_assignments_first_to_its_last_day(client, db, today, assigned):
    w = await world()
    s1 = w["stations"][0]
    await Assignment.filter(station=s1).update(start_on=date(2026, 3, 2), end_on=date(2026, 6, 30))
    user = w["users"]["supervisor"]
    scope = await scope_for(user, today=today)
    assert (s1.id in scope.station_ids) is assigned
    assert await Station.filter(stations_q(scope), id=s1.id).exists() is assigned
    with time_machine.travel(at(today), tick=False):
        await login(client, "supervisor")
        station = await client.get(f"/stations/{s1.id}")
        worker = await client.get(f"/workers/{w['workers'][0].id}")
    assert station.status_code == (200 if assigned else 404)
    assert worker.status_code == (200 if assigned else 404)
