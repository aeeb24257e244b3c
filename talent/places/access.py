"""Which places a viewer reaches: the one row filter per entity (regions, organisations, tiers, stations) that
every page, export, import and report of places uses, and which of them the viewer may change (the services
enforce it, the pages ask it to show or refuse an edit form). See talent.core.access for the scope itself."""

from tortoise.expressions import Q

from talent.core.access import Role, Scope
from talent.core.sql import NOTHING, IntList, TextList, Unordered, literal_int, reach, under
from talent.places.models import Organisation, Region, Station, StationTier
from talent.places.rules import ALL_KINDS, ancestor_paths, within


def stations_q(scope: Scope, prefix: str = "") -> Q:
    """Filter on Station (or, with a prefix such as 'station__', on a relation to it): a bureau its region's
    subtree, HR its organisation's stations, a supervisor its assigned ones; a worker none here (a worker's own
    station is reached through their spells)."""
    match scope.role:
        case Role.ADMIN:
            return Q()
        case Role.BUREAU if scope.region_path:
            return under(f"{prefix}region_path", scope.region_path)
        case Role.HR if scope.organisation_id:
            return Q(**{f"{prefix}organisation_id": literal_int(scope.organisation_id)})
        case Role.SUPERVISOR:
            return Q(**{f"{prefix}id__in": IntList(sorted(scope.station_ids))})
    return Q(**{f"{prefix}id__in": []})


def holds_subtree(scope: Scope, path: str) -> bool:
    """Whether stations_q(scope) holds every station under the region at `path` ("" the country): an
    administrator's scope, or a bureau's at or above that region. A count over the subtree is then the count in
    scope too."""
    if scope.role == Role.ADMIN:
        return True
    return scope.role == Role.BUREAU and bool(scope.region_path) and path.startswith(scope.region_path)


def station_kind_q(kind: str, prefix: str = "") -> Q:
    """Filter on Station (or through `prefix`) by the kind a report counts (places.rules.counted_kind's value):
    every kind for "all", else that kind alone. The one place the rule is written for every count of stations."""
    if kind == ALL_KINDS:
        return Q()
    return Q(**{f"{prefix}kind": kind})


@reach
def station_ids(scope: Scope):
    """The ids of the stations in scope, as a subquery for `station_id__in`."""
    return Station.filter(stations_q(scope)).values("id")


def regions_q(scope: Scope) -> Q:
    match scope.role:
        case Role.ADMIN:
            return Q()
        case Role.BUREAU if scope.region_path:
            return under("path", scope.region_path)
    return NOTHING


def organisations_q(scope: Scope) -> Q:
    """Organisations of the bureau's region or operating a station in it; HR its own (no join)."""
    match scope.role:
        case Role.ADMIN:
            return Q()
        case Role.BUREAU if scope.region_path:
            return Q(id__in=_bureau_organisations(scope))
        case Role.HR if scope.organisation_id:
            return Q(id=literal_int(scope.organisation_id))
    return NOTHING


@reach
def _bureau_organisations(scope: Scope):
    """Two indexed parts, not an OR across the join to regions (which PostgreSQL answered by reading every
    organisation: a city's count 2.3 → 0.4 ms, EXPLAIN ANALYZE on the national demo)."""
    regions = Region.filter(under("path", scope.region_path)).values("id")
    return [
        Organisation.filter(region_id__in=Unordered(regions)).values("id"),
        Station.filter(under("region_path", scope.region_path)).values("organisation_id"),
    ]


def regional_rules_q(scope: Scope) -> Q:
    """Filter on a table of rules keyed by `region_path` ("" national): an admin reads all; a bureau the national
    ones, those of the regions enclosing its own and those inside it (the CE rules of certification and of
    supervision); anyone else none. The enclosing paths are written in (TextList): planned once per connection."""
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.BUREAU and scope.region_path:
        return Q(region_path__in=TextList(["", *ancestor_paths(scope.region_path)])) | under(
            "region_path", scope.region_path
        )
    return NOTHING


def tiers_q(scope: Scope) -> Q:
    """National tiers (no region), and tiers of regions above or inside a bureau's region."""
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.BUREAU and scope.region_path:
        ancestors = ancestor_paths(scope.region_path)
        return Q(region_id=None) | Q(region__path__in=TextList(ancestors)) | under("region__path", scope.region_path)
    return NOTHING


def readable_stations(scope: Scope):
    return Station.filter(stations_q(scope))


def readable_regions(scope: Scope):
    return Region.filter(regions_q(scope))


def readable_organisations(scope: Scope):
    return Organisation.filter(organisations_q(scope))


def readable_tiers(scope: Scope):
    return StationTier.filter(tiers_q(scope))


def is_writer(scope: Scope) -> bool:
    """Admins, and bureaus with a region, create and change places records (which ones: can_write_under)."""
    return scope.is_admin or (scope.role == Role.BUREAU and bool(scope.region_path))


def can_write_under(scope: Scope, path: str | None) -> bool:
    """May the viewer create or change a record attached to the region at `path` ('' or None = national)?"""
    if scope.is_admin:
        return True
    return scope.role == Role.BUREAU and within(path, scope.region_path)


def region_editable(scope: Scope, path: str) -> bool:
    """May the viewer rename the region at `path`? A bureau edits the regions below its own, not its own region
    (that is the level above's)."""
    if scope.is_admin:
        return True
    return scope.role == Role.BUREAU and within(path, scope.region_path) and path != scope.region_path


def organisation_editable(scope: Scope, organisation: Organisation) -> bool:
    """An organisation is changed by whoever may write under its region (an admin only for one without)."""
    return can_write_under(scope, organisation.region.path if organisation.region else "")


def tier_editable(scope: Scope, tier: StationTier) -> bool:
    """A tier is changed by whoever may write under the region that set it (an admin only for a national one)."""
    return can_write_under(scope, tier.region.path if tier.region else "")


def station_editable(scope: Scope, station: Station) -> bool:
    return can_write_under(scope, station.region_path)
