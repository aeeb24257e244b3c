"""Reports against hand-written SQL: for each measure the reports page and the API compute, the selector's time
(as the pages and the API call it) versus one hand-written SQL statement computing the same aggregate on the same
database, with the numbers checked equal; then the page data and the API answers end to end, with their query
counts.

    talent demo --scale county            # into the database below (TALENT_DATABASE_URL)
    .venv/bin/python bench/reports.py [--db sqlite:///path.sqlite3 | postgres://…] [--repeat 5]
        [--only WORD] [--users bureau,citybureau,admin] [--no-analyze]

Each figure is the best of --repeat runs (the machine is shared), and of more for a fast one (until its runs add
up to a quarter of a second, at most 200); the goal (DESIGN §4) is a ratio ≤ 1.5. A twin
whose answer differs from the selector's prints `NO` and both answers. The query count of the page must not depend
on the data size (tests/analytics/test_pages.py checks it on small data; this script prints it on the large one).

The twins are written for the bureau and admin viewers the demo has (`bureau`, `citybureau`, `admin`): their
scope is a region subtree (or everything), so "a station in the area" is a range on `stations.region_path`. The
certificate rules that come from the catalogue (registration expiry, CE hours with their caps, required hours)
are the rule expressions of talent.certification.expressions; everything else is written here.
"""

import argparse
import asyncio
import io
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


# A figure that takes well under a millisecond is timed more often than --repeat says: until its runs add up to this
# many seconds (at most MAX_RUNS), so a tenth of a millisecond of scheduling does not decide its ratio.
FAST_BUDGET = 0.25
MAX_RUNS = 200


async def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    while len(times) < repeat or (sum(times) < FAST_BUDGET and len(times) < MAX_RUNS):
        start = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - start)
    return min(times), result


# ── SQL building blocks ─────────────────────────────────────────────────────────────────────────────────


@dataclass
class Ctx:
    """One area on one day, and the dialect: what every twin reads."""

    pg: bool
    area: object  # talent.analytics.area.Area
    on: date  # the report day
    d0: date  # the period: the twelve months ending on the day
    d1: date
    scope_path: str | None  # the viewer's region subtree (None: admin)
    cert: object = None  # talent.certification.expressions.CertificateSql of this database

    @property
    def path(self) -> str:
        return self.area.path

    def d(self, day: date) -> str:
        return f"DATE '{day.isoformat()}'" if self.pg else f"'{day.isoformat()}'"

    def in_area(self, alias: str) -> str:
        """The row's region path lies under the area's."""
        return under(f"{alias}.region_path", self.path)

    def plus(self, column: str, days: int) -> str:
        return f"({column} + {days})" if self.pg else f"date({column}, '+{days} days')"

    def days(self, later: str, earlier: str) -> str:
        return f"({later} - {earlier})" if self.pg else f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def child(self, path: str) -> str:
        """The path of the area's child region a region path (`path`, an SQL expression) lies in: its first segment
        below the area's; the area's own path for a station directly in the area's region."""
        n = len(self.path)
        find = "strpos" if self.pg else "instr"
        return f"substr({path}, 1, {n} + {find}(substr({path}, {n + 1}), '/'))"

    def child_code(self, g: str) -> str:
        """A child path (from `child`) as the child region's code; '' for the area's own region."""
        return f"(CASE WHEN {g} = '{self.path}' THEN '' ELSE (SELECT r.code FROM regions r WHERE r.path = {g}) END)"


def under(column: str, path: str) -> str:
    """`column` (a region path) lies under `path` ('' = anywhere): a range, so a path index serves it (paths are
    digits and '/', safe as literals)."""
    if not path:
        return "1 = 1"
    upper = path[:-1] + chr(ord(path[-1]) + 1)
    return f"{column} >= '{path}' AND {column} < '{upper}'"


def active(sp: str, day: str) -> str:
    """A full-time spell active on the day (people.rules.active_on)."""
    return f"{sp}.full_time AND {sp}.start_on <= {day} AND ({sp}.end_on IS NULL OR {sp}.end_on >= {day})"


def level_rank(c: str) -> str:
    """A certificate's level as 1, 2, 3 from the lowest (measures.LEVELS)."""
    from talent.analytics.measures import LEVELS

    whens = " ".join(f"WHEN '{level}' THEN {i + 1}" for i, level in enumerate(LEVELS))
    return f"(CASE {c}.level {whens} END)"


def values_cte(name: str, columns: str, rows: list[tuple[str, ...]]) -> str:
    return f"{name}({columns}) AS (VALUES " + ", ".join("(" + ", ".join(r) + ")" for r in rows) + ")"


def separations_sql(x: Ctx, start: date, end: date, group: str = "''", same_group: str | None = "") -> str:
    """separations(R, from, to): full-time spells at the area's stations ending in [from, to], except a transfer
    whose worker starts at another station of the area within 31 days (inside the spell's own group when grouped:
    `same_group` over `st` and `sb`; None: no move is inside, as per station). Columns g, end_on, exit_type,
    exit_reason, worker_id."""
    followed = ""
    if same_group is not None:
        inside = f" AND {same_group}" if same_group else ""
        followed = (
            " AND NOT (a.exit_type = 'transfer' AND EXISTS (SELECT 1 FROM employment_spells b"
            " JOIN stations sb ON sb.id = b.station_id WHERE b.worker_id = a.worker_id"
            f" AND b.station_id <> a.station_id AND b.start_on >= a.end_on AND b.start_on <= {x.plus('a.end_on', 31)}"
            f" AND {x.in_area('sb')}{inside}))"
        )
    return (
        f"SELECT {group} AS g, a.worker_id AS worker_id, a.end_on AS end_on, a.exit_type AS exit_type,"
        " a.exit_reason AS exit_reason"
        " FROM employment_spells a JOIN stations st ON st.id = a.station_id"
        f" WHERE {x.in_area('st')} AND a.full_time AND a.end_on >= {x.d(start)} AND a.end_on <= {x.d(end)}{followed}"
    )


def headcount_days(x: Ctx) -> list[date]:
    """The days the period's average headcount reads: each month touched, its first and its last."""
    from talent.analytics.periods import months_touched

    return sorted({d for m in months_touched(x.d0, x.d1) for d in (m.start, m.end)})


def headcounts_sql(x: Ctx, group: str) -> str:
    """Per group, the headcount on each of `headcount_days` (columns h0, h1, …) in one pass over the spells that
    overlap the period (a join of days to spells read the spells once per month)."""
    days = headcount_days(x)
    columns = ", ".join(
        f"COUNT(DISTINCT CASE WHEN {active('sp', x.d(day))} THEN sp.worker_id END) AS h{i}"
        for i, day in enumerate(days)
    )
    return (
        f"SELECT {group} AS g, {columns} FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE sp.full_time AND {x.in_area('st')} AND sp.start_on <= {x.d(days[-1])}"
        f" AND (sp.end_on IS NULL OR sp.end_on >= {x.d(days[0])}) GROUP BY 1"
    )


