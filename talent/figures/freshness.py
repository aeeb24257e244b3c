"""Figures kept exact without computing them on every visit (issue 11: the whole country's dashboard aggregates
93,351 workers, 1.5 s on PostgreSQL and 4.7 s on SQLite, on each visit).

Every change to a table in WATCHED raises, in the same transaction and by database triggers (so no write path can
forget it: the ORM, raw SQL, imports, the demo loader), that table's counter in `data_versions` (its row is named
after the table) and the counter of every change (`VERSION`). `cached` serves figures stored under the current
version of the tables they read (`reads`: the sum of those tables' counters, which only rise, so it rises with
any change to one of them) for the same scope and day, and otherwise computes them and stores them under the
version it read *before* computing: a change committed meanwhile has raised the version already, so figures that
might have missed it are never served. A change to a table the figures do not read leaves them served: a month's
salary records leave the dashboard as it was, a worker's CE hours the pay lists. The triggers are installed by the
migrations (models 0015, 0016 and 0022, pay 0004 to 0006, cohorts 0003 and 0004: watch_tables, rewatch_tables)
and by the tests' schema on SQLite; tests/figures/test_freshness.py checks that every table the dashboard, the
reports and the pay lists read is watched and among the tables each says it reads.

On PostgreSQL the trigger is a deferred constraint trigger: it runs at commit, once per table and transaction
(transaction-local settings remember it ran), and takes the lock of the counter of every change first, then its
table's: counters' row locks are the last locks a writer takes, every writer takes them in that order, and two
writers cannot deadlock on them. SQLite has one writer at a time and row triggers only.
"""

import asyncio
import functools
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from tortoise.migrations import operations as ops

from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.concurrency import gather_reads
from talent.figures.models import DataVersion, FigureCache
from talent.rawsql import db_value, execute, fetch_all, fetch_fixed

VERSION = "workforce"
# The tables the cached figures read: the dashboard's measures (places, people, certificates, their registration
# and CE, and the rules those measures apply), and the reports' (exam results, pay for retention by pay status,
# cohorts for retention by cohort kind).
FIRST_WATCHED = (
    "regions",
    "organisations",
    "station_tiers",
    "stations",
    "workers",
    "employment_spells",
    "certificates",
    "certificate_registrations",
    "ce_credits",
    "ce_credit_rules",
    "ce_yearly_rules",
    "exam_levels",
)
# Each app's migration installs its own tables' triggers (models 0016, pay 0004 and 0005, cohorts 0003).
EXAM_WATCHED = ("exam_results", "exam_subjects")
PAY_WATCHED = ("pay_standards", "pay_bands", "pay_salary_records")
COHORT_WATCHED = ("cohorts", "cohort_members")
# The pay lists' rows (pay 0005): the proposed changes read these too.
PAY_LIST_WATCHED = ("pay_allowances", "pay_performance_steps", "pay_assessments", "pay_change_decisions")
WATCHED = FIRST_WATCHED + EXAM_WATCHED + PAY_WATCHED + COHORT_WATCHED + PAY_LIST_WATCHED

