"""The measures of DESIGN §1, one selector each, computed in SQL at the dates given (no snapshot tables).

Every measure reads the population through `Area` (the scope's stations narrowed to a region subtree), the
spell rules of talent.people.rules (active_on) and the certificate expressions of talent.certification; none
writes a rule again. A measure may be grouped (`Grouping`): one statement returns every group's figure, so a
report costs the same number of queries however many rows it shows.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from talent.analytics.area import Area
from talent.analytics.periods import Period, months_touched, split
from talent.analytics.sql import date_literal, followed_transfer_sql, is_postgres, safe_path
from talent.certification.for_people import first_certified_aggregate, first_certified_sql
from talent.core.sql import RawSubquery, child_path_sql
from talent.people.models import EmploymentSpell, ExitReason, ExitType
from talent.people.rules import active_on_sql, overlapping_sql
from talent.places.models import CertLevel, Region
from talent.rawsql import fetch_all

LEVELS = [level.value for level in CertLevel]  # lowest first


@dataclass(frozen=True)
class Grouping:
    """How a measure splits its figure: SQL conditions over the spell `sp` and its station `st`, checked in order,
    one per key (a spell matching none falls in ''), or a column whose value is the key (`sp.station_id`)."""

    keys: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    column: str = ""
    # Child regions' paths (safe literals: digits and '/'), so a transfer counts as "inside" only within the
    # same child region (see sql.followed_transfer_sql).
    paths: tuple[str, ...] = ()
    # An expression whose value is one of `paths` for a row of that group (then it replaces the conditions).
    path_of: str = ""

    @lru_cache(maxsize=256)  # noqa: B019 (a grouping is a small value, equal ones share the text)
    def sql(self) -> str:
        """The group of a row: the column, or the index of the first condition met (-1: none)."""
        if self.column:
            return self.column
        if self.path_of and self.paths:
            whens = " ".join(f"WHEN '{p}' THEN {i}" for i, p in enumerate(self.paths))
            return f"(CASE {self.path_of} {whens} ELSE -1 END)"
        whens = " ".join(f"WHEN {c} THEN {i}" for i, c in enumerate(self.conditions))
        return f"(CASE {whens} ELSE -1 END)" if whens else "-1"

    def key(self, value) -> str:
        if value is None:
            return TOTAL
        if self.column:
            return str(value)
        index = int(value)
        return self.keys[index] if 0 <= index < len(self.keys) else TOTAL

    @property
    def reads_station(self) -> bool:
        return "st." in self.sql()

    @classmethod
    def child_regions(cls, regions: list[Region]) -> "Grouping":
        # Region codes are digits (checked where regions are written): the paths are safe literals.
        regions = [r for r in regions if safe_path(r.path)]
        # Siblings share their parent's path; each station's child region is found by its path (child_path_sql):
        # the country's certification by province 385 → 334 ms on SQLite against a LIKE per province.
        parent = regions[0].path.rstrip("/").rpartition("/")[0] if regions else ""
        return cls(
            keys=tuple(r.code for r in regions),
            paths=tuple(r.path for r in regions),
            path_of=child_path_sql("st.region_path", parent + "/" if parent else "", is_postgres()),
        )

    @lru_cache(maxsize=256)  # noqa: B019
    def same_group_sql(self) -> str:
        """SQL over the stations `sa` (ending spell) and `sb` (next spell): both in the same group. Per station
        no move is inside; per child region, both stations under the same child; otherwise no restriction."""
        if self.column == "sp.station_id":
            return NO_MOVE_INSIDE
        if self.paths:
            # Each station's child region by its path, as `path_of` finds it (a LIKE per child region for both
            # stations of every transfer cost a city's turnover by county 5.4 ms against its twin's 3.2 on PostgreSQL).
            parent = self.paths[0].rstrip("/").rpartition("/")[0]
            parent = parent + "/" if parent else ""
            pg = is_postgres()
            return f"{child_path_sql('sa.region_path', parent, pg)} = {child_path_sql('sb.region_path', parent, pg)}"
        return ""

    @classmethod
    def stations(cls) -> "Grouping":
        return cls(column="sp.station_id")

    @classmethod
    def station_kinds(cls) -> "Grouping":
        """Per kind of station of the network (a worker counts in each kind they work at; the column holds a
        StationKind code)."""
        return cls(column="st.kind")

    @classmethod
    def periods(cls, periods: list[Period], pg: bool) -> "Grouping":
        """Per period of the spell's last day."""
        return cls(
            keys=tuple(p.key for p in periods),
            conditions=tuple(
                f"sp.end_on >= {date_literal(p.start, pg)} AND sp.end_on <= {date_literal(p.end, pg)}" for p in periods
            ),
        )