def average_of(x: Ctx, start: date, end: date, row: str) -> str:
    """The mean over the months [start, end] touches of (first-day + last-day headcount) ÷ 2, from the columns of
    `headcounts_sql` in `row`."""
    from talent.analytics.periods import months_touched

    index = {day: i for i, day in enumerate(headcount_days(x))}
    months = months_touched(start, end)
    total = " + ".join(f"{row}.h{index[m.start]} + {row}.h{index[m.end]}" for m in months)
    return f"({total}) / (2.0 * {len(months)})"


def tenure_ctes(x: Ctx, on: date) -> str:
    """WITH clauses ending in `tenure(worker_id, k, first_on, first_path, exit_on)`: each worker's spells of tenure
    in the area up to `on`, numbered k from 0. The worker's full-time starts there and separations there (up to
    `on`) in one stream by day, a start before a separation of the same day; a start belongs to the tenure
    numbered by the separations before it, and that tenure ends with the next separation."""
    return (
        f"WITH sep AS ({separations_sql(x, date(1900, 1, 1), on)}),"
        " ev AS (SELECT sp.worker_id AS worker_id, sp.start_on AS day, 0 AS is_sep, sp.id AS id,"
        " st.region_path AS path FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE sp.full_time AND sp.start_on <= {x.d(on)} AND {x.in_area('st')}"
        " UNION ALL SELECT s.worker_id, s.end_on, 1, 0, '' FROM sep s),"
        " numbered AS (SELECT ev.*, SUM(ev.is_sep) OVER (PARTITION BY ev.worker_id ORDER BY ev.day, ev.is_sep"
        " ROWS UNBOUNDED PRECEDING) - ev.is_sep AS k FROM ev),"
        " firsts AS (SELECT n.*, ROW_NUMBER() OVER (PARTITION BY n.worker_id, n.k, n.is_sep ORDER BY n.day, n.id)"
        " AS kn FROM numbered n),"
        " tenure AS (SELECT f.worker_id AS worker_id, f.k AS k,"
        " MIN(CASE WHEN f.is_sep = 0 THEN f.day END) AS first_on,"
        " MAX(CASE WHEN f.is_sep = 0 AND f.kn = 1 THEN f.path END) AS first_path,"
        " MIN(CASE WHEN f.is_sep = 1 THEN f.day END) AS exit_on"
        " FROM firsts f GROUP BY f.worker_id, f.k HAVING MIN(CASE WHEN f.is_sep = 0 THEN f.day END) IS NOT NULL)"
    )


# ── the twins ───────────────────────────────────────────────────────────────────────────────────────────


def headcount_sql(x: Ctx) -> str:
    return (
        "SELECT COUNT(DISTINCT sp.worker_id) AS n FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE {x.in_area('st')} AND {active('sp', x.d(x.on))}"
    )


def certification_sql(x: Ctx, group: str = "''", key: str = "a.g") -> str:
    """The active workers per group once (`a`), each one's highest level held once (`t`), then one count per column."""
    from talent.analytics.measures import LEVELS

    per_level = ", ".join(f"SUM(CASE WHEN t.top = {i + 1} THEN 1 ELSE 0 END) AS l{i}" for i in range(len(LEVELS)))
    return (
        f"WITH a AS (SELECT DISTINCT {group} AS g, sp.worker_id AS worker_id FROM employment_spells sp"
        f" JOIN stations st ON st.id = sp.station_id WHERE {x.in_area('st')} AND {active('sp', x.d(x.on))}),"
        f" t AS (SELECT c.worker_id AS worker_id, MAX({level_rank('c')}) AS top FROM certificates c"
        f" WHERE c.obtained_on <= {x.d(x.on)} AND c.worker_id IN (SELECT worker_id FROM a) GROUP BY c.worker_id)"
        f" SELECT {key} AS g, COUNT(*) AS headcount, COUNT(t.top) AS certified, {per_level}"
        " FROM a LEFT JOIN t ON t.worker_id = a.worker_id GROUP BY a.g"
    )


def turnover_sql(x: Ctx, group: str = "''", same_group: str | None = "", key: str = "u.g") -> str:
    """Separations counted per group, headcounts per group on the days the average reads, joined on the group."""
    return (
        f"WITH s AS ({separations_sql(x, x.d0, x.d1, group, same_group)}),"
        " sc AS (SELECT s.g AS g, COUNT(*) AS n, SUM(CASE WHEN s.exit_type = 'voluntary' THEN 1 ELSE 0 END) AS vol,"
        " SUM(CASE WHEN s.exit_type = 'involuntary' THEN 1 ELSE 0 END) AS invol FROM s GROUP BY s.g),"
        f" h AS ({headcounts_sql(x, group)}), hc AS (SELECT h.g AS g, {average_of(x, x.d0, x.d1, 'h')} AS avg FROM h),"
        " u AS (SELECT g FROM sc UNION SELECT g FROM hc)"
        f" SELECT {key} AS g, COALESCE(sc.n, 0) AS n, COALESCE(sc.vol, 0) AS vol, COALESCE(sc.invol, 0) AS invol,"
        " COALESCE(hc.avg, 0) AS avg FROM u LEFT JOIN sc ON sc.g = u.g LEFT JOIN hc ON hc.g = u.g"
    )


def separations_count_sql(x: Ctx) -> str:
    return f"SELECT COUNT(*) AS n FROM ({separations_sql(x, x.d0, x.d1)}) s"


def exit_reasons_sql(x: Ctx) -> str:
    return (
        f"SELECT s.exit_type AS exit_type, s.exit_reason AS exit_reason, COUNT(*) AS n"
        f" FROM ({separations_sql(x, x.d0, x.d1)}) s GROUP BY s.exit_type, s.exit_reason"
        " ORDER BY n DESC, s.exit_type, s.exit_reason"
    )


def attrition_sql(x: Ctx) -> str:
    return (
        f"{tenure_ctes(x, x.d1)} SELECT COUNT(*) AS hires,"
        f" SUM(CASE WHEN exit_on IS NOT NULL AND {x.days('exit_on', 'first_on')} < 365 THEN 1 ELSE 0 END) AS left_"
        f" FROM tenure WHERE k = 0 AND first_on >= {x.d(x.d0)} AND first_on <= {x.d(x.d1)}"
    )


