"""Reads of supervision: the expert pool, assignments, coverage ("one station, one supervisor") and a
supervisor's own stations. Every getter takes the viewer's scope; aggregates are SQL."""

import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

from tortoise.expressions import Q, RawSQL
from tortoise.functions import Count

from talent import rawsql
from talent.core.access import Scope
from talent.core.aggregate import count_rows
from talent.core.pagination import ListParams, Page, paginate
from talent.core.sql import (
    Union,
    Unordered,
    child_path_sql,
    dialect,
    exists,
    icontains,
    inline_sql,
    json_list,
    json_rows_sql,
    keyed_in,
    literal_count,
    next_prefix,
    not_named_by,
    under,
)
from talent.places.access import holds_subtree, readable_regions, stations_q
from talent.places.models import Region, Station
from talent.places.rules import ancestor_paths
from talent.supervision.access import (
    mentored_by,
    readable_assignments,
    readable_ce_rules,
    readable_supervisors,
    region_pool_q,
    supervisors_q,
)
from talent.supervision.models import Assignment, SessionCeRule, Supervisor, SupervisorExpertise
from talent.supervision.rules import SUPERVISION_CE, CeRule, active_on, coverage_rate, primary_on


def _reach_rows_sql(user: int | RawSQL, today: date) -> str:
    """The stations (mentee 0) and the mentees (mentee 1) of the supervisor signed in as `user` (an id, or the outer
    statement's column holding it) on `today`, as the columns mentee and station_id."""
    stations = Assignment.filter(active_on(today), supervisor__user_id=user).values("station_id")
    # The members read from the mentor's index, the supervisor's id found first: joined from the supervisor, SQLite
    # built a Bloom filter over every cohort on each request (0.56 → 0.03 ms, national demo).
    mentees = mentored_by(user, today).values("worker_id")
    return (
        f"SELECT 0 AS mentee, s.* FROM ({inline_sql(stations)}) s"
        f" UNION ALL SELECT 1, m.* FROM ({inline_sql(mentees)}) m"
    )


@functools.lru_cache(maxsize=1024)
def _reach_sql(user_id: int, today: date, _dialect: str) -> str:
    """supervisor_reach's statement, written once per supervisor and day (the id and the day inlined: numbers and a
    date, never typed text): built through Tortoise on each request, it was a fifth of a supervisor's stations page
    in the server (pyinstrument, national demo, PostgreSQL)."""
    return _reach_rows_sql(user_id, today)


def reach_column_sql(user_column: str, today: date, dialect: str) -> str:
    """supervisor_reach's rows for the user whose id is the outer statement's `user_column` (a column the code names,
    never typed text), as one scalar subquery: a JSON array of [mentee, id] pairs (reach_from_json reads it). A
    column of the session's own statement (talent.accounts.selectors.session_get), so that a supervisor's request
    does not wait for a round trip of its own for it."""
    rows = _reach_rows_sql(RawSQL(user_column), today)
    if dialect == "postgres":
        return f"(SELECT json_agg(json_build_array(r.mentee, r.station_id)) FROM ({rows}) r)"
    return f"(SELECT json_group_array(json_array(r.mentee, r.station_id)) FROM ({rows}) r)"


def _reach_of(pairs) -> tuple[frozenset[int], frozenset[int]]:
    """The stations and the mentees of the reach's (mentee, id) pairs."""
    station_ids: set[int] = set()
    worker_ids: set[int] = set()
    for mentee, i in pairs:
        if i is not None:
            (worker_ids if mentee else station_ids).add(int(i))
    return frozenset(station_ids), frozenset(worker_ids)


def reach_from_json(text: str | None) -> tuple[frozenset[int], frozenset[int]]:
    """supervisor_reach's answer from reach_column_sql's column (NULL or "[]" where the supervisor reaches none)."""
    return _reach_of(json.loads(text) if text else ())