TOTAL = ""
# Grouping.same_group_sql per station: no move is inside the group, every transfer ending there is a separation.
NO_MOVE_INSIDE = "1 = 0"


def population_sql(area: Area, grouping: Grouping | None = None, station: bool = False, joins: str = "") -> str:
    """` FROM … WHERE …` over the full-time spells `sp` at the area's stations, joined to their station `st` when
    the grouping reads it (or `station`), then to `joins`; conditions follow with AND."""
    station = station or (grouping is not None and grouping.reads_station)
    return _population(area.stations_sql, station, joins, everywhere=area.everywhere)


def _population(stations: str, station: bool, joins: str = "", everywhere: bool = False) -> str:
    """population_sql over the station-id subquery `stations` (`everywhere`: it holds every station)."""
    join = (" JOIN stations st ON st.id = sp.station_id" if station else "") + joins
    # The area's stations first, then their spells through the station index (CROSS JOIN keeps that order in
    # SQLite): with `station_id IN (…)` SQLite may drive from the end_on index instead and read every spell of the
    # country ending in the period (a township's tenures: every separation since 1900). For every station of the
    # country that order is the wrong one (the year's separations through the end_on index: 0.9 s station-first
    # against 0.1 s).
    if everywhere:
        # Every station (an admin's whole scope: no condition on stations) holds every spell, station_id being a
        # non-null foreign key, so the station ids are not read at all: reading them first cost SQLite the
        # country's headcount 347 ms against 134 ms without them.
        return f" FROM employment_spells sp{join} WHERE sp.full_time"
    return f" FROM ({stations}) ar CROSS JOIN employment_spells sp{join} WHERE sp.station_id = ar.id AND sp.full_time"


# ── headcount ───────────────────────────────────────────────────────────────────────────────────────────


async def headcount(area: Area, on: date) -> int:
    """headcount(R, d): full-time workers active on d at stations in R's subtree (a worker counts once)."""
    # `headcounts` for one day, written for it: the dashboard's and the API's single figure.
    active = active_on_sql("sp", date_literal(on, is_postgres()))
    sql = f"SELECT COUNT(DISTINCT sp.worker_id) AS n{population_sql(area)} AND {active}"
    return int((await fetch_all(EmploymentSpell, sql))[0]["n"] or 0)


async def headcounts(area: Area, days: list[date], grouping: Grouping | None = None) -> dict[str, dict[date, int]]:
    """headcount on each of `days` in one statement: {group: {day: n}}."""
    days = sorted(set(days))
    if not days:
        return {}
    sql = f"SELECT {_headcounts_select(area, grouping, tuple(days), is_postgres())}"
    out = {}
    for row in await fetch_all(EmploymentSpell, sql):
        key = grouping.key(row["g"]) if grouping is not None else TOTAL
        out[key] = {day: int(row.get(f"h{i}") or 0) for i, day in enumerate(days)}
    return out


