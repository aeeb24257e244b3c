"""Independent reads of one request run at once.

A report is a few dozen aggregate statements over the whole area, each independent of the others; one after
another the whole country's /reports waited 6.4–7.1 s on PostgreSQL, two at a time 3.7–4.0 s on two cores
(a throwaway script, cProfile on, alternated). Each statement outside a transaction takes its own connection
from the pool, so reads can overlap there. A SQLite file database sends a gathered read's SELECTs to a read-only
connection of their own (talent.sqlite_engine: the downloads' readers; sqlite3 lets go of the interpreter while a
statement runs), where the process's one connection ran them in turn. Inside a transaction every statement shares
the transaction's one connection, which serves one statement at a time, and an in-memory SQLite database (the
tests) has one connection: both run the reads in turn.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import TypeVar

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.connection import connections

from talent.settings import get_settings

T = TypeVar("T")
# Set inside a call that gather_reads runs alongside others: a report's part reads its own statements at once when it
# is read alone (a table's export), one after another inside the page's gathering, which holds the limit already.
_gathered: ContextVar[bool] = ContextVar("talent_gathered_read", default=False)


def overlapping_allowed() -> bool:
    """Whether statements sent now may overlap: outside a transaction, PostgreSQL's pool or a SQLite file
    database's readers."""
    conn = connections.get("default")
    if isinstance(conn, TransactionalDBClient):
        return False
    if conn.capabilities.dialect == "postgres":
        return True
    reads_apart = getattr(conn, "reads_apart", None)
    return reads_apart is not None and reads_apart()


def in_gathered_read() -> bool:
    """Whether the statement being sent belongs to a read gather_reads runs alongside others."""
    return _gathered.get()


async def gather_reads(calls: Sequence[Callable[[], Awaitable[T]]], *, limit: int | None = None) -> list[T]:
    """The results of `calls` (each a function returning an awaitable that only reads), in their order: at most
    `limit` (settings.read_concurrency) running at once where statements may overlap, else one after another (and
    inside another gathering's call, so that the limit holds for the whole request)."""
    limit = get_settings().read_concurrency if limit is None else limit
    if limit <= 1 or len(calls) <= 1 or _gathered.get() or not overlapping_allowed():
        return [await call() for call in calls]
    gate = asyncio.Semaphore(limit)

    async def run(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            _gathered.set(True)  # in this call's own task: its nested gatherings run in turn
            return await call()

    return list(await asyncio.gather(*(run(call) for call in calls)))


async def gather_panels(panels: Mapping[str, Callable[[], Awaitable[T]]]) -> dict[str, T]:
    """Each panel's result by its name: gather_reads for the independent panels of one page, each a few short
    statements (a worker's home, their exam preparation). Gathered on PostgreSQL, whose round trips then overlap; in
    turn on SQLite, where a statement of a fraction of a millisecond costs less than handing it to a reader
    connection's thread. A worker's home on the national demo (150 visits, alternated three times): PostgreSQL
    20.3–23.3 → 15.5–17.2 ms gathered; SQLite 13.8–14.9 → 13.5–17.5 ms gathered, so not there."""
    postgres = connections.get("default").capabilities.dialect == "postgres"
    results = await gather_reads(list(panels.values()), limit=None if postgres else 1)
    return dict(zip(panels, results, strict=True))
