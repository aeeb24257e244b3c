"""The measures of DESIGN §1, one selector each, computed in SQL at the dates given (no snapshot tables).

Every measure reads the population through `Area` (the scope's stations narrowed to a region subtree), the
spell rules of talent.people.rules (active_on) and the certificate expressions of talent.certification; none
writes a rule again. A measure may be grouped (`Grouping`): one statement returns every group's figure, so a
report costs the same number of queries however many rows it shows.
"""

from dataclasses import dataclass, field
from datetime import date

from tortoise.expressions import Case, F, Q, Value, When
from tortoise.functions import Count

from talent.analytics.area import Area
from talent.analytics.periods import months_touched, split
from talent.analytics.sql import FollowedTransfers, date_literal, is_postgres, safe_path
from talent.certification.for_people import certified_worker_ids, first_certified_sql
from talent.core.sql import Unordered, inline_sql
from talent.people.models import EmploymentSpell, ExitType
from talent.people.rules import active_on
from talent.places.models import CertLevel, Region, StationKind
from talent.rawsql import fetch_all

LEVELS = [level.value for level in CertLevel]  # lowest first


@dataclass(frozen=True)
class Grouping:
    """How a measure splits its figure: a list of (key, filter on spells) checked in order (a spell matching
    none falls in ''), or a spell field (`station_id`)."""

    cases: tuple[tuple[str, Q], ...] = ()
    field_name: str = ""
    # Child regions' paths (safe literals: digits and '/'), so a transfer counts as "inside" only within the
    # same child region (see sql.followed_transfers_sql).
    paths: tuple[str, ...] = ()

    def expression(self):
        if self.field_name:
            return F(self.field_name)
        whens = [When(q, then=Value(key)) for key, q in self.cases]
        return Case(*whens, default=Value(""))

    @classmethod
    def child_regions(cls, regions: list[Region]) -> "Grouping":
        return cls(
            cases=tuple((r.code, Q(station__region_path__startswith=r.path)) for r in regions),
            paths=tuple(r.path for r in regions if safe_path(r.path)),
        )

    def same_group_sql(self) -> str:
        """SQL over the stations `sa` (ending spell) and `sb` (next spell): both in the same group. Per station
        no move is inside; per child region, both stations under the same child; otherwise no restriction."""
        if self.field_name == "station_id":
            return "1 = 0"
        if self.paths:

            def which(alias: str) -> str:
                whens = " ".join(f"WHEN {alias}.region_path LIKE '{p}%' THEN '{p}'" for p in self.paths)
                return f"(CASE {whens} ELSE '' END)"

            return f"{which('sa')} = {which('sb')}"
        return ""

    @classmethod
    def stations(cls) -> "Grouping":
        return cls(field_name="station_id")

    @classmethod
    def station_kinds(cls) -> "Grouping":
        """Per kind of station of the network (a worker counts in each kind they work at)."""
        return cls(cases=tuple((k.value, Q(station__kind=k.value)) for k in StationKind))


TOTAL = ""


def spells_of(area: Area, *filters: Q, **kwargs):
    return EmploymentSpell.filter(area.spells(), *filters, full_time=True, **kwargs)


async def _grouped(qs, grouping: Grouping | None, **aggregates) -> dict[str, dict]:
    """Run `aggregates` over `qs`, once in all or once per group; {group key: {name: value}} ('' = all)."""
    names = list(aggregates)
    # The rows are chosen by a subquery planned on its own, then aggregated: joined to stations for the grouping
    # and aggregated in one statement, SQLite drove a county's separations from the country's year of spell ends
    # (157 ms; 1 ms chosen first).
    # (The path condition keeps the join to stations the grouping expressions read; Tortoise adds none for them.)
    qs = EmploymentSpell.filter(id__in=Unordered(qs.values("id")), station__region_path__gte="")
    if grouping is None:
        # Every spell counted is full-time: grouping by that column makes one row, and keeps Tortoise from
        # grouping by every column when the statement joins stations.
        rows = await qs.annotate(**aggregates).group_by("full_time").values(*names)
        return {TOTAL: rows[0] if rows else dict.fromkeys(names, 0)}
    rows = await qs.annotate(g=grouping.expression()).annotate(**aggregates).group_by("g").values("g", *names)
    return {str(row.pop("g")) if row["g"] is not None else TOTAL: row for row in rows}


def _distinct_workers_when(q: Q) -> Count:
    return Count(Case(When(q, then=F("worker_id")), default=None), distinct=True)


# ── headcount ───────────────────────────────────────────────────────────────────────────────────────────


async def headcount(area: Area, on: date) -> int:
    """headcount(R, d): full-time workers active on d at stations in R's subtree (a worker counts once)."""
    return (await headcounts(area, [on]))[TOTAL][on]


async def headcounts(area: Area, days: list[date], grouping: Grouping | None = None) -> dict[str, dict[date, int]]:
    """headcount on each of `days` in one statement: {group: {day: n}}."""
    days = sorted(set(days))
    if not days:
        return {}
    qs = spells_of(area, Q(end_on=None) | Q(end_on__gte=days[0]), start_on__lte=days[-1])
    aggregates = {f"h{i}": _distinct_workers_when(active_on(day)) for i, day in enumerate(days)}
    rows = await _grouped(qs, grouping, **aggregates)
    return {key: {day: int(row.get(f"h{i}") or 0) for i, day in enumerate(days)} for key, row in rows.items()}


def average_headcount_days(start: date, end: date) -> list[date]:
    return [d for month in months_touched(start, end) for d in (month.start, month.end)]


