"""The SQLite engine the platform uses: Tortoise's, except that transactions begin IMMEDIATE.

A transaction that starts with a read and then writes (most services do: check, then change) holds a read
snapshot first; when another process committed in between, SQLite cannot upgrade it to a write and fails at
once with "database is locked", whatever the busy timeout. Taking the write lock at BEGIN makes a second
server process wait its turn (up to the busy timeout) instead. Within one process Tortoise already runs
transactions one at a time on its single connection, so nothing is lost there.

BEGIN IMMEDIATE can itself fail, when the busy timeout runs out while another process holds the write lock.
Tortoise's transaction context does not expect its BEGIN to fail: it would keep the connection's lock and
leave the transaction installed as the current connection, so every later query of the process would wait
forever for that lock. ImmediateTransactionContext gives both back before passing the error on.

It also streams one statement's rows a batch at a time (execute_stream, for the exports), without holding the
process's one connection for the whole download.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import Sequence

import aiosqlite
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError, TransactionManagementError

from talent.core.concurrency import in_gathered_read


class RowStream:
    """The rows of one statement being run, fetched `size` at a time; close() ends the statement and, when the
    stream has a connection of its own, gives it back to its client's readers (`release`), which keep it for the
    next download or close it."""

    def __init__(
        self,
        cursor: aiosqlite.Cursor,
        *,
        own: aiosqlite.Connection | None = None,
        lock: asyncio.Lock | None = None,
        release=None,
    ):
        self._cursor = cursor
        self._own = own
        self._lock = lock
        self._release = release
        self._failed = False
        self.ended = False  # the statement ended and the connection of its own was given back

    async def fetch(self, size: int) -> Sequence[sqlite3.Row]:
        try:
            if self._lock is None:
                return await self._cursor.fetchmany(size)
            async with self._lock:
                return await self._cursor.fetchmany(size)
        except sqlite3.OperationalError as exc:
            self._failed = True
            raise OperationalError(exc) from exc

    async def close(self) -> None:
        if self.ended:
            return
        try:
            await self._cursor.close()
        except BaseException:
            self._failed = True
            raise
        finally:
            if self._own is not None:
                if self._release is not None and not self._failed:
                    await self._release(self._own)
                else:
                    await self._own.close()
            self.ended = True


class Readers:
    """The read-only connections of a file database's downloads, kept when a download ends for the next one (at
    most `keep` idle): opening one cost about 5 ms a download (its thread, the schema read again, a cold page cache;
    a county's file of 30 certificates took 3.7 ms in SQL against 0.3 ms on the warm connection). In WAL mode each
    statement on a kept connection reads the latest commit, as on a new one."""

    def __init__(self, filename: str, busy_timeout: int, keep: int = 2) -> None:
        self.filename, self.busy_timeout, self.keep = filename, busy_timeout, keep
        self._idle: list[tuple[asyncio.AbstractEventLoop, aiosqlite.Connection]] = []

    async def take(self) -> aiosqlite.Connection:
        loop = asyncio.get_running_loop()
        while self._idle:
            owner, connection = self._idle.pop()
            if owner is loop:
                return connection
            await _close_quietly(connection)  # a connection of an event loop that has gone (the tests)
        connection = await aiosqlite.connect(self.filename, isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            for pragma in (f"busy_timeout={self.busy_timeout}", "query_only=ON"):
                await (await connection.execute(f"PRAGMA {pragma}")).close()
        except BaseException:
            await connection.close()
            raise
        return connection

    async def give_back(self, connection: aiosqlite.Connection) -> None:
        if len(self._idle) < self.keep:
            self._idle.append((asyncio.get_running_loop(), connection))
        else:
            await connection.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _loop, connection in idle:
            await _close_quietly(connection)

    @property
    def idle(self) -> list[aiosqlite.Connection]:
        return [connection for _loop, connection in self._idle]


async def _close_quietly(connection: aiosqlite.Connection) -> None:
    with contextlib.suppress(Exception):
        await connection.close()


class _Reader:
    """A read-only connection of the readers' for one statement: given back after it, closed if it failed."""

    def __init__(self, readers: "Readers") -> None:
        self._readers = readers

    async def __aenter__(self) -> aiosqlite.Connection:
        self._connection = await self._readers.take()
        return self._connection

    async def __aexit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            await self._readers.give_back(self._connection)
        else:
            await _close_quietly(self._connection)


# The statements a gathered read may send to a reader: those that only read (a gathered read may still store what
# it computed, talent.figures' cached_rows: that goes to the process's connection).
_READS = ("SELECT", "WITH")


class StreamingMixin:
    """execute_stream(query, values) → RowStream: the statement runs once, its rows are read by the caller a batch
    at a time (memory holds one batch). Counted like the other execute_* methods by tests/querycount.py.

    Inside a read that talent.core.concurrency.gather_reads runs alongside others, a SELECT of a file database runs
    on a reader (execute_query, execute_query_dict), so two of a report's statements run at once, each on its own
    connection and thread."""

    def reads_apart(self) -> bool:
        """Whether statements may run on readers: a file database, outside a transaction."""
        return not isinstance(self, TransactionalDBClient) and self.filename != ":memory:"

    def _apart(self, query: str) -> bool:
        return in_gathered_read() and self.reads_apart() and query.lstrip()[:6].upper().startswith(_READS)

    async def _reader_rows(self, query: str, values: list | None) -> Sequence[sqlite3.Row]:
        query = query.replace("\x00", "'||CHAR(0)||'")
        self.log.debug("%s: %s", query, values)
        async with _Reader(self.readers()) as connection:
            return await connection.execute_fetchall(query, values)

    @translate_exceptions
    async def execute_query(self, query: str, values: list | None = None) -> tuple[int, Sequence[dict]]:
        if not self._apart(query):
            return await super().execute_query(query, values)
        rows = await self._reader_rows(query, values)
        return len(rows), rows

    @translate_exceptions
    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        if not self._apart(query):
            return await super().execute_query_dict(query, values)
        return list(map(dict, await self._reader_rows(query, values)))

    @translate_exceptions
    async def execute_stream(self, query: str, values: list | None = None) -> RowStream:
        query = query.replace("\x00", "'||CHAR(0)||'")
        self.log.debug("%s: %s", query, values)
        if isinstance(self, TransactionalDBClient) or self.filename == ":memory:":
            # Inside a transaction the rows must be the transaction's own, so they come from its connection (its
            # wrapper's lock is private to it). In a ":memory:" database (the tests) a second connection would
            # open an empty database of its own, so the process's connection runs the statement too; the lock is
            # taken per fetch only, so other requests' queries run between batches (and may see each other's
            # effects mid-file: acceptable for tests, never for a served file database, which takes the branch
            # below).
            async with self.acquire_connection() as connection:
                cursor = await connection.execute(query, values)
            return RowStream(cursor, lock=self._lock)
        # A file database: a connection of the download's own, read only. In WAL mode its statement reads one
        # consistent snapshot and neither waits for the writers nor blocks them, and the process's connection
        # (and its lock, which transactions hold) stays free for the other requests while the file streams.
        readers = self.readers()
        connection = await readers.take()
        try:
            cursor = await connection.execute(query, values)
        except BaseException:
            await connection.close()
            raise
        return RowStream(cursor, own=connection, release=readers.give_back)

    def readers(self) -> "Readers":
        if getattr(self, "_readers", None) is None:
            self._readers = Readers(self.filename, int(self.pragmas.get("busy_timeout", 0)))
        return self._readers


class ImmediateTransactionWrapper(StreamingMixin, SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateTransactionContext(SqliteTransactionContext):
    __slots__ = ()

    async def __aenter__(self):
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                # Refused ("database is locked") or cancelled while waiting for the write lock. A cancelled
                # BEGIN still runs to its end on the connection's thread; the rollback queued behind it undoes
                # it (and does nothing when BEGIN failed), so the next user of the connection is not left
                # inside a transaction it did not open.
                with contextlib.suppress(Exception):  # the original error is the one to report
                    await self.connection._connection.rollback()
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection


class ImmediateSqliteClient(StreamingMixin, SqliteClient):
    def _in_transaction(self) -> SqliteTransactionContext:
        return ImmediateTransactionContext(ImmediateTransactionWrapper(self), self._lock)

    async def close(self) -> None:
        if getattr(self, "_readers", None) is not None:
            await self._readers.close()
        await super().close()


client_class = ImmediateSqliteClient
