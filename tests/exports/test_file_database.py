"""On a SQLite file database (as served) an export's statement runs on a read-only connection of its own: the
process's connection stays free for other requests' transactions while the file streams, the rows are the
statement's snapshot, and the statement ends when the rows end or the download stops early, giving the connection
back for the next download (at most two are kept; closing the client closes them). (The other tests run in
":memory:", where the statement shares the process's connection.)"""

import asyncio
import functools

import httpx
import pytest
from tortoise import Tortoise
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from talent.core import export as writers
from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.pagination import ListParams
from talent.people import selectors as people_selectors
from talent.people.models import Worker
from talent.sqlite_engine import RowStream, StreamingMixin
from tests.conftest import PG_URL, file_database, login
from tests.exports.helpers import csv_rows
from tests.factories import world
from tests.querycount import count_queries

# SQLite's own path. Not in a PostgreSQL run: Tortoise caches each table's INSERT by connection name, and a SQLite
# "default" would leave its "?" placeholders to the PostgreSQL tests after it.
pytestmark = pytest.mark.skipif(bool(PG_URL), reason="a SQLite file database")


@pytest.fixture
async def file_db(tmp_path):
    async with file_database(tmp_path / "talent.sqlite3") as ctx:
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


def _ended(stream: RowStream) -> bool:
    """The statement ended and its connection of its own was given back (kept for the next download, or closed)."""
    return stream._own is not None and stream.ended


def _open(connection) -> bool:
    return connection._connection is not None


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
    assert _ended(stream)
    assert [w.worker_no async for w in _worker_export()] == ["W0", "W1", "W2", "W3", "W4"]


async def test_a_download_that_stops_early_closes_its_connection(file_db, streams, monkeypatch):
    monkeypatch.setattr(writers, "BATCH_SIZE", 2)
    rows = _worker_export()
    await anext(rows)
    (stream,) = streams
    assert not _ended(stream)
    await rows.aclose()  # the client went away
    assert _ended(stream)


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
    assert all(_ended(stream) for stream in streams) and len(streams) == 3


async def test_an_export_inside_a_transaction_reads_the_transaction_s_rows(file_db, streams, monkeypatch):
    monkeypatch.setattr(writers, "BATCH_SIZE", 2)
    async with asyncio.timeout(5), in_transaction():
        await Worker.create(worker_no="W0", name="未提交")
        # The transaction's own connection (not one of the export's own, which would not see W0) and no wait for
        # the lock the transaction holds.
        assert [w.worker_no async for w in _worker_export()] == ["W0", "W1", "W2", "W3", "W4"]
    (stream,) = streams
    assert stream._own is None


async def test_the_next_download_reads_the_latest_commit_on_the_connection_the_last_one_gave_back(file_db, streams):
    """Opening a connection cost a download about 5 ms (its thread, the schema, a cold cache): one is kept."""
    assert [w.worker_no async for w in _worker_export()] == ["W1", "W2", "W3", "W4"]
    async with in_transaction():
        await Worker.create(worker_no="W0", name="新来")
    assert [w.worker_no async for w in _worker_export()] == ["W0", "W1", "W2", "W3", "W4"]
    first, second = streams
    assert second._own is first._own and _open(first._own)


async def test_downloads_at_once_each_have_a_connection_and_two_are_kept_until_the_client_closes(
    file_db, streams, monkeypatch
):
    monkeypatch.setattr(writers, "BATCH_SIZE", 1)
    running = [_worker_export() for _ in range(3)]
    assert [(await anext(rows)).worker_no for rows in running] == ["W1"] * 3
    connections = [stream._own for stream in streams]
    assert len({id(c) for c in connections}) == 3
    for rows in running:
        assert [w.worker_no async for w in rows] == ["W2", "W3", "W4"]
    assert all(_ended(stream) for stream in streams)
    readers = Tortoise.get_connection("default").readers()
    assert len(readers.idle) == 2 and sum(_open(c) for c in connections) == 2
    await Tortoise.get_connection("default").close()
    assert readers.idle == [] and not any(_open(c) for c in connections)


async def test_a_statement_that_fails_closes_its_connection_instead_of_keeping_it(file_db, streams):
    client = Tortoise.get_connection("default")
    with pytest.raises(OperationalError):
        await client.execute_stream("SELECT * FROM no_such_table")
    assert client.readers().idle == []
    stream = await client.execute_stream("SELECT worker_no FROM workers ORDER BY worker_no")
    assert [row[0] for row in await stream.fetch(10)] == ["W1", "W2", "W3", "W4"]
    await stream.close()
    assert client.readers().idle == [stream._own]