async def supervisor_reach(*, user_id: int, today: date) -> tuple[frozenset[int], frozenset[int]]:
    """A supervisor's scope on `today`, in one statement: the stations the supervisor signed in as `user_id` is
    assigned to (an assignment runs from start_on to end_on, or on while end_on is empty) and the workers they mentor
    (rules.mentoring_on, through the reverse relation of cohorts' members). Read on every request a supervisor makes,
    so the two halves are one UNION ALL rather than a statement each."""
    rows = await rawsql.fetch_all(Assignment, _reach_sql(user_id, today, dialect()))
    return _reach_of(row.values() for row in rows)


# ── the expert pool ──────────────────────────────────────────────────────────────────────────────


SUPERVISOR_SORTS = {"name": "name", "affiliation": "affiliation", "level": "level", "region": "region__path"}


def _supervisor_filtered(*, scope: Scope, params: ListParams, expertise: str, region: Region | None, kind: str):
    qs = readable_supervisors(scope)
    if params.q:
        tagged = SupervisorExpertise.filter(icontains("tag", params.q))
        if not scope.is_admin:
            # Each supervisor in reach probes their own tags (the subquery correlated with the supervisor). Tested
            # against every tag of the country, the search made PostgreSQL test every supervisor too before keeping
            # the few in reach (an HR's count 13.6 → 0.12 ms); the tags of the supervisors in reach, one hashed set,
            # still did for a city, whose reach is a union of three (?q=a, national demo: its count 7.7 → 0.9 ms).
            tagged = tagged.filter(supervisor_id=RawSQL(f'"{Supervisor._meta.db_table}"."id"'))
        tagged = tagged.values("supervisor_id")
        qs = qs.filter(
            icontains("name", params.q)
            | icontains("affiliation", params.q)
            | icontains("bio", params.q)
            | Q(id__in=Unordered(tagged))
        )
    if expertise:
        qs = qs.filter(id__in=Unordered(SupervisorExpertise.filter(tag=expertise).values("supervisor_id")))
    if kind:
        qs = qs.filter(affiliation_type=kind)
    if region is not None:
        # Based in the region, or assigned (at some time) to a station inside it: one union of ids, each part read by
        # its index. As an OR of the region's range and a set of the assigned, PostgreSQL tested both on every
        # supervisor of the country (the administrator's ?region=320102: count 6.0 → 1.1 ms; SQLite 1.3 → 0.2 ms,
        # national demo).
        based = Supervisor.filter(under("region__path", region.path)).values("id")
        working = Assignment.filter(under("station__region_path", region.path)).values("supervisor_id")
        qs = qs.filter(id__in=Union(based, working))
    return qs


async def supervisor_list(
    *,
    scope: Scope,
    params: ListParams,
    today: date,
    expertise: str = "",
    region: Region | None = None,
    kind: str = "",
    beside: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
) -> Page:
    """A page of supervisors, each a dict of SUPERVISOR_ROW with their expertise (`tags_shown`, the tags in order) and
    `load` (stations assigned on `today`), both columns of the page's statement (paginate's shown): two queries.
    Values, not instances: Tortoise built a supervisor, a region and each tag as an instance. A jurisdiction's
    supervisors are few (a province's at most 252 of the national demo's 6,231): sorted by their region, each one's
    region is probed and the page read beside the total (paginate's related_by_probe). `beside`: the request's other
    reads by name, read with the total (paginate's beside)."""
    qs = _supervisor_filtered(scope=scope, params=params, expertise=expertise, region=region, kind=kind)
    tags_sql, load_sql = _shown_sql(today, dialect())
    page = await paginate(
        qs,
        params,
        SUPERVISOR_SORTS,
        default="name",
        values=SUPERVISOR_ROW,
        related_by_probe=not scope.is_admin,
        shown={"tags_shown": RawSQL(tags_sql), "load": RawSQL(load_sql)},
        beside=beside,
    )
    for supervisor in page.items:
        supervisor["tags_shown"] = json_list(supervisor["tags_shown"])
    return page


SUPERVISOR_ROW = ("id", "name", "active", "affiliation", "affiliation_type", "level", "cert_level", "region__name")