def retention_sql(x: Ctx, group_by: str) -> str:
    """The tenures of `tenure_ctes`, each with its group, length and whether it ended."""
    day = x.d(x.on)
    groups = {
        "": "'all'",
        "level": f"(SELECT MAX({level_rank('c')}) FROM certificates c WHERE c.worker_id = t.worker_id"
        f" AND c.obtained_on <= {day})",
        "source": "w.source",
        "cohort": "(SELECT COALESCE(MIN(co.kind), 'none') FROM cohort_members m JOIN cohorts co ON co.id = m.cohort_id"
        f" WHERE m.worker_id = t.worker_id AND m.joined_on <= {day})",
        "region": x.child_code(x.child("t.first_path")),
        "pay": "t.pay_status",
    }
    join = " JOIN workers w ON w.id = t.worker_id" if group_by == "source" else ""
    source = "tenure"
    more = ""
    if x.pg and group_by == "cohort":
        # PostgreSQL: every tenure's worker's kind at once, hashed and joined (a probe per tenure is slower there).
        more = (
            ", gc AS (SELECT v.worker_id, MIN(co.kind) AS kind FROM (SELECT DISTINCT worker_id FROM tenure) v"
            " JOIN cohort_members m ON m.worker_id = v.worker_id JOIN cohorts co ON co.id = m.cohort_id"
            f" WHERE m.joined_on <= {day} GROUP BY v.worker_id)"
        )
        groups["cohort"], join = "COALESCE(gc.kind, 'none')", " LEFT JOIN gc ON gc.worker_id = t.worker_id"
    if x.pg and group_by == "region":
        # PostgreSQL: the child regions hashed and joined by the tenure's child path.
        g = x.child("t.first_path")
        groups["region"] = f"(CASE WHEN {g} = '{x.path}' THEN '' ELSE gr.code END)"
        join = f" LEFT JOIN regions gr ON gr.path = {g}"
    if group_by == "pay":
        more, source = pay_status_ctes(x), "tp"
    return (
        f"{tenure_ctes(x, x.on)}{more}, y AS (SELECT {groups[group_by]} AS g,"
        f" {x.days(f'COALESCE(t.exit_on, {day})', 't.first_on')} + 1 AS days,"
        f" CASE WHEN t.exit_on IS NULL THEN 0 ELSE 1 END AS event FROM {source} t{join})"
        " SELECT y.g AS g, y.days AS days, COUNT(*) AS n, SUM(y.event) AS d FROM y GROUP BY y.g, y.days"
    )


def pay_status_ctes(x: Ctx) -> str:
    """More WITH clauses ending in `tp`: each tenure with its pay status on its last day followed (the exit day, or
    the report day while it runs), at the area's station of the worker's latest full-time start by then: the
    salary record then in force against the floor and the band of the standard applying there (the most specific
    enclosing region's latest published one), for the worker's highest level and years of service then."""
    money = (lambda c: c) if x.pg else (lambda c: f"CAST({c} AS REAL)")
    if x.pg:
        years = (
            "(CAST(EXTRACT(YEAR FROM q.last_on) AS INTEGER) - CAST(EXTRACT(YEAR FROM q.first_start) AS INTEGER)"
            " - CASE WHEN to_char(q.first_start, 'MM-DD') > to_char(q.last_on, 'MM-DD') THEN 1 ELSE 0 END)"
        )
    else:
        years = (
            "(CAST(strftime('%Y', q.last_on) AS INTEGER) - CAST(strftime('%Y', q.first_start) AS INTEGER)"
            " - CASE WHEN strftime('%m-%d', q.first_start) > strftime('%m-%d', q.last_on) THEN 1 ELSE 0 END)"
        )
    if x.pg:
        # Every tenure's starts ranked at once (hash joins), and each ranked table joined once: PostgreSQL has no
        # index on a WITH clause, so a subquery per row would scan it.
        stations = (
            " qs AS MATERIALIZED (SELECT z.worker_id, z.k, z.rp FROM (SELECT q.worker_id, q.k, st.region_path AS rp,"
            " ROW_NUMBER() OVER (PARTITION BY q.worker_id, q.k ORDER BY sp.start_on DESC, sp.id DESC) AS r"
            " FROM q0 q JOIN employment_spells sp ON sp.worker_id = q.worker_id AND sp.full_time"
            f" AND sp.start_on <= q.last_on JOIN stations st ON st.id = sp.station_id WHERE {x.in_area('st')}) z"
            " WHERE z.r = 1),"
        )
        rp, rp_join = "s.rp", " LEFT JOIN qs s ON s.worker_id = q.worker_id AND s.k = q.k"
        sid, sid_join = "w.sid", " LEFT JOIN qw w ON w.rp = q.rp AND w.last_on = q.last_on"
    else:
        # SQLite joins by nested loops: a subquery per row (an index search, or an automatic index on the clause).
        station_in_area = (
            "(SELECT st.region_path FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
            f" WHERE sp.worker_id = q.worker_id AND sp.full_time AND sp.start_on <= q.last_on AND {x.in_area('st')}"
            " ORDER BY sp.start_on DESC, sp.id DESC LIMIT 1)"
        )
        stations, rp, rp_join = "", station_in_area, ""
        sid, sid_join = "(SELECT w.sid FROM qw w WHERE w.rp = q.rp AND w.last_on = q.last_on)", ""
    return (
        f", q0 AS MATERIALIZED (SELECT t.worker_id, t.k, t.first_on, t.exit_on,"
        f" COALESCE(t.exit_on, {x.d(x.on)}) AS last_on FROM tenure t),"
        f"{stations}"
        f" q1 AS MATERIALIZED (SELECT q.*, {rp} AS rp,"
        " COALESCE((SELECT MAX(c.level) FROM certificates c WHERE c.worker_id = q.worker_id"
        " AND c.obtained_on <= q.last_on), 'none') AS lvl,"
        f" (SELECT {money('r.monthly_base')} + {money('r.monthly_allowances')} FROM pay_salary_records r"
        " WHERE r.worker_id = q.worker_id AND r.effective_from <= q.last_on ORDER BY r.effective_from DESC LIMIT 1)"
        " AS pay,"
        " (SELECT MIN(f.start_on) FROM employment_spells f WHERE f.worker_id = q.worker_id) AS first_start"
        f" FROM q0 q{rp_join}),"
        # The standards published for a region enclosing each path the tenures end at, then the one applying on
        # each (path, last day): the most specific region's, the latest effective, the latest published.
        " qc AS MATERIALIZED (SELECT p.rp, a.id, a.region_path, a.effective_from, a.published_at"
        " FROM (SELECT DISTINCT rp FROM q1 WHERE rp IS NOT NULL) p JOIN pay_standards a ON a.status = 'published'"
        " AND substr(p.rp, 1, length(a.region_path)) = a.region_path),"
        " qw AS MATERIALIZED (SELECT z.rp, z.last_on, z.id AS sid FROM (SELECT d.rp, d.last_on, c.id,"
        " ROW_NUMBER() OVER (PARTITION BY d.rp, d.last_on"
        " ORDER BY c.region_path DESC, c.effective_from DESC, c.published_at DESC, c.id DESC) AS r"
        " FROM (SELECT DISTINCT rp, last_on FROM q1) d JOIN qc c ON c.rp = d.rp AND c.effective_from <= d.last_on) z"
        " WHERE z.r = 1),"
        f" q2 AS MATERIALIZED (SELECT q.*, {years} AS yrs, {sid} AS sid FROM q1 q{sid_join}),"
        f" q3 AS (SELECT q.*, {money('s.floor')} AS floor, {money('b.min_pay')} AS bmin, {money('b.max_pay')} AS bmax"
        " FROM q2 q LEFT JOIN pay_standards s ON s.id = q.sid LEFT JOIN pay_bands b ON b.standard_id = q.sid"
        " AND b.level = q.lvl AND b.years_from <= q.yrs AND (b.years_to IS NULL OR q.yrs < b.years_to)),"
        " tp AS (SELECT q.worker_id, q.first_on, q.exit_on, CASE WHEN q.sid IS NULL THEN 'uncovered'"
        " WHEN q.pay IS NULL THEN 'no_record' WHEN q.pay < q.floor THEN 'below_floor'"
        " WHEN q.bmin IS NULL THEN 'within_band' WHEN q.pay < q.bmin THEN 'below_band'"
        " WHEN q.pay <= q.bmax THEN 'within_band' ELSE 'above_band' END AS pay_status FROM q3 q)"
    )


