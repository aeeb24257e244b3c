"""Reads for the places registry, always filtered by the viewer's scope.

Lists paginate with a sort whitelist; counts are SQL aggregates (one query per figure, never a query per row).
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from pypika_tortoise.terms import Term
from tortoise.expressions import Q, RawSQL

from talent.core.access import Scope
from talent.core.aggregate import count_by, count_rows
from talent.core.export import list_rows
from talent.core.filters import filtered_by_given
from talent.core.pagination import ListParams, Page, order_for, paginate
from talent.core.sql import Unordered, dialect, exists, icontains, inline_sql, literal_code, starts_with, under
from talent.places.access import readable_organisations, regions_q, station_kind_q, stations_q, tiers_q
from talent.places.models import TIER_RULES, Organisation, Region, RegionLevel, Station, StationKind, StationTier
from talent.places.rules import ancestor_paths as _ancestor_paths
from talent.rawsql import fetch_all, fixed

SUGGEST_LIMIT = 20


# ── regions ──────────────────────────────────────────────────────────────────────────────────────

REGION_SORTS = {"code": "code", "name": "name", "level": "depth", "path": "path"}


def _region_filtered(*, scope: Scope, params: ListParams, level: str = ""):
    qs = Region.filter(regions_q(scope))
    if level:  # a RegionLevel's code (the router's code_filter)
        qs = qs.filter(level=literal_code(RegionLevel(level)))
    if params.q:
        qs = qs.filter(icontains("name", params.q) | starts_with("code", params.q))
    return qs


async def region_list(*, scope: Scope, params: ListParams, level: str = "") -> Page:
    """One page of regions, each a dict of REGION_ROW."""
    qs = _region_filtered(scope=scope, params=params, level=level)
    return await paginate(qs, params, REGION_SORTS, default="path", values=REGION_ROW)


# What a row of each kind's export reads, as values (the file's columns, and the id the list's order ends on): a
# country's stations read as model instances with their four related rows cost five times the SQL and the file.
REGION_VALUES = ("id", "code", "name", "level", "parent__code")
# A row of the list: the export's and the parent's name, as values (a region and its parent as instances cost Tortoise
# two instances a row).
REGION_ROW = (*REGION_VALUES, "parent__name")
STATION_VALUES = (
    "id",
    "code",
    "name",
    "region__code",
    "organisation__name",
    "tier__name",
    "opened_on",
    "kind",
    "parent__code",
)
# A row of the stations list (the page and the JSON API): the export's values and the names the page shows. Values, not
# a station with its four related rows: 11 columns where those were 50, and no five models built per row.
STATION_ROW = (*STATION_VALUES, "region__name", "parent__name")


def region_export(*, scope: Scope, params: ListParams, level: str = "") -> AsyncIterator[Any]:
    """Every region of the filtered list (all pages) in the list's order: one streamed statement."""
    qs = _region_filtered(scope=scope, params=params, level=level)
    return list_rows(qs, order_for(params, REGION_SORTS, "path"), REGION_VALUES)


async def region_get(*, scope: Scope, region_id: int) -> Region:
    """The region if the viewer may see it; DoesNotExist (→ 404) otherwise."""
    return await Region.filter(regions_q(scope)).select_related("parent").get(id=region_id)


async def region_for_code(*, scope: Scope, code: str) -> Region | None:
    if not code:
        return None
    # By its unique code: one plan serves every code (rawsql.fixed: planned once on PostgreSQL).
    return await Region.filter(regions_q(scope), code=code).using_db(fixed(Region)).first()


async def region_detail(*, scope: Scope, region: Region) -> dict:
    """Breadcrumb (ancestors, marked visible or not), children, and stations in the subtree in scope."""
    ancestor_paths = [p for p in _ancestor_paths(region.path) if p != region.path]
    ancestors = await Region.filter(path__in=ancestor_paths).order_by("path") if ancestor_paths else []
    visible_ids = set(
        await Region.filter(regions_q(scope), path__in=ancestor_paths).values_list("id", flat=True)
        if ancestor_paths
        else []
    )
    children = await Region.filter(regions_q(scope), parent_id=region.id).order_by("code")
    by_kind = await count_by(Station.filter(stations_q(scope), under("region_path", region.path)), "kind")
    counts = {str(kind): n for kind, n in by_kind.items()}
    return {
        "ancestors": [(a, a.id in visible_ids) for a in ancestors],
        "children": children,
        # Township stations are "the stations" of a region; the other kinds of the network are counted beside them.
        "station_count": counts.get(StationKind.TOWNSHIP_STATION.value, 0),
        "kind_counts": [(kind, counts.get(kind.value, 0)) for kind in StationKind],
    }


