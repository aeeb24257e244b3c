"""The database connection's settings: PostgreSQL runs without JIT compilation, plans each run with its values and
prices a probe by index as memory and SSD do (talent.db.connection_config)."""

import pytest
from pydantic import ValidationError
from tortoise.connection import get_connection

from talent.db import connection_config, keep_session
from talent.settings import Settings, get_settings


def test_a_postgresql_url_asks_for_jit_off_custom_plans_and_cheap_probes_and_a_sqlite_url_for_the_project_s_engine():
    pg = connection_config("postgres://postgres@127.0.0.1:5432/talent")
    assert pg["credentials"]["server_settings"] == {
        "jit": "off",
        "plan_cache_mode": "force_custom_plan",
        "random_page_cost": "1.1",
    }
    assert pg["credentials"]["database"] == "talent"
    assert pg["credentials"]["reset"] is keep_session
    sqlite = connection_config("sqlite:///tmp/x.sqlite3?busy_timeout=10000")
    assert sqlite["engine"] == "talent.sqlite_engine"


async def test_the_running_postgresql_connection_has_jit_off_and_plans_each_run_with_its_values(db, is_postgres):
    if not is_postgres:
        pytest.skip("a PostgreSQL setting")
    _count, rows = await get_connection("default").execute_query("SHOW jit")
    assert rows[0]["jit"] == "off"
    _count, rows = await get_connection("default").execute_query("SHOW plan_cache_mode")
    assert rows[0]["plan_cache_mode"] == "force_custom_plan"
    _count, rows = await get_connection("default").execute_query("SHOW random_page_cost")
    assert rows[0]["random_page_cost"] == "1.1"


def test_an_empty_random_page_cost_leaves_the_server_s_own_and_a_word_is_refused(monkeypatch):
    monkeypatch.setenv("TALENT_PG_RANDOM_PAGE_COST", "")
    get_settings.cache_clear()
    try:
        assert "random_page_cost" not in connection_config("postgres://u@h/d")["credentials"]["server_settings"]
        monkeypatch.setenv("TALENT_PG_RANDOM_PAGE_COST", "cheap")
        with pytest.raises(ValidationError):
            Settings()
        monkeypatch.setenv("TALENT_PG_RANDOM_PAGE_COST", "2")
        assert Settings().pg_random_page_cost == "2"
    finally:
        get_settings.cache_clear()


async def test_a_statement_is_one_round_trip_the_pool_sends_no_reset_of_its_own(db, is_postgres, monkeypatch):
    if not is_postgres:
        pytest.skip("asyncpg's pool")
    import asyncpg

    resets = []

    async def reset(self, *, timeout=None):  # the default's statement (RESET ALL and the rest)
        resets.append(self)

    monkeypatch.setattr(asyncpg.connection.Connection, "reset", reset)
    await get_connection("default").execute_query("SELECT 1")
    assert resets == []
    # A transaction left open is still rolled back before the connection goes back to the pool.
    async with get_connection("default")._pool.acquire() as connection:
        await connection.execute("BEGIN")
    async with get_connection("default")._pool.acquire() as connection:
        assert not connection.is_in_transaction()


async def test_refreshing_statistics_gives_sqlite_s_planner_the_table_sizes(db, is_postgres):
    # PostgreSQL keeps its statistics across the suite's table resets, so only SQLite can show the before.
    if is_postgres:
        pytest.skip("SQLite's sqlite_stat1")
    from talent.db import statistics_refresh
    from tests.factories import world

    await world()
    conn = get_connection("default")
    has_stats = "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'"
    assert (await conn.execute_query_dict(has_stats))[0]["n"] == 0
    await statistics_refresh()
    rows = await conn.execute_query_dict("SELECT stat FROM sqlite_stat1 WHERE tbl = 'employment_spells'")
    assert rows and rows[0]["stat"]


def test_the_sqlite_placeholders_of_hand_written_statements_are_remembered_for_a_bounded_number_of_texts():
    from talent import rawsql

    rawsql._sqlite_placeholders.cache_clear()
    # Texts with values written in (a page's ids, once): each a text of its own.
    for n in range(3000):
        assert rawsql._for_dialect(f"SELECT $1 WHERE id IN ({n})", "sqlite") == f"SELECT ?1 WHERE id IN ({n})"
    assert rawsql._sqlite_placeholders.cache_info().currsize <= 1024
    assert rawsql._for_dialect("SELECT $1", "postgres") == "SELECT $1"
