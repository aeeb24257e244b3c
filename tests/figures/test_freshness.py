"""The dashboard's figures are stored under a data version that triggers raise on every change to what they read
(talent.figures.freshness): served in one statement while nothing changed, computed again after any change, on
another day, or for another scope; never stale."""

import asyncio
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from talent.accounts.selectors import scope_for
from talent.analytics.area import area_for
from talent.analytics.params import report_dates
from talent.analytics.reports import MAX_STATIONS, page_report
from talent.analytics.retention import RETENTION_GROUPS
from talent.certification.models import Certificate
from talent.core.pagination import ListParams
from talent.dashboard.selectors import staff_dashboard
from talent.figures import freshness
from talent.figures.freshness import WATCHED, cached, current_version, decode, encode, figures_prune
from talent.figures.models import FigureCache
from talent.pay import selectors as pay
from talent.people import services as people
from talent.places.models import CertLevel
from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries

DAY = date(2026, 12, 1)
ROLES = ("admin", "citybureau", "bureau", "hr", "supervisor")


async def _scope(w, role: str, day: date = DAY):
    user = w["users"][role]
    await user.fetch_related("region", "organisation")
    return await scope_for(user, today=day)


async def test_a_second_visit_is_one_statement_and_the_same_figures(db):
    w = await world()
    scope = await _scope(w, "admin")
    async with count_queries() as first:
        computed = await staff_dashboard(scope=scope, today=DAY)
    async with count_queries() as second:
        served = await staff_dashboard(scope=scope, today=DAY)
    # world(): 4 stations with one full-time worker each since 2022, no certificate, nobody left.
    assert computed["figures"] == {"stations": 4, "headcount": 4, "certified": 0, "exits_12m": 0}
    assert served == computed
    assert first.count > 2 and second.count == 1


async def test_a_change_through_a_service_is_counted_on_the_next_visit(db):
    w = await world()
    scope = await _scope(w, "bureau")
    before = await staff_dashboard(scope=scope, today=DAY)
    # County A holds S1 and S2, W1 and W2: headcount 2, certified 0. W1 obtains a certificate: certified 1.
    await Certificate.create(
        worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=date(2024, 1, 1)
    )
    after_certificate = await staff_dashboard(scope=scope, today=DAY)
    # W2 leaves ten days before DAY: headcount 1 (W1), one separation in the last 12 months.
    spell = await w["workers"][1].spells.all().first()
    await people.spell_exit(
        actor=w["users"]["admin"],
        scope=await _scope(w, "admin"),
        spell=spell,
        end_on=DAY - timedelta(days=10),
        exit_type="voluntary",
        exit_reason="pay",
    )
    after_exit = await staff_dashboard(scope=scope, today=DAY)
    assert (before["figures"]["headcount"], before["figures"]["certified"]) == (2, 0)
    assert (after_certificate["figures"]["headcount"], after_certificate["figures"]["certified"]) == (2, 1)
    assert after_exit["figures"] == {"stations": 2, "headcount": 1, "certified": 1, "exits_12m": 1}


async def test_another_day_or_another_scope_computes_its_own_figures(db):
    w = await world()
    admin, bureau = await _scope(w, "admin"), await _scope(w, "bureau")
    await staff_dashboard(scope=admin, today=DAY)
    async with count_queries() as other_scope:
        figures = await staff_dashboard(scope=bureau, today=DAY)
    async with count_queries() as next_day:
        await staff_dashboard(scope=admin, today=DAY + timedelta(days=1))
    # The bureau's county holds 2 of the 4 stations: not the admin's stored figures.
    assert figures["figures"]["stations"] == 2
    assert other_scope.count > 1 and next_day.count > 1