async def region_suggest(*, scope: Scope, term: str) -> list[dict]:
    qs = Region.filter(regions_q(scope))
    if term:
        qs = qs.filter(icontains("name", term) | starts_with("code", term))
    return await qs.order_by("path").limit(SUGGEST_LIMIT).values("code", "name")


async def township_suggest(*, scope: Scope, term: str) -> list[dict]:
    qs = Region.filter(regions_q(scope), level=RegionLevel.TOWNSHIP)
    if term:
        qs = qs.filter(icontains("name", term) | starts_with("code", term))
    return await qs.order_by("path").limit(SUGGEST_LIMIT).values("code", "name")


# ── organisations ────────────────────────────────────────────────────────────────────────────────

ORGANISATION_SORTS = {"name": "name", "region": "region__name"}


def _organisation_filtered(*, scope: Scope, params: ListParams):
    qs = readable_organisations(scope)
    if params.q:
        qs = qs.filter(icontains("name", params.q) | icontains("credit_code", params.q))
    return qs


# A row of the list, as values: an organisation and its region as instances cost Tortoise two instances a row.
ORGANISATION_ROW = ("id", "name", "region__name", "contact", "phone")


async def organisation_list(*, scope: Scope, params: ListParams) -> Page:
    """One page of organisations, each a dict of ORGANISATION_VALUES: `station_count`, its stations in scope, counted
    in the page's statement for its rows (paginate's shown). A jurisdiction's organisations are few (a province's at
    most 144 of the national demo's 3,456): sorted by their region's name, each one's region is probed and the page
    read beside the total (paginate's related_by_probe)."""
    qs = _organisation_filtered(scope=scope, params=params)
    # Counted in the page's statement: a count of the page's ids after it was a round trip more.
    return await paginate(
        qs,
        params,
        ORGANISATION_SORTS,
        default="name",
        values=ORGANISATION_ROW,
        related_by_probe=not scope.is_admin,
        shown={"station_count": _station_count(scope)},
    )


# The organisations file's columns as values, with each organisation's stations in scope counted by a correlated
# subquery (an index probe per organisation), where counting every station in scope first and building model
# instances cost a country's file 12 times its SQL on SQLite (171 against 14 ms).
ORGANISATION_VALUES = (*ORGANISATION_ROW, "station_count")


def _station_count(scope: Scope) -> RawSQL:
    """The number of an organisation's stations in scope, as a correlated subquery of the organisations' row."""
    return RawSQL(_station_count_sql(scope, dialect()))


@lru_cache(maxsize=1024)
def _station_count_sql(scope: Scope, _dialect: str) -> str:
    # Written once per scope and dialect, not built through Tortoise on each request before the list's first statement.
    stations = Station.filter(stations_q(scope), organisation_id=RawSQL('"organisations"."id"'))
    return f"({inline_sql(stations.annotate(n=count_rows()).values('n'))})"


def organisation_export(*, scope: Scope, params: ListParams) -> AsyncIterator[Any]:
    """Every organisation of the filtered list (all pages) in the list's order with its `station_count` (its
    stations in scope): one streamed statement."""
    qs = _organisation_filtered(scope=scope, params=params).annotate(station_count=_station_count(scope))
    return list_rows(qs, order_for(params, ORGANISATION_SORTS, "name"), ORGANISATION_VALUES)


async def organisation_get(*, scope: Scope, organisation_id: int) -> Organisation:
    return await readable_organisations(scope).select_related("region").get(id=organisation_id)


async def organisation_for_name(*, scope: Scope, name: str) -> Organisation | None:
    if not name:
        return None
    return await readable_organisations(scope).filter(name=name).first()


