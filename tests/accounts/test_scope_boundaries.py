"""Scope over time, pinned on its boundary days.

DESIGN §1 and talent.accounts.scope: HR sees the workers with any spell — current or past — at a station its
organisation operates, a bureau those with any spell in its region's subtree; a worker who has left stays in
their scope (their history is still theirs to keep). A supervisor sees the stations with an active assignment:
start_on ≤ today ≤ end_on (or no end_on), both ends included, and the workers it mentors: from the day the
member joined the cohort to the cohort's last day, both included (talent.supervision.rules.mentoring_on).

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
from tests.conftest import login, text_of
from tests.factories import world
from tests.querycount import count_queries

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


# --- a supervisor sees the workers they mentor, from the member's first to the cohort's last day ---------------

# The mentee W3 works at S3 (organisation B, county B), a station the supervisor 督导甲 is not assigned to (their
# only assignment is S1). W3 joined the cohort (2026-03-01 … 2026-06-30) on 2026-03-02, with 督导甲 as mentor:
# mentored from 2026-03-02 (joined_on) to 2026-06-30 (the cohort's end_on), both included (supervision.rules).
MENTORING = [
    (date(2026, 3, 1), False),  # the day before W3 joined (the cohort has already started)
    (date(2026, 3, 2), True),  # the day W3 joined: the first day
    (date(2026, 6, 30), True),  # the cohort's last day
    (date(2026, 7, 1), False),  # the day after
]


async def _mentee(w):
    from talent.cohorts.models import Cohort, CohortMember
    from talent.supervision.models import Supervisor

    county_b = w["regions"]["county_b"]
    cohort = await Cohort.create(
        name="秦淮孵化一期",
        kind="internal_incubation",
        region=county_b,
        region_path=county_b.path,
        start_on=date(2026, 3, 1),
        end_on=date(2026, 6, 30),
    )
    mentor = await Supervisor.get(name="督导甲")
    w3 = w["workers"][2]
    await CohortMember.create(cohort=cohort, worker=w3, mentor=mentor, joined_on=date(2026, 3, 2))
    # W3's past at S2 (organisation A, not the supervisor's station): not the mentor's to read.
    await EmploymentSpell.create(
        worker=w3, station=w["stations"][1], start_on=date(2019, 1, 1), end_on=date(2021, 12, 31),
        exit_type="voluntary", exit_reason="pay", exit_note="旧站离职备注",
    )  # fmt: skip
    # W5, W3's colleague at S3 (and a cohort member without a mentor): never the supervisor's.
    colleague = await Worker.create(
        worker_no="W5", name="同站同事五", phone="13900001111", id_number="320104198802023456"
    )
    await EmploymentSpell.create(worker=colleague, station=w["stations"][2], start_on=date(2022, 1, 1), full_time=True)
    await CohortMember.create(cohort=cohort, worker=colleague, joined_on=date(2026, 3, 2))
    return w3, colleague


@pytest.mark.parametrize(("today", "mentored"), MENTORING)
async def test_a_supervisors_scope_holds_their_mentee_from_joining_to_the_cohorts_last_day(db, today, mentored):
    w = await world()
    w3, colleague = await _mentee(w)
    async with count_queries() as counter:
        scope = await scope_for(w["users"]["supervisor"], today=today)
    # Read on each of the supervisor's requests: the stations and the mentees in one statement.
    assert counter.count == 1
    assert scope.station_ids == {w["stations"][0].id}
    assert (w3.id in scope.worker_ids) is mentored
    visible = set(await Worker.filter(workers_q(scope)).values_list("worker_no", flat=True))
    # W1 at S1 (the assigned station) always; W3 on the mentored days only; W5 (W3's colleague), W2 and W4 never.
    assert visible == ({"W1", "W3"} if mentored else {"W1"})
    assert colleague.id not in scope.worker_ids
    # The mentee's own spell, not their station: S3 stays out of the supervisor's stations.
    assert not await Station.filter(stations_q(scope), id=w["stations"][2].id).exists()


@pytest.mark.parametrize(("today", "mentored"), MENTORING)
async def test_a_supervisor_reads_their_mentees_page_and_list_row_but_no_colleague(client, db, today, mentored):
    w = await world()
    w3, colleague = await _mentee(w)
    with time_machine.travel(at(today), tick=False):
        await login(client, "supervisor")
        listing = await client.get("/workers")
        everyone = await client.get("/workers", params={"status": "all", "q": "W"})
        page = await client.get(f"/workers/{w3.id}")
        other = await client.get(f"/workers/{colleague.id}")
        station = await client.get(f"/stations/{w['stations'][2].id}")
        edit = await client.get(f"/workers/{w3.id}/edit")
    assert listing.status_code == 200
    # The active list: W3 (工作者3) is listed with their current station S3 on the mentored days only.
    assert (f'href="/workers/{w3.id}"' in listing.text) is mentored
    assert ("工作者3" in listing.text) is mentored
    assert (f'href="/workers/{w3.id}"' in everyone.text) is mentored
    assert f'href="/workers/{w["workers"][0].id}"' in listing.text  # W1 at the assigned station S1
    for response in (listing, everyone, page):
        # Read as text: a two-character code can turn up by chance inside the page's random CSRF token.
        text = text_of(response.text)
        assert "同站同事五" not in text and "W5" not in text
        assert "工作者4" not in text
        assert f'href="/workers/{colleague.id}"' not in response.text
    assert other.status_code == 404
    assert station.status_code == 404
    if mentored:
        assert page.status_code == 200
        # The mentee's current station (their spell of the day), not their past one at S2 with its exit note.
        assert "工作者3" in page.text and "社工站3" in page.text
        assert "社工站2" not in page.text and "旧站离职备注" not in page.text
        # Read-only, personal data masked as for a station's worker (talent.core.masking): the ID number's first
        # and last 4 of 18 characters with 10 stars between, the phone's first 3 and last 4 of 11 digits.
        assert "3201**********1234" in page.text and "138****5678" in page.text
        assert "320102199001011234" not in page.text and "13812345678" not in page.text
        assert f'href="/workers/{w3.id}/edit"' not in page.text
        assert edit.status_code == 403
    else:
        assert page.status_code == 404
