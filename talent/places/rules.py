"""Rules of the places registry, each written once.

Region ancestry on the materialised path: a region's path is its ancestors' codes, each followed by "/"
("32/3201/320102/"), so a subtree is one prefix match and the enclosing regions are the path's prefixes.
Region codes and levels: an administrative code has 6 digits for a province, city or county and 9 or 12 for a
township or street, and a region sits exactly one level below its parent. The form, the service and the regions
import all check a code here, so they refuse the same codes with the same message.
"""

from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.places.models import RegionLevel, StationKind

LEVELS = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
CODE_LENGTHS = {
    RegionLevel.PROVINCE: (6,),
    RegionLevel.CITY: (6,),
    RegionLevel.COUNTY: (6,),
    RegionLevel.TOWNSHIP: (9, 12),
}


def ancestor_paths(path: str | None) -> list[str]:
    """ "32/3201/" → ["32/", "32/3201/"]: every enclosing region's path, the region's own included."""
    parts = [p for p in (path or "").split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def within(path: str | None, root: str | None) -> bool:
    """Is the region at `path` the region at `root` or below it? (An empty root is nobody's.)"""
    return bool(root) and bool(path) and path.startswith(root)


def check_region_code(code: str, level: RegionLevel | str) -> None:
    """ServiceError on `code` unless it is an administrative code of the level (ASCII digits: full-width digits
    pass str.isdigit but are no code)."""
    level = RegionLevel(level)
    lengths = CODE_LENGTHS[level]
    if not code.isascii() or not code.isdigit() or len(code) not in lengths:
        raise ServiceError(
            "code",
            N_("A %(level)s code has %(digits)s digits."),
            level=level.label.tr(),
            digits=" / ".join(str(n) for n in lengths),
        )


def is_child_level(parent: RegionLevel | str, level: RegionLevel | str) -> bool:
    """Is `level` exactly one level below `parent`?"""
    return LEVELS.index(RegionLevel(parent)) == LEVELS.index(RegionLevel(level)) - 1


def next_level(level: RegionLevel | str) -> RegionLevel | None:
    """The level of a region's children (None below a township)."""
    index = LEVELS.index(RegionLevel(level)) + 1
    return LEVELS[index] if index < len(LEVELS) else None


# ── the station network: where each kind sits ─────────────────────────────────────────────────────────────

KIND_REGION_LEVEL = {
    StationKind.COUNTY_CENTRE: RegionLevel.COUNTY,
    StationKind.TOWNSHIP_STATION: RegionLevel.TOWNSHIP,
    StationKind.VILLAGE_ROOM: RegionLevel.TOWNSHIP,
}


def station_network_problem(
    *, kind: str, region_level: str, region_id: int, parent: dict | None
) -> tuple[str, str] | None:
    """(field, msgid) of what is wrong with a station's place in the network, or None. A county centre sits in a
    county or district, a township station in a township or street, both without a parent; a village (community)
    room sits under a township station of its own township. `parent`: the parent station's kind and region_id."""
    kind = StationKind(kind)
    if region_level != KIND_REGION_LEVEL[kind]:
        if kind == StationKind.COUNTY_CENTRE:
            return "region_code", N_("A county guidance centre belongs to a county or district.")
        return "region_code", N_("A station belongs to a township or street.")
    if kind != StationKind.VILLAGE_ROOM:
        if parent is not None:
            return "parent_code", N_("Only a village (community) room sits under a station.")
        return None
    if parent is None:
        return "parent_code", N_("A village (community) room needs the township station it belongs to.")
    if parent["kind"] != StationKind.TOWNSHIP_STATION or parent["region_id"] != region_id:
        return "parent_code", N_("Choose a township station of the same township.")
    return None


# Which stations a report counts (issue 16): township (street) stations by default, as a province counts its
# 社工站; "all" counts the whole network; or one kind. Norms apply per kind: a tier is for one kind of station.
ALL_KINDS = "all"
STATION_KIND_VALUES = tuple(k.value for k in StationKind)


def counted_kind(value: str | None) -> str:
    """The station kind a report counts from a query value: a kind's code or "all"; anything else (empty
    included) means township stations."""
    value = (value or "").strip()
    return value if value == ALL_KINDS or value in STATION_KIND_VALUES else StationKind.TOWNSHIP_STATION.value


def tier_applies(*, station_kind: str, tier_kind: str) -> bool:
    """Are a tier's norms a station's? Only a tier written for the station's own kind is (a village room is not
    held to a township station's norms); a station with a tier of another kind has no norm to meet."""
    return StationKind(station_kind) == StationKind(tier_kind)


# The form, the service and the stations import refuse a tier of another kind with the same words.
TIER_OF_ANOTHER_KIND = N_("This tier's norms are for another kind of station.")


# ── recruitment conditions of a tier ──────────────────────────────────────────────────────────────────────────


def recruitment_qualifies(
    *,
    major: str,
    certificate: bool,
    major_required: bool,
    certificate_required: bool,
    related_major_accepted: bool = False,
    major_or_certificate: bool = False,
) -> bool:
    """Does a candidate meet a tier's major and certificate conditions? `major`: "social_work", "related"
    (sociology, psychology, …) or "other". The major condition is met by a social-work major, or a related one
    where the tier accepts it; with major_or_certificate and both conditions set, either one suffices
    (Guangdong 双百: 社会工作、社会学、心理学等相关专业大专以上学历，或取得助理社会工作师以上证书)."""
    has_major = major == "social_work" or (related_major_accepted and major == "related")
    if major_required and certificate_required and major_or_certificate:
        return has_major or certificate
    return (has_major or not major_required) and (certificate or not certificate_required)
