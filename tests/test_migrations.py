"""The committed migrations (talent/migrations) build exactly the schema the models describe, and the app
refuses to start on a database they have not been applied to.

Runs on a temporary SQLite file, and also on a fresh PostgreSQL database when TALENT_TEST_DATABASE_URL is set.
"""

import gc
import importlib
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from tortoise.context import TortoiseContext
from tortoise.models import Model

from talent.db import ALL_MODULES, is_postgres, tortoise_config
from talent.settings import get_settings
from tests.conftest import PG_URL, _admin, _with_database


@asynccontextmanager
async def _fresh_database_url(tmp_path: Path, name: str):
    """A URL to an empty database: a temp SQLite file, or a new PostgreSQL database dropped afterwards."""
    if not PG_URL:
        yield f"sqlite://{tmp_path / (name + '.sqlite3')}"
        return
    db_name = f"talent_mig_{name}_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{db_name}"')
    try:
        yield _with_database(PG_URL, db_name)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


async def _apply_migrations(url: str) -> None:
    from tortoise.cli.cli import tortoise_cli_context
    from tortoise.migrations.api import migrate

    config = tortoise_config(url)
    async with tortoise_cli_context(config):
        await migrate(config=config)


async def _generate_schemas(url: str) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        await ctx.generate_schemas(safe=False)


@pytest.fixture(scope="module")
def migrated_url(tmp_path_factory):
    """One database the committed migrations were applied to, shared by the tests that only read it: applying
    them costs 15–25 s a time, and four tests applying them each were a minute and a half of every CI run."""
    import asyncio

    if PG_URL:
        # Made and dropped by hand: asyncio.run would close a suspended _fresh_database_url early.
        name = f"talent_mig_shared_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        url = _with_database(PG_URL, name)
    else:
        url = f"sqlite://{tmp_path_factory.mktemp('migrated') / 'migrated.sqlite3'}"
    try:
        asyncio.run(_apply_migrations(url))
        yield url
    finally:
        if PG_URL:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _norm_type(sql_type: str) -> str:
    return " ".join(sql_type.lower().split())


