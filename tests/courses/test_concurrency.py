"""200 simultaneous enrolments at a 20-seat course: exactly 20 enrolled, 180 waitlisted at positions 1..180.

On SQLite the requests run on separate connections to one database file (one Tortoise context, hence one
connection, per request, as separate app processes would have), so the database's own locking is what
keeps the count right. On PostgreSQL they share the pool of the per-test database and run at once.
"""

import asyncio

import pytest
from tortoise.context import TortoiseContext

from courses.catalog.models import Course
from courses.enrolment import services
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.db import tortoise_config
from tests.conftest import PG_URL
from tests.courses.helpers import TODAY, make_course, more_workers, scope_of
from tests.factories import world

N = 200
SEATS = 20


async def _seed() -> tuple[int, list[int]]:
    w = await world()
    course = await make_course(w, capacity=SEATS)
    workers = await more_workers(w["stations"][0], N)
    return course.id, [wk.id for wk in workers]


async def _enrol(course_id: int, worker_id: int) -> EnrolmentStatus:
    from talent.accounts.models import User

    bureau = await User.get(username="bureau")
    scope = await scope_of(bureau)
    course = await Course.get(id=course_id)
    enrolment = await services.enrolment_enrol(
        actor=bureau, scope=scope, course=course, worker_id=worker_id, today=TODAY
    )
    return enrolment.status


def _check(rows: list[dict], course: Course) -> None:
    enrolled = [r for r in rows if r["status"] == EnrolmentStatus.ENROLLED]
    waitlisted = [r for r in rows if r["status"] == EnrolmentStatus.WAITLISTED]
    assert len(rows) == N
    assert len(enrolled) == SEATS
    assert len(waitlisted) == N - SEATS
    assert sorted(r["position"] for r in waitlisted) == list(range(1, N - SEATS + 1))
    assert (course.seats_taken, course.waitlisted) == (SEATS, N - SEATS)


@pytest.mark.skipif(bool(PG_URL), reason="the SQLite variant; PostgreSQL runs the test below")
async def test_two_hundred_simultaneous_enrolments_fill_twenty_seats_exactly_on_sqlite(tmp_path):
    url = f"sqlite://{tmp_path / 'race.sqlite3'}"
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url), _create_db=True)
        await ctx.generate_schemas(safe=False)
        course_id, worker_ids = await _seed()

    async def one_request(worker_id: int) -> EnrolmentStatus:
        async with TortoiseContext() as own:  # a connection of its own, like another process
            await own.init(config=tortoise_config(url))
            return await _enrol(course_id, worker_id)

    results = await asyncio.gather(*(one_request(i) for i in worker_ids))
    assert results.count(EnrolmentStatus.ENROLLED) == SEATS

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        rows = await Enrolment.filter(course_id=course_id).values("status", "position")
        _check(rows, await Course.get(id=course_id))


@pytest.mark.skipif(not PG_URL, reason="needs TALENT_TEST_DATABASE_URL")
async def test_two_hundred_simultaneous_enrolments_fill_twenty_seats_exactly_on_postgresql(db):
    course_id, worker_ids = await _seed()
    results = await asyncio.gather(*(_enrol(course_id, i) for i in worker_ids))
    assert results.count(EnrolmentStatus.ENROLLED) == SEATS
    rows = await Enrolment.filter(course_id=course_id).values("status", "position")
    _check(rows, await Course.get(id=course_id))
