"""Figures kept exact without computing them on every visit (issue 11: the whole country's dashboard aggregates
93,351 workers, 1.5 s on PostgreSQL and 4.7 s on SQLite, on each visit).

Every change to a table in WATCHED raises the counter `data_versions.version` in the same transaction, by
database triggers, so no write path can forget it (the ORM, raw SQL, imports, the demo loader). `cached` serves
figures stored under the current version for the same scope and day, and otherwise computes them and stores them
under the version it read *before* computing: a change committed meanwhile has raised the version already, so
figures that might have missed it are never served. The triggers are installed by migration 0015 (and by the
tests' schema on SQLite); tests/analytics/test_freshness.py checks that every table the dashboard reads is watched.

On PostgreSQL the trigger is a deferred constraint trigger: it runs at commit, once per transaction (a
transaction-local setting remembers it ran), so the counter's row lock is the last lock a writer takes and two
writers cannot deadlock on it. SQLite has one writer at a time and row triggers only.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

from talent.analytics.models import DataVersion, FigureCache
from talent.core.access import Scope
from talent.rawsql import db_value, execute, fetch_all

VERSION = "workforce"
# The tables the cached figures read (the dashboard's measures: places, people, certificates, their registration
# and CE, and the rules those measures apply).
WATCHED = (
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

_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION talent_data_changed() RETURNS trigger AS $$
BEGIN
  IF current_setting('talent.data_changed', true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('talent.data_changed', 'on', true);
    UPDATE data_versions SET version = version + 1 WHERE name = '{VERSION}';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql"""


def watch_statements(dialect: str) -> list[str]:
    """The DDL that makes every change to a WATCHED table raise the version (idempotent)."""
    seed = f"INSERT INTO data_versions (name, version) VALUES ('{VERSION}', 0) ON CONFLICT (name) DO NOTHING"
    if dialect == "postgres":
        statements = [seed, _PG_FUNCTION]
        for table in WATCHED:
            trigger = f"talent_watch_{table}"
            statements += [
                f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"',
                f'CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON "{table}"'
                " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION talent_data_changed()",
            ]
        return statements
    statements = [seed]
    for table in WATCHED:
        for op in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f'CREATE TRIGGER IF NOT EXISTS talent_watch_{table}_{op.lower()} AFTER {op} ON "{table}"'
                f" BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '{VERSION}'; END"
            )
    return statements


async def watch_install(conn) -> None:
    """Install the triggers on a connection whose schema holds the tables (migration 0015; the tests' schema)."""
    for statement in watch_statements(conn.capabilities.dialect):
        await conn.execute_script(statement)


def scope_key(scope: Scope) -> str:
    """What decides which rows a scope reaches, as a short stable key (the day is kept beside it)."""
    parts = (
        str(getattr(scope.role, "value", scope.role)),
        scope.region_path or "",
        scope.organisation_id or "",
        scope.worker_id or "",
        sorted(scope.station_ids),
        sorted(scope.worker_ids),
    )
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


async def cached(*, key: str, day: date, compute: Callable[[], Awaitable[dict]]) -> dict:
    """The figures stored under `key` for `day` at the current data version, else `compute()` (a dict of JSON
    values) stored under the version read before it ran. One statement when current, two more than `compute`
    otherwise. Without the version row (a database the migration has not reached) it only computes."""
    day_value = db_value(FigureCache, "day", day)
    rows = await fetch_all(
        FigureCache,
        "SELECT v.version AS version, c.payload AS payload FROM data_versions v"
        " LEFT JOIN figure_cache c ON c.key = $1 AND c.version = v.version AND c.day = $2"
        f" WHERE v.name = '{VERSION}'",
        key,
        day_value,
    )
    if rows and rows[0]["payload"] is not None:
        return json.loads(rows[0]["payload"])
    figures = await compute()
    if rows:
        await execute(
            FigureCache,
            "INSERT INTO figure_cache (key, version, day, payload, computed_at) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (key) DO UPDATE SET version = excluded.version, day = excluded.day,"
            " payload = excluded.payload, computed_at = excluded.computed_at",
            key,
            rows[0]["version"],
            day_value,
            json.dumps(figures),
            db_value(FigureCache, "computed_at", datetime.now(UTC)),
        )
    return figures


async def current_version() -> int | None:
    row = await DataVersion.filter(name=VERSION).first()
    return row.version if row else None