async def _schema(url: str) -> dict:
    """Tables → columns (type, nullable, default) plus the indexed column sets and foreign keys, read back
    from the database itself. Index and constraint *names* are left out: two ways of building the same
    schema may name them differently without any difference in behaviour."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        from tortoise.connection import get_connection

        conn = get_connection("default")
        schema: dict = {}
        if is_postgres(url):
            _n, cols = await conn.execute_query(
                "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns"
                " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
            )
            for row in cols:
                table = schema.setdefault(row["table_name"], {"columns": {}, "indexes": set(), "fks": set()})
                table["columns"][row["column_name"]] = (
                    _norm_type(row["data_type"]),
                    row["is_nullable"] == "YES",
                    row["column_default"],
                )
            _n, idx = await conn.execute_query(
                "SELECT t.relname AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,"
                " array_agg(a.attname ORDER BY array_position(ix.indkey, a.attnum)) AS columns"
                " FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid"
                " JOIN pg_namespace n ON n.oid = t.relnamespace"
                " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey)"
                " WHERE n.nspname = 'public' GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary"
            )
            for row in idx:
                schema[row["table_name"]]["indexes"].add(
                    (tuple(row["columns"]), bool(row["is_unique"]), bool(row["is_primary"]))
                )
            _n, fks = await conn.execute_query(
                "SELECT cl.relname AS table_name, a.attname AS column_name, rc.relname AS ref_table,"
                " c.confdeltype AS on_delete"
                " FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid"
                " JOIN pg_class rc ON rc.oid = c.confrelid"
                " JOIN pg_namespace n ON n.oid = cl.relnamespace"
                " JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = ANY(c.conkey)"
                " WHERE c.contype = 'f' AND n.nspname = 'public'"
            )
            for row in fks:
                schema[row["table_name"]]["fks"].add((row["column_name"], row["ref_table"], row["on_delete"]))
        else:
            _n, tables = await conn.execute_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            for t in tables:
                name = t["name"]
                table = schema.setdefault(name, {"columns": {}, "indexes": set(), "fks": set()})
                _n, cols = await conn.execute_query(f'PRAGMA table_info("{name}")')
                for c in cols:
                    table["columns"][c["name"]] = (_norm_type(c["type"]), not c["notnull"], c["dflt_value"], c["pk"])
                _n, idx = await conn.execute_query(f'PRAGMA index_list("{name}")')
                for i in idx:
                    _n, info = await conn.execute_query(f'PRAGMA index_info("{i["name"]}")')
                    columns = tuple(r["name"] for r in sorted(info, key=lambda r: r["seqno"]))
                    table["indexes"].add((columns, bool(i["unique"]), i["origin"] == "pk"))
                _n, fks = await conn.execute_query(f'PRAGMA foreign_key_list("{name}")')
                for f in fks:
                    table["fks"].add((f["from"], f["table"], f["on_delete"]))
        return schema


MIGRATION_TABLES = {"tortoise_migrations"}


def _comments_with_semicolons() -> list[str]:
    """Tortoise's SQLite schema editor runs a migration's DDL split on ';', so a model docstring or field
    description holding a ';' (it becomes a /* comment */ in CREATE TABLE) breaks `talent migrate` on SQLite."""
    found = []
    for module_name in ALL_MODULES:
        module = importlib.import_module(module_name)
        for model in vars(module).values():
            if isinstance(model, type) and issubclass(model, Model) and model.__module__ == module_name:
                meta = model._meta
                if ";" in (meta.table_description or ""):
                    found.append(model.__name__)
                for name, field in meta.fields_map.items():
                    if ";" in (field.description or ""):
                        found.append(f"{model.__name__}.{name}")
    return found


def test_no_table_or_column_comment_holds_a_semicolon():
    # Guards the SQLite path of `talent migrate`: a ';' in a docstring or field description used to break it.
    assert _comments_with_semicolons() == []


async def test_the_committed_migrations_leave_no_model_change_undetected():
    # What `tortoise makemigrations` would write: the project state the migrations build, diffed against the
    # models. An empty list means the migrations describe every model, field and index exactly.
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        autodetector = MigrationAutodetector(ctx.apps, config["apps"])
        writers = await autodetector.changes()
    pending = {w.name: [type(op).__name__ for op in w.operations] for w in writers}
    assert pending == {}, f"models and migrations differ; run makemigrations: {pending}"


async def test_migrating_a_fresh_database_builds_the_same_schema_as_the_models(tmp_path, migrated_url):
    async with _fresh_database_url(tmp_path, "generated") as generated:
        await _generate_schemas(generated)
        by_migrations = await _schema(migrated_url)
        by_models = await _schema(generated)

    recorder_tables = set(by_migrations) - set(by_models)
    assert recorder_tables <= MIGRATION_TABLES | {"tortoise_migration"}, recorder_tables
    for name in recorder_tables:
        del by_migrations[name]
    assert sorted(by_migrations) == sorted(by_models)
    for name in by_models:
        assert by_migrations[name]["columns"] == by_models[name]["columns"], name
        assert by_migrations[name]["indexes"] == by_models[name]["indexes"], name
        assert by_migrations[name]["fks"] == by_models[name]["fks"], name


async def test_every_foreign_key_column_leads_an_index_of_the_migrated_schema(migrated_url):
    # Issue 11: a foreign key without an index made one correlated subquery scan a whole table per row
    # (employment_spells.worker_id). A column leads an index when it is the index's first column (a composite
    # (worker_id, effective_from) serves lookups by worker_id alone).
    schema = await _schema(migrated_url)
    unindexed = sorted(
        f"{name}.{column}"
        for name, table in schema.items()
        for column, _target, _on_delete in table["fks"]
        if not any(columns[0] == column for columns, _unique, _pk in table["indexes"])
    )
    assert unindexed == []


def _large_lists() -> dict[str, list[tuple[str, ...]]]:
    """The national demo's largest lists: table → the columns each of their sorts orders by and each of their
    filters selects (several columns where a filter pins them together), as the leading columns of an index."""
    from talent.accounts.selectors import USER_SORTS
    from talent.audit.selectors import SORTS as AUDIT_SORTS
    from talent.people.selectors import SORTS as WORKER_SORTS
    from talent.places.selectors import ORGANISATION_SORTS, REGION_SORTS, STATION_SORTS

    def columns(sorts: dict[str, str]) -> list[tuple[str, ...]]:
        # A sort through a relation ("region__name") or a computed value ("since") is not a column of the table;
        # the id is the primary key (on SQLite the rowid, which its index list does not show).
        return [(column,) for column in sorts.values() if "__" not in column and column not in ("since", "id")]

    return {
        "users": [*columns(USER_SORTS), ("role",)],
        "regions": columns(REGION_SORTS),
        "stations": columns(STATION_SORTS),
        "organisations": columns(ORGANISATION_SORTS),
        "workers": columns(WORKER_SORTS),
        # A record's history: the entries of one entity and id (each detail page links to it).
        "audit_entries": [*columns(AUDIT_SORTS), ("entity", "entity_id")],
    }


async def test_every_sort_and_filter_of_the_largest_lists_is_read_from_an_index(migrated_url):
    # Issue 11: without one, a sort of the national demo's 729,902 audit entries or 125,782 accounts ordered the
    # whole table for each page (the audit list by actor: 464 ms on PostgreSQL, 651 ms on SQLite).
    schema = await _schema(migrated_url)
    unserved = sorted(
        f"{table}.{'+'.join(lead)}"
        for table, wanted in _large_lists().items()
        for lead in wanted
        if not any(index[: len(lead)] == lead for index, _unique, _pk in schema[table]["indexes"])
    )
    assert unserved == []


async def test_after_migrating_nothing_is_pending(migrated_url):
    from talent.app import pending_migrations

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(migrated_url))
        assert await pending_migrations() == []


@pytest.fixture
def database_env(monkeypatch):
    """Point the settings at a given database URL; get_settings() is cached, so clear it before and after."""
    from talent.settings import get_settings

    def use(url: str) -> None:
        monkeypatch.setenv("TALENT_DATABASE_URL", url)
        get_settings.cache_clear()

    yield use
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_the_app_refuses_to_start_on_an_unmigrated_database(tmp_path, database_env):
    from talent.app import UnmigratedDatabase, create_app

    async with _fresh_database_url(tmp_path, "empty") as url:
        database_env(url)
        app = create_app()
        with pytest.raises(UnmigratedDatabase, match="talent migrate"):
            async with app.router.lifespan_context(app):
                pass


async def test_the_app_starts_on_a_migrated_database(migrated_url, database_env):
    from talent.app import create_app

    database_env(migrated_url)
    app = create_app()
    started = False
    young = gc.get_threshold()[0]
    async with app.router.lifespan_context(app):
        started = True
        # The served process's collector (talent.core.collector), set while the app runs and undone after.
        assert gc.get_threshold()[0] == get_settings().gc_young_threshold != young
        assert gc.get_freeze_count() > 0
    assert started
    assert gc.get_threshold()[0] == young
    assert gc.get_freeze_count() == 0


async def test_upgrading_a_database_that_holds_accounts_and_workers_keeps_them(tmp_path):
    # Columns added to tables that already have rows need a database default (an ORM default is not one):
    # 0004 (users.email) once failed on an upgrade from 0003 with accounts in it.
    from tortoise.cli.cli import tortoise_cli_context
    from tortoise.migrations.api import migrate

    async with _fresh_database_url(tmp_path, "upgrade") as url:
        config = tortoise_config(url)
        async with tortoise_cli_context(config):
            await migrate(
                config=config,
                app_labels=["models"],
                target="models.0003_exam_catalogue_results_registrations_notifications",
            )
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            from tortoise.connection import get_connection

            conn = get_connection("default")
            now = "2026-01-01 00:00:00+00" if is_postgres(url) else "2026-01-01 00:00:00"
            await conn.execute_script(
                "INSERT INTO users (username, display_name, password_hash, role, is_active, created_at) "
                f"VALUES ('old', '', 'x', 'admin', TRUE, '{now}')"
            )
            await conn.execute_script(
                "INSERT INTO workers (worker_no, name, social_work_major, source, phone, id_number, created_at) "
                f"VALUES ('W-OLD', '旧', FALSE, 'other', '', '', '{now}')"
            )
        await _apply_migrations(url)
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            from tortoise.connection import get_connection

            rows = await get_connection("default").execute_query_dict("SELECT username, email FROM users")
            assert rows == [{"username": "old", "email": ""}]
            workers = await get_connection("default").execute_query_dict(
                "SELECT worker_no, registered_region_path FROM workers"
            )
            assert workers == [{"worker_no": "W-OLD", "registered_region_path": ""}]


class _Undo(Exception):
    """Rolls back what a test wrote to the shared migrated database."""


async def test_the_migrated_triggers_raise_a_changed_tables_version_and_the_version_of_every_change(migrated_url):
    from tortoise.connection import get_connection
    from tortoise.transactions import in_transaction

    from talent.figures.freshness import VERSION, WATCHED

    async def versions(conn) -> dict[str, int]:
        return {
            r["name"]: r["version"] for r in await conn.execute_query_dict("SELECT name, version FROM data_versions")
        }

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(migrated_url))
        before = await versions(get_connection("default"))
        with pytest.raises(_Undo):
            async with in_transaction() as conn:
                # exam_subjects holds the national catalogue the migrations load.
                await conn.execute_script(
                    "UPDATE exam_subjects SET id = id WHERE id = (SELECT MIN(id) FROM exam_subjects)"
                )
                if is_postgres(migrated_url):
                    await conn.execute_script("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred triggers run now
                after = await versions(conn)
                raise _Undo()
    assert set(before) == {VERSION, *WATCHED}
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {VERSION, "exam_subjects"}
    assert after[VERSION] == before[VERSION] + 1 and after["exam_subjects"] == before["exam_subjects"] + 1