def _headcounts_select(
    area: Area, grouping: Grouping | None, days: tuple[date, ...], pg: bool, between: str = ""
) -> str:
    """`g, h0, h1 … FROM …` (ready for SELECT; `between` is written after g): per group (one row with g = -1
    ungrouped), the workers with a spell of the area active on each of `days`. The spells overlapping the days are
    grouped by (group, worker) with a flag per day, and the flags summed: a COUNT(DISTINCT …) per day sorted the rows
    once per day (the country's turnover, 24 days: 376 → 255 ms on PostgreSQL)."""
    group = grouping.sql() if grouping is not None else "-1"
    overlapping = overlapping_sql("sp", date_literal(days[0], pg), date_literal(days[-1], pg))
    inner = (
        f"SELECT {group} AS g, sp.worker_id AS worker_id, {_day_flags(days, pg)}"
        f"{population_sql(area, grouping)} AND {overlapping} GROUP BY 1, 2"
    )
    sums = ", ".join(f"SUM(w.a{i}) AS h{i}" for i in range(len(days)))
    # Ungrouped, one row even for no spell (zeros), as an aggregate without GROUP BY gives.
    return f"{'w.g' if grouping is not None else '-1'} AS g, {between}{sums} FROM ({inner}) w" + (
        " GROUP BY w.g" if grouping is not None else ""
    )


@lru_cache(maxsize=256)
def _day_flags(days: tuple[date, ...], pg: bool) -> str:
    """Per day, 1 when one of the worker's spells grouped is active on it (`a{i}`): the same text for every area."""
    return ", ".join(
        f"MAX(CASE WHEN {active_on_sql('sp', date_literal(day, pg))} THEN 1 ELSE 0 END) AS a{i}"
        for i, day in enumerate(days)
    )


def average_headcount_days(start: date, end: date) -> list[date]:
    return [d for month in months_touched(start, end) for d in (month.start, month.end)]


def average_of(counts: dict[date, int], start: date, end: date) -> float:
    """The mean over the months touched by [start, end] of (headcount on the first day + on the last) ÷ 2."""
    months = months_touched(start, end)
    if not months:
        return 0.0
    return sum((counts.get(m.start, 0) + counts.get(m.end, 0)) / 2 for m in months) / len(months)


# ── separations and turnover ────────────────────────────────────────────────────────────────────────────


def separations_sql(area: Area, start: date, end: date, grouping: Grouping | None = None, station: bool = False) -> str:
    """separations(R, from, to) as ` FROM … WHERE …` over the spells `sp`: full-time spells at stations in R ending
    in [from, to], except a transfer whose worker starts at another station inside R within 31 days (inside the
    spell's own group when grouped). The counts and the list of the spells counted both read this text."""
    pg = is_postgres()
    same_group = grouping.same_group_sql() if grouping is not None else ""
    sql = (
        f"{population_sql(area, grouping, station=station)} AND sp.end_on >= {date_literal(start, pg)}"
        f" AND sp.end_on <= {date_literal(end, pg)}"
    )
    if same_group == NO_MOVE_INSIDE:
        return sql  # the transfer rule's condition could never hold: not written
    followed = followed_transfer_sql("sp", area.stations_sql, pg, same_group)
    return f"{sql} AND NOT (sp.exit_type = 'transfer' AND {followed})"


def separations_qs(area: Area, start: date, end: date):
    """The spells `separations` counts, as a queryset (for the lists a dashboard card opens)."""
    return EmploymentSpell.filter(id__in=RawSubquery(f"SELECT sp.id{separations_sql(area, start, end)}"))


async def separations(area: Area, start: date, end: date) -> int:
    """The number of separations in [start, end] (one statement)."""
    rows = await fetch_all(EmploymentSpell, f"SELECT COUNT(*) AS n{separations_sql(area, start, end)}")
    return int(rows[0]["n"] or 0)


# Per spell counted: all, voluntary, involuntary.
_KIND_COUNTS = (
    "COUNT(*) AS n,"
    f" SUM(CASE WHEN sp.exit_type = '{ExitType.VOLUNTARY.value}' THEN 1 ELSE 0 END) AS voluntary,"
    f" SUM(CASE WHEN sp.exit_type = '{ExitType.INVOLUNTARY.value}' THEN 1 ELSE 0 END) AS involuntary"
)