def certification_series_sql(x: Ctx) -> str:
    """One pass over the spells overlapping the series with each worker's first certificate day (read once): per
    day, the active workers and those certified by then; one row per day."""
    from talent.analytics.periods import months_back

    days = months_back(x.on, 12)
    columns = ", ".join(
        f"COUNT(DISTINCT CASE WHEN {active('sp', x.d(d))} THEN sp.worker_id END) AS h{i},"
        f" COUNT(DISTINCT CASE WHEN {active('sp', x.d(d))} AND f.first_on <= {x.d(d)} THEN sp.worker_id END) AS c{i}"
        for i, d in enumerate(days)
    )
    pick = " ".join(f"WHEN {x.d(d)} THEN r.h{i}" for i, d in enumerate(days))
    pick_c = " ".join(f"WHEN {x.d(d)} THEN r.c{i}" for i, d in enumerate(days))
    return (
        f"WITH {values_cte('days', 'day', [(x.d(d),) for d in days])},"
        " f AS (SELECT c.worker_id AS worker_id, MIN(c.obtained_on) AS first_on FROM certificates c"
        " GROUP BY c.worker_id),"
        f" r AS (SELECT {columns} FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        " LEFT JOIN f ON f.worker_id = sp.worker_id"
        f" WHERE sp.full_time AND {x.in_area('st')} AND sp.start_on <= {x.d(days[-1])}"
        f" AND (sp.end_on IS NULL OR sp.end_on >= {x.d(days[0])}))"
        f" SELECT d.day AS day, CASE d.day {pick} END AS headcount, CASE d.day {pick_c} END AS certified"
        " FROM days d CROSS JOIN r"
    )


def turnover_series_sql(x: Ctx, grain: str) -> str:
    """Separations counted per piece of the period; the headcounts on every day the averages read in one row."""
    from talent.analytics.periods import split

    pieces = split(x.d0, x.d1, grain)
    periods = values_cte("periods", "p_start, p_end", [(x.d(p.start), x.d(p.end)) for p in pieces])
    average = " ".join(f"WHEN {x.d(p.start)} THEN {average_of(x, p.start, p.end, 'h')}" for p in pieces)
    empty = headcounts_sql(x, "''")
    return (
        f"WITH {periods}, s AS ({separations_sql(x, x.d0, x.d1)}),"
        " sc AS (SELECT p.p_start AS p_start, COUNT(s.end_on) AS n,"
        " SUM(CASE WHEN s.exit_type = 'voluntary' THEN 1 ELSE 0 END) AS vol,"
        " SUM(CASE WHEN s.exit_type = 'involuntary' THEN 1 ELSE 0 END) AS invol"
        " FROM periods p LEFT JOIN s ON s.end_on >= p.p_start AND s.end_on <= p.p_end GROUP BY p.p_start),"
        f" h AS ({empty})"
        " SELECT sc.p_start AS p_start, sc.n AS n, COALESCE(sc.vol, 0) AS vol, COALESCE(sc.invol, 0) AS invol,"
        f" COALESCE(CASE sc.p_start {average} END, 0) AS avg FROM sc LEFT JOIN h ON 1 = 1 ORDER BY sc.p_start"
    )


def staffing_stations_sql(x: Ctx, kind: str) -> str:
    """Per station of the counted kind: tier (of the station's own kind), full-time workers on d, certified, at
    or above each level, met (rules.staffing_met)."""
    from talent.analytics.measures import LEVELS
    from talent.places.rules import ALL_KINDS

    at = ", ".join(f"SUM(CASE WHEN t.top >= {i + 1} THEN 1 ELSE 0 END) AS ge{i}" for i in range(len(LEVELS)))
    at_level = " ".join(f"WHEN '{level}' THEN COALESCE(x.ge{i}, 0)" for i, level in enumerate(LEVELS))
    of_kind = "" if kind == ALL_KINDS else f" AND st.kind = '{kind}'"
    return (
        "WITH a AS (SELECT DISTINCT sp.station_id AS station_id, sp.worker_id AS worker_id FROM employment_spells sp"
        f" JOIN stations st ON st.id = sp.station_id WHERE {x.in_area('st')}{of_kind} AND {active('sp', x.d(x.on))}),"
        f" t AS (SELECT c.worker_id AS worker_id, MAX({level_rank('c')}) AS top FROM certificates c"
        f" WHERE c.obtained_on <= {x.d(x.on)} AND c.worker_id IN (SELECT worker_id FROM a) GROUP BY c.worker_id),"
        f" x AS (SELECT a.station_id AS station_id, COUNT(*) AS hc, {at}"
        " FROM a LEFT JOIN t ON t.worker_id = a.worker_id GROUP BY a.station_id),"
        " s AS (SELECT st.id AS station_id, st.code AS code, st.name AS name, st.region_path AS region_path,"
        " st.kind AS kind, tr.name AS tier, tr.min_level AS min_level, COALESCE(x.hc, 0) AS headcount,"
        f" COALESCE(x.ge0, 0) AS certified, (CASE tr.min_level {at_level} END) AS at_level,"
        " CASE WHEN tr.id IS NULL THEN NULL WHEN COALESCE(x.hc, 0) >= tr.min_fulltime"
        " AND COALESCE(x.ge0, 0) >= tr.min_certified AND (tr.min_level IS NULL"
        f" OR (CASE tr.min_level {at_level} END) >= (CASE WHEN tr.min_certified > 1 THEN tr.min_certified ELSE 1 END))"
        " THEN 1 ELSE 0 END AS met"
        " FROM stations st LEFT JOIN station_tiers tr ON tr.id = st.tier_id AND tr.station_kind = st.kind"
        f" LEFT JOIN x ON x.station_id = st.id WHERE {x.in_area('st')}{of_kind})"
    )


