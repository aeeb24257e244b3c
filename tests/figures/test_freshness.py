"""The dashboard's figures are stored under a data version that triggers raise on every change to what they read
(talent.figures.freshness): served in one statement while nothing changed, computed again after any change, on
another day, or for another scope; never stale."""

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from talent.accounts.selectors import scope_for
from talent.analytics import reports
from talent.analytics.area import area_for
from talent.analytics.params import report_dates
from talent.analytics.reports import MAX_STATIONS, PART_READS, REPORT_READS, RETENTION_READS, full_report, page_report
from talent.analytics.retention import RETENTION_GROUPS
from talent.certification.models import CeCredit, Certificate
from talent.core.pagination import ListParams
from talent.dashboard import selectors as dashboard
from talent.dashboard.selectors import DASHBOARD_PART_READS, DASHBOARD_READS, staff_dashboard
from talent.figures import freshness
from talent.figures.freshness import WATCHED, cached, current_version, decode, encode, figures_prune, reads_of
from talent.figures.models import FigureCache
from talent.pay import selectors as pay
from talent.pay.models import SalaryRecord
from talent.people import services as people
from talent.people.models import Worker
from talent.places.models import CertLevel
from talent.rawsql import fetch_all
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


async def _claim_as_another_process(minutes_ago: int = 0) -> None:
    """What another server process writes when it starts computing figure "t" of DAY under the current version of
    every watched table (freshness.cached's default): its claim, an empty payload."""
    names = ", ".join(f"'{t}'" for t in WATCHED)
    version = (await fetch_all(FigureCache, f"SELECT SUM(version) AS v FROM data_versions WHERE name IN ({names})"))[0][
        "v"
    ]
    await FigureCache.create(key="t", version=int(version), day=DAY, payload=freshness.CLAIMED)
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    await FigureCache.filter(key="t").update(computed_at=at)


async def test_figures_another_process_is_computing_are_waited_for_and_not_computed_again(db):
    await world()
    runs: list[str] = []
    await _claim_as_another_process()
    compute = Held("here", runs)
    compute.released.set()
    here = asyncio.create_task(cached(key="t", day=DAY, compute=compute))
    for _ in range(5):  # a few rounds of reading the store: the claim is still there
        await asyncio.sleep(freshness.POLL)
    assert not here.done() and runs == []
    # The other process stores its figures: this request reads them, computing nothing.
    await FigureCache.filter(key="t").update(payload=encode(FIGURES))
    assert await here == FIGURES and runs == []


