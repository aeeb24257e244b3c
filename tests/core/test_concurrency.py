"""talent.core.concurrency.gather_reads: reads overlap on PostgreSQL's pool, and run in turn inside a transaction
and on SQLite's in-memory database (the tests' one connection), with their results in the order asked (a SQLite
file database: tests/core/test_concurrency_sqlite_file.py)."""

import asyncio

from tortoise.transactions import in_transaction

from talent.core.concurrency import gather_panels, gather_reads
from talent.people.models import Worker
from talent.rawsql import fetch_all


def overlap_probe():
    """Calls that each run a statement while noting how many calls are running at once (`state["most"]`)."""
    state = {"running": 0, "most": 0}

    def call(value: int):
        async def read() -> int:
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
            try:
                # A real statement, so a call that shares one connection with another at once would fail.
                rows = await fetch_all(Worker, f"SELECT {value} AS v")
                await asyncio.sleep(0)  # let a second call start, were it allowed to
                return int(rows[0]["v"])
            finally:
                state["running"] -= 1

        return read

    return state, [call(v) for v in (3, 1, 2, 5)]


async def test_reads_come_back_in_the_order_asked_at_most_limit_at_once_on_postgresql(db, is_postgres):
    state, calls = overlap_probe()
    assert await gather_reads(calls, limit=2) == [3, 1, 2, 5]
    # PostgreSQL: two at a time (the limit), never more; SQLite's one connection: one after another.
    assert state["most"] == (2 if is_postgres else 1)


async def test_reads_run_in_turn_inside_a_transaction(db):
    state, calls = overlap_probe()
    async with in_transaction():
        assert await gather_reads(calls, limit=4) == [3, 1, 2, 5]
    # The transaction's one connection serves one statement at a time: no overlap, whatever the limit.
    assert state["most"] == 1


async def test_a_limit_of_one_runs_the_reads_in_turn(db):
    state, calls = overlap_probe()
    assert await gather_reads(calls, limit=1) == [3, 1, 2, 5]
    assert state["most"] == 1


async def test_reads_gathered_inside_a_gathered_read_run_in_turn_so_the_limit_holds_for_the_whole_request(
    db, is_postgres
):
    state, calls = overlap_probe()
    # Two parts read at once, each gathering two reads of its own (a report part read on the page): were the inner
    # gatherings to overlap too, four would run at once.
    parts = [lambda: gather_reads(calls[:2], limit=2), lambda: gather_reads(calls[2:], limit=2)]
    assert await gather_reads(parts, limit=2) == [[3, 1], [2, 5]]
    assert state["most"] == (2 if is_postgres else 1)
    # A part read alone gathers its own reads at once (a table's export).
    state["most"] = 0
    assert await parts[0]() == [3, 1]
    assert state["most"] == (2 if is_postgres else 1)


async def test_a_pages_panels_overlap_on_postgresql_and_come_back_in_order(db, is_postgres):
    state, calls = overlap_probe()
    assert list((await gather_panels(dict(zip("abcd", calls, strict=True)))).values()) == [3, 1, 2, 5]
    # The settings' two at a time on PostgreSQL; SQLite's one connection: one after another.
    assert state["most"] == (2 if is_postgres else 1)