# Names the triggers write to and `cached` reads (`data_versions.name`): table names, quoted as SQL literals.
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION talent_data_changed() RETURNS trigger AS $$
BEGIN
  IF current_setting('talent.changed_' || TG_TABLE_NAME, true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('talent.changed_' || TG_TABLE_NAME, 'on', true);
    IF current_setting('talent.data_changed', true) IS DISTINCT FROM 'on' THEN
      PERFORM set_config('talent.data_changed', 'on', true);
      UPDATE data_versions SET version = version + 1 WHERE name = '{VERSION}';
    END IF;
    INSERT INTO data_versions (name, version) VALUES (TG_TABLE_NAME, 1)
      ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql"""


def watch_statements(dialect: str, tables: tuple[str, ...] = WATCHED) -> list[str]:
    """The DDL that makes every change to one of `tables` raise its table's version and VERSION (idempotent: it
    replaces what an earlier install made)."""
    assert all(_TABLE_NAME.match(t) for t in tables), tables
    rows = ", ".join(f"('{name}', 0)" for name in (VERSION, *tables))
    seed = f"INSERT INTO data_versions (name, version) VALUES {rows} ON CONFLICT (name) DO NOTHING"
    if dialect == "postgres":
        statements = [seed, _PG_FUNCTION]
        for table in tables:
            trigger = f"talent_watch_{table}"
            statements += [
                f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"',
                f'CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON "{table}"'
                " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION talent_data_changed()",
            ]
        return statements
    statements = [seed]
    for table in tables:
        for op in ("INSERT", "UPDATE", "DELETE"):
            trigger = f"talent_watch_{table}_{op.lower()}"
            statements += [
                f"DROP TRIGGER IF EXISTS {trigger}",
                # SQLite's triggers run per row (a demo's or an import's millions): two updates by the key, where
                # one with `name IN (…)` took 0.80 s against 0.45 s to insert 300,000 rows (0.31 s with the counter
                # of every change alone; throwaway script).
                f'CREATE TRIGGER {trigger} AFTER {op} ON "{table}" BEGIN'
                f" UPDATE data_versions SET version = version + 1 WHERE name = '{VERSION}';"
                f" UPDATE data_versions SET version = version + 1 WHERE name = '{table}'; END",
            ]
    return statements


async def watch_install(conn, tables: tuple[str, ...] = WATCHED) -> None:
    """Install the triggers on a connection whose schema holds the tables (migrations 0015 and 0016, each with
    the tables that exist by then; the tests' schema)."""
    for statement in watch_statements(conn.capabilities.dialect, tables):
        await conn.execute_script(statement)


# Coded members a cached value may hold, by class name: stored tagged and brought back as members, so a page prints
# their labels (a bare code printed "voluntary" on a Chinese page once). A member of a class not registered here
# refuses to be stored rather than coming back as a bare code.
_CODED: dict[str, type[Enum]] = {}


def register_coded(*classes: type[Enum]) -> None:
    for cls in classes:
        _CODED[cls.__name__] = cls


def _plain(value: Any) -> Any:
    # A statement's rows hold amounts and days (PostgreSQL returns numeric as Decimal, dates as dates): tagged, so
    # they come back as they went in (a float would lose the fen, a string would compare as text).
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Enum):
        name = type(value).__name__
        if _CODED.get(name) is not type(value):
            raise TypeError(f"{name} is not registered with talent.figures.freshness.register_coded")
        return {"__coded__": name, "value": value.value}
    if isinstance(value, dict):
        if any(isinstance(k, Enum) for k in value):
            raise TypeError("a cached dict's keys must be plain strings or numbers")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


_TAGS: dict[str, Callable[[str], Any]] = {
    "__decimal__": Decimal,
    "__datetime__": datetime.fromisoformat,
    "__date__": date.fromisoformat,
}


def _revive(obj: dict) -> Any:
    if set(obj) == {"__coded__", "value"}:
        return _CODED[obj["__coded__"]](obj["value"])
    if len(obj) == 1 and (tag := next(iter(obj))) in _TAGS:
        return _TAGS[tag](obj[tag])
    return obj


def encode(value: Any) -> str:
    """A cached value as JSON text: plain JSON values, decimals, dates and registered coded members (anything else
    raises)."""
    return json.dumps(_plain(value))


def decode(text: str) -> Any:
    return json.loads(text, object_hook=_revive)


