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
"""

import contextlib
import sqlite3

from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
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


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> SqliteTransactionContext:
        return ImmediateTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
