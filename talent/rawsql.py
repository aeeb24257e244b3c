"""Hand-written SQL for the few requests that run hundreds of times a second (session lookup, mock-exam
autosave). Building a statement through the ORM costs several times more CPU than running it, so these
paths keep one fixed statement per database dialect instead.

Statements are written with PostgreSQL's numbered placeholders ($1, $2 …); SQLite gets the same numbers
as ?1, ?2 …, which it supports natively. Values go through the model field's own conversion, so a datetime
compares exactly as the ORM stored it.
"""

import re
from functools import lru_cache
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

_PLACEHOLDER = re.compile(r"\$(\d+)")


def _for_dialect(sql: str, dialect: str) -> str:
    return _sqlite_placeholders(sql) if dialect == "sqlite" else sql


# Bounded: a statement may carry values written into its text (a day, a region's path), and a cache that kept every
# text it saw grew with each of them for the life of the process.
@lru_cache(maxsize=1024)
def _sqlite_placeholders(sql: str) -> str:
    return _PLACEHOLDER.sub(r"?\1", sql)


def db_value(model: type[Model], field: str, value: Any) -> Any:
    """A Python value as the ORM would write it into `model.field`."""
    return model._meta.fields_map[field].to_db_value(value, model)


async def execute(model: type[Model], sql: str, *values: Any) -> int:
    """Run a write on the connection of `model`'s app (inside a transaction when one is open); returns
    the number of rows changed."""
    conn = model._meta.db
    changed, _ = await conn.execute_query(_for_dialect(sql, conn.capabilities.dialect), list(values))
    return changed


async def fetch_all(model: type[Model], sql: str, *values: Any) -> list[dict]:
    return await _dicts(model._meta.db, sql, values)


async def _dicts(conn: BaseDBAsyncClient, sql: str, values: tuple) -> list[dict]:
    return await conn.execute_query_dict(_for_dialect(sql, conn.capabilities.dialect), list(values))


async def fetch_rows(model: type[Model], sql: str, *values: Any) -> list:
    """fetch_all's rows as the driver gives them, read by position (asyncpg's Record, sqlite3's Row), without a
    dict each: for a statement of hundreds of thousands of rows (the names of a whole audit log's records)."""
    conn = model._meta.db
    return (await conn.execute_query(_for_dialect(sql, conn.capabilities.dialect), list(values)))[1]


async def fetch_fixed(model: type[Model], sql: str, *values: Any) -> list[dict]:
    """fetch_all of a fixed statement whose one plan serves every value it is given (a row found by its primary key):
    on PostgreSQL through the connections that plan it once (talent.pg_engine), where every other statement is
    planned on each run. Inside a transaction, on the transaction's connection, which alone sees what it wrote."""
    return await _dicts(fixed(model), sql, values)


def fixed(model: type[Model]) -> BaseDBAsyncClient:
    conn = model._meta.db
    # A transaction's connection is not talent.pg_engine's client: it has no pool of fixed statements.
    return getattr(conn, "fixed", conn)


def columns(model: type[Model], alias: str) -> str:
    """`alias.col AS alias__col, …` for every column of the model, so joined rows split back per model."""
    return ", ".join(f"{alias}.{col} AS {alias}__{col}" for col in sorted(model._meta.db_fields))


def instance(model: type[Model], row: dict, alias: str) -> Model | None:
    """The model instance held under `alias__` in a joined row (None for an unmatched LEFT JOIN)."""
    prefix = alias + "__"
    values = {key[len(prefix) :]: value for key, value in row.items() if key.startswith(prefix)}
    if values.get(model._meta.db_pk_column) is None:
        return None
    return model._init_from_db(**values)