@functools.lru_cache(maxsize=8)
def _shown_sql(today: date, sql_dialect: str) -> tuple[str, str]:
    """A supervisor's expertise tags (a JSON array, in the tags' order) and the stations assigned to it on `today`,
    as correlated subqueries of the supervisors' row (the list's shown columns), where two statements after the page
    read them for its ids. Written once a day and dialect."""
    mine = RawSQL('"supervisors"."id"')
    tags = inline_sql(SupervisorExpertise.filter(supervisor_id=mine).values("tag"))
    stations = Assignment.filter(active_on(today), supervisor_id=mine).annotate(n=Count("station_id", distinct=True))
    return json_rows_sql(tags, ("tag",), 'c."tag"', sql_dialect), f"({inline_sql(stations.values('n'))})"


async def expertise_facets(*, scope: Scope, limit: int = 40) -> list[tuple[str, int]]:
    """The most common expertise tags among the supervisors the viewer sees, with their counts."""
    rows = (
        await SupervisorExpertise.filter(keyed_in("supervisor_id", Supervisor, supervisors_q(scope)))
        .annotate(n=Count("id"))
        .group_by("tag")
        .order_by("-n", "tag")
        .limit(literal_count(limit))
        .values("tag", "n")
    )
    return [(r["tag"], r["n"]) for r in rows]


async def supervisor_get(*, scope: Scope, supervisor_id: int) -> Supervisor:
    return (
        await readable_supervisors(scope)
        .select_related("region", "user")
        .prefetch_related("expertise")
        .get(id=supervisor_id)
    )


async def supervisor_of_user(*, user_id: int) -> Supervisor | None:
    """The profile of the supervisor signed in as `user_id`, if any."""
    return await Supervisor.filter(user_id=user_id).select_related("region").prefetch_related("expertise").first()


async def supervisor_choices(
    *, scope: Scope, region_path: str | None = None, keep: int | None = None
) -> list[tuple[str, str]]:
    """Active supervisors the viewer sees, as (id, "name · institution") for a select; with `region_path`, of that
    region's pool (access.region_pool_q), and supervisor `keep` (a member's mentor) wherever they are."""
    qs = readable_supervisors(scope).filter(active=True)
    if region_path is not None:
        qs = qs.filter(region_pool_q(region_path) | Q(id=keep or 0))
    rows = await qs.order_by("name", "id").values("id", "name", "affiliation")
    return [(str(r["id"]), r["name"] + (f" · {r['affiliation']}" if r["affiliation"] else "")) for r in rows]


# ── assignments ──────────────────────────────────────────────────────────────────────────────────


async def supervisor_assignments(*, scope: Scope, supervisor: Supervisor) -> list[Assignment]:
    """The supervisor's assignments the viewer sees, latest first, with their stations."""
    return (
        await readable_assignments(scope)
        .filter(supervisor_id=supervisor.id)
        .select_related("station", "station__region")
        .order_by("-start_on", "-id")
    )


async def station_assignments(*, scope: Scope, station_id: int) -> list[Assignment]:
    """The assignments of a station in the viewer's scope, latest first."""
    return (
        await readable_assignments(scope)
        .filter(station_id=station_id)
        .select_related("supervisor")
        .order_by("-start_on", "-id")
    )


async def assignment_get(*, scope: Scope, assignment_id: int) -> Assignment:
    return await readable_assignments(scope).select_related("station", "supervisor").get(id=assignment_id)


async def my_assignments(*, user_id: int, today: date) -> list[Assignment]:
    """The active assignments of the supervisor signed in as `user_id`, with stations and their regions."""
    return (
        await Assignment.filter(active_on(today), supervisor__user_id=user_id)
        .select_related("station", "station__region", "station__organisation")
        .order_by("station__code")
    )


# ── coverage ─────────────────────────────────────────────────────────────────────────────────────