async def _separations_and_headcounts(
    area: Area, start: date, end: date, grouping: Grouping | None, by: Grouping | None
) -> tuple[dict[str, dict], dict[str, dict[date, int]]]:
    """The separations of [start, end] counted in all or per group of `by`, and the headcounts on the days the
    average reads (average_headcount_days) in all or per group of `grouping` (which also decides which moves are
    inside: Grouping.same_group_sql), in one statement: a UNION ALL of the two counts, told apart by `part` (a
    round trip costs a township's whole count on PostgreSQL)."""
    days = average_headcount_days(start, end)
    pg = is_postgres()
    # Columns named by the first SELECT of the union.
    nulls = ", ".join(f"NULL AS h{i}" for i in range(len(days)))
    sql = (
        f"SELECT 0 AS part, {by.sql() if by else '-1'} AS g, {_KIND_COUNTS}, {nulls}"
        f"{separations_sql(area, start, end, grouping, station=by is not None and by.reads_station)}"
        + (" GROUP BY 2" if by else "")
        + f" UNION ALL SELECT 1, {_headcounts_select(area, grouping, tuple(days), pg, 'NULL, NULL, NULL, ')}"
    )
    counted: dict[str, dict] = {}
    counts: dict[str, dict[date, int]] = {}
    for row in await fetch_all(EmploymentSpell, sql):
        if int(row["part"]) == 0:
            counted[by.key(row["g"]) if by else TOTAL] = row
        else:
            key = grouping.key(row["g"]) if grouping else TOTAL
            counts[key] = {day: int(row[f"h{i}"] or 0) for i, day in enumerate(days)}
    return counted, counts


@dataclass
class Turnover:
    start: date
    end: date
    separations: int = 0
    voluntary: int = 0
    involuntary: int = 0
    average_headcount: float = 0.0

    def _rate(self, n: int) -> float | None:
        return n / self.average_headcount if self.average_headcount else None

    @property
    def rate(self) -> float | None:
        return self._rate(self.separations)

    @property
    def voluntary_rate(self) -> float | None:
        return self._rate(self.voluntary)

    @property
    def involuntary_rate(self) -> float | None:
        return self._rate(self.involuntary)

    def as_dict(self) -> dict:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "separations": self.separations,
            "voluntary": self.voluntary,
            "involuntary": self.involuntary,
            "average_headcount": self.average_headcount,
            "rate": self.rate,
            "voluntary_rate": self.voluntary_rate,
            "involuntary_rate": self.involuntary_rate,
        }


async def turnover(area: Area, start: date, end: date, grouping: Grouping | None = None) -> dict[str, Turnover]:
    """turnover rate(R, from, to) = separations ÷ average headcount (voluntary and involuntary over the same
    denominator); two statements however many groups."""
    counted, heads = await _separations_and_headcounts(area, start, end, grouping, grouping)
    out = {}
    for key in set(counted) | set(heads):
        row = counted.get(key, {})
        out[key] = Turnover(
            start,
            end,
            separations=int(row.get("n") or 0),
            voluntary=int(row.get("voluntary") or 0),
            involuntary=int(row.get("involuntary") or 0),
            average_headcount=average_of(heads.get(key, {}), start, end),
        )
    return out


@lru_cache(maxsize=64)
def _periods(start: date, end: date, by: str, pg: bool) -> tuple[tuple[Period, ...], Grouping]:
    """The pieces of [start, end] and the grouping by them (the same for every area: kept)."""
    periods = tuple(split(start, end, by))
    return periods, Grouping.periods(list(periods), pg)


async def turnover_series(area: Area, start: date, end: date, by: str) -> list[Turnover]:
    """Turnover per month, quarter or year of [start, end] (one statement: separations by period, and the
    headcounts of every month touched)."""
    periods, by_period = _periods(start, end, by, is_postgres())
    # Grouped by the period of the spell's end; which moves are inside is the whole area's rule (no same_group).
    counted, counts = await _separations_and_headcounts(area, start, end, None, by_period)
    heads = counts.get(TOTAL, {})
    out = []
    for p, key in zip(periods, by_period.keys, strict=True):
        row = counted.get(key, {})
        out.append(
            Turnover(
                p.start,
                p.end,
                separations=int(row.get("n") or 0),
                voluntary=int(row.get("voluntary") or 0),
                involuntary=int(row.get("involuntary") or 0),
                average_headcount=average_of(heads, p.start, p.end),
            )
        )
    return out


