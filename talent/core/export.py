"""Streaming spreadsheet writers shared by every export (list pages and `talent export`).

Rows arrive as an async iterator, so memory does not grow with the number of rows: CSV is yielded line by
line; XLSX is written by openpyxl's write-only mode into a spooled temporary file, then streamed out.
"""

import csv
import io
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from types import SimpleNamespace
from typing import Any

from tortoise.expressions import Q

from talent.core.pagination import after_q, sort_value

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024


def neutralise(value: Any) -> Any:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe (CSV/formula injection)."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    value = neutralise(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones (openpyxl refuses aware datetimes): times are written in UTC.
        value = value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def _csv_text(value: Any) -> str:
    value = _cell(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


async def csv_chunks(headers: Sequence[str], rows: AsyncIterable[Sequence[Any]]) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The BOM lets Excel open UTF-8 Chinese text correctly.
    buffer.write("\ufeff")
    writer.writerow([_csv_text(h) for h in headers])
    async for row in rows:
        writer.writerow([_csv_text(v) for v in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


async def write_xlsx(target, headers: Sequence[str], rows: AsyncIterable[Sequence[Any]], title: str = "data") -> int:
    """Write a one-sheet workbook to a path or binary file; returns the number of data rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "data")
    sheet.append([_cell(h) for h in headers])
    count = 0
    async for row in rows:
        sheet.append([_cell(v) for v in row])
        count += 1
    workbook.save(target)
    return count


async def xlsx_chunks(headers: Sequence[str], rows: AsyncIterable[Sequence[Any]], title: str) -> AsyncIterator[bytes]:
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        await write_xlsx(spool, headers, rows, title)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def batched(queryset, size: int = 2000) -> AsyncIterator[Any]:
    """Iterate a queryset in keyset pages of `size`, so no query loads every row at once."""
    last_id = 0
    while True:
        batch = await queryset.filter(id__gt=last_id).order_by("id").limit(size)
        if not batch:
            return
        for item in batch:
            yield item
        last_id = batch[-1].id


# Rows per keyset query of a list export; read at call time so tests can make it small.
BATCH_SIZE = 1000


def _ordered(queryset, order: Sequence[str]):
    """The queryset in `order`'s first key, then the id in the same direction (the order the list pages use)."""
    tie_breaker = "-id" if order[0].startswith("-") else "id"
    return queryset.order_by(tie_breaker) if order[0].lstrip("-") == "id" else queryset.order_by(order[0], tie_breaker)


async def keyset_batches(queryset, order: Sequence[str], size: int | None = None) -> AsyncIterator[list[Any]]:
    """The queryset's rows in `order` (a column, then the id tie-breaker, as talent.core.pagination.order_for
    gives), fetched `size` rows per query; each next query starts after the last row seen (keyset, not
    OFFSET), so memory holds one batch and the number of queries is rows / size + 1 at most."""
    size = size or BATCH_SIZE
    column = order[0].lstrip("-")
    ordered = _ordered(queryset, order)
    after: Q | None = None
    while True:
        batch = list(await (ordered.filter(after) if after is not None else ordered).limit(size))
        if batch:
            yield batch
        if len(batch) < size:
            return
        last = batch[-1]
        after = after_q(queryset, order, sort_value(last, column), last.id)


async def keyset_rows(queryset, order: Sequence[str], size: int | None = None) -> AsyncIterator[Any]:
    async for batch in keyset_batches(queryset, order, size):
        for item in batch:
            yield item


def is_postgres(queryset) -> bool:
    return queryset.model._meta.db.capabilities.dialect == "postgres"


async def list_rows(queryset, order: Sequence[str], fields: Sequence[str]) -> AsyncIterator[Any]:
    """Every row of a list in the list's order, each with `fields` as attributes, for an export. PostgreSQL: ONE
    query for the whole file through a server-side cursor (the filter runs once); SQLite: keyset batches (a
    cursor would hold SQLite's only connection for the whole download)."""
    if not is_postgres(queryset):
        async for item in keyset_rows(queryset, order):
            yield item
        return
    column = order[0].lstrip("-")
    # The sort key among the values, so an annotation is ordered by its alias (Tortoise writes an annotation's
    # subquery into ORDER BY without brackets when it is not selected).
    keys = (*fields, column) if column not in fields else fields
    async for batch in cursor_batches(_ordered(queryset, order).values(*keys)):
        for row in batch:
            yield SimpleNamespace(**row)


async def cursor_batches(queryset, size: int | None = None) -> AsyncIterator[list[dict]]:
    """A values queryset's rows as dicts from ONE query on PostgreSQL: a server-side cursor (DECLARE … in a
    transaction of its own on a pooled asyncpg connection, or the request's transaction when one is open), fetched
    `size` rows per round trip, so memory holds one batch and the filter runs once for the whole file. The cursor
    and its connection are released when the iteration ends or is closed (a client that goes away)."""
    size = size or BATCH_SIZE
    queryset._choose_db_if_not_chosen()
    queryset._make_query()
    sql, params = queryset.query.get_parameterized_sql()
    async with queryset._db.acquire_connection() as connection:
        async with connection.transaction():
            cursor = await connection.cursor(sql, *params)
            while batch := await cursor.fetch(size):
                yield [dict(record) for record in batch]
                if len(batch) < size:
                    return
