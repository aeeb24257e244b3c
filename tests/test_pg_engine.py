"""talent.pg_engine: PostgreSQL's client with a second pool, where the fixed statements of talent.rawsql.fixed (the
session found on every signed-in request, a page's rows found from its ids) are planned once per connection; on the
app's pool a statement with parameters is planned with their values on each run, one without any (its values written
in: talent.core.sql.literal_date) once. Through the fixed pool or not, a statement sees the same rows, and inside
a transaction it is the transaction's."""

from datetime import date

import pytest
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from talent import rawsql
from talent.accounts import selectors, services
from talent.accounts.models import Session, User
from talent.core.access import Role
from talent.core.clock import local_today
from talent.core.periods import active_on
from talent.core.sql import literal_count, under
from talent.people.models import EmploymentSpell

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


async def _live(token: str):
    key = services.token_key(token)
    return await selectors.session_get(session_id=key, now=services.now_utc(), today=local_today())


async def test_a_session_started_inside_an_open_transaction_is_found_there_by_the_fixed_statement(db):
    # The fixed pool's connections do not see what an open transaction wrote: inside one, the statement is the
    # transaction's (a session started and read back before the commit).
    user = await services.user_create(actor=None, username="reader", password=PASSWORD, role=Role.ADMIN)
    async with in_transaction() as tx:
        token = await services.session_create(user=user, ip="127.0.0.1", user_agent="test")
        assert rawsql.fixed(Session) is tx
        session = await _live(token)
        assert session is not None and session.user.username == "reader"


async def test_the_session_read_through_the_fixed_pool_is_the_one_written_through_the_app_s_pool(db):
    user = await services.user_create(actor=None, username="writer", password=PASSWORD, role=Role.ADMIN)
    token = await services.session_create(user=user, ip="127.0.0.1", user_agent="test")
    session = await _live(token)
    assert session is not None and session.user.id == user.id and session.user.role == Role.ADMIN
    await User.filter(id=user.id).update(is_active=False)
    assert await _live(token) is None


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


async def test_the_app_s_pool_plans_a_statement_whose_values_are_written_in_once_and_a_bound_one_on_each_run(
    db, is_postgres
):
    # Why a list's scope, day and page size are written into its statements (talent.core.sql.literal_date): the
    # app's pool plans each run of a statement with parameters (custom plans, talent.db), but a statement without
    # any keeps the one plan it was first given. Each statement is run three times on one connection.
    if not is_postgres:
        pytest.skip("PostgreSQL's plan cache")
    day = date(2026, 12, 7)
    written = EmploymentSpell.filter(active_on(day), under("station__region_path", "32/")).limit(literal_count(25))
    bound = EmploymentSpell.filter(start_on__lte=day, end_on=None).limit(25)
    plans = {}
    async with get_connection("default").acquire_connection() as connection:
        for name, queryset in (("written", written), ("bound", bound)):
            queryset._make_query()
            sql, values = queryset.query.get_parameterized_sql()
            for _ in range(3):
                await connection.fetch(sql, *values)
            plans[name] = tuple(
                await connection.fetchrow(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1", sql
                )
            )
            assert (name, len(values)) in {("written", 0), ("bound", 2)}
    # (generic plans, custom plans): the written statement planned once and its plan reused on each of the three
    # runs; the bound one planned on each run.
    assert plans == {"written": (3, 0), "bound": (0, 3)}


async def test_a_region_or_station_found_by_its_unique_code_or_path_is_read_through_the_pool_that_plans_once(
    db, monkeypatch, is_postgres
):
    # One plan serves every code or path (a unique index): the report's area, the pickers' names, the coverage
    # page's region, the catalog's region filter. Nothing through the app's pool (on SQLite both are its one
    # connection).
    from courses.catalog.selectors import _region_path
    from talent.analytics.area import area_for
    from talent.certification import selectors as certification
    from talent.places import selectors as places
    from talent.places.models import Region
    from talent.supervision.selectors import coverage_region
    from tests.factories import world
    from tests.places.helpers import scope_of
    from tests.querycount import statements_on

    w = await world()
    city = await scope_of(w["users"]["citybureau"])
    fixed = statements_on(rawsql.fixed(Region), monkeypatch)
    app = statements_on(get_connection("default"), monkeypatch) if is_postgres else []
    assert (await places.region_for_code(scope=city, code="320102")).name == "玄武区"
    assert await places.station_name_for_code(scope=city, code="S1") == "社工站1"
    assert (await certification.region_of_path(path="320000/320100/")).code == "320100"
    assert (await certification.region_by_code(scope=city, code="320104")).code == "320104"
    assert (await area_for(city)).region.code == "320100"
    assert (await area_for(city, "320102")).region.code == "320102"
    assert (await coverage_region(scope=city)).code == "320100"
    assert (await coverage_region(scope=city, code="320104")).code == "320104"
    assert await _region_path("320102") == "320000/320100/320102/"
    assert len(fixed) == 9 and app == []
