"""On a SQLite file database (as served) an export's statement runs on a read-only connection of its own: the
process's connection stays free for other requests' transactions while the file streams, the rows are the
statement's snapshot, and the connection is closed when the rows end or the download stops early. (The other tests
run in ":memory:", where the statement shares the process's connection.)"""

import asyncio
import functools

import httpx
import pytest
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from talent.core import export as writers
from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.pagination import ListParams
from talent.db import tortoise_config
from talent.people import selectors as people_selectors
from talent.people.models import Worker
from talent.sqlite_engine import RowStream, StreamingMixin
from tests.conftest import PG_URL, login
from tests.exports.helpers import csv_rows
from tests.factories import world
from tests.querycount import count_queries

# SQLite's own path. Not in a PostgreSQL run: Tortoise caches each table's INSERT by connection name, and a SQLite
# "default" would leave its "?" placeholders to the PostgreSQL tests after it.
pytestmark = pytest.mark.skipif(bool(PG_URL), reason="a SQLite file database")


@pytest.fixture
async def file_db(tmp_path):
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(f"sqlite:///{tmp_path / 'talent.sqlite3'}"), _create_db=True)
        await ctx.generate_schemas(safe=False)
        from talent.certification.services import catalogue_seed

        await catalogue_seed()
        await world()
        yield ctx


@pytest.fixture
def streams(monkeypatch) -> list[RowStream]:
    """The streams the exports open, as they are opened."""
    opened: list[RowStream] = []
    execute_stream = StreamingMixin.execute_stream

    @functools.wraps(execute_stream)
    async def recorded(self, query, values=None):
        stream = await execute_stream(self, query, values)
        opened.append(stream)
        return stream

    monkeypatch.setattr(StreamingMixin, "execute_stream", recorded)
    return opened


def _worker_export():
    return people_selectors.worker_export(
        scope=Scope(user_id=0, role="admin"), params=ListParams(), today=local_today(), status="all"
    )


def _closed(stream: RowStream) -> bool:
    return stream._own is not None and stream._own._connection is None


async def test_a_transaction_commits_while_an_export_streams_and_the_file_holds_the_snapshot(
    file_db, streams, monkeypatch
):
    monkeypatch.setattr(writers, "BATCH_SIZE", 2)
    rows = _worker_export()
    first = await anext(rows)
    (stream,) = streams
    assert stream._own is not None, "a connection of the export's own"
    # Another request writes while the file is half read: it does not wait for the download.
    async with asyncio.timeout(5), in_transaction():
        await Worker.create(worker_no="W0", name="新来")
    rest = [w.worker_no async for w in rows]
    # The statement reads the snapshot it started on: the worker added meanwhile is in the next file, not this one.
    assert [first.worker_no, *rest] == ["W1", "W2", "W3", "W4"]
    assert _closed(stream)
    assert [w.worker_no async for w in _worker_export()] == ["W0", "W1", "W2", "W3", "W4"]


async def test_a_download_that_stops_early_closes_its_connection(file_db, streams, monkeypatch):
    monkeypatch.setattr(writers, "BATCH_SIZE", 2)
    rows = _worker_export()
    await anext(rows)
    (stream,) = streams
    assert not _closed(stream)
    await rows.aclose()  # the client went away
    assert _closed(stream)


async def test_an_export_from_a_file_database_is_one_statement_whatever_its_rows(file_db, streams, monkeypatch):
    from talent.app import create_app

    transport = httpx.ASGITransport(app=create_app(manage_db=False), client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await login(client, "admin")
        url = "/workers/export?format=csv&status=all"
        await client.get(url)
        monkeypatch.setattr(writers, "BATCH_SIZE", 1000)
        async with count_queries() as few:
            one_batch = csv_rows(await client.get(url))
        monkeypatch.setattr(writers, "BATCH_SIZE", 1)
        async with count_queries() as many:
            batch_per_row = csv_rows(await client.get(url))
    assert [row[0] for row in batch_per_row[1:]] == ["W1", "W2", "W3", "W4"]
    assert batch_per_row == one_batch
    assert (many.count, len(many.streamed)) == (few.count, 1)
    assert all(_closed(stream) for stream in streams) and len(streams) == 3


async def test_an_export_inside_a_transaction_reads_the_transaction_s_rows(file_db, streams, monkeypatch):
    monkeypatch.setattr(writers, "BATCH_SIZE", 2)
    async with asyncio.timeout(5), in_transaction():
        await Worker.create(worker_no="W0", name="未提交")
        # The transaction's own connection (not one of the export's own, which would not see W0) and no wait for
        # the lock the transaction holds.
        assert [w.worker_no async for w in _worker_export()] == ["W0", "W1", "W2", "W3", "W4"]
    (stream,) = streams
    assert stream._own is None