def staffing_list_sql(x: Ctx) -> str:
    return f"{staffing_stations_sql(x, x.area.kind)} SELECT * FROM s ORDER BY s.code LIMIT 500"


def staffing_summary_sql(x: Ctx, by: str) -> str:
    from talent.places.rules import ALL_KINDS

    kind = ALL_KINDS if by == "kind" else x.area.kind
    group = {"": "''", "child": x.child("s.region_path"), "kind": "s.kind"}[by]
    key = x.child_code("z.g") if by == "child" else "z.g"
    return (
        f"{staffing_stations_sql(x, kind)}, z AS (SELECT {group} AS g, COUNT(*) AS stations,"
        " COUNT(s.met) AS tiered, SUM(CASE WHEN s.met = 1 THEN 1 ELSE 0 END) AS met FROM s GROUP BY 1)"
        f" SELECT {key} AS g, z.stations AS stations, z.tiered AS tiered, z.met AS met FROM z"
    )


def ce_hours_sql(x: Ctx) -> tuple[str, str]:
    """certification.rules.period_ce_hours over the certificates `r` (with `id`, `worker_id`, `registered_on`,
    `expiry`, `valid`): a clause `k` summing each kind's credits of the period per valid certificate in one join,
    and the expression of the capped total over `r` and `k` (the caps of the catalogue, regional ones first)."""
    from decimal import Decimal

    from talent.certification.rules import CE_CREDIT_DEFAULTS

    def number(value: Decimal | None) -> str:
        return "CAST(NULL AS NUMERIC)" if value is None else format(Decimal(value), "f")

    regional = any(rule.region_path for rule in x.cert.caps)
    path = replace(x.cert, row="r").worker_region_path() if regional else "''"
    sums, total = [], []
    for kind, (default, _wording) in CE_CREDIT_DEFAULTS.items():
        sums.append(f"SUM(CASE WHEN e.source = '{kind}' THEN e.hours ELSE 0 END) AS k_{kind}")
        rules = sorted(
            (r for r in x.cert.caps if r.kind == kind),
            key=lambda r: (len(r.region_path), r.effective_from),
            reverse=True,
        )
        whens = []
        for rule in rules:
            region = (
                f"substr({path}, 1, {len(rule.region_path)}) = '{rule.region_path}' AND " if rule.region_path else ""
            )
            when = f"r.registered_on >= {x.d(rule.effective_from)} THEN {number(rule.max_hours)}"
            whens.append(f"WHEN {region}{when}")
        cap = f"(CASE {' '.join(whens)} ELSE {number(default)} END)" if whens else number(default)
        hours = f"COALESCE(k.k_{kind}, 0)"
        total.append(f"(CASE WHEN {cap} IS NULL OR {hours} < {cap} THEN {hours} ELSE {cap} END)")
    clause = (
        f"k AS (SELECT r.id AS id, {', '.join(sums)} FROM r JOIN ce_credits e ON e.worker_id = r.worker_id"
        " AND e.earned_on >= r.registered_on AND e.earned_on <= r.expiry WHERE r.valid = 1 GROUP BY r.id)"
    )
    return clause, "(" + " + ".join(total) + ")"


def registration_sql(x: Ctx) -> str:
    """Each certificate's expiry computed once; the CE hours only for the valid ones, summed in one join."""
    from talent.certification.rules import Thresholds

    cert, day = x.cert, x.d(x.on)
    by_level = {level: Thresholds.of(rules, x.on) for level, rules in cert.rules.items()}
    first_from = " ".join(f"WHEN '{lv}' THEN {x.d(t.first_registration_from)}" for lv, t in by_level.items())
    renewal_from = " ".join(f"WHEN '{lv}' THEN {x.d(t.renewal_from)}" for lv, t in by_level.items())
    k, hours = ce_hours_sql(x)
    return (
        "WITH a AS (SELECT DISTINCT sp.worker_id AS worker_id FROM employment_spells sp"
        f" JOIN stations st ON st.id = sp.station_id WHERE {x.in_area('st')} AND {active('sp', day)}),"
        " c1 AS (SELECT c.id AS id, c.worker_id AS worker_id, c.level AS level, c.obtained_on AS obtained_on,"
        f" c.registered_on AS registered_on, {cert.expiry()} AS expiry, {cert.required_hours()} AS required"
        f" FROM certificates c WHERE c.obtained_on <= {day} AND c.worker_id IN (SELECT worker_id FROM a)),"
        " r AS (SELECT c1.*, CASE WHEN c1.registered_on IS NOT NULL AND c1.registered_on <= "
        f"{day} AND c1.expiry >= {day} THEN 1 ELSE 0 END AS valid FROM c1), {k}"
        " SELECT COUNT(*) AS certificates, SUM(r.valid) AS valid,"
        f" SUM(CASE WHEN r.valid = 1 AND r.expiry <= (CASE r.level {renewal_from} END) THEN 1 ELSE 0 END)"
        " AS renewal_open,"
        f" SUM(CASE WHEN r.registered_on IS NULL AND r.obtained_on < (CASE r.level {first_from} END) THEN 1"
        f" WHEN r.registered_on IS NOT NULL AND r.expiry < {day} THEN 1 ELSE 0 END) AS expired,"
        f" SUM(CASE WHEN r.valid = 1 AND {hours} < r.required THEN 1 ELSE 0 END) AS ce_short,"
        f" SUM(CASE WHEN r.registered_on IS NULL AND r.obtained_on >= (CASE r.level {first_from} END) THEN 1 ELSE 0"
        " END) AS unregistered FROM r LEFT JOIN k ON k.id = r.id"
    )


def ce_sql(x: Ctx) -> str:
    """The running registrations of the active workers once, their credits since the period began in one grouped
    join, then one row per station of an active spell (a worker active at two stations counts at both)."""
    cert, day = x.cert, x.d(x.on)
    return (
        "WITH a AS (SELECT sp.station_id AS station_id, sp.worker_id AS worker_id FROM employment_spells sp"
        f" JOIN stations st ON st.id = sp.station_id WHERE {x.in_area('st')} AND {active('sp', day)}),"
        f" r AS (SELECT c.id AS id, c.worker_id AS worker_id, c.registered_on AS registered_on,"
        f" {cert.expiry()} AS expiry, {cert.required_hours()} AS required FROM certificates c"
        f" WHERE c.registered_on <= {day} AND c.worker_id IN (SELECT worker_id FROM a)),"
        " h AS (SELECT r.id AS id, r.registered_on AS registered_on, r.expiry AS expiry, r.required AS required,"
        " r.worker_id AS worker_id, COALESCE(SUM(e.hours), 0) AS hours FROM r LEFT JOIN ce_credits e"
        f" ON e.worker_id = r.worker_id AND e.earned_on >= r.registered_on AND e.earned_on <= {day}"
        f" WHERE r.expiry >= {day} GROUP BY r.id, r.registered_on, r.expiry, r.required, r.worker_id)"
        " SELECT st.code AS code, st.name AS name, COUNT(*) AS registered,"
        f" SUM(CASE WHEN h.hours * ({x.days('h.expiry', 'h.registered_on')} + 1)"
        f" >= h.required * ({x.days(day, 'h.registered_on')} + 1) THEN 1 ELSE 0 END) AS on_track"
        " FROM a JOIN h ON h.worker_id = a.worker_id JOIN stations st ON st.id = a.station_id"
        " GROUP BY st.id, st.code, st.name ORDER BY st.code"
    )