async def exit_reasons(area: Area, start: date, end: date) -> list[dict]:
    """Separations in [start, end] by exit type and coded reason, most frequent first."""
    sql = (
        f"SELECT sp.exit_type AS exit_type, sp.exit_reason AS exit_reason, COUNT(*) AS n"
        f"{separations_sql(area, start, end)} GROUP BY sp.exit_type, sp.exit_reason"
        " ORDER BY n DESC, sp.exit_type, sp.exit_reason"
    )
    rows = await fetch_all(EmploymentSpell, sql)
    # As the ORM reads the columns: coded members (equal to their codes, and labelled in the reader's language).
    return [
        {
            "exit_type": _coded(ExitType, r["exit_type"]),
            "exit_reason": _coded(ExitReason, r["exit_reason"]),
            "n": r["n"],
        }
        for r in rows
    ]


def _coded(enum, code):
    return enum._value2member_map_.get(code or "", code or "")


# ── certification ───────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Certification:
    on: date
    headcount: int = 0
    certified: int = 0
    # Workers whose highest certificate obtained on or before `on` is of each level.
    by_level: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @property
    def rate(self) -> float | None:
        return self.certified / self.headcount if self.headcount else None

    def level_rate(self, level: str) -> float | None:
        return self.by_level.get(level, 0) / self.headcount if self.headcount else None

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "headcount": self.headcount,
            "certified": self.certified,
            "rate": self.rate,
            "by_level": dict(self.by_level),
        }


def certified_counts_sql(
    area: Area, grouping: Grouping | None, days: list[date], levels: list[str | None]
) -> tuple[str, str]:
    """(WITH clauses, the SELECT over them) giving per group `g`: "h{i}" = headcount on days[i], "c{i}_{j}" =
    workers active on days[i] holding a certificate of levels[j] or higher obtained by then, over the area's
    spells: one row per (group, worker) with the days the worker was active, each joined once to its worker's
    certificates for the first-certificate days (for_people.first_certified_aggregate), and the counts compare
    those with each day."""
    days_, levels_ = tuple(days), tuple(levels)
    return certified_counts_text(area.stations_sql, grouping, days_, levels_, is_postgres(), area.everywhere)


@lru_cache(maxsize=256)
def certified_counts_text(
    stations: str,
    grouping: Grouping | None,
    days: tuple[date, ...],
    levels: tuple[str | None, ...],
    pg: bool,
    everywhere: bool = False,
) -> tuple[str, str]:
    """certified_counts_sql over the station-id subquery `stations` (staffing: the counted kind's stations; for
    `everywhere` see _population); kept (the same text for every call of a page's area and day, and building it
    cost a township's count)."""
    literals = [date_literal(day, pg) for day in days]
    single = len(days) == 1
    if single:
        # Only the spells active on the day: one row per (group, worker), so plain counts count workers.
        where, flags = active_on_sql("sp", literals[0]), ""
    else:
        where = overlapping_sql("sp", literals[0], literals[-1])
        flags = f", {_day_flags(days, pg)}"
    firsts = ", ".join(f"{first_certified_aggregate('c', level)} AS f{j}" for j, level in enumerate(levels))
    keys = "x.g, x.worker_id" + "".join(f", x.a{i}" for i in range(len(days)) if not single)
    counts = []
    for i, day in enumerate(literals):
        if single:
            counts.append(f"COUNT(*) AS h{i}")
            counts += [f"COUNT(CASE WHEN z.f{j} <= {day} THEN 1 END) AS c{i}_{j}" for j in range(len(levels))]
            continue
        counts.append(f"COUNT(CASE WHEN z.a{i} = 1 THEN 1 END) AS h{i}")
        counts += [
            f"COUNT(CASE WHEN z.a{i} = 1 AND z.f{j} <= {day} THEN 1 END) AS c{i}_{j}" for j in range(len(levels))
        ]
    group = grouping.sql() if grouping is not None else "-1"
    # One row per (group, worker): distinct, or for a series grouped with a flag per day (_day_flags), where a
    # COUNT(DISTINCT …) per day sorted the rows once per day (the country's twelve months: 497 → 345 ms on
    # PostgreSQL, timed with the demo build running beside).
    population = (
        f"x AS (SELECT {'DISTINCT ' if single else ''}{group} AS g, sp.worker_id AS worker_id{flags}"
        f"{_population(stations, grouping is not None and grouping.reads_station, everywhere=everywhere)}"
        f" AND {where}{'' if single else ' GROUP BY 1, 2'})"
    )
    if single:
        # One row per (group, worker): their certificates joined and grouped by those two keys.
        ctes = (
            f"{population}, z AS (SELECT {keys}, {firsts} FROM x LEFT JOIN certificates c ON c.worker_id = x.worker_id"
            f" GROUP BY {keys})"
        )
    else:
        # A series: each counted worker's first-certificate days once (`f`), then joined to their rows (grouping the
        # join by every key of `x`, a flag per day, cost the country's series half again its twin on PostgreSQL).
        # The whole country reads every certificate (no worker list to test each against).
        counted = "" if everywhere else " WHERE c.worker_id IN (SELECT x.worker_id FROM x)"
        f_columns = ", ".join(f"f.f{j} AS f{j}" for j in range(len(levels)))
        ctes = (
            f"{population}, f AS (SELECT c.worker_id AS worker_id, {firsts} FROM certificates c{counted}"
            f" GROUP BY c.worker_id), z AS (SELECT {keys}, {f_columns} FROM x LEFT JOIN f ON f.worker_id = x.worker_id)"
        )
    return ctes, f"SELECT z.g AS g, {', '.join(counts)} FROM z GROUP BY z.g"