async def organisation_suggest(*, scope: Scope, term: str) -> list[dict]:
    qs = readable_organisations(scope)
    if term:
        qs = qs.filter(icontains("name", term))
    return await qs.order_by("name").limit(SUGGEST_LIMIT).values("name")


async def organisation_stations(*, scope: Scope, organisation: Organisation) -> list[Station]:
    return (
        await Station.filter(stations_q(scope), organisation_id=organisation.id)
        .select_related("region", "tier")
        .order_by("code")
        .limit(200)
    )


# ── tiers ────────────────────────────────────────────────────────────────────────────────────────

TIER_SORTS = {
    "name": "name",
    "region": "region__path",
    "min_fulltime": "min_fulltime",
    "min_certified": "min_certified",
}


# What the list and its export show of a tier, as values (a tier and its region as instances cost Tortoise two
# instances a row).
TIER_ROW = ("id", "name", "region__name", "station_kind", *TIER_RULES)


def _tier_filtered(*, scope: Scope, params: ListParams):
    qs = StationTier.filter(tiers_q(scope))
    if params.q:
        qs = qs.filter(icontains("name", params.q))
    return qs


async def tier_list(*, scope: Scope, params: ListParams) -> Page:
    """One page of tiers, each a dict of TIER_ROW."""
    qs = _tier_filtered(scope=scope, params=params)
    return await paginate(qs, params, TIER_SORTS, default="name", values=TIER_ROW)


def tier_export(*, scope: Scope, params: ListParams) -> AsyncIterator[Any]:
    """Every tier of the filtered list in the list's order, as TIER_ROW: one streamed statement."""
    return list_rows(_tier_filtered(scope=scope, params=params), order_for(params, TIER_SORTS, "name"), TIER_ROW)


async def tier_get(*, scope: Scope, tier_id: int) -> StationTier:
    return await StationTier.filter(tiers_q(scope)).select_related("region").get(id=tier_id)


async def tier_choices(*, scope: Scope) -> list[tuple[str, str]]:
    """Visible tiers as (id, "name · region · kind") for a select (the kind named where it is not a township
    station's: a station takes only a tier of its own kind)."""
    rows = await (
        StationTier.filter(tiers_q(scope)).order_by("name", "id").values("id", "name", "region__name", "station_kind")
    )

    def text(r: dict) -> str:
        kind = StationKind(r["station_kind"])
        parts = [r["name"], r["region__name"], kind.label.tr() if kind != StationKind.TOWNSHIP_STATION else ""]
        return " · ".join(p for p in parts if p)

    return [(str(r["id"]), text(r)) for r in rows]


async def tier_station_count(*, scope: Scope, tier: StationTier) -> int:
    return await Station.filter(stations_q(scope), tier_id=tier.id).count()


# ── stations ─────────────────────────────────────────────────────────────────────────────────────

STATION_KINDS = tuple(k.value for k in StationKind)

STATION_SORTS = {
    "code": "code",
    "name": "name",
    "township": "region__name",
    "organisation": "organisation__name",
    "tier": "tier__name",
}


def _station_filtered(
    *,
    scope: Scope,
    params: ListParams,
    tier_id: int | None = None,
    organisation_id: int | None = None,
    kind: str = "",
):
    qs = Station.filter(stations_q(scope)).select_related("region", "organisation", "tier", "parent")
    if kind in STATION_KINDS:
        qs = qs.filter(kind=literal_code(StationKind(kind)))
    qs = filtered_by_given(qs, tier_id=tier_id, organisation_id=organisation_id)
    if params.q:
        qs = qs.filter(icontains("code", params.q) | icontains("name", params.q))
    return qs


def station_export(*, scope: Scope, params: ListParams, **filters) -> AsyncIterator[Any]:
    """Every station of the filtered list (all pages; _station_filtered's filters) in the list's order: one
    streamed statement."""
    qs = _station_filtered(scope=scope, params=params, **filters)
    return list_rows(qs, order_for(params, STATION_SORTS, "code"), STATION_VALUES)


