"""The population a report counts: the viewer's scope, narrowed to one region of it (a region code resolved
inside the scope; outside it there is no area, and the page answers 404).

Every measure filters employment spells with `Area.spells()` and stations with `Area.stations()`; both are
built from the one row filter of stations (talent.places.access.stations_q) and the region ancestry rule
(a region's subtree is a prefix of the materialised path, talent.places.rules), never written again here.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache

from tortoise.expressions import Q, Subquery

from talent.core.access import Role, Scope
from talent.core.memo import once
from talent.core.sql import Unordered, inline_sql, under
from talent.people.access import worker_id_queries
from talent.people.models import Worker
from talent.places.access import readable_regions, station_kind_q, stations_q
from talent.places.models import Region, Station, StationKind
from talent.places.rules import ALL_KINDS, ancestor_paths, counted_kind
from talent.rawsql import fixed


@dataclass(frozen=True)
class Area:
    scope: Scope
    region: Region | None = None  # None: the whole scope
    # The kind of station a count of stations counts (places.rules.counted_kind): township stations unless a
    # report asks for "all" or another kind. The workforce measures (headcount, turnover, …) count every worker of
    # the network whatever it is; only counts of stations and their staffing against norms read this.
    kind: str = StationKind.TOWNSHIP_STATION.value

    @property
    def everywhere(self) -> bool:
        """Every station of the installation: an admin's whole scope (its measures need not list the stations)."""
        return self.scope.is_admin and self.region is None

    @property
    def counts_everywhere(self) -> bool:
        """`everywhere`, counting every kind of station: its counted stations are every station too."""
        return self.everywhere and self.kind == ALL_KINDS

    @property
    def path(self) -> str:
        """The region subtree's path prefix ('' = every region the scope reaches)."""
        return self.region.path if self.region is not None else ""

    def stations(self, prefix: str = "") -> Q:
        """Filter on Station (or through `prefix`, e.g. 'station__'): in scope and in the region's subtree, as a
        range on the path (talent.core.sql.under: an index serves it and the planners estimate it, which they could
        not for the LIKE Tortoise writes). A path condition is always there (`>= ''` for the whole scope), so a join
        to stations exists for grouping expressions."""
        return _stations_q(self.scope, self.path, prefix)

    def counted_stations(self) -> Q:
        """Filter on Station: the area's stations of the kind counted (the one rule, places.access.station_kind_q)."""
        return self.stations() & station_kind_q(self.kind)

    def spells(self) -> Q:
        """Filter on EmploymentSpell: spells at the area's stations."""
        return self.stations(prefix="station__")

    def station_ids(self) -> Subquery:
        return Unordered(Station.filter(self.stations()).values("id"))

    @cached_property
    def stations_sql(self) -> str:
        """`stations()` as SQL text: a subquery of the area's station ids, for the measures' hand-built statements.
        Rendered once per scope, region and dialect (and kept on the area: an Area lives for one request), as the
        filter's resolution cost more than a county's statement."""
        return _stations_sql(self.scope, self.path, "", _dialect())

    @cached_property
    def workers_sql(self) -> str:
        """The ids of the workers the viewer reaches (the UNION of talent.people.access.worker_id_queries) as a
        subquery's text, rendered once per scope as `stations_sql` is."""
        return _workers_sql(self.scope, _dialect())

    @cached_property
    def child_regions_sql(self) -> str:
        """`child_regions` as a subquery's text (columns id, code, path), rendered once per scope and region."""
        return _child_regions_sql(self.scope, self.region.id if self.region is not None else None, _dialect())

    @cached_property
    def counted_stations_sql(self) -> str:
        """`counted_stations()` as SQL text (a subquery of station ids), rendered once as `stations_sql` is."""
        return _stations_sql(self.scope, self.path, self.kind, _dialect())

    @property
    def key(self) -> str:
        return self.region.code if self.region is not None else ""


def _dialect() -> str:
    return Station._meta.db.capabilities.dialect


@lru_cache(maxsize=512)
def _stations_sql(scope: Scope, path: str, kind: str, dialect: str) -> str:
    """The text of the station-id subquery of an area (`kind` given: only the stations it counts). Everything it
    depends on is in the key (the Area holds a Region row, which compares by id alone)."""
    q = _stations_q(scope, path)
    if kind:
        q &= station_kind_q(kind)
    return inline_sql(Station.filter(q).values("id"))


@lru_cache(maxsize=512)
def _child_regions_sql(scope: Scope, region_id: int | None, dialect: str) -> str:
    return inline_sql(_child_regions(scope, region_id).values("id", "code", "path"))


@lru_cache(maxsize=512)
def _workers_sql(scope: Scope, dialect: str) -> str:
    queries = worker_id_queries(scope)
    if queries is None:
        return inline_sql(Worker.all().values("id"))
    return " UNION ".join(inline_sql(q) for q in queries)


def _stations_q(scope: Scope, path: str, prefix: str = "") -> Q:
    field = f"{prefix}region_path"
    in_region = under(field, path) if path else Q(**{f"{field}__gte": ""})
    return stations_q(scope, prefix=prefix) & in_region


async def area_for(scope: Scope, code: str = "", kind: str = "") -> Area | None:
    """The area of a report: the region with this code inside the viewer's scope, or the viewer's whole scope
    when no code is given. None (→ 404) for a code the scope does not reach, whatever exists elsewhere. `kind`:
    the stations counted (a kind's code or "all"; anything else, township stations)."""
    code = (code or "").strip()
    kind = counted_kind(kind)
    if not code:
        if scope.role == Role.BUREAU and scope.region_path:
            # By its unique path: one plan serves every path (rawsql.fixed: planned once on PostgreSQL).
            region = await Region.filter(path=scope.region_path).using_db(fixed(Region)).first()
            return Area(scope, region, kind)
        return Area(scope, None, kind)
    if len(code) > 12 or not code.isascii() or not code.isdigit():
        return None
    region = await readable_regions(scope).filter(code=code).using_db(fixed(Region)).first()
    return Area(scope, region, kind) if region is not None else None


async def child_regions(area: Area) -> list[Region]:
    """The regions one level below the area's region (the top regions of the scope without one), in scope; read
    once per request (a report's rows ask whether there are any, then read them)."""
    region_id = area.region.id if area.region is not None else None
    return await once(
        ("child_regions", area.scope, region_id),
        lambda: _child_regions(area.scope, region_id).order_by("code"),
    )


def _child_regions(scope: Scope, region_id: int | None):
    return readable_regions(scope).filter(parent_id=region_id)


async def region_chain(area: Area) -> list[Region]:
    """The area's region and the regions above it that the viewer reaches, top first (breadcrumbs)."""
    if area.region is None:
        return []
    return await readable_regions(area.scope).filter(path__in=ancestor_paths(area.region.path)).order_by("depth")
