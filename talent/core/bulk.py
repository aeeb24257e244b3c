"""Bulk reads and writes for imports and the demo: plain dicts in and out, chunked under every driver's
parameter limit, without a model instance per row. The one module that reaches into Tortoise's internals
(executor_class, _meta, the asyncpg connection); tests/core/test_bulk.py holds it to Tortoise's own results.
"""

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from enum import Enum
from itertools import islice
from operator import itemgetter
from typing import Any

from tortoise import timezone
from tortoise.fields.data import JSON_DUMPS, CharEnumFieldInstance, DatetimeField, JSONField

FETCH_CHUNK = 1000  # keys per `__in` lookup
WRITE_BATCH = 2000  # rows per bulk insert/update


def chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def fetch_by(queryset_for: Callable[[Sequence], Any], keys: Iterable, size: int = FETCH_CHUNK) -> list:
    """Run `queryset_for(chunk)` (a query filtered with `__in=chunk`) for each chunk of the distinct keys."""
    distinct = list(dict.fromkeys(k for k in keys if k is not None))
    out: list = []
    for chunk in chunks(distinct, size):
        out.extend(await queryset_for(chunk))
    return out


# ── bulk reads and writes ────────────────────────────────────────────────────────────────────────
#
# On PostgreSQL through asyncpg (the production database) rows go in with COPY on the connection of the current
# transaction, and keys are looked up with one `= ANY($1)` array query per chunk. Elsewhere (SQLite, the test
# default) rows go in with Tortoise's own INSERT statement and executemany, keys with `IN (?, …)` in chunks.
# Either way the same values reach the same columns: see tests/imports/test_postgres_fast_path.py.

POSTGRES_FAST = True  # tests switch it off to compare the COPY path with the executemany path
ANY_CHUNK = 20_000  # keys per `= ANY($1)` lookup on PostgreSQL


def _asyncpg(conn) -> bool:
    if not POSTGRES_FAST:
        return False
    try:
        from tortoise.backends.asyncpg.client import AsyncpgDBClient
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(conn, AsyncpgDBClient)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def values_in(model, key: str, keys: Iterable, fields: Sequence[str]) -> list[dict[str, Any]]:
    """`model.filter(<key>__in=keys).values(*fields)` for plain (non-relation) fields, as Tortoise would return
    them (the same to-Python conversions), without building a query object per chunk: the import looks up
    100,000 keys at a time. Rows come in no particular order."""
    distinct = list(dict.fromkeys(k for k in keys if k is not None))
    if not distinct:
        return []
    meta = model._meta
    conn = meta.db
    projection = meta.fields_db_projection
    native = {model_field for _db, model_field, _f in meta.db_native_fields}
    select = ", ".join(f"{_quote(projection[f])} AS {_quote(f)}" for f in fields)
    column = _quote(projection[key])
    table = _quote(meta.db_table)
    out: list[dict[str, Any]] = []
    if _asyncpg(conn):
        sql = f"SELECT {select} FROM {table} WHERE {column} = ANY($1)"
        for chunk in chunks(distinct, ANY_CHUNK):
            out.extend(await conn.execute_query_dict(sql, [list(chunk)]))
    elif conn.capabilities.dialect == "sqlite":
        for chunk in chunks(distinct, FETCH_CHUNK):
            marks = ", ".join("?" * len(chunk))
            out.extend(
                await conn.execute_query_dict(f"SELECT {select} FROM {table} WHERE {column} IN ({marks})", chunk)
            )
    else:  # another driver: Tortoise's own query, which converts as it reads
        return await fetch_by(lambda chunk: model.filter(**{f"{key}__in": list(chunk)}).values(*fields), distinct)
    converters = [(f, meta.fields_map[f].to_python_value) for f in fields if f not in native]
    if converters:
        for row in out:
            for name, convert in converters:
                row[name] = convert(row[name])
    return out


async def ids_by(model, key: str, keys: Iterable) -> dict[Any, int]:
    """key value → id for the rows whose `key` is one of `keys`."""
    return {row[key]: row["id"] for row in await values_in(model, key, keys, [key, "id"])}


_INSERTS: dict[tuple, tuple[list[str], str, list]] = {}


def _insert_plan(model, conn, with_pk: bool = False) -> tuple[list[str], str, list]:
    """The INSERT statement Tortoise itself would use for `model` on this backend, its columns, and for each
    column a converter and default. `with_pk`: the statement that takes the primary key too."""
    key = (model, type(conn), with_pk)
    plan = _INSERTS.get(key)
    if plan is None:
        executor = conn.executor_class(model=model, db=conn)
        columns = list(executor.regular_columns_all if with_pk else executor.regular_columns)
        converters = []
        for name in columns:
            f = model._meta.fields_map[name]
            if isinstance(f, CharEnumFieldInstance):
                convert = _enum_converter(f.enum_type)
            elif isinstance(f, JSONField):
                convert = _json_encoder(f.encoder)
            else:
                convert = None
            auto_now = isinstance(f, DatetimeField) and (f.auto_now or f.auto_now_add)
            converters.append((convert, f.default, auto_now))
        query = executor.insert_query_all if with_pk else executor.insert_query
        plan = _INSERTS[key] = (columns, query, converters)
    return plan


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _enum_converter(enum: type[Enum]):
    """A member → its code (anything else as it is), by one dict lookup: `_enum_value` for the field's enum."""
    codes = {member: member.value for member in enum}

    def convert(value: Any) -> Any:
        try:
            return codes.get(value, value) if value.__class__ is enum else _enum_value(value)
        except TypeError:  # unhashable: not a member
            return value

    return convert


