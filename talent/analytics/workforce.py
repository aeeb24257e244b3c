"""Registration status counts, CE compliance, station staffing against tiers and exam pass rates: the measures
that read certificates, CE credits, tiers and exam results, each one SQL statement over the area.

The certificate rules come from talent.certification (CertificateSql: registration expiry, period CE hours,
required hours; Thresholds: the renewal window), the active-spell rule from talent.people.rules, the station and
region filters from Area; the SQL here only composes them.
"""

from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from talent.analytics.area import Area
from talent.analytics.measures import LEVELS, Grouping, certified_counts_text, population_sql
from talent.analytics.sql import date_literal, days_between, is_postgres, safe_path
from talent.certification.expressions import CertificateSql, credit_day_sql
from talent.certification.rules import CapRule, LevelRules, Thresholds
from talent.certification.selectors import certificate_sql, live_certificate_sql, pass_rate_counts
from talent.people.models import EmploymentSpell
from talent.people.rules import active_on_sql
from talent.places.models import Region
from talent.rawsql import fetch_all

REGISTRATION_KEYS = ("certificates", "valid", "renewal_open", "expired", "ce_short", "unregistered")


def _active_sql(area: Area, on: date, column: str) -> str:
    """`column` of the spells counted in the headcount on `on` (measures.population_sql, people.rules.active_on)."""
    return f"SELECT sp.{column}{population_sql(area)} AND {active_on_sql('sp', date_literal(on, is_postgres()))}"


def _active_workers_sql(area: Area, on: date) -> str:
    return _active_sql(area, on, "worker_id")


def _rule_text(cert: CertificateSql, on: date) -> tuple[str, str, dict[str, str]]:
    """(each certificate's expiry, period CE hours and required hours as columns of `c`; its status over those
    columns of `r0`; each count's condition over `r`): the same text for every area on a day while the catalogue
    holds, kept (building it — thresholds, caps, the status CASE — cost as much as a township's count)."""
    return _rule_text_of(tuple(cert.rules.items()), tuple(cert.caps), cert.pg, on)


@lru_cache(maxsize=64)
def _rule_text_of(
    rules: tuple[tuple[str, LevelRules], ...], caps: tuple[CapRule, ...], pg: bool, on: date
) -> tuple[str, str, dict[str, str]]:
    cert = CertificateSql(rules=dict(rules), pg=pg, row="c", caps=caps)
    pg = cert.pg
    day = date_literal(on, pg)
    renewal_from = " ".join(
        f"WHEN '{level}' THEN {date_literal(Thresholds.of(rules, on).renewal_from, pg)}"
        for level, rules in cert.rules.items()
    )
    valid = f"r.registered_on IS NOT NULL AND r.registered_on <= {day} AND r.expiry >= {day}"
    conditions = {
        "certificates": "1 = 1",
        "valid": valid,
        "renewal_open": f"{valid} AND r.expiry <= (CASE r.level {renewal_from} END)",
        "expired": "r.status IN ('lapsed', 'first_overdue')",
        "ce_short": f"{valid} AND r.hours < r.required",
        "unregistered": "r.status = 'unregistered'",
    }
    columns = f"{cert.expiry()} AS expiry, {cert.ce_hours()} AS hours, {cert.required_hours()} AS required"
    status = replace(cert, row="r0").status(on, expiry="r0.expiry", hours="r0.hours")
    return columns, status, conditions


def _registration_sql(area: Area, on: date, cert: CertificateSql) -> tuple[str, dict[str, str]]:
    """The certificates counted (` FROM (…) r`: each certificate's expiry, period CE hours, required hours and
    status computed once, in a derived table) and each status's condition over `r`, shared by the counts and by
    the lists they link to. Written out in every condition, the rule expressions made a statement PostgreSQL
    took longer to plan than to run."""
    columns, status, conditions = _rule_text(cert, on)
    # Materialized: each certificate's CE hours summed once, where SQLite flattened the derived table and summed
    # them again in every condition reading them.
    rules = (
        "SELECT c.id AS id, c.level AS level, c.obtained_on AS obtained_on, c.registered_on AS registered_on,"
        f" {columns} FROM certificates c"
        f" WHERE c.obtained_on <= {date_literal(on, cert.pg)} AND c.worker_id IN ({_active_workers_sql(area, on)})"
    )
    return f" FROM (WITH r0 AS MATERIALIZED ({rules}) SELECT r0.*, {status} AS status FROM r0) r", conditions


