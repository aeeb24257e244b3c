"""Figures kept exact without computing them on every visit (issue 11: the whole country's dashboard aggregates
93,351 workers, 1.5 s on PostgreSQL and 4.7 s on SQLite, on each visit).

Every change to a table in WATCHED raises the counter `data_versions.version` in the same transaction, by
database triggers, so no write path can forget it (the ORM, raw SQL, imports, the demo loader). `cached` serves
figures stored under the current version for the same scope and day, and otherwise computes them and stores them
under the version it read *before* computing: a change committed meanwhile has raised the version already, so
figures that might have missed it are never served. The triggers are installed by the migrations (models 0015 and
0016, pay 0004 and 0005, cohorts 0003; watch_tables) and by the tests' schema on SQLite;
tests/figures/test_freshness.py checks that every table the dashboard, the reports and the pay lists read is watched.

On PostgreSQL the trigger is a deferred constraint trigger: it runs at commit, once per transaction (a
transaction-local setting remembers it ran), so the counter's row lock is the last lock a writer takes and two
writers cannot deadlock on it. SQLite has one writer at a time and row triggers only.
"""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.migrations import operations as ops

from talent.core.access import Scope
from talent.figures.models import DataVersion, FigureCache
from talent.rawsql import db_value, execute, fetch_all

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

_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION talent_data_changed() RETURNS trigger AS $$
BEGIN
  IF current_setting('talent.data_changed', true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('talent.data_changed', 'on', true);
    UPDATE data_versions SET version = version + 1 WHERE name = '{VERSION}';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql"""


def watch_statements(dialect: str, tables: tuple[str, ...] = WATCHED) -> list[str]:
    """The DDL that makes every change to one of `tables` raise the version (idempotent)."""
    seed = f"INSERT INTO data_versions (name, version) VALUES ('{VERSION}', 0) ON CONFLICT (name) DO NOTHING"
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
            statements.append(
                f'CREATE TRIGGER IF NOT EXISTS talent_watch_{table}_{op.lower()} AFTER {op} ON "{table}"'
                f" BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '{VERSION}'; END"
            )
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


async def cached(*, key: str, day: date, compute: Callable[[], Awaitable[dict]]) -> dict:
    """The figures stored under `key` for `day` at the current data version, else `compute()` (a dict of JSON
    values, decimals, days and registered coded members) stored under the version read before it ran. One statement
    when current, two more than `compute` otherwise; one when the same figures are being computed in this process
    (under the same version: what that computation stores is what this request would have), whose result it reads
    as a later visit would (decoded anew: no caller shares the computing request's objects). Without the version
    row (a database the migration has not reached) it only computes."""
    day_value = db_value(FigureCache, "day", day)
    rows = await fetch_all(
        FigureCache,
        "SELECT v.version AS version, c.payload AS payload FROM data_versions v"
        " LEFT JOIN figure_cache c ON c.key = $1 AND c.version = v.version AND c.day = $2"
        f" WHERE v.name = '{VERSION}'",
        key,
        day_value,
    )
    if not rows:
        return await compute()
    if rows[0]["payload"] is not None:
        return decode(rows[0]["payload"])
    version = rows[0]["version"]
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
        figures = await compute()
        text = encode(figures)
        await execute(
            FigureCache,
            "INSERT INTO figure_cache (key, version, day, payload, computed_at) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (key) DO UPDATE SET version = excluded.version, day = excluded.day,"
            " payload = excluded.payload, computed_at = excluded.computed_at",
            key,
            version,
            day_value,
            text,
            db_value(FigureCache, "computed_at", datetime.now(UTC)),
        )
    finally:
        del _computing[flight]
        running.text.set_result(text)
    return figures


async def cached_rows(model, sql: str, *, day: date) -> list[dict]:
    """The rows of one read-only statement over watched tables (`fetch_all(model, sql)`), kept under the data version
    as `cached` keeps figures. The statement's text is the key: the day, the scope's stations, the filter, the order
    and the page are literals in it, so two requests share rows only when they ask the same question. For lists
    whose every row aggregates the whole scope (a country's pay compliance: about 1.3 s a statement)."""

    async def compute() -> dict:
        return {"rows": await fetch_all(model, sql)}

    return (await cached(key=key_of("rows", sql), day=day, compute=compute))["rows"]


async def figures_prune() -> int:
    """Delete the figures stored under an earlier version (never served again: the version only rises); the daily
    `talent remind` run calls it. The number deleted."""
    version = await current_version()
    if version is None:
        return 0
    return await FigureCache.filter(version__lt=version).delete()


async def current_version() -> int | None:
    row = await DataVersion.filter(name=VERSION).first()
    return row.version if row else None
