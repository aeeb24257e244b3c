"""Count the SQL statements a block of code sends, on SQLite and PostgreSQL alike.

async with count_queries() as counter:
    await client.get("/workers")
assert counter.count == 5
"""

import contextvars
import functools
from contextlib import asynccontextmanager

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.sqlite.client import SqliteClient

_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script")
_depth = contextvars.ContextVar("querycount_depth", default=0)


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@asynccontextmanager
async def count_queries():
    counter = Counter()
    originals = []
    for cls in (SqliteClient, AsyncpgDBClient):
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
                        return await orig(self, query, *args, **kwargs)
                    finally:
                        _depth.reset(token)

                return wrapper

            setattr(cls, name, make(original))
    try:
        yield counter
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)
