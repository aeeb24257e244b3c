"""Reads of pay: standards (list, detail, version chain, diff), the standard applying on a day, salary records,
and compliance, back pay and the simulator, each computed by one SQL statement over the workforce (talent.pay
.rules.PaySql), so a page costs the same few queries at any scale."""

from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q

from talent.certification.expressions import date_literal
from talent.core.access import Scope
from talent.core.aggregate import count_by
from talent.core.concurrency import gather_reads
from talent.core.export import sql_batches, statement_batches
from talent.core.pagination import ListParams, Page, order_for, paginate
from talent.core.sql import Unordered, icontains, literal_code, literal_int
from talent.figures.freshness import cached_rows
from talent.pay.access import readable_standards, salary_records_q, station_ids_sql
from talent.pay.models import (
    Assessment,
    ChangeReason,
    Grade,
    PayLevel,
    PerformanceStep,
    SalaryAllowance,
    SalaryBand,
    SalaryRecord,
    SalaryStandard,
    StandardStatus,
)
from talent.pay.rules import CENT, STATUSES, PaySql, PayStatus, whole_months
from talent.people.access import of_reached_worker_q, of_reached_workers_q, reached_rows_q
from talent.people.models import EmploymentSpell, Worker
from talent.people.selectors import worker_get as worker_in_scope  # noqa: F401  (the pay pages' worker)
from talent.places.models import Region, Station
from talent.places.rules import ancestor_paths
from talent.rawsql import fetch_all

# ── standards ─────────────────────────────────────────────────────────────────────────────────────

STANDARD_SORTS = {"effective": "effective_from", "title": "title", "region": "region_path", "floor": "floor"}


# A row of the standards list: values, not instances (Tortoise built two a row, the standard and its region).
STANDARD_ROW = ("id", "title", "document_no", "region__name", "effective_from", "floor", "status")


async def standard_list(*, scope: Scope, params: ListParams, status: str = "") -> Page:
    """The salary standards the viewer may read (of `status`), each a dict of STANDARD_ROW."""
    qs = await readable_standards(scope)
    if params.q:
        qs = qs.filter(icontains("title", params.q) | icontains("document_no", params.q))
    if status in {s.value for s in StandardStatus}:
        qs = qs.filter(status=literal_code(StandardStatus(status)))
    return await paginate(qs, params, STANDARD_SORTS, default="-effective", values=STANDARD_ROW)


async def standard_get(*, scope: Scope, standard_id: int) -> SalaryStandard:
    """The standard (404 out of scope) with its region, bands (by level, years) and allowances."""
    standard = await (await readable_standards(scope)).select_related("region").get(id=standard_id)
    await standard.fetch_related("bands", "allowances", "steps")
    standard.sorted_bands = sorted(standard.bands, key=lambda b: (list(PayLevel).index(b.level), b.years_from))
    return standard


async def standard_chain(*, scope: Scope, standard: SalaryStandard) -> list[SalaryStandard]:
    """The version chain through `standard`: its earlier versions (following `previous`) and the later ones
    copied from it, oldest first, as far as the viewer may see. A chain is short: one query per step back,
    one for the copies."""
    readable = await readable_standards(scope)
    back: list[SalaryStandard] = []
    current = standard
    seen = {standard.id}
    while current.previous_id and current.previous_id not in seen and len(back) < 50:
        prev = await readable.filter(id=current.previous_id).first()
        if prev is None:
            break
        seen.add(prev.id)
        back.append(prev)
        current = prev
    later = await readable.filter(previous_id=standard.id).order_by("effective_from", "id")
    return [*reversed(back), standard, *later]


@dataclass
class DiffLine:
    what: str  # a field name, or "band" / "allowance"
    key: Any
    before: Any
    after: Any


async def standard_diff(*, old: SalaryStandard, new: SalaryStandard) -> list[DiffLine]:
    """What changed from `old` to `new`: the fields, then the bands (keyed by level and years) and the allowances
    (keyed by name and level) added, removed or changed."""
    lines = [
        DiffLine(name, None, getattr(old, name), getattr(new, name))
        for name in ("title", "document_no", "effective_from", "floor", "benchmark")
        if getattr(old, name) != getattr(new, name)
    ]
    bands = await SalaryBand.filter(standard_id__in=[old.id, new.id])
    allowances = await SalaryAllowance.filter(standard_id__in=[old.id, new.id])
    steps = await PerformanceStep.filter(standard_id__in=[old.id, new.id])

    def keyed(rows, key, value, sid):
        return {key(r): value(r) for r in rows if r.standard_id == sid}

    def band_key(b):
        return (list(PayLevel).index(b.level), b.level, b.years_from, b.years_to)

    def band_value(b):
        return (b.min_pay, b.mid_pay, b.max_pay)

    for what, rows, key, value in (
        ("band", bands, band_key, band_value),
        ("allowance", allowances, lambda a: (a.name, a.level or ""), lambda a: a.amount),
        ("step", steps, lambda s: (list(Grade).index(s.grade), s.grade), lambda s: s.amount),
    ):
        before, after = keyed(rows, key, value, old.id), keyed(rows, key, value, new.id)
        for k in sorted(set(before) | set(after), key=str):
            if before.get(k) != after.get(k):
                lines.append(DiffLine(what, k, before.get(k), after.get(k)))
    return lines


async def standard_applying(*, region_path: str, on: date) -> SalaryStandard | None:
    """The standard applying on `on` at a station whose region path is `region_path` (rules: the applicable
    standard): the same choice as PaySql.applicable, for one station."""
    return (
        await SalaryStandard.filter(
            region_path__in=ancestor_paths(region_path), status=StandardStatus.PUBLISHED, effective_from__lte=on
        )
        .order_by("-region_path", "-effective_from", "-published_at", "-id")
        .first()
    )