def key_of(*parts: Any) -> str:
    """A cache key from its parts (a scope's key, a region code, dates …), short enough for the key column."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:40]


async def watch_remove(conn, tables: tuple[str, ...]) -> None:
    """Drop the triggers of `tables` (a migration going backward)."""
    for table in tables:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_script(f'DROP TRIGGER IF EXISTS talent_watch_{table} ON "{table}"')
        else:
            for op in ("insert", "update", "delete"):
                await conn.execute_script(f"DROP TRIGGER IF EXISTS talent_watch_{table}_{op}")


def watch_tables(tables: tuple[str, ...]) -> ops.RunPython:
    """The migration operation that installs the triggers on `tables` and drops them going backward; each app's
    migration watches its own tables once they exist."""

    async def install(apps, schema_editor) -> None:
        await watch_install(apps.get_model("models", "DataVersion")._meta.db, tables)

    async def remove(apps, schema_editor) -> None:
        await watch_remove(apps.get_model("models", "DataVersion")._meta.db, tables)

    return ops.RunPython(install, remove)


def rewatch_tables(tables: tuple[str, ...], *, forget_figures: bool = False) -> ops.RunPython:
    """The migration operation that installs this module's triggers again on tables an earlier migration watched
    (with each table's own version since models 0022, pay 0006 and cohorts 0004), and empties the figure store when
    asked (figures stored under an earlier kind of version must not be compared with the new). Going backward it
    leaves them: they still raise the version of every change, all that earlier code reads."""

    async def install(apps, schema_editor) -> None:
        conn = apps.get_model("models", "DataVersion")._meta.db
        await watch_install(conn, tables)
        if forget_figures:
            await conn.execute_script("DELETE FROM figure_cache")

    async def keep(apps, schema_editor) -> None:
        pass

    return ops.RunPython(install, keep)


def scope_key(scope: Scope) -> str:
    """What decides which rows a scope reaches, as a short stable key (the day is kept beside it)."""
    return key_of(
        str(getattr(scope.role, "value", scope.role)),
        scope.region_path or "",
        scope.organisation_id or "",
        scope.worker_id or "",
        sorted(scope.station_ids),
        sorted(scope.worker_ids),
    )


@dataclass
class _Flight:
    """Figures being computed: the future of their stored text (None: the computation ended without figures), and
    how many other requests are waiting for them."""

    text: asyncio.Future
    waiting: int = 0


# The figures this process is computing, by (key, data version, day). A request that finds its figures being
# computed waits for them, where each computed them again at once: the first visits after a change or an import, a
# bureau's staff opening the same report together (the country's report: 2.2 s on PostgreSQL and 6.5 s on SQLite,
# computed as many times over).
_computing: dict[tuple[str, int, date], _Flight] = {}


@lru_cache(maxsize=256)
def reads_of(sql: str) -> tuple[str, ...]:
    """The watched tables a statement names (its text, quoted or not): what `cached_rows` says it reads."""
    return tuple(t for t in WATCHED if re.search(rf'(?<![\w.])"?{t}"?(?!\w)', sql))


@lru_cache(maxsize=256)
def _version_sql(reads: tuple[str, ...], key: str, day: str) -> str:
    """The statement that reads the version of `reads` (the sum of their counters, NULL without any counter) and
    the figures stored under it for the key and the day bound at the placeholders `key` and `day`."""
    assert reads and all(_TABLE_NAME.match(t) for t in reads), reads
    names = ", ".join(f"'{t}'" for t in sorted(set(reads)))
    return (
        "SELECT v.version AS version, c.payload AS payload"
        f" FROM (SELECT CAST(SUM(version) AS BIGINT) AS version FROM data_versions WHERE name IN ({names})) v"
        f" LEFT JOIN figure_cache c ON c.key = {key} AND c.version = v.version AND c.day = {day}"
    )


async def cached(
    *, key: str, day: date, compute: Callable[[], Awaitable[dict]], reads: tuple[str, ...] = WATCHED
) -> dict:
    """The figures stored under `key` for `day` at the current version of the tables they read (`reads`, watched
    tables: every one unless the caller says fewer), else `compute()` (a dict of JSON values, decimals, days and
    registered coded members) stored under the version read before it ran: cached_many's one figure. One statement
    when current, two more than `compute` otherwise; one when the same figures are being computed in this process
    (under the same version: what that computation stores is what this request would have), whose result it reads
    as a later visit would (decoded anew: no caller shares the computing request's objects). Without the versions (a
    database the migration has not reached) it only computes."""
    return (await cached_many(day=day, figures=[Kept(key, compute, tuple(reads))]))[0]


# Figures being computed by another process (a server of several workers) are marked in the store by an empty
# payload under their key, version and day (a claim): a process that finds them claimed waits for them, reading the
# store every POLL seconds, where each process computed them again (the country's report: 2.5 s on PostgreSQL,
# as many times over as the processes its visitors reached). A claim older than CLAIM_LEASE is taken over (its
# process may have died computing); a computation that ends without figures withdraws its claim.
CLAIMED = ""
CLAIM_LEASE = timedelta(minutes=2)
POLL = 0.05

_CLAIM = (
    f"INSERT INTO figure_cache (key, version, day, payload, computed_at) VALUES ($1, $2, $3, '{CLAIMED}', $4)"
    " ON CONFLICT (key) DO UPDATE SET version = excluded.version, day = excluded.day, payload = excluded.payload,"
    " computed_at = excluded.computed_at WHERE figure_cache.version <> excluded.version"
    f" OR figure_cache.day <> excluded.day OR (figure_cache.payload = '{CLAIMED}' AND figure_cache.computed_at < $5)"
    # The row claimed, if it was: a driver's count of an insert's rows is not to be trusted (Tortoise reads the
    # object id of asyncpg's "INSERT 0 1" as the count).
    " RETURNING key"
)
_STORED = "SELECT payload FROM figure_cache WHERE key = $1 AND version = $2 AND day = $3"
_STORE = (
    "INSERT INTO figure_cache (key, version, day, payload, computed_at) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (key) DO UPDATE SET version = excluded.version, day = excluded.day,"
    " payload = excluded.payload, computed_at = excluded.computed_at"
)
_WITHDRAW = f"DELETE FROM figure_cache WHERE key = $1 AND version = $2 AND day = $3 AND payload = '{CLAIMED}'"


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(at: datetime) -> Any:
    return db_value(FigureCache, "computed_at", at)


async def _claimed_elsewhere(key: str, version: int, day_value: Any) -> str | None:
    """None once this process has claimed the figures (it computes them); the stored text when another process
    computed them first (waited for while that process's claim lasts)."""
    while True:
        now = _now()
        if await fetch_all(FigureCache, _CLAIM, key, version, day_value, _stamp(now), _stamp(now - CLAIM_LEASE)):
            return None
        rows = await fetch_all(FigureCache, _STORED, key, version, day_value)
        while rows and rows[0]["payload"] == CLAIMED:
            await asyncio.sleep(POLL)
            rows = await fetch_all(FigureCache, _STORED, key, version, day_value)
            if rows and rows[0]["payload"] == CLAIMED and _now() - now > CLAIM_LEASE:
                break  # claimed too long: take it over
        if rows and rows[0]["payload"] != CLAIMED:
            return rows[0]["payload"]
        # The claim was withdrawn (its computation ended without figures), replaced or left to lapse: claim again.


async def _kept(key: str, version: int, day: date, day_value: Any, compute: Callable[[], Awaitable[Any]]) -> Any:
    """Figures not stored under the current `version`: computed and stored under it, or, when this process or
    another (a claim in the store) is computing them already, read from that computation as a later visit would
    (decoded anew: no caller shares the computing request's objects)."""
    flight = (key, version, day)
    while (running := _computing.get(flight)) is not None:
        running.waiting += 1
        try:
            # Shielded: a waiting request that is cancelled (its client went away) leaves the computation running.
            text = await asyncio.shield(running.text)
        finally:
            running.waiting -= 1
        if text is not None:
            return decode(text)
        # That computation failed or its request was cancelled: this request computes them (or waits for the one
        # that started first).
    running = _computing[flight] = _Flight(asyncio.get_running_loop().create_future())
    text = None
    try:
        if (text := await _claimed_elsewhere(key, version, day_value)) is not None:
            return decode(text)
        try:
            figures = await compute()
            text = encode(figures)
            await execute(FigureCache, _STORE, key, version, day_value, text, _stamp(_now()))
        except BaseException:
            text = None
            # Shielded: withdrawn even when this request is being cancelled, so that other processes need not wait
            # for the claim to lapse.
            await asyncio.shield(execute(FigureCache, _WITHDRAW, key, version, day_value))
            raise
    finally:
        del _computing[flight]
        running.text.set_result(text)
    return figures


@dataclass(frozen=True)
class Kept:
    """Figures for `cached_many`: stored under `key`, computed by `compute`, kept under the tables in `reads`."""

    key: str
    compute: Callable[[], Awaitable[Any]]
    reads: tuple[str, ...] = WATCHED


async def cached_many(*, day: date, figures: Sequence[Kept]) -> list[Any]:
    """`cached` for several figures at once, in their order: one statement reads the version of each one's tables
    and what is stored under it for `day`; those not current are computed (two at a time: gather_reads) and stored
    each under its version. For figures made of parts that read different tables (a report's: a CE credit has its
    CE table computed again and leaves its other tables served), served together in one statement."""
    day_value = db_value(FigureCache, "day", day)
    kept = [(i, f) for i, f in enumerate(figures) if f.reads]
    rows: dict[int, dict] = {}
    if kept:
        # The day bound once ($1), each key after it in the order of `kept` (a placeholder left unused is refused).
        sql = " UNION ALL ".join(
            f"SELECT {i} AS n, x.version AS version, x.payload AS payload"
            f" FROM ({_version_sql(tuple(f.reads), f'${j + 2}', '$1')}) x"
            for j, (i, f) in enumerate(kept)
        )
        values = [day_value, *(f.key for _i, f in kept)]
        # Planned once per connection (fetch_fixed): keys and versions found by their primary keys, whatever the day
        # and the keys (a city's /reports: planned in 0.76 ms, run in 0.15, with custom plans).
        rows = {int(row["n"]): row for row in await fetch_fixed(FigureCache, sql, *values)}
    results: list[Any] = [None] * len(figures)
    pending: list[tuple[int, Callable[[], Awaitable[Any]]]] = []
    for i, f in enumerate(figures):
        row = rows.get(i)
        if row is None or row["version"] is None:  # reads nothing that changes, or before the migration
            pending.append((i, f.compute))
        elif row["payload"] is not None and row["payload"] != CLAIMED:
            results[i] = decode(row["payload"])
        else:
            pending.append((i, functools.partial(_kept, f.key, row["version"], day, day_value, f.compute)))
    for (i, _call), value in zip(pending, await gather_reads([call for _i, call in pending]), strict=True):
        results[i] = value
    return results


async def cached_rows(model, sql: str, *, day: date) -> list[dict]:
    """The rows of one read-only statement over watched tables (`fetch_all(model, sql)`), kept under the version of
    the tables it names as `cached` keeps figures. The statement's text is the key: the day, the scope's stations,
    the filter, the order and the page are literals in it, so two requests share rows only when they ask the same
    question. For lists whose every row aggregates the whole scope (a country's pay compliance: about 1.3 s a
    statement)."""

    async def compute() -> dict:
        return {"rows": await fetch_all(model, sql)}

    return (await cached(key=key_of("rows", sql), day=day, compute=compute, reads=reads_of(sql)))["rows"]


async def figures_prune(*, today: date | None = None) -> int:
    """Delete the figures stored for an earlier day (never served again: figures are served on their own day; a
    key's figures of an earlier version today are replaced by its next computation); the daily `talent remind` run
    calls it. The number deleted."""
    return await FigureCache.filter(day__lt=today or local_today()).delete()


async def current_version() -> int | None:
    """The counter of every change to a watched table (None before the migration)."""
    row = await DataVersion.filter(name=VERSION).first()
    return row.version if row else None