async def registration_counts(area: Area, on: date) -> dict[str, int]:
    """Certificates (obtained on or before d) of the full-time workers active in the area on d, counted under
    each status that applies — not exclusive: a valid registration may also have its renewal window open or be
    short of CE hours.
    valid = registered and the period's last day ≥ d; renewal_open = valid and the last day within the renewal
    window; expired = lapsed (registration ended, or never registered within the first-registration window);
    ce_short = valid and the period's CE hours below the required; unregistered = awaiting first registration."""
    rows, conditions = _registration_sql(area, on, await certificate_sql("c"))
    columns = ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {key}" for key, cond in conditions.items())
    row = (await fetch_all(EmploymentSpell, f"SELECT {columns}{rows}"))[0]
    return {key: int(row[key] or 0) for key in REGISTRATION_KEYS}


async def registration_list(area: Area, on: date, key: str, *, offset: int, limit: int) -> tuple[list[dict], int]:
    """The certificates a registration count counts (the same conditions), a page of them by worker number, and
    their total."""
    rows, conditions = _registration_sql(area, on, await certificate_sql("c"))
    where = f"{rows} WHERE {conditions[key]}"
    total = (await fetch_all(EmploymentSpell, f"SELECT COUNT(*) AS n{where}"))[0]["n"]
    page = await fetch_all(
        EmploymentSpell,
        "SELECT c.id AS id, c.number AS number, c.level AS level, c.obtained_on AS obtained_on,"
        " c.registered_on AS registered_on, w.id AS worker_id, w.worker_no AS worker_no, w.name AS name"
        f" FROM certificates c JOIN workers w ON w.id = c.worker_id WHERE c.id IN (SELECT r.id{where})"
        f" ORDER BY w.worker_no, c.id LIMIT {int(limit)} OFFSET {int(offset)}",
    )
    return page, int(total)


# ── CE compliance ───────────────────────────────────────────────────────────────────────────────────────


async def ce_compliance(area: Area, on: date) -> list[dict]:
    """Per station (of the worker's active full-time spell on d): registered certificates (registration period
    running on d) and those on track (rules.ce_on_track: hours from the period's first day to d ≥ required ×
    elapsed share of the period). One statement (the level rules it needs read by the statement itself)."""
    cert = live_certificate_sql("c")
    pg = cert.pg
    day = date_literal(on, pg)
    expiry = cert.expiry()
    earned = credit_day_sql("e", pg)
    hours = (
        "(SELECT COALESCE(SUM(e.hours), 0) FROM ce_credits e WHERE e.worker_id = c.worker_id"
        f" AND {earned} >= c.registered_on AND {earned} <= {day})"
    )
    period_days = f"({days_between(expiry, 'c.registered_on', pg)} + 1)"
    elapsed = f"({days_between(day, 'c.registered_on', pg)} + 1)"
    on_track = f"{hours} * {period_days} >= {cert.required_hours()} * {elapsed}"
    sql = (
        "SELECT sp.station_id AS station_id, st.code AS code, st.name AS name, COUNT(*) AS registered,"
        f" SUM(CASE WHEN {on_track} THEN 1 ELSE 0 END) AS on_track"
        f"{population_sql(area, station=True, joins=' JOIN certificates c ON c.worker_id = sp.worker_id')}"
        f" AND {active_on_sql('sp', day)}"
        f" AND c.registered_on IS NOT NULL AND c.registered_on <= {day} AND {expiry} >= {day}"
        " GROUP BY sp.station_id, st.code, st.name ORDER BY st.code"
    )
    rows = await fetch_all(EmploymentSpell, sql)
    return [
        {
            "station": r["code"],
            "name": r["name"],
            "registered": int(r["registered"]),
            "on_track": int(r["on_track"] or 0),
            "rate": int(r["on_track"] or 0) / int(r["registered"]) if r["registered"] else None,
        }
        for r in rows
    ]