async def _certified_counts(
    area: Area, grouping: Grouping | None, days: list[date], levels: list[str | None]
) -> dict[str, dict]:
    """certified_counts_sql's rows by group key."""
    ctes, select = certified_counts_sql(area, grouping, days, levels)
    out = {}
    for row in await fetch_all(EmploymentSpell, f"WITH {ctes} {select}"):
        value = row.pop("g")
        out[grouping.key(value) if grouping is not None else TOTAL] = row
    if grouping is None:
        out.setdefault(TOTAL, {})  # no spell at all: the figures are zeros, as for any empty area
    return out


async def certification(area: Area, on: date, grouping: Grouping | None = None) -> dict[str, Certification]:
    """certification rate(R, d) = active full-time workers holding a certificate obtained on or before d ÷
    headcount(R, d); per level, the count of workers whose highest such certificate is of that level."""
    # At or above each level (at or above the lowest = certified at all); the highest-level counts are the
    # differences of neighbours.
    rows = await _certified_counts(area, grouping, [on], LEVELS)
    out = {}
    for key, row in rows.items():
        at_or_above = [int(row.get(f"c0_{j}") or 0) for j in range(len(LEVELS))] + [0]
        out[key] = Certification(
            on,
            headcount=int(row.get("h0") or 0),
            certified=at_or_above[0],
            by_level={level: at_or_above[j] - at_or_above[j + 1] for j, level in enumerate(LEVELS)},
        )
    return out


async def certification_series(area: Area, days: list[date]) -> list[Certification]:
    """The certification rate on each of `days` (e.g. each month's last day): one statement."""
    days = sorted(set(days))
    if not days:
        return []
    row = (await _certified_counts(area, None, days, [None])).get(TOTAL, {})
    return [
        Certification(day, headcount=int(row.get(f"h{i}") or 0), certified=int(row.get(f"c{i}_0") or 0))
        for i, day in enumerate(days)
    ]


def certified_on_qs(area: Area, on: date, level: str | None = None):
    """The spells counted as certified on `on` (for the lists a dashboard card opens)."""
    certified = f"{first_certified_sql('sp.worker_id', level)} <= {date_literal(on, is_postgres())}"
    return active_qs(area, on, certified)


def active_qs(area: Area, on: date, condition: str = ""):
    """The spells counted in the headcount on `on` (and meeting `condition`, SQL over `sp`), as a queryset, chosen
    by the same text as the figures."""
    where = active_on_sql("sp", date_literal(on, is_postgres())) + (f" AND {condition}" if condition else "")
    return EmploymentSpell.filter(id__in=RawSubquery(f"SELECT sp.id{population_sql(area)} AND {where}"))