def average_of(counts: dict[date, int], start: date, end: date) -> float:
    """The mean over the months touched by [start, end] of (headcount on the first day + on the last) ÷ 2."""
    months = months_touched(start, end)
    if not months:
        return 0.0
    return sum((counts.get(m.start, 0) + counts.get(m.end, 0)) / 2 for m in months) / len(months)


# ── separations and turnover ────────────────────────────────────────────────────────────────────────────


def separations_qs(area: Area, start: date, end: date, grouping: "Grouping | None" = None):
    """separations(R, from, to): full-time spells at stations in R ending in [from, to], except a transfer whose
    worker starts at another station inside R within 31 days (inside the spell's own group when grouped)."""
    same_group = grouping.same_group_sql() if grouping is not None else ""
    followed = FollowedTransfers(area.stations(), is_postgres(), same_group, start, end)
    return spells_of(area, ~(Q(exit_type=ExitType.TRANSFER) & Q(id__in=followed)), end_on__gte=start, end_on__lte=end)


def _kind_count(kind: str) -> Count:
    return Count(Case(When(Q(exit_type=kind), then=F("worker_id")), default=None))  # one per spell


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
    counted = await _grouped(
        separations_qs(area, start, end, grouping),
        grouping,
        n=Count("id"),
        voluntary=_kind_count(ExitType.VOLUNTARY),
        involuntary=_kind_count(ExitType.INVOLUNTARY),
    )
    heads = await headcounts(area, average_headcount_days(start, end), grouping)
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


async def turnover_series(area: Area, start: date, end: date, by: str) -> list[Turnover]:
    """Turnover per month, quarter or year of [start, end] (two statements: separations by period, and the
    headcounts of every month touched)."""
    periods = split(start, end, by)
    cases = tuple((p.key, Q(end_on__gte=p.start, end_on__lte=p.end)) for p in periods)
    counted = await _grouped(
        separations_qs(area, start, end),
        Grouping(cases=cases),
        n=Count("id"),
        voluntary=_kind_count(ExitType.VOLUNTARY),
        involuntary=_kind_count(ExitType.INVOLUNTARY),
    )
    heads = (await headcounts(area, average_headcount_days(start, end))).get(TOTAL, {})
    out = []
    for p in periods:
        row = counted.get(p.key, {})
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
    rows = (
        await separations_qs(area, start, end)
        .annotate(n=Count("id"))
        .group_by("exit_type", "exit_reason")
        .order_by("-n", "exit_type", "exit_reason")
        .values("exit_type", "exit_reason", "n")
    )
    return [{"exit_type": r["exit_type"] or "", "exit_reason": r["exit_reason"] or "", "n": r["n"]} for r in rows]


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


async def _certified_counts(qs, grouping: Grouping | None, days: list[date], levels: list[str | None]) -> dict:
    """{group: {"h{i}": headcount on days[i], "c{i}_{j}": workers active on days[i] holding a certificate of
    levels[j] or higher obtained by then}} over the spells of `qs`, in one statement: each spell row carries its
    worker's first-certificate days (for_people.first_certified_sql), computed once (MATERIALIZED), and the counts
    compare them with each day."""
    pg = is_postgres()
    flags = {f"a{i}": Case(When(active_on(day), then=Value(1)), default=Value(0)) for i, day in enumerate(days)}
    rows = qs.annotate(g=grouping.expression() if grouping else Value(TOTAL), **flags)
    rows = rows.values("worker_id", "g", *flags)
    firsts = ", ".join(f"{first_certified_sql('x.worker_id', level)} AS f{j}" for j, level in enumerate(levels))
    counts = []
    for i, day in enumerate(days):
        counts.append(f"COUNT(DISTINCT CASE WHEN z.a{i} = 1 THEN z.worker_id END) AS h{i}")
        for j in range(len(levels)):
            when = f"z.a{i} = 1 AND z.f{j} <= {date_literal(day, pg)}"
            counts.append(f"COUNT(DISTINCT CASE WHEN {when} THEN z.worker_id END) AS c{i}_{j}")
    sql = (
        f"WITH z AS MATERIALIZED (SELECT x.*, {firsts} FROM ({inline_sql(rows)}) x)"
        f" SELECT z.g AS g, {', '.join(counts)} FROM z GROUP BY z.g"
    )
    out = {}
    for row in await fetch_all(EmploymentSpell, sql):
        key = row.pop("g")
        out[str(key) if key is not None else TOTAL] = row
    if grouping is None:
        out.setdefault(TOTAL, {})  # no spell at all: the figures are zeros, as for any empty area
    return out


async def certification(area: Area, on: date, grouping: Grouping | None = None) -> dict[str, Certification]:
    """certification rate(R, d) = active full-time workers holding a certificate obtained on or before d ÷
    headcount(R, d); per level, the count of workers whose highest such certificate is of that level."""
    # At or above each level (at or above the lowest = certified at all); the highest-level counts are the
    # differences of neighbours.
    rows = await _certified_counts(spells_of(area, active_on(on)), grouping, [on], LEVELS)
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
    qs = spells_of(area, Q(end_on=None) | Q(end_on__gte=days[0]), start_on__lte=days[-1])
    row = (await _certified_counts(qs, None, days, [None])).get(TOTAL, {})
    return [
        Certification(day, headcount=int(row.get(f"h{i}") or 0), certified=int(row.get(f"c{i}_0") or 0))
        for i, day in enumerate(days)
    ]


def certified_on_qs(area: Area, on: date, level: str | None = None):
    """The spells counted as certified on `on` (for the lists a dashboard card opens)."""
    return spells_of(area, active_on(on), Q(worker_id__in=certified_worker_ids(on, level)))


def active_qs(area: Area, on: date):
    return spells_of(area, active_on(on))