async def coverage_region(*, scope: Scope, code: str = "") -> Region | None:
    """The region a coverage page is about: the typed code inside the viewer's scope, else the viewer's own region
    (a bureau), else None (the whole country, for an admin). Raises DoesNotExist for a code out of scope."""
    if code:
        return await readable_regions(scope).filter(code=code).using_db(rawsql.fixed(Region)).get()
    if scope.region_path:
        # By its unique path: one plan serves every path (rawsql.fixed: planned once on PostgreSQL).
        return await Region.filter(path=scope.region_path).using_db(rawsql.fixed(Region)).get()
    return None


# Each station in the region counted under its child region, found by the station's path cut one level below the
# region's (child_path_sql) and looked up by the children's paths: joining the children to the stations by
# `s.region_path LIKE r.path || '%'` tested every station against every child (the country's provinces: 100 ms on
# PostgreSQL). A station at the region itself belongs to no child, as before. The counts per child path are kept
# (MATERIALIZED) so that, when the viewer's scope holds the whole subtree (places.access.holds_subtree), their sums
# are the region's totals: a last row without a region (id NULL), where a second statement counted every station
# of the subtree again.
COVERAGE_SQL = """
WITH x AS MATERIALIZED (
  SELECT {child} AS p, COUNT(*) AS stations,
         COALESCE(SUM(CASE WHEN EXISTS (
             SELECT 1 FROM supervision_assignments a
             WHERE a.station_id = s.id AND a.is_primary = $1 AND a.start_on <= $2
               AND (a.end_on IS NULL OR a.end_on >= $2)) THEN 1 ELSE 0 END), 0) AS covered
  FROM stations s WHERE {stations}
  GROUP BY {child}
)
SELECT r.id AS id, r.code AS code, r.name AS name, x.stations AS stations, x.covered AS covered
FROM x JOIN regions r ON r.path = x.p
WHERE {where}{totals}
ORDER BY code
"""
COVERAGE_TOTALS = " UNION ALL SELECT NULL, NULL, NULL, COALESCE(SUM(x.stations), 0), COALESCE(SUM(x.covered), 0) FROM x"


async def coverage(*, scope: Scope, region: Region | None, today: date) -> dict:
    """Coverage of the region (or the country) on `today` and of each child region: stations with an active
    primary supervisor ÷ stations. One query when the viewer's scope holds the whole region, else two. The viewer
    must reach the region (coverage_region)."""
    true = rawsql.db_value(Assignment, "is_primary", True)
    day = rawsql.db_value(Assignment, "start_on", today)
    pg = dialect() == "postgres"
    path = region.path if region is not None else ""
    whole = holds_subtree(scope, path)
    if region is None:
        stations, where, values = "1 = 1", "r.parent_id IS NULL", []
    else:
        stations, where = "s.region_path >= $4 AND s.region_path < $5", "r.parent_id = $3"
        values = [region.id, region.path, next_prefix(region.path)]
    sql = COVERAGE_SQL.format(
        child=child_path_sql("s.region_path", path, pg),
        stations=stations,
        where=where,
        totals=COVERAGE_TOTALS if whole else "",
    )
    rows = await rawsql.fetch_all(Station, sql, true, day, *values)
    children = [r for r in rows if r["id"] is not None]
    if whole:
        totals = [{"n": r["stations"], "covered": r["covered"]} for r in rows if r["id"] is None]
    else:
        # A scope holding part of the region (no reader of coverage has one today): its stations counted again,
        # each asking for its own primary assignment (an index probe), where `id IN (…)` read the country's active
        # primary assignments first for a city's 150 stations (10 ms on SQLite).
        primary = Assignment.filter(primary_on(today), station_id=RawSQL('"stations"."id"')).values("id")
        covered = RawSQL(f"SUM(CASE WHEN EXISTS ({inline_sql(primary)}) THEN 1 ELSE 0 END)")
        in_scope = Station.filter(stations_q(scope), under("region_path", path))
        totals = await in_scope.annotate(n=count_rows(), covered=covered).values("n", "covered")
    total_stations = int(totals[0]["n"] or 0) if totals else 0
    total_covered = int(totals[0]["covered"] or 0) if totals else 0
    rows = [
        {**r, "stations": int(r["stations"]), "covered": int(r["covered"] or 0)}
        | {"rate": coverage_rate(int(r["covered"] or 0), int(r["stations"]))}
        for r in children
    ]
    return {
        "stations": total_stations,
        "covered": total_covered,
        "uncovered": total_stations - total_covered,
        "rate": coverage_rate(total_covered, total_stations),
        "children": rows,
    }


