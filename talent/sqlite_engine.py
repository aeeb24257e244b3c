"""The SQLite engine the platform uses: Tortoise's, except that transactions begin IMMEDIATE.

A transaction that starts with a read and then writes (most services do: check, then change) holds a read
snapshot first; when another process committed in between, SQLite cannot upgrade it to a write and fails at
once with "database is locked", whatever the busy timeout. Taking the write lock at BEGIN makes a second
server process wait its turn (up to the busy timeout) instead. Within one process Tortoise already runs
transactions one at a time on its single connection, so nothing is lost there.
"""

import sqlite3

from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> SqliteTransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