async def test_a_claim_older_than_the_lease_is_taken_over(db):
    await world()
    runs: list[str] = []
    # A process that claimed the figures longer ago than the lease (it may have died computing them).
    await _claim_as_another_process(minutes_ago=int(freshness.CLAIM_LEASE.total_seconds() // 60) + 1)
    compute = Held("here", runs)
    compute.released.set()
    assert await cached(key="t", day=DAY, compute=compute) == FIGURES
    assert runs == ["here"] and decode((await FigureCache.get(key="t")).payload) == FIGURES


@pytest.mark.parametrize("ending", ["cancelled", "failed"])
async def test_a_computation_that_ends_without_figures_withdraws_its_claim(db, ending):
    await world()
    runs: list[str] = []
    failing = Held("first", runs, ValueError("the statement failed"))
    first = await failing.start()
    # While it computes, the store holds its claim (other processes wait for it).
    assert (await FigureCache.get(key="t")).payload == freshness.CLAIMED
    if ending == "cancelled":
        first.cancel()
    else:
        failing.released.set()
    with pytest.raises(asyncio.CancelledError if ending == "cancelled" else ValueError):
        await first
    # Withdrawn: another process computes them at once instead of waiting for the lease to lapse.
    assert not await FigureCache.filter(key="t").exists()


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

    # One visit computes the figures; the other reads them: from the computation it waited for, or stored after it
    # (as a visit after it would), or, when it read the store before they were stored but looked for the computation
    # after it had ended, by a claim of its own that finds them stored (two statements more). Never computed twice:
    # besides the store's statements, the two visits send what one computing visit and one reading visit send.
    def computing(counter) -> list[str]:
        return sorted(sql for sql in counter.statements if "figure_cache" not in sql)

    assert computing(together) == sorted(computing(computed) + computing(stored))
    assert together.count - (computed.count + stored.count) in (0, 2)
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


async def _version_of(name: str) -> int:
    rows = await get_connection("default").execute_query_dict(
        f"SELECT version FROM data_versions WHERE name = '{name}'"
    )
    return rows[0]["version"]


@pytest.mark.parametrize("table", WATCHED)
async def test_every_watched_table_raises_its_version_and_the_version_of_every_change_when_a_row_changes(db, table):
    w = await world()
    conn = get_connection("default")
    # A row of every watched table: world() and the seeded catalogue fill most; a certificate is added here.
    await Certificate.create(worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=DAY)
    before, own_before = await current_version(), await _version_of(table)
    _n, rows = await conn.execute_query(f'SELECT COUNT(*) AS n FROM "{table}"')
    if rows[0]["n"] == 0:
        pytest.skip(f"{table} has no row here; the trigger check below covers it")
    others = {t: await _version_of(t) for t in WATCHED if t != table}
    await conn.execute_script(f'UPDATE "{table}" SET id = id WHERE id = (SELECT MIN(id) FROM "{table}")')
    assert await current_version() > before
    assert await _version_of(table) > own_before
    assert {t: await _version_of(t) for t in WATCHED if t != table} == others


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


def _tables_read(statements: list[str], tables: set[str]) -> set[str]:
    """The tables `statements` name, but for the statement that reads the versions (it names the tables the figures
    are kept under, not what they read)."""
    return {
        t
        for statement in statements
        if "FROM data_versions" not in statement
        for t in tables
        if re.search(rf'(?<![\w.])"?{re.escape(t)}"?(?!\w)', statement)
    }


async def _dashboard(scope, area, dates) -> None:
    await staff_dashboard(scope=scope, today=DAY)


async def _reports(scope, area, dates) -> None:
    for group in ("", *RETENTION_GROUPS):
        for attention in (False, True):
            await page_report(area, dates, group, DAY, listed=MAX_STATIONS, attention=attention)
    await page_report(area, dates, "", DAY, listed=None)  # the yearly workbook's


async def _pay_lists(scope, area, dates) -> None:
    for group in ("", *pay.GROUPS):
        await pay.compliance_summary(scope=scope, on=DAY, group_by=group)
    await pay.compliance_rows(scope=scope, on=DAY, params=ListParams())
    await pay.proposals(scope=scope, on=DAY, params=ListParams())
    await pay.retention_by_status(scope=scope, on=DAY)


async def _everything(scope, area, dates) -> None:
    for figures in (_dashboard, _reports, _pay_lists):
        await figures(scope, area, dates)


async def _read_by(figures) -> set[str]:
    """The tables `figures(scope, area, dates)` names, for each role of world() with a certificate (but the
    statement reading the versions)."""
    w = await world()
    await Certificate.create(
        worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=date(2024, 1, 1)
    )
    tables = {m._meta.db_table for app in Tortoise.apps.values() for m in app.values()}
    dates, _valid = report_dates(DAY)
    read: set[str] = set()
    for role in ROLES:
        scope = await _scope(w, role)  # the scope's own reads are in the cache key, not in the figures
        area = await area_for(scope)
        async with count_queries() as counter:
            await figures(scope, area, dates)
        read |= _tables_read(counter.statements, tables)
    return read


async def test_every_table_the_dashboard_the_reports_and_the_pay_lists_read_is_watched(db):
    # If a measure starts reading a table no trigger watches, a change there would leave stale figures served: the
    # statements of each role's dashboard, reports (every retention group, with and without the attention lists,
    # the yearly workbook's) and pay lists (compliance in every grouping, its rows, the proposed changes) name only
    # watched tables.
    read = await _read_by(_everything)
    assert {"employment_spells", "certificates", "exam_results", "pay_salary_records", "cohorts"} <= read
    assert {"pay_assessments", "pay_change_decisions", "pay_allowances", "pay_performance_steps"} <= read
    assert sorted(read - set(WATCHED) - {"data_versions", "figure_cache"}) == []


async def test_on_postgresql_a_transaction_raises_the_versions_once_when_it_commits(db, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite runs one writer at a time; its triggers raise the versions per row")
    w = await world()
    before, workers_before, stations_before = (
        await current_version(),
        await _version_of("workers"),
        await _version_of("stations"),
    )
    async with in_transaction() as conn:
        for worker in w["workers"]:
            await conn.execute_query(f"UPDATE workers SET name = name WHERE id = {int(worker.id)}")
        await conn.execute_query("UPDATE stations SET name = name")
        inside = (
            await conn.execute_query_dict(f"SELECT version FROM data_versions WHERE name = '{freshness.VERSION}'")
        )[0]
    # Deferred to the commit: unchanged inside the transaction, one more after it, for four changed workers and
    # four stations; each table's own version once.
    assert inside["version"] == before
    assert await current_version() == before + 1
    assert (await _version_of("workers"), await _version_of("stations")) == (workers_before + 1, stations_before + 1)


async def test_on_postgresql_two_writers_changing_two_tables_in_opposite_orders_commit_without_a_deadlock(
    db, is_postgres
):
    # Each writer takes the version of every change before its tables' versions. Were they taken table by table,
    # the first writer (workers, then stations) would hold the workers' version and wait for the stations' while
    # the second (stations, then workers) held the stations' and waited for the version of every change, which the
    # first holds: PostgreSQL ends one of them with a deadlock.
    if not is_postgres:
        pytest.skip("SQLite runs one writer at a time")
    w = await world()
    a, b = w["workers"][0].id, w["workers"][1].id
    s1, s2 = w["stations"][0].id, w["stations"][1].id
    first_counted = asyncio.Event()

    async def waiting_for_a_lock() -> bool:
        rows = await get_connection("default").execute_query_dict(
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return rows[0]["n"] > 0

    async def first() -> None:
        async with in_transaction() as conn:
            await conn.execute_query(f"UPDATE workers SET name = name WHERE id = {a}")
            # Its deferred trigger runs now rather than at commit: it holds the versions it took until then.
            await conn.execute_script("SET CONSTRAINTS talent_watch_workers IMMEDIATE")
            first_counted.set()
            for _ in range(5000):  # until the second writer waits for what this one holds
                if await waiting_for_a_lock():
                    break
                await asyncio.sleep(0.001)
            await conn.execute_query(f"UPDATE stations SET name = name WHERE id = {s1}")

    async def second() -> None:
        await first_counted.wait()
        async with in_transaction() as conn:
            await conn.execute_query(f"UPDATE stations SET name = name WHERE id = {s2}")
            await conn.execute_script("SET CONSTRAINTS talent_watch_stations IMMEDIATE")
            await conn.execute_query(f"UPDATE workers SET name = name WHERE id = {b}")

    before = await current_version()
    await asyncio.gather(first(), second())
    assert await current_version() == before + 2


async def test_pruning_deletes_the_figures_of_earlier_days(db):
    await world()

    async def figures() -> dict:
        return {"n": 1}

    await cached(key="yesterday", day=DAY - timedelta(days=1), compute=figures)
    await cached(key="today", day=DAY, compute=figures)
    # Figures are served on their own day only: yesterday's never again.
    assert await figures_prune(today=DAY) == 1
    assert await FigureCache.all().values_list("key", flat=True) == ["today"]


async def test_a_change_to_a_table_the_figures_do_not_read_leaves_them_served(db):
    w = await world()
    scope = await _scope(w, "admin")
    dashboard = await staff_dashboard(scope=scope, today=DAY)

    async def pay_rows() -> dict:
        page = await pay.compliance_rows(scope=scope, on=DAY, params=ListParams())
        return {r["worker_id"]: r["pay"] for r in page.items}

    # A salary record: read by the pay lists, not by the dashboard (W1 paid 4,000.00 a month from DAY); a worker's
    # phone number: read by neither.
    await SalaryRecord.create(worker=w["workers"][0], effective_from=DAY, monthly_base=Decimal("4000"))
    await Worker.filter(id=w["workers"][1].id).update(phone="13900000000")
    async with count_queries() as dashboard_visit:
        assert await staff_dashboard(scope=scope, today=DAY) == dashboard
    paid = await pay_rows()
    # A CE credit: read by the dashboard, not by the pay lists.
    await CeCredit.create(worker=w["workers"][0], hours=Decimal("6"), source="external", earned_on=DAY)
    async with count_queries() as pay_visit:
        assert await pay_rows() == paid
    assert dashboard_visit.count == 1 and pay_visit.count == 1
    assert paid[w["workers"][0].id] == Decimal("4000")
    # A certificate: read by both, both computed again.
    await Certificate.create(worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=DAY)
    async with count_queries() as after:
        assert (await staff_dashboard(scope=scope, today=DAY))["figures"]["certified"] == 1
        await pay_rows()
    assert after.count > 3


def test_a_statement_reads_the_watched_tables_it_names():
    assert reads_of('SELECT 1 FROM "workers" w JOIN employment_spells sp ON sp.worker_id = w.id') == (
        "workers",
        "employment_spells",
    )
    # Not a column, another table's name or a qualified name that ends like one.
    assert reads_of("SELECT w.stations_count FROM pay_workers w, x.workers") == ()


@pytest.mark.parametrize(
    ("figures", "reads", "some"),
    [
        (_dashboard, DASHBOARD_READS, {"employment_spells", "certificates", "ce_credits", "stations"}),
        (_reports, REPORT_READS, {"workers", "exam_results", "pay_salary_records", "cohort_members"}),
    ],
    ids=["dashboard", "reports"],
)
async def test_figures_read_only_the_tables_they_are_kept_under(db, figures, reads, some):
    # If figures start reading a table they do not say they read, a change there would leave them stale: each
    # role's statements (but the one reading the versions) name only tables among `reads`.
    read = await _read_by(figures)
    assert some <= read
    assert sorted(read - set(reads) - {"data_versions", "figure_cache"}) == []


def _report_part(part: str, group: str):
    async def figures(scope, area, dates) -> None:
        for attention in (False, True):
            await full_report(area, dates, group, ("stations",) if part == "rows" else (part,), attention)

    return figures


@pytest.mark.parametrize(
    ("part", "group"), [*((p, "") for p in PART_READS), *(("retention", g) for g in RETENTION_READS)]
)
async def test_each_part_of_a_report_reads_the_tables_it_is_kept_under(db, part, group):
    # A report's parts are kept apart, each under its tables (page_report): a part reading a table it does not say
    # it reads would be served stale after a change there. Each role's statements name exactly its tables.
    reads = RETENTION_READS[group] if part == "retention" else PART_READS[part]
    read = await _read_by(_report_part(part, group))
    assert sorted(read - {"data_versions", "figure_cache"}) == sorted(reads)


async def _stored_versions() -> dict[str, int]:
    return dict(await FigureCache.all().values_list("key", "version"))


async def _report_as_computed(area, dates, group: str) -> dict:
    """The page's report computed afresh, cut and worded as page_report serves it."""
    report = await full_report(area, dates, group)
    for part in ("staffing", "ce"):
        report[part] = reports._cut(report[part], MAX_STATIONS)
    return reports._in_language(report, area)


async def test_a_change_has_only_the_parts_of_a_report_that_read_its_table_computed_again(db):
    w = await world()
    await Certificate.create(
        worker=w["workers"][0],
        level=CertLevel.ASSISTANT,
        number="C1",
        obtained_on=date(2024, 1, 1),
        registered_on=date(2024, 2, 1),
    )
    area = await area_for(await _scope(w, "citybureau"))
    dates, _valid = report_dates(DAY)
    first = await page_report(area, dates, "", DAY, listed=MAX_STATIONS)
    assert first["ce"]["totals"] == {"registered": 1, "on_track": 0, "rate": 0.0}
    stored = await _stored_versions()
    # Eight parts; the staffing and CE tables whole and as the page's cut.
    assert len(stored) == 10 and len([k for k in stored if k.startswith("report:ce:")]) == 2
    # A CE credit: the CE table, whole and cut, computed again; the seven other parts served. The report is the one
    # computed afresh: the worker's 200 hours put the certificate on track.
    await CeCredit.create(worker=w["workers"][0], hours=Decimal("200"), source="external", earned_on=DAY)
    async with count_queries() as visit:
        served = await page_report(area, dates, "", DAY, listed=MAX_STATIONS)
    now = await _stored_versions()
    assert {k for k in stored if now[k] != stored[k]} == {k for k in stored if k.startswith("report:ce:")}
    assert served == await _report_as_computed(area, dates, "")
    assert served["ce"]["totals"]["on_track"] == 1
    # One statement reads the ten, the CE table's are computed and stored.
    assert "FROM data_versions" in visit.statements[0] and visit.count < 10
    # Another retention grouping: its curve alone computed, under its own key.
    ungrouped = {k for k in now if k.startswith("report:retention:")}
    await page_report(area, dates, "level", DAY, listed=MAX_STATIONS)
    added = set(await _stored_versions()) - set(now)
    assert len(added) == 1 and next(iter(added)).startswith("report:retention:")
    # A salary record: the retention by pay status alone computed again (no other part reads the pay tables), not
    # the retention by level.
    await page_report(area, dates, "pay", DAY, listed=MAX_STATIONS)
    stored = await _stored_versions()
    by_pay = set(stored) - set(now) - added
    await SalaryRecord.create(worker=w["workers"][0], effective_from=DAY, monthly_base=Decimal("4000"))
    await page_report(area, dates, "pay", DAY, listed=MAX_STATIONS)
    await page_report(area, dates, "level", DAY, listed=MAX_STATIONS)
    now = await _stored_versions()
    assert len(by_pay) == 1 and {k for k in stored if now[k] != stored[k]} == by_pay
    ungrouped |= by_pay
    # A change to a table every part reads (the stations): every part computed again.
    stored = await _stored_versions()
    await get_connection("default").execute_query("UPDATE stations SET name = name")
    await page_report(area, dates, "level", DAY, listed=MAX_STATIONS)
    now = await _stored_versions()
    # Every part of this visit (the retention by level among them), not the retentions it did not ask for.
    assert {k for k in stored if now[k] != stored[k]} == set(stored) - ungrouped


def _dashboard_part(name: str):
    async def figures(scope, area, dates) -> None:
        await getattr(dashboard, f"dashboard_{name}")(scope=scope, today=DAY)

    return figures


@pytest.mark.parametrize("part", list(DASHBOARD_PART_READS))
async def test_each_part_of_the_dashboard_reads_the_tables_it_is_kept_under(db, part):
    # As a report's parts: each role's statements (the area's among them) name exactly the part's tables.
    read = await _read_by(_dashboard_part(part))
    assert sorted(read - {"data_versions", "figure_cache"}) == sorted(DASHBOARD_PART_READS[part])


async def test_a_ce_credit_has_only_the_dashboards_registrations_needing_attention_computed_again(db):
    w = await world()
    scope = await _scope(w, "citybureau")
    await staff_dashboard(scope=scope, today=DAY)
    stored = await _stored_versions()
    assert sorted(k.split(":")[1] for k in stored) == ["attention", "figures", "regions"]
    await CeCredit.create(worker=w["workers"][0], hours=Decimal("6"), source="external", earned_on=DAY)
    async with count_queries() as visit:
        await staff_dashboard(scope=scope, today=DAY)
    now = await _stored_versions()
    assert [k.split(":")[1] for k in stored if now[k] != stored[k]] == ["attention"]
    # One statement reads the three; the other two are not computed (each would add its statements, its claim and
    # its store to the attention's).
    assert "FROM data_versions" in visit.statements[0] and visit.count < 7


async def test_figures_kept_together_are_served_by_one_statement_and_computed_again_apart(db):
    w = await world()
    computed: list[str] = []

    def kept(name: str, reads: tuple[str, ...]) -> freshness.Kept:
        async def compute() -> dict:
            computed.append(name)
            return {"name": name, "on": DAY}

        return freshness.Kept(f"test:{name}", compute, reads)

    figures = [kept("places", ("stations",)), kept("always", ()), kept("people", ("workers", "employment_spells"))]
    first = await freshness.cached_many(day=DAY, figures=figures)
    assert first == [{"name": n, "on": DAY} for n in ("places", "always", "people")] and len(computed) == 3
    async with count_queries() as served:
        assert await freshness.cached_many(day=DAY, figures=figures) == first
    # The figures that read nothing are computed on each call; the other two read back by one statement.
    assert served.count == 1 and computed[3:] == ["always"]
    await Worker.filter(id=w["workers"][0].id).update(phone="13900000001")
    assert await freshness.cached_many(day=DAY, figures=figures) == first
    assert computed[4:] == ["always", "people"]
    # Another day: each computed again.
    await freshness.cached_many(day=DAY + timedelta(days=1), figures=figures)
    assert sorted(computed[6:]) == ["always", "people", "places"]