def totals(rows: list[dict], keys: tuple[str, ...]) -> dict:
    return {key: sum(r[key] for r in rows) for key in keys}


# ── staffing against tiers ──────────────────────────────────────────────────────────────────────────────


def _staffing_sql(area: Area, on: date) -> str:
    return _staffing_text(area.counted_stations_sql, on, is_postgres(), area.counts_everywhere)


@lru_cache(maxsize=128)
def _staffing_text(counted_stations: str, on: date, pg: bool, everywhere: bool = False) -> str:
    """WITH clauses ending in `s`: per station of the kind the area counts, its tier's norms and its counts on d
    (full-time workers; certified; at or above each level: measures.certified_counts_sql per station); `met` is
    rules.staffing_met in SQL. A tier of another kind of station is joined as no tier at all
    (places.rules.tier_applies: norms apply per kind). `everywhere`: the counted stations are every station
    (Area.counts_everywhere), so neither the spells nor the stations are tested against their list (the national
    demo's network per kind, best of 3: PostgreSQL 267 and 250 → 221 and 229 ms, SQLite 561 and 568 → 518 and 522)."""
    # Per station: only the spells at the stations listed matter.
    ctes, counts = certified_counts_text(counted_stations, Grouping.stations(), (on,), tuple(LEVELS), pg, everywhere)
    at_level = " ".join(f"WHEN '{level}' THEN COALESCE(k.c0_{i}, 0)" for i, level in enumerate(LEVELS))
    listed = "" if everywhere else f" WHERE st.id IN ({counted_stations})"
    # The per-station counts computed once (MATERIALIZED): inlined, PostgreSQL ran the whole aggregate again for each
    # station it joined them to (a city's 56 stations: 20 ms against 5). The stations' rows too: under the callers'
    # ORDER BY code, PostgreSQL walked the stations in code order and scanned the counts (estimated at 200 rows)
    # once per station, a nested loop: the whole country's first 500 took 0.5 s, and with the totals beside them
    # (staffing_table's windows) 7.7 s, against 0.12 s once every station is computed first (a hash join).
    return (
        f"WITH {ctes}, k AS MATERIALIZED ({counts}), s AS MATERIALIZED (SELECT st.id AS station_id, st.code AS code,"
        " st.name AS name, st.region_path AS region_path, st.kind AS kind, t.name AS tier,"
        " t.min_fulltime AS min_fulltime,"
        " t.min_certified AS min_certified, t.min_level AS min_level, COALESCE(k.h0, 0) AS headcount,"
        f" COALESCE(k.c0_0, 0) AS certified, (CASE t.min_level {at_level} END) AS at_level,"
        " CASE WHEN t.id IS NULL THEN NULL"
        " WHEN COALESCE(k.h0, 0) >= t.min_fulltime AND COALESCE(k.c0_0, 0) >= t.min_certified"
        f" AND (t.min_level IS NULL OR (CASE t.min_level {at_level} END) >="
        " (CASE WHEN t.min_certified > 1 THEN t.min_certified ELSE 1 END)) THEN 1 ELSE 0 END AS met"
        " FROM stations st LEFT JOIN station_tiers t ON t.id = st.tier_id AND t.station_kind = st.kind"
        f" LEFT JOIN k ON k.g = st.id{listed})"
    )


