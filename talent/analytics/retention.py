"""Retention: Kaplan–Meier survival of tenure in a region, by group, with censoring (DESIGN §1 "Measures").

The curve follows tenure spells, not workers: a spell of tenure in the area runs from a full-time start there
to the next separation there (a spell end that `separations_qs` counts: a transfer followed within 31 days by a
spell inside the area is no end), censored at the report date while it lasts. A worker who left and came back
starts a new spell at risk with the first start after the separation (re-hires are followed again, as the
issue asks; counting only the first spell would drop every returner's second tenure). Starts that fall inside
a running spell (a transfer inside the area, a second station at once) continue it. The SQL returns, per group
and tenure length, the number of spells and of separations; the product-limit estimate is computed from those
few aggregate rows. First-year attrition keeps to each worker's first spell (DESIGN §1: "hires whose first
spell in R ended within 365 days").

Groups: certificate level (the highest held on the report date, or none), source (incubated, introduced, …),
child region (of the station where the spell began), cohort kind (of the incubation cohorts the worker joined
by the report date; a worker in both kinds counts under external introduction; none outside cohorts). Each
group is a function returning a SQL expression over the spell row `x` (`worker_id`, `first_on`) and, for the
source, the workers row `w`.

Pay compliance (talent.pay.rules: status on a day) is judged per spell on its last day followed: the separation
day for a spell that ended, the report day for one still running, at the area's station of the spell's latest
full-time start by then. A status on the report day for every spell would put each leaver under "no salary
record"; on the last day each leaver is judged on the pay they left with.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from talent.analytics.area import Area
from talent.analytics.measures import LEVELS, population_sql, separations_sql
from talent.analytics.sql import date_literal, days_between, is_postgres
from talent.core.sql import child_path_sql, looked_up
from talent.pay.rules import PaySql
from talent.people.models import EmploymentSpell
from talent.rawsql import fetch_all

EARLIEST = date(1900, 1, 1)
NONE = "none"


@dataclass
class Curve:
    group: str
    at_risk: int = 0  # spells of tenure followed
    events: int = 0  # separations observed
    points: list[dict] = field(default_factory=list)  # [{days, survival}], a step at every separation

    def survival_at(self, days: int) -> float:
        value = 1.0
        for point in self.points:
            if point["days"] > days:
                break
            value = point["survival"]
        return value

    def as_dict(self) -> dict:
        return {"group": self.group, "at_risk": self.at_risk, "events": self.events, "points": self.points}


def kaplan_meier(rows: list[tuple[int, int, int]]) -> tuple[int, int, list[dict]]:
    """Product-limit estimate from (days, workers ending then, of whom separated) rows: S(t) = ∏ (1 − d_i ÷
    n_i) over the tenure lengths t_i ≤ t with a separation, n_i the workers still followed at t_i (censored
    ones leave the risk set after their time)."""
    rows = sorted(rows)
    at_risk = sum(n for _days, n, _d in rows)
    total, events, survival, points = at_risk, 0, 1.0, [{"days": 0, "survival": 1.0}]
    for days, n, d in rows:
        if d:
            survival *= 1 - d / at_risk
            points.append({"days": days, "survival": round(survival, 6)})
            events += d
        at_risk -= n
    return total, events, points


@dataclass(frozen=True)
class Grouping:
    """How a retention grouping names each tenure `x`'s group: `expr`, reading the clauses `clauses` (more WITH
    clauses, each after a comma) through `join`."""

    expr: str
    clauses: str = ""
    join: str = ""


async def _level_expr(area: Area, on: date, pg: bool) -> Grouping:
    # A probe of the worker's certificates per tenure: joined (every tenure's worker's certificates grouped at
    # once), the country's retention by level took 0.86 s against 0.78 s on PostgreSQL.
    whens = " ".join(f"WHEN '{level}' THEN {i + 1}" for i, level in enumerate(LEVELS))
    return Grouping(
        f"(SELECT MAX(CASE c.level {whens} ELSE 0 END) FROM certificates c"
        f" WHERE c.worker_id = x.worker_id AND c.obtained_on <= {date_literal(on, pg)})"
    )


async def _source_expr(area: Area, on: date, pg: bool) -> Grouping:
    # Every tenure has its worker: the join drops none.
    return Grouping("w.source", join=" JOIN workers w ON w.id = x.worker_id")


async def _region_expr(area: Area, on: date, pg: bool) -> Grouping:
    # The child region (area.child_regions, in scope) whose subtree holds the path; '' for the area's own region.
    # Found by the tenure's child path (child_path_sql): on PostgreSQL the area's children hashed and joined (a probe
    # of the path index per tenure cost the country's retention by province 1.0 s against 0.85 s), on SQLite through
    # the path index (comparing each tenure with every child's range cost the country's 1.5 s against 0.95 s on
    # PostgreSQL).
    child = child_path_sql("x.first_path", area.path, pg)
    if pg:
        return Grouping("COALESCE(gr.code, '')", join=f" LEFT JOIN ({area.child_regions_sql}) gr ON gr.path = {child}")
    return Grouping(f"COALESCE((SELECT r.code FROM ({area.child_regions_sql}) r WHERE r.path = {child}), '')")


async def _cohort_expr(area: Area, on: date, pg: bool) -> Grouping:
    # The kind codes sort 'external_introduction' < 'internal_incubation': MIN prefers external introduction.
    day = date_literal(on, pg)
    if pg:
        # Every tenure's worker's kind at once (one grouped join), hashed and joined to the tenures, where a probe
        # of the worker's memberships per tenure cost the country's retention by cohort 0.70 s against 0.62 s.
        clauses = (
            ", gc AS (SELECT v.worker_id AS worker_id, MIN(co.kind) AS kind FROM (SELECT DISTINCT worker_id FROM"
            " tenure) v JOIN cohort_members m ON m.worker_id = v.worker_id JOIN cohorts co ON co.id = m.cohort_id"
            f" WHERE m.joined_on <= {day} GROUP BY v.worker_id)"
        )
        return Grouping("COALESCE(gc.kind, 'none')", clauses, " LEFT JOIN gc ON gc.worker_id = x.worker_id")
    return Grouping(
        "(SELECT COALESCE(MIN(co.kind), 'none') FROM cohort_members m JOIN cohorts co ON co.id = m.cohort_id"
        f" WHERE m.worker_id = x.worker_id AND m.joined_on <= {day})"
    )


async def _pay_expr(area: Area, on: date, pg: bool) -> Grouping:
    return Grouping("x.pay_status")  # a column of with_pay_status, which `retention` reads for this group


GROUPS: dict[str, Callable] = {
    "level": _level_expr,
    "source": _source_expr,
    "region": _region_expr,
    "cohort": _cohort_expr,
    "pay": _pay_expr,
}
RETENTION_GROUPS = GROUPS


def area_stations_sql(area: Area) -> str:
    return area.stations_sql


def tenure_ctes(area: Area, on: date, hired: tuple[date, date] | None = None) -> str:
    """WITH clauses ending in `tenure(worker_id, k, first_on, first_path, exit_on)`: each worker's spells of
    tenure in the area up to `on`, numbered k from 0 (k = 0 is the first spell, which first-year attrition counts).
    The worker's full-time starts there and separations there (up to `on`) form one stream by day, a start before
    a separation of the same day; a start belongs to the tenure numbered by the separations before it, and that
    tenure ends with the next separation. One pass with window functions: matching each start with its
    separations through joins or per-row lookups cost the national demo's province 5–10 times as much.

    `hired` (first, last day): only the workers whose first full-time start in the area (up to `on`) falls in that
    period, the only ones whose first tenure (k = 0) starts then; their streams are whole, so their tenures are
    exactly those of every worker's. First-year attrition reads no one else: the country's 1.9 s → 0.34 s on
    SQLite, 0.64 → 0.27 s on PostgreSQL."""
    pg = is_postgres()
    on_sql = date_literal(on, pg)
    hires, only = "", ""
    if hired is not None:
        first, last = (date_literal(day, pg) for day in hired)
        hires = (
            f"h AS (SELECT sp.worker_id AS worker_id{population_sql(area)} AND sp.start_on <= {on_sql}"
            f" GROUP BY sp.worker_id HAVING MIN(sp.start_on) >= {first} AND MIN(sp.start_on) <= {last}), "
        )
        only = " AND sp.worker_id IN (SELECT h.worker_id FROM h)"
    starts = (
        "SELECT sp.worker_id AS worker_id, sp.start_on AS day, 0 AS is_sep, sp.id AS id, st.region_path AS path"
        f"{population_sql(area, station=True)}{only} AND sp.start_on <= {on_sql}"
    )
    ends = f"SELECT sp.worker_id, sp.end_on, 1, 0, ''{separations_sql(area, EARLIEST, on)}{only}"
    return (
        f"WITH {hires}ev AS ({starts} UNION ALL {ends}),"
        " numbered AS (SELECT ev.*, SUM(ev.is_sep) OVER (PARTITION BY ev.worker_id ORDER BY ev.day, ev.is_sep, ev.id"
        " ROWS UNBOUNDED PRECEDING) - ev.is_sep AS k,"
        " LAG(ev.is_sep) OVER (PARTITION BY ev.worker_id ORDER BY ev.day, ev.is_sep, ev.id) AS prev_sep FROM ev),"
        # A tenure's first start (its path, first_path) follows the separation before it or opens the stream: read
        # in the same window as k, where numbering each tenure's starts sorted the stream a second time (the
        # country's retention 2.4 s on SQLite).
        " tenure AS (SELECT f.worker_id AS worker_id, f.k AS k, MIN(CASE WHEN f.is_sep = 0 THEN f.day END) AS first_on,"
        " MAX(CASE WHEN f.is_sep = 0 AND (f.prev_sep IS NULL OR f.prev_sep = 1) THEN f.path END) AS first_path,"
        " MIN(CASE WHEN f.is_sep = 1 THEN f.day END) AS exit_on"
        " FROM numbered f GROUP BY f.worker_id, f.k HAVING MIN(CASE WHEN f.is_sep = 0 THEN f.day END) IS NOT NULL)"
    )


def with_pay_status(source: str, area: Area, on: date, pg: bool) -> str:
    """More WITH clauses (after a comma) ending in `ps`: the tenures of the clause `source` (worker_id, k,
    first_on, exit_on) with `pay_status`, talent.pay's status on the tenure's last day followed (`last_on`), at the
    area station of the worker's latest full-time start by then, or 'uncovered' where no published standard applies
    there. One clause per step, as each reads the columns of the one before (nested, they overflowed SQLite's
    parser). The standard is chosen once per distinct station path and day (PaySql.applicable_each), not per
    tenure: the country's 157,185 tenures end on 85,450 such pairs at 11,332 paths (6.0 → 3.1 s on PostgreSQL,
    5.2 → 3.7 s on SQLite, with the station below)."""
    pay = PaySql(on, pg, day_sql="y.last_on")
    stations, station, station_join = _tenure_station(area, pg)
    standard, standard_join = looked_up(pg, "pw", "id", "t.region_path = y.region_path AND t.day = y.last_on")
    first_start = "(SELECT MIN(f.start_on) FROM employment_spells f WHERE f.worker_id = y.worker_id)"
    status = PaySql.status("y.pay", "y.floor", "y.bmin", "y.bmax")
    return (
        f", p0 AS (SELECT worker_id, k, first_on, exit_on FROM {source}),"
        f" p1 AS MATERIALIZED (SELECT y.*, COALESCE(y.exit_on, {date_literal(on, pg)}) AS last_on FROM p0 y),"
        f"{stations}"
        f" p2 AS MATERIALIZED (SELECT y.*, {station} AS region_path, {pay.level('y.worker_id')} AS level,"
        f" {pay.pay('y.worker_id')} AS pay, {first_start} AS first_start FROM p1 y{station_join}),"
        " pd AS (SELECT region_path, last_on AS day FROM p2)"
        f"{PaySql.applicable_each('pw', 'pd')},"
        f" p3 AS MATERIALIZED (SELECT y.*, {pay.years('y.first_start')} AS years, {standard} AS standard_id"
        f" FROM p2 y{standard_join}),"
        f" p4 AS MATERIALIZED (SELECT y.*, {pay.num('s.floor')} AS floor, {pay.num('b.min_pay')} AS bmin,"
        f" {pay.num('b.max_pay')} AS bmax FROM p3 y LEFT JOIN pay_standards s ON s.id = y.standard_id"
        " LEFT JOIN pay_bands b ON b.standard_id = y.standard_id AND b.level = y.level AND b.years_from <= y.years"
        " AND (b.years_to IS NULL OR y.years < b.years_to)),"
        " ps AS (SELECT y.worker_id AS worker_id, y.first_on AS first_on, y.exit_on AS exit_on,"
        f" CASE WHEN y.standard_id IS NULL THEN 'uncovered' ELSE {status} END AS pay_status FROM p4 y) "
    )


def _tenure_station(area: Area, pg: bool) -> tuple[str, str, str]:
    """(WITH clauses, expression, join) of the region path of the area station of the worker's latest full-time
    start by a tenure `y` of p1's last day. On PostgreSQL, every tenure's starts at once, ranked (hash joins: a
    lookup per tenure cost 1.1 s of the country's 157,185); on SQLite, which joins by nested loops, the lookup per
    tenure (an index search each) is the quicker (3.7 s against 4.1 s for the country)."""
    if pg:
        ranked = (
            " pst AS MATERIALIZED (SELECT z.worker_id AS worker_id, z.k AS k, z.region_path AS region_path FROM ("
            "SELECT y.worker_id AS worker_id, y.k AS k, st.region_path AS region_path,"
            " ROW_NUMBER() OVER (PARTITION BY y.worker_id, y.k ORDER BY sp.start_on DESC, sp.id DESC) AS r"
            " FROM p1 y JOIN employment_spells sp ON sp.worker_id = y.worker_id AND sp.full_time"
            " AND sp.start_on <= y.last_on JOIN stations st ON st.id = sp.station_id"
            f" WHERE st.id IN ({area_stations_sql(area)})) z WHERE z.r = 1),"
        )
        return (ranked, *looked_up(pg, "pst", "region_path", "t.worker_id = y.worker_id AND t.k = y.k"))
    # The area's stations tested per spell of the worker (a scalar subquery no planner turns into a join): as an
    # IN, a planner that misjudged the area's stations at one row probed each one's spells for every tenure.
    in_area = f"(SELECT COUNT(*) FROM ({area_stations_sql(area)}) a WHERE a.id = sp.station_id) > 0"
    station = (
        "(SELECT st.region_path FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        " WHERE sp.worker_id = y.worker_id AND sp.full_time AND sp.start_on <= y.last_on"
        f" AND {in_area} ORDER BY sp.start_on DESC, sp.id DESC LIMIT 1)"
    )
    return "", station, ""


async def retention(area: Area, on: date, group_by: str = "") -> list[Curve]:
    """Kaplan–Meier curves of tenure spells in the area up to `on`, one per group (one curve 'all' without
    grouping); `at_risk` counts spells (a returner's second tenure is a second one)."""
    pg = is_postgres()
    grouping = await GROUPS[group_by](area, on, pg) if group_by in GROUPS else Grouping("'all'")
    on_sql = date_literal(on, pg)
    ctes, spells = tenure_ctes(area, on) + grouping.clauses, "tenure"
    if group_by == "pay":
        ctes, spells = ctes + with_pay_status("tenure", area, on, pg), "ps"
    sql = (
        f"{ctes} SELECT y.g AS g, y.days AS days, COUNT(*) AS n, SUM(y.event) AS d FROM ("
        f" SELECT {grouping.expr} AS g,"
        f" {days_between(f'COALESCE(x.exit_on, {on_sql})', 'x.first_on', pg)} + 1 AS days,"
        " CASE WHEN x.exit_on IS NULL THEN 0 ELSE 1 END AS event"
        f" FROM {spells} x{grouping.join}) y GROUP BY y.g, y.days"
    )
    rows = await fetch_all(EmploymentSpell, sql)
    by_group: dict[str, list[tuple[int, int, int]]] = {}
    for row in rows:
        by_group.setdefault(_group_key(group_by, row["g"]), []).append(
            (int(row["days"]), int(row["n"]), int(row["d"] or 0))
        )
    curves = []
    for group, group_rows in sorted(by_group.items()):
        total, events, points = kaplan_meier(group_rows)
        curves.append(Curve(group, total, events, points))
    return curves


@dataclass
class Attrition:
    hires: int
    left: int

    @property
    def rate(self) -> float | None:
        return self.left / self.hires if self.hires else None


async def first_year_attrition(area: Area, start: date, end: date, on: date) -> Attrition:
    """first-year attrition = hires (first full-time start in the area in [start, end]) whose tenure there
    ended within 365 days (exit − first start < 365), known by `on` ÷ hires."""
    pg = is_postgres()
    within = f"{days_between('x.exit_on', 'x.first_on', pg)} < 365"
    sql = (
        f"{tenure_ctes(area, on, hired=(start, end))} SELECT COUNT(*) AS hires,"
        f" SUM(CASE WHEN x.exit_on IS NOT NULL AND {within} THEN 1 ELSE 0 END) AS left_"
        f" FROM tenure x WHERE x.k = 0"
        f" AND x.first_on >= {date_literal(start, pg)} AND x.first_on <= {date_literal(end, pg)}"
    )
    row = (await fetch_all(EmploymentSpell, sql))[0]
    return Attrition(hires=int(row["hires"] or 0), left=int(row["left_"] or 0))


def _group_key(group_by: str, value) -> str:
    if group_by == "level":
        index = int(value or 0)
        return LEVELS[index - 1] if index else NONE
    return str(value if value is not None else "")