def pass_rates_sql(x: Ctx) -> str:
    in_scope = ""
    if x.scope_path is not None:
        in_scope = (
            " AND r.worker_id IN (SELECT sp.worker_id FROM employment_spells sp JOIN stations st"
            f" ON st.id = sp.station_id WHERE {under('st.region_path', x.scope_path)}"
            " UNION SELECT w.id FROM workers w WHERE"
            f" {under('w.registered_region_path', x.scope_path)}"
            " AND NOT EXISTS (SELECT 1 FROM employment_spells sp WHERE sp.worker_id = w.id))"
        )
    return (
        "SELECT r.year AS year, s.code AS subject, COUNT(*) AS sat, SUM(CASE WHEN r.passed THEN 1 ELSE 0 END) AS passed"
        f" FROM exam_results r JOIN exam_subjects s ON s.id = r.subject_id WHERE {x.in_area('r')}{in_scope}"
        " GROUP BY r.year, s.code"
    )


# ── selectors and twins side by side ───────────────────────────────────────────────────────────────────


def rounded(value) -> float:
    return round(float(value or 0), 9)


def nonzero(groups: dict) -> dict:
    """A group the selector lists with nothing in it (spells near the period but active on no sampled day) is
    the same answer as no group."""
    return {k: v for k, v in groups.items() if any(v)}


@dataclass
class Twin:
    name: str
    selector: Callable[["Run"], Awaitable[object]]  # the selector's answer, normalised
    sql: Callable[["Run"], str]
    shape: Callable[["Run", list[dict]], object]  # the twin's rows, normalised like the selector's answer
    when: str = ""  # "children": the area has child regions (the page's drill-down); "stations": it has none


@dataclass
class Run:
    x: Ctx
    children: list

    @property
    def area(self):
        return self.x.area

    @property
    def every(self):
        """The area counting every kind of station (the whole network's table per kind)."""
        from talent.places.rules import ALL_KINDS

        return replace(self.x.area, kind=ALL_KINDS)


def _cert(figures: dict) -> dict:
    from talent.analytics.measures import LEVELS

    return {
        k: (c.headcount, c.certified, tuple(c.by_level[lv] for lv in LEVELS)) for k, c in figures.items() if c.headcount
    }


def _cert_rows(u: "Run", rows: list[dict]) -> dict:
    from talent.analytics.measures import LEVELS

    return {
        str(r["g"] if r["g"] is not None else ""): (
            int(r["headcount"]),
            int(r["certified"]),
            tuple(int(r[f"l{i}"] or 0) for i in range(len(LEVELS))),
        )
        for r in rows
    }


def _turn(figures: dict) -> dict:
    return nonzero(
        {k: (t.separations, t.voluntary, t.involuntary, rounded(t.average_headcount)) for k, t in figures.items()}
    )


def _turn_rows(u: "Run", rows: list[dict]) -> dict:
    return nonzero(
        {
            str(r["g"] if r["g"] is not None else ""): (int(r["n"]), int(r["vol"]), int(r["invol"]), rounded(r["avg"]))
            for r in rows
        }
    )


def _curves(curves) -> list:
    return [(c.group, c.at_risk, c.events, c.points) for c in curves]


def _curve_rows(group_by: str):
    def shape(run: Run, rows: list[dict]) -> list:
        from talent.analytics.measures import LEVELS
        from talent.analytics.retention import kaplan_meier

        by_group: dict[str, list] = {}
        for r in rows:
            g = r["g"]
            if group_by == "level":
                g = LEVELS[int(g) - 1] if g else "none"
            by_group.setdefault(str(g if g is not None else ""), []).append((int(r["days"]), int(r["n"]), int(r["d"])))
        return [(g, *kaplan_meier(group_rows)) for g, group_rows in sorted(by_group.items())]

    return shape


def _staffing_row(r: dict) -> tuple:
    at_level = None if r["min_level"] is None else int(r["at_level"] or 0)
    met = None if r["met"] is None else bool(r["met"])
    return (r["code"], r["tier"], int(r["headcount"]), int(r["certified"]), at_level, met)


def _summary_rows(u: "Run", rows: list[dict]) -> dict:
    return {(r["g"] or ""): (int(r["stations"]), int(r["tiered"] or 0), int(r["met"] or 0)) for r in rows}


def _summary(groups: dict) -> dict:
    return {k: (v["stations"], v["tiered"], v["met"]) for k, v in groups.items()}


