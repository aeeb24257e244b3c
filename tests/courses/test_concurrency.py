"""200 simultaneous enrolments at a 20-seat course: exactly 20 enrolled, 180 waitlisted at positions 1..180.

On SQLite the requests run on separate connections to one database file (one Tortoise context, hence one
connection, per request, as separate app processes would have), so the database's own locking is what
keeps the count right. On PostgreSQL they share the pool of the per-test database and run at once.

Why the SQLite race has its own busy timeout: every enrolment writes, so the 200 transactions run one after
another, each taking the write lock at BEGIN IMMEDIATE (talent/sqlite_engine.py) while the others wait in
SQLite's busy handler; the last one waits for the other 199. All 200 "processes" are coroutines of this one
Python process, so that wait is most of the race's CPU time, not just the transactions' (timed: their
statements take ~1.5 s in all, yet the last BEGIN waited 5 s on an idle 2-core machine and 7.5 s with two
busy loops beside it). Past the production busy timeout (10 s, talent/db.py) a writer gives up with "database is
locked" and the test failed. The timeout decides only how long a writer waits its turn, never whether the
count is right, so the race's connections get one that covers the whole race. The 200 connections are
opened first and the requests released together, so they all contend at once instead of being spread out
by 200 Tortoise start-ups.
"""

import asyncio
import time

import pytest
from tortoise.context import TortoiseContext
from tortoise.exceptions import TransactionManagementError
from tortoise.transactions import in_transaction

from courses.catalog.models import Course
from courses.enrolment import services
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.db import tortoise_config
from tests.conftest import PG_URL
from tests.courses.helpers import TODAY, make_course, more_workers, scope_of
from tests.factories import world

N = 200
SEATS = 20
# Long enough for the last of 200 serialised writers on a loaded machine (see the module docstring).
RACE_BUSY_TIMEOUT_MS = 180_000


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
    url = f"sqlite://{tmp_path / 'race.sqlite3'}?busy_timeout={RACE_BUSY_TIMEOUT_MS}"
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url), _create_db=True)
        await ctx.generate_schemas(safe=False)
        course_id, worker_ids = await _seed()

    opened: list[int] = []
    everyone_connected = asyncio.Event()

    async def one_request(worker_id: int) -> EnrolmentStatus:
        async with TortoiseContext() as own:  # a connection of its own, like another process
            await own.init(config=tortoise_config(url))
            await own.connections.get("default").execute_query("SELECT 1")  # really connected
            opened.append(worker_id)
            if len(opened) == N:
                everyone_connected.set()
            await asyncio.wait_for(everyone_connected.wait(), RACE_BUSY_TIMEOUT_MS / 1000)
            return await _enrol(course_id, worker_id)

    results = await asyncio.gather(*(one_request(i) for i in worker_ids))
    assert results.count(EnrolmentStatus.ENROLLED) == SEATS

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        rows = await Enrolment.filter(course_id=course_id).values("status", "position")
        _check(rows, await Course.get(id=course_id))


@pytest.mark.skipif(bool(PG_URL), reason="SQLite only")
async def test_a_begin_refused_as_locked_leaves_the_connection_to_the_processs_other_requests(tmp_path):
    # One process holds the write lock past another's busy timeout (200 ms): that process's transaction is
    # refused with "database is locked" — and its other requests must still get the connection. (Tortoise
    # kept the connection's lock after a failed BEGIN, so every later query of the process waited forever.)
    from talent.accounts.models import User

    url = f"sqlite://{tmp_path / 'locked.sqlite3'}?busy_timeout=200"
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url), _create_db=True)
        await ctx.generate_schemas(safe=False)
    holding, done = asyncio.Event(), asyncio.Event()

    async def other_process() -> None:
        async with TortoiseContext() as own:
            await own.init(config=tortoise_config(url))
            async with in_transaction():
                await User.all().count()
                holding.set()
                await done.wait()

    async def this_process() -> tuple[str, int, int]:
        async with TortoiseContext() as own:
            await own.init(config=tortoise_config(url))
            go = asyncio.Event()

            async def another_request() -> int:  # started before the refusal, in its own context
                await go.wait()
                return await User.all().count()

            waiting = asyncio.create_task(another_request())
            await holding.wait()
            started = time.monotonic()
            with pytest.raises(TransactionManagementError) as refused:
                async with in_transaction():
                    pass
            assert time.monotonic() - started < 5
            done.set()
            go.set()
            count = await asyncio.wait_for(waiting, 10)
            async with in_transaction():  # and this request can write again
                await User.filter(id=0).update(username="nobody")
            in_tx = own.connections.get("default")._connection._conn.in_transaction
            return str(refused.value), count, in_tx

    _, (message, count, in_tx) = await asyncio.gather(other_process(), this_process())
    assert "database is locked" in message
    assert (count, in_tx) == (0, False)


@pytest.mark.skipif(not PG_URL, reason="needs TALENT_TEST_DATABASE_URL")
async def test_two_hundred_simultaneous_enrolments_fill_twenty_seats_exactly_on_postgresql(db):
    course_id, worker_ids = await _seed()
    results = await asyncio.gather(*(_enrol(course_id, i) for i in worker_ids))
    assert results.count(EnrolmentStatus.ENROLLED) == SEATS
    rows = await Enrolment.filter(course_id=course_id).values("status", "position")
    _check(rows, await Course.get(id=course_id))