def _json_encoder(encoder):
    if encoder is JSON_DUMPS and isinstance(encoder, functools.partial) and encoder.func is json.dumps:
        # The same text json.dumps(value, **keywords) gives, without building an encoder per value.
        encoder = json.JSONEncoder(**encoder.keywords).encode

    def convert(value: Any) -> Any:
        return None if value is None else encoder(value)

    return convert


def _lines(columns: list[str], converters: list, rows: Sequence[dict[str, Any]], now) -> list[list]:
    """Each row's values in `columns` order, converted for the database: the value given, else the field's default
    (an auto_now datetime gets `now`)."""
    if not rows:
        return []
    first = rows[0]
    names = first.keys()
    fill: dict[str, Any] = {}
    for name, (_convert, default, auto_now) in zip(columns, converters, strict=True):
        if name not in first:
            if callable(default):
                return _lines_slowly(columns, converters, rows, now)
            fill[name] = now if auto_now and default is None else default
    converting = [
        (i, convert, auto_now)
        for i, (name, (convert, _d, auto_now)) in enumerate(zip(columns, converters, strict=True))
        if convert is not None or (auto_now and name in first)
    ]
    get = itemgetter(*columns)
    lines = []
    append = lines.append
    for row in rows:
        if row.keys() != names:
            return _lines_slowly(columns, converters, rows, now)
        line = list(get({**row, **fill} if fill else row)) if len(columns) > 1 else [get({**row, **fill})]
        for i, convert, auto_now in converting:
            value = line[i]
            if auto_now and value is None:
                value = now
            if convert is not None:
                value = convert(value)
            line[i] = value
        append(line)
    return lines


def _lines_slowly(columns: list[str], converters: list, rows: Sequence[dict[str, Any]], now) -> list[list]:
    values = []
    for row in rows:
        line = []
        for name, (convert, default, auto_now) in zip(columns, converters, strict=True):
            value = row[name] if name in row else (default() if callable(default) else default)
            if auto_now and value is None:
                value = now
            line.append(convert(value) if convert is not None else value)
        values.append(line)
    return values


async def _copy(client, table: str, columns: list[str], records: list[list]) -> None:
    async with client.acquire_connection() as connection:
        client.log.debug("COPY %s (%s): %s rows", table, ", ".join(columns), len(records))
        await connection.copy_records_to_table(table, records=records, columns=columns)


def batches(rows: Iterable, size: int) -> Iterable[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


async def insert_rows(
    model,
    rows: Iterable[dict[str, Any]],
    batch: int = WRITE_BATCH,
    progress: Callable[[int], Awaitable[None]] | None = None,
    with_pk: bool = False,
) -> None:
    """Bulk-insert plain dicts of field values without building a model instance per row (the import's hot path;
    bulk_create spends most of its time there): with COPY on PostgreSQL, else with Tortoise's own INSERT statement
    and executemany. Inside `in_transaction()` both run on the transaction's connection, in the order given.

    `rows` may be a generator: it is consumed a batch at a time, and the next batch is prepared while the
    database stores the previous one (one statement in flight at a time). `progress(n)` follows each batch."""
    conn = model._meta.db
    columns, sql, converters = _insert_plan(model, conn, with_pk)
    now = timezone.now()
    if _asyncpg(conn):
        table = model._meta.db_table
        db_columns = [model._meta.fields_db_projection[name] for name in columns]

        def store(lines: list[list]) -> Awaitable[None]:
            # Tortoise's own translation of asyncpg errors (IntegrityError, OperationalError) applies.
            return conn._translate_exceptions(_copy, table, db_columns, lines)

    else:

        def store(lines: list[list]) -> Awaitable[None]:
            return conn.execute_many(sql, lines)

    pending: asyncio.Future | None = None
    done = 0
    try:
        for chunk in batches(rows, batch):
            lines = _lines(columns, converters, chunk, now)
            if pending is not None:
                await pending
                pending = None
                if progress is not None:
                    await progress(done)
            pending = asyncio.ensure_future(store(lines))
            done += len(chunk)
        if pending is not None:
            await pending
            pending = None
            if progress is not None:
                await progress(done)
    finally:
        if pending is not None:  # the rows or the progress failed: let the statement in flight finish first
            await asyncio.gather(pending, return_exceptions=True)


async def reserve_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys for `model`, to insert rows whose ids other rows must name at once (COPY and
    executemany return none). PostgreSQL: from the key's sequence. SQLite: after the largest id, which is safe
    because the import runs in a transaction that began IMMEDIATE (talent.sqlite_engine): no other writer
    can insert until it ends."""
    conn = model._meta.db
    table = model._meta.db_table
    column = model._meta.fields_db_projection[model._meta.pk_attr]
    if conn.capabilities.dialect == "postgres":
        sequence = f"pg_get_serial_sequence('{_quote(table)}', '{column}')"
        rows = await conn.execute_query_dict(
            f"SELECT nextval({sequence}) AS id FROM generate_series(1, {int(count)}) ORDER BY 1"
        )
        return [int(row["id"]) for row in rows]
    rows = await conn.execute_query_dict(f"SELECT COALESCE(MAX({_quote(column)}), 0) AS top FROM {_quote(table)}")
    top = int(rows[0]["top"])
    return list(range(top + 1, top + 1 + count))