async def standard_for_worker(*, worker_id: int, on: date) -> tuple[SalaryStandard | None, Station | None]:
    """The standard applying to a worker on `on`, through the station of their spell active that day."""
    spell = (
        await EmploymentSpell.filter(worker_id=worker_id, start_on__lte=on)
        .filter(Q(end_on=None) | Q(end_on__gte=on))
        .select_related("station")
        .first()
    )
    if spell is None:
        return None, None
    return await standard_applying(region_path=spell.station.region_path, on=on), spell.station


async def applying_standard(*, standard_id: int) -> SalaryStandard:
    """A published standard with its bands and allowances, for the worker it applies to ("My pay": the id comes
    from the worker's own compliance row, never from the request)."""
    standard = await SalaryStandard.filter(status=StandardStatus.PUBLISHED).select_related("region").get(id=standard_id)
    await standard.fetch_related("bands", "allowances", "steps")
    standard.sorted_bands = sorted(standard.bands, key=lambda b: (list(PayLevel).index(b.level), b.years_from))
    return standard


# ── salary records ────────────────────────────────────────────────────────────────────────────────


async def salary_history(*, scope: Scope, worker_id: int) -> list[SalaryRecord]:
    """A worker's salary records, latest first (none for a worker out of scope)."""
    return await SalaryRecord.filter(of_reached_worker_q(scope, worker_id)).order_by("-effective_from", "-id")


async def salary_record_get(*, scope: Scope, record_id: int) -> SalaryRecord:
    return await SalaryRecord.filter(salary_records_q(scope, id=record_id)).select_related("worker").get()


# ── compliance ────────────────────────────────────────────────────────────────────────────────────


def _pg() -> bool:
    return SalaryStandard._meta.db.capabilities.dialect == "postgres"


def _workforce(
    sql: PaySql, stations: str, standard: str | None = None, record: bool = False, worker_id: int | None = None
) -> str:
    """WITH clauses ending in `cw` (the per-worker lookups are MATERIALIZED, so each runs once per worker, not once
    per mention in the expressions after it): one row per full-time worker active on the day at a station of `stations`,
    with the applicable standard (or `standard`, an SQL expression, for every one), certificate level, years of
    service, band, pay, status and monthly shortfall. With `record`, also the salary record the pay is read from
    (rec_id, rec_from, base, allow): its id is found by one probe per worker and the record joined by id, where
    the proposed changes looked each worker's latest record up a second time (2.28–2.29 → 1.79–1.84 s for the
    country's 82,947 workers, EXPLAIN ANALYZE). Without, the pay is read by the probe itself: joining the record
    hashed all 1.2 million salary records (the compliance list 1.42 → 1.60 s). With `worker_id`, that worker's row
    alone (a worker's pay page), chosen in the first clause: filtered after the last, the country's workforce was
    computed for one worker (1.04 s for the administrator, 95 ms for a province, PostgreSQL)."""
    num = sql.num
    one = "" if worker_id is None else f" AND sp.worker_id = {int(worker_id)}"
    if record:
        paid = f"{sql.record('ws.worker_id')} AS rec_id"
        salary = (
            f"{num('r.monthly_base')} + {num('r.monthly_allowances')} AS pay, r.effective_from AS rec_from,"
            f" {num('r.monthly_base')} AS base, {num('r.monthly_allowances')} AS allow,"
        )
        salary_join = " LEFT JOIN pay_salary_records r ON r.id = w2.rec_id"
    else:
        paid, salary, salary_join = f"{sql.pay('ws.worker_id')} AS pay", "", ""
    picked = standard if standard is not None else sql.applicable("p.region_path")
    # fs joins the workforce to its workers' spells: as `worker_id IN (SELECT … FROM ws)`, PostgreSQL guessed the
    # distinct workers of ws at 200 (its default for a CTE's column) and looked up each worker's spells by index,
    # 82,947 times for the whole country (540 ms of the statement's 1.9 s; joined, a hash join: 170 ms). w2 computes
    # each worker's years of service once: inlined, the band join computed them (two dates formatted as text) for
    # every candidate band of the worker's standard and level (/pay?group=station for the country: 2.3–2.4 s → 1.8–2.1).
    return f"""WITH ws AS (
  SELECT sp.worker_id, sp.station_id, st.region_path, st.organisation_id
  FROM employment_spells sp JOIN stations st ON st.id = sp.station_id
  WHERE sp.full_time = TRUE AND sp.start_on <= {sql.d} AND (sp.end_on IS NULL OR sp.end_on >= {sql.d})
    AND sp.station_id IN {stations}{one}
), pk AS MATERIALIZED (
  SELECT p.region_path, {picked} AS standard_id FROM (SELECT DISTINCT region_path FROM ws) p
), fs AS (
  SELECT ws.worker_id, MIN(f.start_on) AS first_start FROM ws JOIN employment_spells f ON f.worker_id = ws.worker_id
  GROUP BY ws.worker_id
), w1 AS MATERIALIZED (
  SELECT ws.worker_id, ws.station_id, ws.region_path, ws.organisation_id, pk.standard_id,
    {sql.level("ws.worker_id")} AS level, fs.first_start, {paid}
  FROM ws LEFT JOIN pk ON pk.region_path = ws.region_path LEFT JOIN fs ON fs.worker_id = ws.worker_id
), w2 AS MATERIALIZED (
  SELECT w1.*, {sql.years("w1.first_start")} AS years FROM w1
), w3 AS MATERIALIZED (
  SELECT w2.*, {salary}
    {num("s.floor")} AS floor, {num("b.min_pay")} AS bmin, {num("b.mid_pay")} AS bmid, {num("b.max_pay")} AS bmax
  FROM w2{salary_join} LEFT JOIN pay_standards s ON s.id = w2.standard_id
  LEFT JOIN pay_bands b ON b.standard_id = w2.standard_id AND b.level = w2.level AND b.years_from <= w2.years
    AND (b.years_to IS NULL OR w2.years < b.years_to)
), cw AS (
  SELECT w3.*,
    CASE WHEN w3.standard_id IS NULL THEN 'uncovered'
      ELSE {PaySql.status("w3.pay", "w3.floor", "w3.bmin", "w3.bmax")} END AS status,
    CASE WHEN w3.standard_id IS NULL THEN 0 ELSE {PaySql.shortfall("w3.pay", "w3.floor", "w3.bmin")} END AS shortfall
  FROM w3
)"""