async def test_a_change_committed_while_figures_are_computed_is_not_hidden_by_them(db):
    w = await world()

    async def compute_then_change() -> dict:
        figures = {"figures": {"headcount": 4}}
        # A writer commits after the version was read and the figures computed: they must not be served again.
        await Certificate.create(worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C9", obtained_on=DAY)
        return figures

    stale = await cached(key="t", day=DAY, compute=compute_then_change)

    async def fresh() -> dict:
        return {"figures": {"headcount": 5}}

    assert stale == {"figures": {"headcount": 4}}
    assert await cached(key="t", day=DAY, compute=fresh) == {"figures": {"headcount": 5}}


async def _until(condition) -> None:
    """Let the other tasks run (their statements too) until `condition()` holds."""
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the condition never held")


def _waiting(n: int):
    """Whether `n` requests are waiting for the one computation under way."""
    return lambda: [flight.waiting for flight in freshness._computing.values()] == [n]


FIGURES = {"figures": {"pay": Decimal("3500.50"), "on": DAY}}


class Held:
    """A computation of FIGURES that, once started, waits to be released (then answers, or raises `error`)."""

    def __init__(self, name: str, runs: list[str], error: Exception | None = None) -> None:
        self.name, self.runs, self.error = name, runs, error
        self.started, self.released = asyncio.Event(), asyncio.Event()

    async def __call__(self) -> dict:
        self.runs.append(self.name)
        self.started.set()
        await self.released.wait()
        if self.error is not None:
            raise self.error
        return {"figures": {"pay": Decimal("3500.50"), "on": DAY}}

    async def start(self) -> asyncio.Task:
        """The first request, computing: returned once its computation has started."""
        task = asyncio.create_task(cached(key="t", day=DAY, compute=self))
        await self.started.wait()
        return task


async def test_requests_asking_for_figures_being_computed_wait_for_them_and_they_are_computed_once(db):
    await world()
    runs: list[str] = []
    compute = Held("first", runs)
    first = await compute.start()
    others = [asyncio.create_task(cached(key="t", day=DAY, compute=compute)) for _ in range(2)]
    await _until(_waiting(2))
    compute.released.set()
    results = [await first, await others[0], await others[1]]
    assert runs == ["first"]
    assert results == [FIGURES, FIGURES, FIGURES]
    # The waiting requests read the stored text, as a later visit would: none shares another's objects.
    assert results[1]["figures"] is not results[0]["figures"] and results[1]["figures"] is not results[2]["figures"]
    assert freshness._computing == {}


@pytest.mark.parametrize("ending", ["cancelled", "failed"])
async def test_a_request_waiting_for_a_computation_that_ends_without_figures_computes_them_itself(db, ending):
    await world()
    runs: list[str] = []
    failing, succeeding = Held("first", runs, ValueError("the statement failed")), Held("second", runs)
    succeeding.released.set()
    first = await failing.start()
    second = asyncio.create_task(cached(key="t", day=DAY, compute=succeeding))
    await _until(_waiting(1))
    if ending == "cancelled":  # the first request's client went away
        first.cancel()
    else:
        failing.released.set()
    assert await second == FIGURES
    with pytest.raises(asyncio.CancelledError if ending == "cancelled" else ValueError):
        await first
    assert runs == ["first", "second"]
    # The second request stored them: the next visit reads them.
    async with count_queries() as later:
        assert await cached(key="t", day=DAY, compute=failing) == FIGURES
    assert later.count == 1 and runs == ["first", "second"]


async def test_a_waiting_request_that_is_cancelled_leaves_the_computation_to_finish(db):
    await world()
    runs: list[str] = []
    compute = Held("first", runs)
    first = await compute.start()
    second = asyncio.create_task(cached(key="t", day=DAY, compute=compute))
    await _until(_waiting(1))
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    compute.released.set()
    assert await first == FIGURES
    assert runs == ["first"] and freshness._computing == {}


async def test_two_visits_at_once_after_a_change_compute_the_dashboard_once(client):
    w = await world()
    await login(client, "admin")
    await client.get("/")
    await Certificate.create(worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=DAY)
    async with count_queries() as computed:
        alone = await client.get("/")
    async with count_queries() as stored:
        await client.get("/")
    await Certificate.create(worker=w["workers"][1], level=CertLevel.ASSISTANT, number="C2", obtained_on=DAY)
    async with count_queries() as together:
        first, second = await asyncio.gather(client.get("/"), client.get("/"))
    # One visit computes the figures; the other reads them as a visit after it would, whether it waited for them or
    # came after they were stored.
    assert together.count == computed.count + stored.count
    assert computed.count > stored.count
    # 2 of world()'s 4 full-time workers certified: 50.0% on both pages (25.0% before the second certificate).
    assert "25.0%" in alone.text
    assert "50.0%" in first.text and "50.0%" in second.text


def test_stored_rows_come_back_with_their_amounts_and_days():
    # PostgreSQL returns numeric as Decimal and dates as dates: read back from JSON they must be the same values
    # (a float loses the fen; a string compares as text against a date).
    row = {"pay": Decimal("4012.35"), "since": date(2023, 1, 31), "at": datetime(2026, 12, 1, 8, 30), "n": 3}
    assert decode(encode([row])) == [row]
    assert isinstance(decode(encode(Decimal("0.10"))), Decimal) and str(decode(encode(Decimal("0.10")))) == "0.10"


@pytest.mark.parametrize("table", WATCHED)
async def test_every_watched_table_raises_the_version_when_a_row_changes(db, table):
    w = await world()
    conn = get_connection("default")
    # A row of every watched table: world() and the seeded catalogue fill most; a certificate is added here.
    await Certificate.create(worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=DAY)
    before = await current_version()
    _n, rows = await conn.execute_query(f'SELECT COUNT(*) AS n FROM "{table}"')
    if rows[0]["n"] == 0:
        pytest.skip(f"{table} has no row here; the trigger check below covers it")
    await conn.execute_script(f'UPDATE "{table}" SET id = id WHERE id = (SELECT MIN(id) FROM "{table}")')
    assert await current_version() > before


async def test_every_watched_table_has_its_trigger(db, is_postgres):
    conn = get_connection("default")
    if is_postgres:
        _n, rows = await conn.execute_query("SELECT tgname AS name FROM pg_trigger WHERE tgname LIKE 'talent_watch_%'")
        found = {r["name"] for r in rows}
        assert found == {f"talent_watch_{t}" for t in WATCHED}
    else:
        _n, rows = await conn.execute_query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        found = {r["name"] for r in rows}
        assert found >= {f"talent_watch_{t}_{op}" for t in WATCHED for op in ("insert", "update", "delete")}


async def test_every_table_the_dashboard_the_reports_and_the_pay_lists_read_is_watched(db):
    # If a measure starts reading a table no trigger watches, a change there would leave stale figures served: the
    # statements of each role's dashboard, reports page (every retention group) and pay lists (compliance in every
    # grouping, its rows, the proposed changes) name only watched tables.
    w = await world()
    await Certificate.create(
        worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=date(2024, 1, 1)
    )
    tables = {m._meta.db_table for app in Tortoise.apps.values() for m in app.values()}
    read: set[str] = set()
    dates, _valid = report_dates(DAY)
    for role in ROLES:
        scope = await _scope(w, role)  # the scope's own reads are in the cache key, not in the figures
        area = await area_for(scope)
        async with count_queries() as counter:
            await staff_dashboard(scope=scope, today=DAY)
            for group in ("", *RETENTION_GROUPS):
                await page_report(area, dates, group, DAY, listed=MAX_STATIONS)
            for group in ("", *pay.GROUPS):
                await pay.compliance_summary(scope=scope, on=DAY, group_by=group)
            await pay.compliance_rows(scope=scope, on=DAY, params=ListParams())
            await pay.proposals(scope=scope, on=DAY, params=ListParams())
            await pay.retention_by_status(scope=scope, on=DAY)
        for statement in counter.statements:
            read |= {t for t in tables if re.search(rf'(?<![\w.])"?{re.escape(t)}"?(?!\w)', statement)}
    assert {"employment_spells", "certificates", "exam_results", "pay_salary_records", "cohorts"} <= read
    assert {"pay_assessments", "pay_change_decisions", "pay_allowances", "pay_performance_steps"} <= read
    assert sorted(read - set(WATCHED) - {"data_versions", "figure_cache"}) == []


async def test_on_postgresql_a_transaction_raises_the_version_once_when_it_commits(db, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite runs one writer at a time; its triggers raise the version per row")
    w = await world()
    before = await current_version()
    async with in_transaction() as conn:
        for worker in w["workers"]:
            await conn.execute_query(f"UPDATE workers SET name = name WHERE id = {int(worker.id)}")
        inside = (await conn.execute_query_dict("SELECT version FROM data_versions"))[0]["version"]
    # Deferred to the commit: unchanged inside the transaction, one more after it, for four changed rows.
    assert inside == before
    assert await current_version() == before + 1


async def test_pruning_keeps_only_the_figures_of_the_current_version(db):
    w = await world()

    async def figures() -> dict:
        return {"n": 1}

    await cached(key="old", day=DAY, compute=figures)
    await Certificate.create(worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=DAY)
    await cached(key="new", day=DAY, compute=figures)
    # "old" was stored under the version before the certificate, "new" under the current one.
    assert await figures_prune() == 1
    assert await FigureCache.all().values_list("key", flat=True) == ["new"]