async def staffing_table(
    area: Area, on: date, limit: int | None = 500, *, unmet: bool = False
) -> tuple[list[dict], dict]:
    """Per station: tier, norms, full-time workers, certified, at the tier's level, met (None without a tier): the
    rows (the first `limit` by code; None: every one; `unmet`: only the stations below their tier's
    norms) and the totals of every station counted, shown or not (staffing_summary's keys); one statement: the
    totals are windows over all the stations, taken before the LIMIT, where a statement of their own computed every
    station's counts a second time. The stations below their norms are read first when only they are asked for, so
    the first row carries the totals even when none is below (a WHERE would leave no row to carry them)."""
    order = "CASE WHEN s.met = 0 THEN 0 ELSE 1 END, s.code" if unmet else "s.code"
    sql = (
        f"{_staffing_sql(area, on)} SELECT s.*, COUNT(*) OVER () AS all_stations,"
        " SUM(CASE WHEN s.met IS NULL THEN 0 ELSE 1 END) OVER () AS all_tiered,"
        f" SUM(CASE WHEN s.met = 1 THEN 1 ELSE 0 END) OVER () AS all_met FROM s ORDER BY {order}"
        + ("" if limit is None else f" LIMIT {int(limit)}")
    )
    rows = await fetch_all(EmploymentSpell, sql)
    first = rows[0] if rows else {}
    summary = {key: int(first.get(f"all_{key}") or 0) for key in ("stations", "tiered", "met")}
    for r in rows:
        for key in ("all_stations", "all_tiered", "all_met"):
            del r[key]
        r["met"] = None if r["met"] is None else bool(r["met"])
        r["at_level"] = None if r["min_level"] is None else int(r["at_level"] or 0)
    if unmet:
        rows = [r for r in rows if r["met"] is False]
    return rows, summary


async def staffing_summary(
    area: Area, on: date, children: list[Region] | None = None, *, by_kind: bool = False
) -> dict[str, dict]:
    """Stations (of the kind the area counts), stations with a tier of their kind, and those meeting it: in all
    (''), per child region, or per kind of station (`by_kind`: keyed by the kind's code); one statement."""
    group = "''"
    if children:
        whens = " ".join(f"WHEN s.region_path LIKE '{r.path}%' THEN '{r.code}'" for r in children if safe_path(r.path))
        group = f"(CASE {whens} ELSE '' END)"
    elif by_kind:
        group = "s.kind"
    # Grouped by a column of a derived table: PostgreSQL refuses a constant ('' without children) in GROUP BY.
    sql = (
        f"{_staffing_sql(area, on)} SELECT t.g AS g, COUNT(*) AS stations,"
        " SUM(CASE WHEN t.met IS NULL THEN 0 ELSE 1 END) AS tiered, SUM(CASE WHEN t.met = 1 THEN 1 ELSE 0 END) AS met"
        f" FROM (SELECT {group} AS g, s.met AS met FROM s) t GROUP BY t.g"
    )
    rows = await fetch_all(EmploymentSpell, sql)
    return {
        r["g"] or "": {"stations": int(r["stations"]), "tiered": int(r["tiered"] or 0), "met": int(r["met"] or 0)}
        for r in rows
    }


# ── exam pass rates ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PassRate:
    year: int
    subject: str
    group: str
    sat: int
    passed: int
    name: str = ""  # the subject's name in the catalogue (subject is its code)
    name_en: str = ""

    @property
    def rate(self) -> float | None:
        return self.passed / self.sat if self.sat else None


async def pass_rates(area: Area, year: int | None = None, children: list[Region] | None = None) -> list[PassRate]:
    """Exam results sat in the area (the result's region) by workers in scope: sat, passed, rate per year and
    subject (and child region when given); one statement (certification.selectors.pass_rate_counts)."""
    rows = await pass_rate_counts(
        scope=area.scope, region_path=area.path, year=year, groups=[(c.path, c.code) for c in children or []]
    )
    out = [
        PassRate(
            r["year"],
            r["subject__code"],
            r["group"],
            r["sat"],
            r["passed_count"],
            r["subject__name"],
            r["subject__name_en"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda p: (-p.year, p.subject, p.group))
