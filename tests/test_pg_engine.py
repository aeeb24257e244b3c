"""talent.pg_engine: PostgreSQL's client with a second pool, where the fixed statements of talent.rawsql.fixed (the
session found on every signed-in request, a page's rows found from its ids) are planned once per connection; every
other statement is planned with its values. Through the fixed pool or not, a statement sees the same rows, and inside
a transaction it is the transaction's."""

import pytest
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from talent import rawsql
from talent.accounts import selectors, services
from talent.accounts.models import Session, User
from talent.core.access import Role

PASSWORD = "a long pass phrase 2026"


async def _setting(conn, name: str) -> str:
    _count, rows = await conn.execute_query(f"SHOW {name}")
    return rows[0][name]


async def test_the_fixed_statements_pool_plans_once_with_the_app_s_other_settings_and_the_app_s_pool_plans_each_run(
    db, is_postgres
):
    if not is_postgres:
        pytest.skip("PostgreSQL's plan cache")
    app, fixed = get_connection("default"), rawsql.fixed(Session)
    assert fixed is not app
    assert await _setting(fixed, "plan_cache_mode") == "force_generic_plan"
    assert await _setting(app, "plan_cache_mode") == "force_custom_plan"
    for name in ("jit", "random_page_cost"):
        assert await _setting(fixed, name) == await _setting(app, name)


async def test_sqlite_runs_the_fixed_statements_on_its_one_connection(db, is_postgres):
    if is_postgres:
        pytest.skip("SQLite's connection")
    assert rawsql.fixed(Session) is get_connection("default")


async def test_a_session_started_inside_an_open_transaction_is_found_there_by_the_fixed_statement(db):
    # The fixed pool's connections do not see what an open transaction wrote: inside one, the statement is the
    # transaction's (a session started and read back before the commit).
    user = await services.user_create(actor=None, username="reader", password=PASSWORD, role=Role.ADMIN)
    async with in_transaction() as tx:
        token = await services.session_create(user=user, ip="127.0.0.1", user_agent="test")
        assert rawsql.fixed(Session) is tx
        session = await selectors.session_get(session_id=services.token_key(token), now=services.now_utc())
        assert session is not None and session.user.username == "reader"


async def test_the_session_read_through_the_fixed_pool_is_the_one_written_through_the_app_s_pool(db):
    user = await services.user_create(actor=None, username="writer", password=PASSWORD, role=Role.ADMIN)
    token = await services.session_create(user=user, ip="127.0.0.1", user_agent="test")
    session = await selectors.session_get(session_id=services.token_key(token), now=services.now_utc())
    assert session is not None and session.user.id == user.id and session.user.role == Role.ADMIN
    await User.filter(id=user.id).update(is_active=False)
    assert await selectors.session_get(session_id=services.token_key(token), now=services.now_utc()) is None


async def test_the_fixed_pool_closes_with_the_app_s_client(db, is_postgres):
    if not is_postgres:
        pytest.skip("PostgreSQL's pools")
    app = get_connection("default")
    fixed = app.fixed
    await fixed.execute_query("SELECT 1")
    assert fixed._pool is not None
    # Two connections at most, one open to begin with: fewer than the app's pool of five.
    assert (fixed._pool._minsize, fixed._pool._maxsize, app.pool_maxsize) == (1, 2, 5)
    await app.close()
    assert fixed._pool is None and app._fixed is None


async def test_a_stations_page_s_head_counts_are_read_through_the_pool_that_plans_once(db, monkeypatch):
    # Found from the page's station ids (talent.staffing.selectors.add_headcounts): W1 at S1 and W2 at S2 full-time
    # since 2022 (tests.factories.world), so one each; S3's W3 is not on the page.
    from datetime import date

    from talent.people.models import EmploymentSpell
    from talent.staffing.selectors import add_headcounts
    from tests.factories import world
    from tests.querycount import statements_on

    w = await world()
    seen = statements_on(rawsql.fixed(EmploymentSpell), monkeypatch)
    rows = [{"id": s.id} for s in w["stations"][:2]]
    await add_headcounts(rows, today=date(2026, 12, 1))
    assert [r["headcount"] for r in rows] == [1, 1]
    assert len(seen) == 1 and "employment_spells" in seen[0]