def twins() -> list[Twin]:
    """Every measure the reports page and the API compute, with its definition (DESIGN §1 "Measures")."""
    from talent.analytics import measures, retention, workforce
    from talent.analytics.measures import Grouping
    from talent.analytics.periods import months_back

    m, r, w = measures, retention, workforce
    out = [
        # headcount(R, d): full-time workers active on d at stations in R's subtree, each worker once.
        Twin("headcount", lambda u: m.headcount(u.area, u.x.on), lambda u: headcount_sql(u.x), _first("n")),
        # certification(R, d): headcount; certified = those holding a certificate obtained on or before d; per level,
        # those whose highest such certificate is of that level. In all, per child region (the drill-down table),
        # per station (the lowest level) and per kind of station of the whole network (a worker counts once in each
        # group they work in).
        Twin(
            "certification",
            lambda u: _async(_cert, m.certification(u.area, u.x.on)),
            lambda u: certification_sql(u.x),
            _cert_rows,
        ),
        Twin(
            "cert by child",
            lambda u: _async(_cert, m.certification(u.area, u.x.on, Grouping.child_regions(u.children))),
            lambda u: certification_sql(u.x, u.x.child("st.region_path"), u.x.child_code("a.g")),
            _cert_rows,
            "children",
        ),
        Twin(
            "cert by station",
            lambda u: _async(_cert, m.certification(u.area, u.x.on, Grouping.stations())),
            lambda u: certification_sql(u.x, "st.id"),
            _cert_rows,
            "stations",
        ),
        Twin(
            "cert by kind",
            lambda u: _async(_cert, m.certification(u.every, u.x.on, Grouping.station_kinds())),
            lambda u: certification_sql(u.x, "st.kind"),
            _cert_rows,
        ),
        # The certification series: headcount and certified at each month's end of the last twelve months (the last
        # point is the day itself).
        Twin(
            "cert series",
            lambda u: _async(_series, m.certification_series(u.area, months_back(u.x.on, 12))),
            lambda u: certification_series_sql(u.x),
            _series_rows,
        ),
        # separations(R, from, to): full-time spells at stations in R ending in the period, except a transfer whose
        # worker starts at another station of R within 31 days.
        Twin(
            "separations",
            lambda u: m.separations(u.area, u.x.d0, u.x.d1),
            lambda u: separations_count_sql(u.x),
            _first("n"),
        ),
        # turnover(R, from, to) = separations (and the voluntary, involuntary ones) ÷ average headcount, the mean over
        # the months the period touches of (headcount on the first day + on the last) ÷ 2. In all, per child region
        # (a move to another child region is a separation of the row) and per station (every transfer is one).
        Twin(
            "turnover",
            lambda u: _async(_turn, m.turnover(u.area, u.x.d0, u.x.d1)),
            lambda u: turnover_sql(u.x),
            _turn_rows,
        ),
        Twin(
            "turnover by child",
            lambda u: _async(_turn, m.turnover(u.area, u.x.d0, u.x.d1, Grouping.child_regions(u.children))),
            lambda u: turnover_sql(
                u.x,
                u.x.child("st.region_path"),
                f"{u.x.child('st.region_path')} = {u.x.child('sb.region_path')}",
                u.x.child_code("u.g"),
            ),
            _turn_rows,
            "children",
        ),
        Twin(
            "turnover by stn",
            lambda u: _async(_turn, m.turnover(u.area, u.x.d0, u.x.d1, Grouping.stations())),
            lambda u: turnover_sql(u.x, "st.id", None),
            _turn_rows,
            "stations",
        ),
        # The turnover series: turnover per month of the period (the first and last months may be partial; each
        # month's average headcount is its own first and last day's).
        Twin(
            "turnover series",
            lambda u: _async(_turn_series, m.turnover_series(u.area, u.x.d0, u.x.d1, "month")),
            lambda u: turnover_series_sql(u.x, "month"),
            _turn_series_rows,
        ),
        # Exit reasons: the period's separations by exit type and coded reason, most frequent first.
        Twin(
            "exit reasons",
            lambda u: m.exit_reasons(u.area, u.x.d0, u.x.d1),
            lambda u: exit_reasons_sql(u.x),
            _reason_rows,
        ),
        # first-year attrition: hires (a worker's first full-time start in R falls in the period) whose first tenure
        # in R ended, as known at the period's end, within 365 days of that start; and the hires.
        Twin(
            "first-year attr.",
            lambda u: _async(lambda a: (a.hires, a.left), r.first_year_attrition(u.area, u.x.d0, u.x.d1, u.x.d1)),
            lambda u: attrition_sql(u.x),
            lambda u, rows: (int(rows[0]["hires"]), int(rows[0]["left_"] or 0)),
        ),
    ]
    # Retention: Kaplan–Meier survival of tenure spells in R (from a full-time start there to the next separation
    # there; a returner starts a new spell), censored on the day. Compared as the curves (spells at risk, events,
    # points) built from the twin's rows: per group and tenure length in days, spells and separations. Groups: all;
    # the highest certificate level held on the day (or none); the worker's source; the cohort kinds joined by the
    # day (external introduction first; none); the child region of the tenure's first station; the pay status on the
    # tenure's last day followed (pay_status_ctes).
    for group_by in ("", "level", "source", "cohort", "region", "pay"):
        out.append(
            Twin(
                f"retention {group_by or 'all'}",
                lambda u, g=group_by: _async(_curves, r.retention(u.area, u.x.on, g)),
                lambda u, g=group_by: retention_sql(u.x, g),
                _curve_rows(group_by),
            )
        )
    out += [
        # Registration status of the certificates (obtained by d) of the active full-time workers, not exclusive:
        # valid (registered, the period's last day ≥ d); renewal_open (valid, the last day within the renewal
        # window); expired (lapsed, or never registered within the first-registration window); ce_short (valid, the
        # period's CE hours below the required); unregistered (awaiting a first registration).
        Twin(
            "registrations",
            lambda u: _async(_registration, w.registration_counts(u.area, u.x.on)),
            lambda u: registration_sql(u.x),
            lambda u, rows: tuple(int(rows[0][k] or 0) for k in w.REGISTRATION_KEYS),
        ),
        # CE compliance per station of the worker's active full-time spell on d: registered certificates (period
        # running on d), and those on track: CE hours from the period's first day to d × the period's days ≥ the
        # required hours × the days elapsed.
        Twin(
            "ce compliance",
            lambda u: _async(_ce, w.ce_compliance(u.area, u.x.on)),
            lambda u: ce_sql(u.x),
            lambda u, rows: [(r["code"], int(r["registered"]), int(r["on_track"] or 0)) for r in rows],
        ),
        # Staffing per station of the kind counted (township stations), the first 500 by code: its tier (one of its
        # own kind), full-time workers on d, certified, at the tier's level or above, met = full-time ≥ the minimum,
        # certified ≥ the minimum and (with a minimum level) at that level ≥ max(minimum certified, 1).
        Twin(
            "staffing",
            lambda u: _async(lambda table: [_staffing_row(r) for r in table[0]], w.staffing_table(u.area, u.x.on)),
            lambda u: staffing_list_sql(u.x),
            lambda u, rows: [_staffing_row(r) for r in rows],
        ),
        # Staffing summary: those stations, those with a tier and those meeting it; in all, per child region, and
        # per kind of station over every kind of the network.
        Twin(
            "staffing summary",
            lambda u: _async(_summary, w.staffing_summary(u.area, u.x.on)),
            lambda u: staffing_summary_sql(u.x, ""),
            _summary_rows,
        ),
        Twin(
            "staffing by child",
            lambda u: _async(_summary, w.staffing_summary(u.area, u.x.on, u.children)),
            lambda u: staffing_summary_sql(u.x, "child"),
            _summary_rows,
            "children",
        ),
        Twin(
            "staffing by kind",
            lambda u: _async(_summary, w.staffing_summary(u.every, u.x.on, by_kind=True)),
            lambda u: staffing_summary_sql(u.x, "kind"),
            _summary_rows,
        ),
        # Exam pass rate per year and subject: results sat in R by workers in the viewer's scope (a spell at a
        # station in scope, or registered there with no spell yet), and those that passed.
        Twin(
            "pass rates",
            lambda u: _async(lambda ps: sorted((p.year, p.subject, p.sat, p.passed) for p in ps), w.pass_rates(u.area)),
            lambda u: pass_rates_sql(u.x),
            lambda u, rows: sorted((int(r["year"]), r["subject"], int(r["sat"]), int(r["passed"])) for r in rows),
        ),
    ]
    return out


def _first(column: str):
    return lambda u, rows: int(rows[0][column] or 0)


def _series(figures) -> list:
    return [(c.on, c.headcount, c.certified) for c in figures]


def _turn_series(figures) -> list:
    return [(t.start, t.separations, t.voluntary, t.involuntary, rounded(t.average_headcount)) for t in figures]