def _money(value) -> Decimal:
    """A sum the SQL computed (SQLite: a float) as yuan to the fen."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


def _opt_money(value) -> Decimal | None:
    return None if value is None else _money(value)


@dataclass
class Summary:
    on: date
    headcount: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    uncovered: int = 0
    shortfall_total: Decimal = Decimal("0.00")
    groups: list[dict] = field(default_factory=list)
    truncated: bool = False

    @property
    def below(self) -> int:
        return self.counts.get("below_floor", 0) + self.counts.get("below_band", 0)

    def share(self, status: str) -> float | None:
        covered = self.headcount - self.uncovered
        return self.counts.get(status, 0) / covered if covered else None


# The names of the aggregates _counts_sql computes (the keys _fill reads).
COUNT_NAMES = ("headcount", *(f"n_{s.value}" for s in STATUSES), "uncovered", "shortfall")


def _counts_sql() -> str:
    parts = [f"SUM(CASE WHEN status = '{s.value}' THEN 1 ELSE 0 END) AS n_{s.value}" for s in STATUSES]
    return ", ".join(
        [
            "COUNT(*) AS headcount",
            *parts,
            "SUM(CASE WHEN status = 'uncovered' THEN 1 ELSE 0 END) AS uncovered",
            "SUM(shortfall) AS shortfall",
        ]
    )


def _child_key(pg: bool, root_len: int) -> str:
    """The path of the region one level below the root (a path of length root_len) that holds the station."""
    rest = f"substr(region_path, {root_len + 1})"
    slash = f"strpos({rest}, '/')" if pg else f"instr({rest}, '/')"
    return f"substr(region_path, 1, {root_len} + {slash})"


GROUPS = ("region", "station", "level")
MAX_GROUPS = 500  # station rows shown at most (a national admin has tens of thousands: choose a region first)


def _grouped_sql(pg: bool, region: Region | None, group_by: str) -> str:
    """More WITH clauses (after a comma) ending in `gq`: one row per group of the workforce `cw` (gkey, gname,
    gcode, the counts of _counts_sql), numbered in the order shown (gord)."""
    if group_by == "region":
        key = _child_key(pg, len(region.path) if region else 0)
        return (
            f", g AS (SELECT {key} AS gkey, cw.* FROM cw), gq AS (SELECT g.gkey AS gkey, r.name AS gname,"
            f" r.code AS gcode, {_counts_sql()}, ROW_NUMBER() OVER (ORDER BY g.gkey) AS gord"
            " FROM g LEFT JOIN regions r ON r.path = g.gkey GROUP BY g.gkey, r.name, r.code)"
        )
    if group_by == "station":
        # Every station's counts first (MATERIALIZED), then the first by code: grouped under the ORDER BY … LIMIT,
        # PostgreSQL walked the stations in code order and scanned the whole workforce for each (the country's:
        # 512 scans of 82,875 rows, 5.9 s against 2.4 s).
        return (
            ", g AS MATERIALIZED (SELECT cw.station_id AS gkey, s.name AS gname, s.code AS gcode,"
            f" {_counts_sql()} FROM cw JOIN stations s ON s.id = cw.station_id GROUP BY cw.station_id, s.name, s.code),"
            f" gq AS (SELECT g.*, ROW_NUMBER() OVER (ORDER BY g.gcode) AS gord FROM g ORDER BY g.gcode"
            f" LIMIT {MAX_GROUPS})"
        )
    # level: named and ordered in Python (_summary_of)
    return (
        ", g AS (SELECT level AS gkey, cw.* FROM cw), gq AS (SELECT g.gkey AS gkey, '' AS gname, '' AS gcode,"
        f" {_counts_sql()}, 0 AS gord FROM g GROUP BY g.gkey)"
    )


async def compliance_summary(*, scope: Scope, on: date, region: Region | None = None, group_by: str = "") -> Summary:
    """Counts by status, headcount, workers no standard covers and the total monthly shortfall on `on`, for the
    workers in scope (inside `region` if given); with `group_by` (region: the regions one level below; station;
    level) the same per group. Two statements at most."""
    pg = _pg()
    base = _workforce(PaySql(on, pg), station_ids_sql(scope, region.path if region else ""))
    if group_by not in GROUPS:
        rows = await cached_rows(SalaryStandard, f"{base} SELECT {_counts_sql()} FROM cw", day=on)
        summary = Summary(on=on)
        _fill(summary, rows[0] if rows else {})
        return summary
    grouped = await cached_rows(
        SalaryStandard, f"{base}{_grouped_sql(pg, region, group_by)} SELECT * FROM gq ORDER BY gord", day=on
    )
    return await _summary_of(grouped, base=base, on=on, group_by=group_by)


async def _summary_of(grouped: list[dict], *, base: str, on: date, group_by: str) -> Summary:
    """The summary of the groups' rows (gq's), the whole their sum; one more statement for the whole when the groups
    were cut short (MAX_GROUPS)."""
    summary = Summary(on=on)
    if group_by == "level":
        order = [lv.value for lv in PayLevel]
        grouped = sorted(grouped, key=lambda r: order.index(r["gkey"]) if r["gkey"] in order else 99)
        for row in grouped:
            row["gname"], row["gcode"] = PayLevel(row["gkey"]).label.tr(), ""
    for row in grouped:
        group = Summary(on=on)
        _fill(group, row)
        summary.groups.append({"key": row["gkey"], "name": row.get("gname"), "code": row.get("gcode"), "s": group})
        # The whole is the sum of its groups (a handful of aggregated rows): one statement, not two.
        summary.headcount += group.headcount
        summary.uncovered += group.uncovered
        summary.shortfall_total += group.shortfall_total
        for status, n in group.counts.items():
            summary.counts[status] = summary.counts.get(status, 0) + n
    summary.counts = {s.value: summary.counts.get(s.value, 0) for s in STATUSES}
    if len(grouped) >= MAX_GROUPS:  # cut short: the whole needs its own statement
        summary.truncated = True
        rows = await cached_rows(SalaryStandard, f"{base} SELECT {_counts_sql()} FROM cw", day=on)
        _fill(summary, rows[0] if rows else {})
    return summary


def _fill(summary: Summary, row: dict) -> None:
    summary.headcount = int(row.get("headcount") or 0)
    summary.counts = {s.value: int(row.get(f"n_{s.value}") or 0) for s in STATUSES}
    summary.uncovered = int(row.get("uncovered") or 0)
    summary.shortfall_total = _money(row.get("shortfall"))


ROW_SORTS = {
    "shortfall": "cw.shortfall",
    "pay": "cw.pay",
    "worker_no": "w.worker_no",
    "name": "w.name",
    "station": "st.code",
}


def _row(row: dict) -> dict:
    for key in ("pay", "floor", "bmin", "bmid", "bmax", "shortfall"):
        row[key] = _opt_money(row.get(key))
    pay, bmin, bmid, bmax = row["pay"], row["bmin"], row["bmid"], row["bmax"]
    row["compa_ratio"] = (pay / bmid) if pay is not None and bmid else None
    row["penetration"] = (pay - bmin) / (bmax - bmin) if pay is not None and bmin is not None and bmax != bmin else None
    row["level"] = PayLevel(row["level"])
    row["status"] = PayStatus(row["status"]) if row["status"] in {s.value for s in STATUSES} else None
    if isinstance(row.get("first_start"), str):
        row["first_start"] = date.fromisoformat(row["first_start"][:10])
    return row


def _row_filter(status: str) -> str:
    if status == "below":
        return "cw.status IN ('below_floor', 'below_band')"
    if status in {s.value for s in STATUSES} or status == "uncovered":
        return f"cw.status = '{status}'"
    return "1 = 1"


ROW_COLUMNS = (
    "cw.worker_id, w.worker_no, w.name, st.code AS station_code, st.name AS station_name, cw.standard_id,"
    " cw.level, cw.years, cw.first_start, cw.pay, cw.floor, cw.bmin, cw.bmid, cw.bmax, cw.status, cw.shortfall"
)


# The columns of a page of compliance_rows, as _page_sql selects them: ROW_COLUMNS by the names they come out
# under ("st.code AS station_code" → station_code, "cw.level" → level), the count, the row number.
ROW_NAMES = (*(c.split(" AS ")[-1].split(".")[-1].strip() for c in ROW_COLUMNS.split(",")), "n", "row_no")
GROUP_NAMES = ("gkey", "gname", "gcode", *COUNT_NAMES)


async def compliance_overview(
    *, scope: Scope, on: date, params: ListParams, region: Region | None, group_by: str, status: str
) -> tuple[Summary, Page]:
    """/pay's summary per group and page of rows in one statement kept under the data version: both read the whole
    workforce in scope (_workforce's WITH clauses), computed once for the two where two statements computed it
    each (the country's first visit: two statements of 1.5–2.5 s, in turn on SQLite). The groups' rows come first
    (part 1, in their order), then the page's (part 2), each part's columns empty in the other's rows."""
    if group_by not in GROUPS:
        return await gather_reads(
            [
                lambda: compliance_summary(scope=scope, on=on, region=region, group_by=group_by),
                lambda: compliance_rows(scope=scope, on=on, params=params, region=region, status=status),
            ]
        )
    pg = _pg()
    base = _workforce(PaySql(on, pg), station_ids_sql(scope, region.path if region else ""))
    query = _rows_query(params, status)
    groups = ", ".join(f"gq.{name} AS g_{name}" for name in GROUP_NAMES)
    rows = ", ".join(f"pq.{name} AS {name}" for name in ROW_NAMES)
    no_groups = ", ".join(f"NULL AS g_{name}" for name in GROUP_NAMES)
    no_rows = ", ".join(f"NULL AS {name}" for name in ROW_NAMES)
    found = await cached_rows(
        SalaryStandard,
        f"{base}{_grouped_sql(pg, region, group_by)}, pq AS ({_page_sql(**query)})"
        f" SELECT 1 AS part, gq.gord AS ord, {groups}, {no_rows} FROM gq"
        f" UNION ALL SELECT 2 AS part, pq.row_no AS ord, {no_groups}, {rows} FROM pq ORDER BY 1, 2",
        day=on,
    )
    grouped = [{name: r[f"g_{name}"] for name in GROUP_NAMES} for r in found if r["part"] == 1]
    page_rows, totals = _page_of(
        [{name: r[name] for name in ROW_NAMES} for r in found if r["part"] == 2], query["totals"], params
    )
    summary = await _summary_of(grouped, base=base, on=on, group_by=group_by)
    return summary, Page(items=[_row(r) for r in page_rows], total=int(totals["n"] or 0), params=params)


async def compliance_rows(
    *, scope: Scope, on: date, params: ListParams, region: Region | None = None, status: str = ""
) -> Page:
    """One page of the workers in scope on `on` with their pay, band, status, compa-ratio, penetration and
    shortfall (filter `status`: a status, 'below' for below floor or band, 'uncovered'). One statement
    (_page_and_totals)."""
    base = _workforce(PaySql(on, _pg()), station_ids_sql(scope, region.path if region else ""))
    rows, totals = await _page_and_totals(base=base, **_rows_query(params, status), day=on)
    return Page(items=[_row(r) for r in rows], total=int(totals["n"] or 0), params=params)


def _rows_query(params: ListParams, status: str) -> dict:
    """_page_sql's arguments for a page of the workforce `cw` (compliance_rows)."""
    order = order_for(params, ROW_SORTS, "-shortfall")
    # order_for maps the public key through ROW_SORTS (a whitelist) and adds "id" as the tie-breaker.
    order_sql = ", ".join(
        f"{o.lstrip('-')}{' DESC' if o.startswith('-') else ''}" for o in order if o.lstrip("-") != "id"
    )
    order_sql += ", cw.worker_id" + (" DESC" if params.sort.startswith("-") else "")
    return {
        "columns": ROW_COLUMNS,
        "rows_from": "cw JOIN workers w ON w.id = cw.worker_id JOIN stations st ON st.id = cw.station_id"
        f" WHERE {_row_filter(status)}",
        "totals": {"n": "COUNT(*)"},
        "order_sql": order_sql,
        "params": params,
    }


def _page_sql(*, columns: str, rows_from: str, totals: dict[str, str], order_sql: str, params: ListParams) -> str:
    """The SELECT (after the WITH clauses it reads) of one page of a list and aggregates over all its rows
    (`totals`: name → aggregate, the count named "n"): the aggregates are window functions beside the page's rows,
    and the page is chosen by row number (row_no), a page past the end answering the last page (as paginate
    does)."""
    per_page, page = int(params.per_page), int(params.page)
    windows = ", ".join(f"{aggregate} OVER () AS {name}" for name, aggregate in totals.items())
    last = f"((x.n + {per_page} - 1) / {per_page})"
    shown = f"(CASE WHEN {page} <= {last} THEN {page} ELSE {last} END)"
    return (
        f"SELECT * FROM (SELECT {columns}, {windows}, ROW_NUMBER() OVER (ORDER BY {order_sql}) AS row_no"
        f" FROM {rows_from}) x WHERE x.row_no > ({shown} - 1) * {per_page} AND x.row_no <= {shown} * {per_page}"
    )


def _page_of(rows: list[dict], totals: dict[str, str], params: ListParams) -> tuple[list[dict], dict]:
    """_page_sql's rows (in row_no order) without the aggregates, and the aggregates; `params.page` is set to the
    page shown."""
    found = {name: rows[0][name] for name in totals} if rows else dict.fromkeys(totals, 0)
    params.page = (int(rows[0]["row_no"]) - 1) // int(params.per_page) + 1 if rows else 1
    hidden = {*totals, "row_no"}
    return [{k: v for k, v in row.items() if k not in hidden} for row in rows], found


async def _page_and_totals(
    *,
    base: str,
    columns: str,
    rows_from: str,
    totals: dict[str, str],
    order_sql: str,
    params: ListParams,
    day: date,
) -> tuple[list[dict], dict]:
    """One page of a list whose every row is costly to compute (the WITH clauses `base`), and aggregates over all
    its rows, in one statement kept under the data version (_page_sql): `base` runs once, not once for the totals
    and again for the page (the country's pay lists: 2.4–3.0 s a run), and no page needs a second statement."""
    page_sql = _page_sql(columns=columns, rows_from=rows_from, totals=totals, order_sql=order_sql, params=params)
    rows = await cached_rows(SalaryStandard, f"{base} {page_sql} ORDER BY x.row_no", day=day)
    return _page_of(rows, totals, params)


async def compliance_export(*, scope: Scope, on: date, region: Region | None = None, status: str = "below"):
    """Every row of the filtered list (the list's columns), by worker number, from one statement read a batch at a
    time (talent.core.export.sql_batches): memory holds a batch, where the whole file's rows were read at once (the
    national demo's workers within their bands: 72,505 rows, the download's process at 260 MB against 181 MB)."""
    sql = PaySql(on, _pg())
    base = _workforce(sql, station_ids_sql(scope, region.path if region else ""))
    statement = (
        f"{base} SELECT {ROW_COLUMNS} FROM cw JOIN workers w ON w.id = cw.worker_id"
        f" JOIN stations st ON st.id = cw.station_id WHERE {_row_filter(status)} ORDER BY w.worker_no"
    )
    async with aclosing(sql_batches(SalaryStandard._meta.db, statement)) as batches:
        async for batch in batches:
            for row in batch:
                yield _row(row)


async def worker_pay(*, worker_id: int, on: date, scope: Scope | None = None) -> dict | None:
    """One worker's compliance row on `on`, or None when they are not active full-time that day: at a station in
    `scope` (a staff page: a worker who moved out of scope shows nothing of their new station), or, without a
    scope, at any station of theirs (the worker's own page)."""
    sql = PaySql(on, _pg())
    if scope is not None:
        stations = station_ids_sql(scope)
    else:
        stations = f"(SELECT sp0.station_id FROM employment_spells sp0 WHERE sp0.worker_id = {int(worker_id)})"
    base = _workforce(sql, stations, worker_id=worker_id)
    rows = await fetch_all(
        SalaryStandard,
        f"{base} SELECT {ROW_COLUMNS} FROM cw JOIN workers w ON w.id = cw.worker_id"
        f" JOIN stations st ON st.id = cw.station_id WHERE cw.worker_id = {int(worker_id)}",
    )
    return _row(rows[0]) if rows else None


# ── back pay ──────────────────────────────────────────────────────────────────────────────────────


@dataclass
class BackPay:
    day: date
    months: int
    workers: int = 0
    monthly_total: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    rows: list[dict] = field(default_factory=list)


def is_retroactive(standard: SalaryStandard) -> bool:
    return bool(
        standard.status == StandardStatus.PUBLISHED
        and standard.published_at
        and standard.published_at.date() > standard.effective_from
    )


async def back_pay(*, scope: Scope, standard: SalaryStandard, limit: int = 200) -> BackPay | None:
    """For a standard published after its effective date: per worker it applies to on its publication day, the
    monthly shortfall that day × whole months from the effective date to it (rules: back pay); None otherwise."""
    if not is_retroactive(standard):
        return None
    day = standard.published_at.date()
    months = whole_months(standard.effective_from, day)
    sql = PaySql(day, _pg())
    base = _workforce(sql, station_ids_sql(scope, standard.region_path))
    mine = f"cw.standard_id = {int(standard.id)} AND cw.shortfall > 0"
    totals = (
        await fetch_all(
            SalaryStandard, f"{base} SELECT COUNT(*) AS n, SUM(cw.shortfall) AS monthly FROM cw WHERE {mine}"
        )
    )[0]
    rows = await fetch_all(
        SalaryStandard,
        f"{base} SELECT {ROW_COLUMNS} FROM cw JOIN workers w ON w.id = cw.worker_id"
        f" JOIN stations st ON st.id = cw.station_id WHERE {mine} ORDER BY cw.shortfall DESC, w.worker_no"
        f" LIMIT {int(limit)}",
    )
    result = BackPay(day=day, months=months, workers=int(totals["n"] or 0), monthly_total=_money(totals["monthly"]))
    result.total = result.monthly_total * months
    for row in rows:
        row = _row(row)
        row["back_pay"] = row["shortfall"] * months
        result.rows.append(row)
    return result


# ── pay and retention ─────────────────────────────────────────────────────────────────────────────


@dataclass
class RetentionLine:
    status: str
    at_risk: int
    stayed: int

    @property
    def left(self) -> int:
        return self.at_risk - self.stayed

    @property
    def retention(self) -> float | None:
        return self.stayed / self.at_risk if self.at_risk else None

    @property
    def turnover(self) -> float | None:
        return self.left / self.at_risk if self.at_risk else None


def year_before(day: date) -> date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


async def retention_by_status(*, scope: Scope, on: date, region: Region | None = None) -> tuple[date, list]:
    """12-month retention by pay status: the full-time workers active a year before `on` at stations in scope
    (inside `region`), grouped by their pay status that day; stayed = still active on `on` at a station of the same
    stations (a move inside the region is no loss). One statement, kept under the data version (cached_rows): a
    country's took 1.1 s on PostgreSQL on every visit."""
    start = year_before(on)
    stations = station_ids_sql(scope, region.path if region else "")
    base = _workforce(PaySql(start, _pg()), stations)
    end = PaySql(on, _pg()).d
    rows = await cached_rows(
        SalaryStandard,
        f"""{base}, kept AS (
  SELECT cw.status, CASE WHEN EXISTS (SELECT 1 FROM employment_spells s2 WHERE s2.worker_id = cw.worker_id
    AND s2.start_on <= {end} AND (s2.end_on IS NULL OR s2.end_on >= {end}) AND s2.station_id IN {stations})
    THEN 1 ELSE 0 END AS stayed
  FROM cw
) SELECT status, COUNT(*) AS at_risk, SUM(stayed) AS stayed FROM kept GROUP BY status""",
        day=on,
    )
    found = {r["status"]: r for r in rows}
    order = [s.value for s in STATUSES] + ["uncovered"]
    lines = [
        RetentionLine(status, int(found[status]["at_risk"]), int(found[status]["stayed"] or 0))
        for status in order
        if status in found
    ]
    return start, lines


# ── proposed pay changes ──────────────────────────────────────────────────────────────────────────


def _proposals(sql: PaySql, stations: str, worker_id: int | None = None) -> str:
    """The workforce's WITH clauses continued to `pc`: one row per worker in `stations` with a pay change proposed
    on the day (rules: proposed pay change), its reasons (by_cert, by_assess, by_uplift) and amounts; of `worker_id`
    alone when given (_workforce)."""
    num = sql.num
    year = sql.day.year - 1
    jan = date_literal(date(sql.day.year, 1, 1), sql.pg)
    rank = PaySql.level_rank

    def undecided(reason: str, key: str) -> str:
        return (
            f"NOT EXISTS (SELECT 1 FROM pay_change_decisions dc WHERE dc.worker_id = p2.worker_id"
            f" AND dc.reason = '{reason}' AND dc.key = {key})"
        )

    factor = "(1 + (CASE WHEN p3.by_uplift = 1 THEN p3.uplift_pct ELSE 0 END) / 100.0)"
    return f"""{_workforce(sql, stations, record=True, worker_id=worker_id)}, lr AS (
  SELECT cw.worker_id, cw.station_id, cw.standard_id, cw.level, cw.bmin, cw.pay, cw.rec_from, cw.base, cw.allow
  FROM cw WHERE cw.standard_id IS NOT NULL AND cw.rec_id IS NOT NULL
), p1 AS MATERIALIZED (
  SELECT lr.*, {PaySql.level_on("lr.worker_id", "lr.rec_from")} AS old_level, {num("s.uplift_pct")} AS uplift_pct,
    s.effective_from AS std_from,
    (SELECT g.grade FROM pay_assessments g WHERE g.worker_id = lr.worker_id AND g.year = {int(year)}) AS grade
  FROM lr JOIN pay_standards s ON s.id = lr.standard_id
), al AS (
  SELECT a.standard_id, a.level, SUM({num("a.amount")}) AS amount FROM pay_allowances a GROUP BY a.standard_id, a.level
), p2 AS MATERIALIZED (
  SELECT p1.*, COALESCE(an.amount, 0) - COALESCE(ao.amount, 0) AS allow_raise,
    COALESCE((SELECT {num("ps.amount")} FROM pay_performance_steps ps WHERE ps.standard_id = p1.standard_id
      AND ps.grade = p1.grade), 0) AS step
  FROM p1 LEFT JOIN al an ON an.standard_id = p1.standard_id AND an.level = p1.level
  LEFT JOIN al ao ON ao.standard_id = p1.standard_id AND ao.level = p1.old_level
), p3 AS (
  SELECT p2.*,
    CASE WHEN {rank("p2.level")} > {rank("p2.old_level")} AND (p2.allow_raise > 0 OR (p2.bmin IS NOT NULL
      AND p2.pay + (CASE WHEN p2.allow_raise > 0 THEN p2.allow_raise ELSE 0 END) < p2.bmin))
      AND {undecided("certificate", "p2.level")} THEN 1 ELSE 0 END AS by_cert,
    CASE WHEN p2.step > 0 AND p2.rec_from < {jan} AND {undecided("assessment", f"'{int(year)}'")}
      THEN 1 ELSE 0 END AS by_assess,
    CASE WHEN p2.uplift_pct > 0 AND p2.rec_from < p2.std_from
      AND {undecided("uplift", "CAST(p2.standard_id AS VARCHAR(32))")} THEN 1 ELSE 0 END AS by_uplift
  FROM p2
), p4 AS (
  SELECT p3.*,
    ROUND(p3.base * {factor}, 2) + (CASE WHEN p3.by_assess = 1 THEN p3.step ELSE 0 END) AS base1,
    ROUND(p3.allow * {factor}, 2)
      + (CASE WHEN p3.by_cert = 1 AND p3.allow_raise > 0 THEN p3.allow_raise ELSE 0 END) AS new_allow
  FROM p3 WHERE p3.by_cert + p3.by_assess + p3.by_uplift > 0
), p5 AS (
  SELECT p4.*, CASE WHEN p4.by_cert = 1 AND p4.bmin IS NOT NULL AND p4.base1 + p4.new_allow < p4.bmin
    THEN p4.bmin - p4.new_allow ELSE p4.base1 END AS new_base
  FROM p4
), pc AS (
  SELECT p5.*, p5.new_base + p5.new_allow - p5.base - p5.allow AS increase FROM p5
  WHERE p5.new_base + p5.new_allow > p5.base + p5.allow
)"""


PROPOSAL_COLUMNS = (
    "pc.worker_id, w.worker_no, w.name, st.code AS station_code, st.name AS station_name, pc.standard_id,"
    " pc.level, pc.old_level, pc.rec_from, pc.base, pc.allow, pc.new_base, pc.new_allow, pc.increase, pc.by_cert,"
    " pc.by_assess, pc.by_uplift, pc.grade, pc.step, pc.uplift_pct, pc.allow_raise, pc.bmin"
)
PROPOSAL_SORTS = {"increase": "pc.increase", "worker_no": "w.worker_no", "name": "w.name", "station": "st.code"}


@dataclass
class ProposalTotals:
    on: date
    year: int
    workers: int = 0
    monthly_raise: Decimal = Decimal("0.00")


def _proposal_row(row: dict) -> dict:
    for key in ("base", "allow", "new_base", "new_allow", "increase", "step", "allow_raise", "bmin"):
        row[key] = _opt_money(row.get(key))
    row["uplift_pct"] = None if row.get("uplift_pct") is None else Decimal(str(row["uplift_pct"])).quantize(CENT)
    row["pay"] = row["base"] + row["allow"]
    row["new_pay"] = row["new_base"] + row["new_allow"]
    row["level"] = PayLevel(row["level"])
    row["old_level"] = PayLevel(row["old_level"])
    row["grade"] = Grade(row["grade"]) if row.get("grade") else None
    for key in ("by_cert", "by_assess", "by_uplift"):
        row[key] = bool(row[key])
    if isinstance(row.get("rec_from"), str):
        row["rec_from"] = date.fromisoformat(row["rec_from"][:10])
    row["reasons"] = [
        reason
        for reason, on in (
            (ChangeReason.CERTIFICATE, row["by_cert"]),
            (ChangeReason.ASSESSMENT, row["by_assess"]),
            (ChangeReason.UPLIFT, row["by_uplift"]),
        )
        if on
    ]
    return row


async def proposals(*, scope: Scope, on: date, params: ListParams) -> tuple[ProposalTotals, Page]:
    """The pay changes proposed on `on` for the workers in scope (rules: proposed pay change): their count and
    monthly total, and one page of them with current and proposed pay and the reasons. One statement
    (_page_and_totals)."""
    sql = PaySql(on, _pg())
    order = order_for(params, PROPOSAL_SORTS, "-increase")
    order_sql = ", ".join(
        f"{o.lstrip('-')}{' DESC' if o.startswith('-') else ''}" for o in order if o.lstrip("-") != "id"
    )
    rows, totals = await _page_and_totals(
        base=_proposals(sql, station_ids_sql(scope)),
        columns=PROPOSAL_COLUMNS,
        rows_from="pc JOIN workers w ON w.id = pc.worker_id JOIN stations st ON st.id = pc.station_id",
        totals={"n": "COUNT(*)", "total": "SUM(pc.increase)"},
        order_sql=order_sql + ", pc.worker_id",
        params=params,
        day=on,
    )
    result = ProposalTotals(
        on=on, year=on.year - 1, workers=int(totals["n"] or 0), monthly_raise=_money(totals["total"])
    )
    return result, Page(items=[_proposal_row(r) for r in rows], total=result.workers, params=params)


async def proposal_for(*, scope: Scope, worker_id: int, on: date) -> dict | None:
    """The pay change proposed on `on` for one worker in scope, or None."""
    sql = PaySql(on, _pg())
    rows = await fetch_all(
        SalaryStandard,
        f"{_proposals(sql, station_ids_sql(scope), worker_id)} SELECT {PROPOSAL_COLUMNS} FROM pc"
        " JOIN workers w ON w.id = pc.worker_id JOIN stations st ON st.id = pc.station_id"
        f" WHERE pc.worker_id = {int(worker_id)}",
    )
    return _proposal_row(rows[0]) if rows else None


# ── yearly assessments ────────────────────────────────────────────────────────────────────────────

# The grade codes a list may be filtered by (the request's text is only compared with them).
GRADES = frozenset(g.value for g in Grade)
ASSESSMENT_SORTS = {"year": "year", "worker_no": "worker__worker_no", "name": "worker__name", "grade": "grade"}
# A row of the list: the assessment and its worker's number and name, as values (an assessment and a worker instance
# a row cost Tortoise about as much again as the page's statements).
ASSESSMENT_ROW = ("id", "worker_id", "year", "grade", "note", "worker__worker_no", "worker__name")


def readable_assessments(scope: Scope):
    return Assessment.filter(of_reached_workers_q(scope))


async def assessment_list(
    *,
    scope: Scope,
    params: ListParams,
    year: int | None = None,
    grade: str = "",
    total: Callable[[], Awaitable[int]] | None = None,
) -> Page:
    """The yearly assessments of the workers in scope (of `year`, of `grade`), each a dict of ASSESSMENT_ROW.
    `total`: a read of the list's total that the page makes anyway (assessment_page), run where the count would be.
    A jurisdiction's assessments (a worker's a year) are few enough to sort by a probe of each one's worker
    (paginate's related_by_probe), so the page is read beside the total, not after it."""
    qs = readable_assessments(scope)
    if year:
        # The year written, not bound (the router offers 1990–2100): the count and the page have no parameter and
        # are planned once per connection (a city's, 1.45 → 1.09 and 2.01 → 1.53 ms a run, asyncpg, national demo).
        qs = qs.filter(year=literal_int(year))
    if grade in GRADES:
        qs = qs.filter(grade=literal_code(Grade(grade)))
    if params.q and scope.is_admin:
        # The country's: the workers searched first, then their assessments by the (worker, year) key, as one
        # subquery, where joined each of the year's 92,958 assessments probed its worker to test the text (the
        # administrator's ?q=a on SQLite, count and page: 39 + 34 → 29 + 25 ms, national demo). A jurisdiction's
        # few are joined: the subquery would search all 184,287 workers (a county's ?q=a 4 → 72 ms on SQLite).
        found = Worker.filter(icontains("name", params.q) | icontains("worker_no", params.q)).values("id")
        qs = qs.filter(worker_id__in=Unordered(found))
    elif params.q:
        qs = qs.filter(icontains("worker__name", params.q) | icontains("worker__worker_no", params.q))
    return await paginate(
        qs,
        params,
        ASSESSMENT_SORTS,
        default="worker_no",
        values=ASSESSMENT_ROW,
        total=total,
        related_by_probe=not scope.is_admin,
    )


async def assessment_page(
    *, scope: Scope, params: ListParams, year: int, grade: str = ""
) -> tuple[dict[str, int], Page]:
    """The year's counts by grade (assessment_counts), which the page shows, and one page of its assessments
    (assessment_list), read at once. Without a search the counts are the list's total too, which is then not counted
    again (for the country's 92,958 assessments of a year, a second scan of them); with one, they are read beside
    the list's count and page."""
    if params.q:
        counts, page = await gather_reads(
            [
                lambda: assessment_counts(scope=scope, year=year),
                lambda: assessment_list(scope=scope, params=params, year=year, grade=grade),
            ]
        )
        return counts, page
    counts: dict[str, int] = {}

    async def counted() -> int:
        counts.update(await assessment_counts(scope=scope, year=year))
        return counts[grade] if grade in GRADES else sum(counts.values())

    page = await assessment_list(scope=scope, params=params, year=year, grade=grade, total=counted)
    return counts, page


async def assessment_counts(*, scope: Scope, year: int) -> dict[str, int]:
    """How many workers in scope got each grade in `year`: one grouped statement."""
    counts = await count_by(readable_assessments(scope).filter(year=literal_int(year)), "grade")
    found = {str(getattr(grade, "value", grade)): n for grade, n in counts.items()}
    return {g.value: found.get(g.value, 0) for g in Grade}


async def assessment_get(*, scope: Scope, assessment_id: int) -> Assessment:
    return await Assessment.filter(reached_rows_q(scope, Assessment, id=assessment_id)).select_related("worker").get()


async def assessment_export(*, scope: Scope, year: int | None = None):
    """The assessments in scope in the `assessments` kind's columns, by year and worker number: one statement read a
    batch at a time (talent.core.export.statement_batches), as the other exports, not every row at once."""
    qs = readable_assessments(scope)
    if year:
        qs = qs.filter(year=year)
    rows = qs.order_by("year", "worker__worker_no").values("worker__worker_no", "year", "grade")
    async with aclosing(statement_batches(rows)) as batches:
        async for batch in batches:
            for row in batch:
                grade = row["grade"]
                yield row["worker__worker_no"], row["year"], getattr(grade, "value", grade)
