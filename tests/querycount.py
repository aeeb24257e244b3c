"""Count the SQL statements a block of code sends, on SQLite and PostgreSQL alike.

async with count_queries() as counter:
    await client.get("/workers")
assert counter.count == 5
"""

import contextvars
import functools
from contextlib import aclosing, asynccontextmanager

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.sqlite.client import SqliteClient

from talent.core import export
from talent.sqlite_engine import StreamingMixin

# execute_stream: the one statement of an export streamed on SQLite (talent.sqlite_engine), counted when it starts.
_METHODS = (
    "execute_query",
    "execute_query_dict",
    "execute_insert",
    "execute_many",
    "execute_script",
    "execute_stream",
)
# The classes that define them (a subclass's override is found through its base's method only when it calls it).
_CLASSES = (SqliteClient, StreamingMixin, AsyncpgDBClient)
_depth = contextvars.ContextVar("querycount_depth", default=0)


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []
        # Each statement's parameters (None without), to run a statement again (the benches' explain scripts).
        self.params: list = []
        # Of them, the statements streamed a batch at a time (an export's rows).
        self.streamed: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@asynccontextmanager
async def count_queries():
    counter = Counter()
    originals = []
    for cls in _CLASSES:
        for name in _METHODS:
            original = cls.__dict__.get(name)
            if original is None:
                continue
            originals.append((cls, name, original))

            def make(orig):
                @functools.wraps(orig)
                async def wrapper(self, query, *args, **kwargs):
                    # Nested calls (one method delegating to another) count once.
                    token = _depth.set(_depth.get() + 1)
                    try:
                        if _depth.get() == 1:
                            counter.statements.append(query)
                            counter.params.append(args[0] if args else None)
                            if orig.__name__ == "execute_stream":
                                counter.streamed.append(query)
                        return await orig(self, query, *args, **kwargs)
                    finally:
                        _depth.reset(token)

                return wrapper

            setattr(cls, name, make(original))
    # An export's statement on PostgreSQL runs through a server-side cursor, past the client's methods.
    cursor_records = export.cursor_records

    async def counted_cursor(db, query, *args):
        counter.statements.append(query)
        counter.params.append(args[0] if args else None)
        counter.streamed.append(query)
        async with aclosing(cursor_records(db, query, *args)) as batches:
            async for batch in batches:
                yield batch

    export.cursor_records = counted_cursor
    try:
        yield counter
    finally:
        export.cursor_records = cursor_records
        for cls, name, original in originals:
            setattr(cls, name, original)


def statements_on(conn, monkeypatch) -> list[str]:
    """The statements sent through one client object (a pool's, not every client's), as its execute_query and
    execute_query_dict receive them, for the rest of the test."""
    seen: list[str] = []
    for name in ("execute_query", "execute_query_dict"):
        original = getattr(conn, name)

        async def spy(query, values=None, original=original):
            seen.append(query)
            return await original(query, values)

        monkeypatch.setattr(conn, name, spy)
    return seen