def _turn_series_rows(u: "Run", rows: list[dict]) -> list:
    return [(_day(r["p_start"]), int(r["n"]), int(r["vol"]), int(r["invol"]), rounded(r["avg"])) for r in rows]


def _reason_rows(u: "Run", rows: list[dict]) -> list:
    return [{"exit_type": r["exit_type"] or "", "exit_reason": r["exit_reason"] or "", "n": int(r["n"])} for r in rows]


def _registration(counts: dict) -> tuple:
    from talent.analytics.workforce import REGISTRATION_KEYS

    return tuple(counts[k] for k in REGISTRATION_KEYS)


def _ce(rows: list[dict]) -> list:
    return [(r["station"], r["registered"], r["on_track"]) for r in rows]


async def _async(shape, awaitable):
    return shape(await awaitable)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _series_rows(u: Run, rows: list[dict]) -> list:
    from talent.analytics.periods import months_back

    by_day = {_day(r["day"]): (int(r["headcount"]), int(r["certified"])) for r in rows}
    return [(day, *by_day.get(day, (0, 0))) for day in months_back(u.x.on, 12)]


# ── the run ─────────────────────────────────────────────────────────────────────────────────────────────


AREA_NAMES = {"bureau": "county", "citybureau": "city", "admin": "all"}


async def bench_area(conn, pg: bool, label: str, scope, area, today: date, repeat: int, only: str) -> None:
    from talent.analytics import pdf, reports, tables
    from talent.analytics.area import child_regions
    from talent.analytics.params import report_dates
    from talent.certification.selectors import certificate_sql
    from tests.querycount import count_queries

    dates, _ok = report_dates(today)
    d0, d1 = dates.start, dates.end
    x = Ctx(pg, area, today, d0, d1, None if scope.is_admin else scope.region_path, await certificate_sql("c"))
    run = Run(x, await child_regions(area))

    for twin in twins():
        if only and only not in twin.name:
            continue
        if (twin.when == "children" and not run.children) or (twin.when == "stations" and run.children):
            continue
        sql = twin.sql(run)
        t_sel, got = await best(lambda twin=twin: twin.selector(run), repeat)
        t_raw, rows = await best(lambda sql=sql: conn.execute_query_dict(sql), repeat)
        mine = twin.shape(run, rows)
        equal = "yes" if got == mine else f"NO\n    selector {got}\n    twin     {mine}"
        ratio = t_sel / t_raw if t_raw else float("inf")
        print(f"{label:<8} {twin.name:<18} {1000 * t_sel:>11.1f} {1000 * t_raw:>10.1f} {ratio:>6.2f}  {equal}")
    if only:
        return

    # End to end: the page's data and each API answer, with their statement counts.
    answers = [
        ("page data", lambda: reports.full_report(area, dates, "")),
        ("api certification", lambda: reports.certification_report(area, dates.on)),
        ("api turnover", lambda: reports.turnover_report(area, dates.start, dates.end)),
        ("api retention", lambda: reports.retention_report(area, dates.on, "level")),
        ("api staffing", lambda: reports.staffing_report(area, dates.on)),
        ("api ce", lambda: reports.ce_report(area, dates.on)),
    ]
    for name, fn in answers:
        t, _ = await best(fn, max(1, repeat // 2))
        async with count_queries() as counter:
            await fn()
        print(f"{label:<8} {name:<18} {1000 * t:>11.1f} {'':>17}  {counter.count} queries")
    # The yearly report's files from the same data (no query of their own), as the app builds them: the workbook
    # from the whole report, the PDF from the page's cut (its first reports.MAX_STATIONS stations).
    yearly = await reports.full_report(area, dates, "level")
    listed = {**yearly, **{part: reports._cut(yearly[part], reports.MAX_STATIONS) for part in ("staffing", "ce")}}

    async def build_files():
        tables.workbook(yearly, io.BytesIO())
        name = area.region.name if area.region else "-"
        return pdf.yearly_pdf(listed, region_name=name, year=today.year, on=today, start=d0, end=d1, generated=today)

    t_files, body = await best(build_files, max(1, repeat // 2))
    print(f"{label:<8} {'yearly pdf+xlsx':<18} {1000 * t_files:>11.1f} {'':>17}  {len(body) // 1024} KiB PDF")


async def areas(usernames: list[str], today: date) -> list[tuple[str, object, object]]:
    """(label, scope, area) per viewer's report home, then the first viewer's drill-down to its lowest region (the
    per-station table, which the page shows where there is no child region)."""
    from talent.accounts.models import User
    from talent.accounts.selectors import scope_for
    from talent.analytics.area import area_for, child_regions

    out = []
    for username in usernames:
        user = await User.get(username=username).select_related("region")
        scope = await scope_for(user, today=today)
        out.append((AREA_NAMES.get(username, username), scope, await area_for(scope)))
    label, scope, area = out[0]
    drilled = area
    while children := await child_regions(drilled):
        drilled = await area_for(scope, children[0].code)
    if drilled is not area:
        out.append((drilled.region.level.value, scope, drilled))
    return out


async def run(db_url: str, repeat: int, users: list[str], only: str, analyze: bool) -> None:
    from tortoise.connection import get_connection
    from tortoise.context import TortoiseContext

    from talent import domains
    from talent.db import tortoise_config

    domains.load()
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(db_url))
        conn = get_connection("default")
        pg = conn.capabilities.dialect == "postgres"
        today = date.today()
        if pg and analyze:
            # A freshly loaded demo has no planner statistics until autovacuum gets to it (and it may be off):
            # every plan would be chosen blind.
            await conn.execute_script("ANALYZE")
        notes = ""
        if pg:
            # PostgreSQL compiles a statement priced over jit_above_cost: seconds for a large plan on any data size.
            jit = (await conn.execute_query_dict("SELECT current_setting('jit') AS jit"))[0]["jit"]
            notes = f" (analyzed first: {'yes' if analyze else 'no'}; jit {jit})"
        print(f"database: {conn.capabilities.dialect}{notes}; day {today}; best of {repeat}")
        print(f"{'area':<8} {'measure':<18} {'selector ms':>11} {'raw SQL ms':>10} {'ratio':>6}  equal")
        for label, scope, area in await areas(users, today):
            await bench_area(conn, pg, label, scope, area, today, repeat, only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="", help="database URL (default: TALENT_DATABASE_URL)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--users", default="bureau,citybureau,admin", help="the viewers (comma-separated)")
    parser.add_argument("--only", default="", help="only the measures whose name contains this")
    parser.add_argument("--no-analyze", action="store_true", help="PostgreSQL: do not ANALYZE first")
    args = parser.parse_args()
    from talent.settings import get_settings

    url = args.db or get_settings().database_url
    asyncio.run(run(url, args.repeat, args.users.split(","), args.only, not args.no_analyze))


if __name__ == "__main__":
    main()