def _covered_ids(today: date):
    """The stations with an active primary supervisor on `today`, as values of `station_id`."""
    return Assignment.filter(primary_on(today)).values("station_id")


async def region_loads(*, scope: Scope, region: Region | None, today: date, limit: int = 20) -> list[dict]:
    """The supervisors working in the region on `today`, busiest first: stations assigned and those as primary
    (one grouped query)."""
    qs = Assignment.filter(active_on(today), keyed_in("station_id", Station, stations_q(scope)))
    if region is not None:
        qs = qs.filter(under("station__region_path", region.path))
    return (
        await qs.annotate(
            stations=Count("station_id", distinct=True),
            primary=Count("id", _filter=Q(is_primary=True)),
        )
        .group_by("supervisor_id", "supervisor__name")
        .order_by("-stations", "supervisor__name")
        .limit(limit)
        .values("supervisor_id", "supervisor__name", "stations", "primary")
    )


UNCOVERED_SORTS = {"code": "code", "name": "name", "region": "region_path"}


async def uncovered_stations(*, scope: Scope, region: Region | None, today: date, params: ListParams) -> Page:
    """Stations in the region (and the viewer's scope) without an active primary supervisor on `today`."""
    if dialect() == "postgres":
        # An anti-join, where a NOT IN tested each station against every primary assignment of the country, hashed
        # first: a county's count 8.7 → 0.06 ms of SQL (EXPLAIN ANALYZE, national demo).
        qs = Station.filter(stations_q(scope), not_named_by("stations", _covered_ids(today), "station_id"))
    else:
        # Each station of the scope asks for its own primary assignment (an index probe), where the NOT IN read the
        # country's assignments first: a county's count 9.4 → 0.04 ms, a province's 9.0 → 0.7 ms; the whole country's
        # 12 → 17 ms (sqlite3, national demo).
        primary = Assignment.filter(primary_on(today), station_id=RawSQL('"stations"."id"')).values("id")
        qs = Station.filter(stations_q(scope)).annotate(covered=exists(primary)).filter(covered=False)
    qs = qs.select_related("region", "organisation")
    if region is not None:
        qs = qs.filter(under("region_path", region.path))
    if params.q:
        qs = qs.filter(icontains("code", params.q) | icontains("name", params.q))
    return await paginate(qs, params, UNCOVERED_SORTS, default="code")


# ── the CE rule of sessions ──────────────────────────────────────────────────────────────────────


async def session_ce_rule(*, region_path: str, on: date) -> SessionCeRule | CeRule:
    """The rule crediting CE hours for a session held on `on` at a station whose region path is `region_path`: of
    the rules of the regions enclosing it (the national one, path "", included) in force on `on`, the most specific
    region's latest (the same choice as pay.selectors.standard_applying); the default when none is."""
    rule = (
        await SessionCeRule.filter(region_path__in=["", *ancestor_paths(region_path)], effective_from__lte=on)
        .order_by("-region_path", "-effective_from", "-id")
        .first()
    )
    return rule or SUPERVISION_CE


CE_RULE_SORTS = {"region": "region_path", "effective": "effective_from"}


async def ce_rule_list(*, scope: Scope, params: ListParams) -> Page:
    """The rules the viewer sees with their regions, by region then latest first."""
    qs = readable_ce_rules(scope).select_related("region")
    if params.q:
        qs = qs.filter(icontains("source", params.q) | icontains("region__name", params.q) | Q(region__code=params.q))
    return await paginate(qs, params, CE_RULE_SORTS, default="region")


async def ce_rule_get(*, scope: Scope, rule_id: int) -> SessionCeRule:
    """A rule the viewer sees, with its region (404 otherwise)."""
    return await readable_ce_rules(scope).select_related("region").get(id=rule_id)