async def station_list(
    *,
    scope: Scope,
    params: ListParams,
    today: date | None = None,
    shown: dict[str, Term] | None = None,
    beside: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
    **filters,
) -> Page:
    """One page of stations (_station_filtered's filters: a tier, an organisation, one kind of the network such as
    township stations alone), each a dict of STATION_ROW and of the columns `shown` names, computed for the page's
    rows in its statement (paginate's shown). Who works there is people's business: the router asks for each
    station's head count so (talent.staffing.selectors.headcount_column). `beside`: the request's other reads,
    read with the total (paginate's beside). `today` is not used; it stays until tests/exports stops passing it."""
    qs = _station_filtered(scope=scope, params=params, **filters)
    # A jurisdiction's stations sorted as rows (paginate's sort_rows), not by walking the code index through the
    # country: the province's first page by code, descending, walked 26,063 stations (9.7 → 1.0 ms, psql).
    return await paginate(
        qs,
        params,
        STATION_SORTS,
        default="code",
        values=STATION_ROW,
        sort_rows=not scope.is_admin,
        shown=shown,
        beside=beside,
    )


async def station_tier_options(*, scope: Scope) -> list[dict]:
    """Tiers used by stations in scope ({"id", "name"} by name), for the list's tier filter (one query).
    Organisations are many (hundreds nationally): the list picks one with the organisation picker
    (organisation_suggest) instead of a <select>."""
    return await fetch_all(StationTier, _tier_options_sql(scope, dialect()))


@lru_cache(maxsize=1024)
def _tier_options_sql(scope: Scope, _dialect: str) -> str:
    """station_tier_options' statement, written once per scope and dialect: built through Tortoise it took 0.47 ms
    of the read's 1.32 (HR's, national demo, PostgreSQL), on every visit of the stations list."""
    in_scope = stations_q(scope)
    if in_scope == Q():
        # The whole country: each tier stops at its first station (124 index probes, where reading the stations'
        # tiers would read all 36,822).
        used = Station.filter(tier_id=RawSQL('"station_tiers"."id"')).values("id")
        tiers = StationTier.annotate(used=exists(used)).filter(used=True)
    else:
        # An area: its stations' tiers (a city's 150 stations by the path index), where asking each tier for a
        # station in the area read every station of every tier on SQLite (4.6 ms of a 12 ms page).
        # DISTINCT: the area's few tiers hashed once, where PostgreSQL probed each of the 124 tiers' stations
        # through the country (a province's options 11.9 → 1.3 ms, psql).
        tiers = StationTier.filter(id__in=Unordered(Station.filter(in_scope).distinct().values("tier_id")))
    return f'{inline_sql(tiers.values("id", "name"))} ORDER BY "name"'


async def organisation_filter(*, scope: Scope, value: str) -> Organisation | None:
    """The organisation a list filter names, in scope: by id (links) or by its name (the picker); None otherwise."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and len(value) < 10:
        return await readable_organisations(scope).filter(id=int(value)).first()
    return await readable_organisations(scope).filter(name=value).first()


async def station_get(*, scope: Scope, station_id: int) -> Station:
    return (
        await Station.filter(stations_q(scope))
        .select_related("region", "organisation", "tier", "parent")
        .get(id=station_id)
    )


async def station_for_code(*, scope: Scope, code: str) -> Station | None:
    """The station with this code if the viewer may see it, else None."""
    if not code:
        return None
    return await Station.filter(stations_q(scope), code=code).select_related("region", "organisation", "tier").first()


async def station_name_for_code(*, scope: Scope, code: str) -> str:
    """The name of the station with this code if the viewer may see it, else "" (a list's station filter names its
    station: its name alone, not the station with its relations)."""
    if not code:
        return ""
    # By its unique code: one plan serves every code (rawsql.fixed: planned once on PostgreSQL).
    station = Station.filter(stations_q(scope), code=code).using_db(fixed(Station))
    return await station.first().values_list("name", flat=True) or ""


async def station_suggest(*, scope: Scope, term: str) -> list[dict]:
    qs = Station.filter(stations_q(scope))
    if term:
        qs = qs.filter(icontains("code", term) | icontains("name", term))
    return await qs.order_by("code").limit(SUGGEST_LIMIT).values("code", "name")


def township_stations_q(scope: Scope) -> Q:
    """Township (street) stations in scope alone: what a report that counts "stations" counts (a county centre
    and the village rooms under a station are not stations of their own)."""
    return stations_q(scope) & station_kind_q(StationKind.TOWNSHIP_STATION.value)
