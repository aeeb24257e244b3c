"""Writes for the places registry: regions, organisations, station tiers and stations.

Each function runs in one transaction and records an audit entry. Rules broken raise ServiceError(field, message).
A bureau writes only inside its own region's subtree (and never its own root region).
"""

from datetime import date

from tortoise.models import Model
from tortoise.transactions import in_transaction

from talent.audit.models import Entity
from talent.audit.services import Audited
from talent.core.access import Scope
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.places.access import (
    can_write_under,
    organisation_editable,
    region_editable,
    station_editable,
    tier_editable,
)
from talent.places.models import (
    TIER_RULES,
    CertLevel,
    Education,
    Organisation,
    Region,
    RegionLevel,
    Station,
    StationKind,
    StationTier,
)
from talent.places.rules import (
    TIER_OF_ANOTHER_KIND,
    check_region_code,
    is_child_level,
    station_network_problem,
    tier_applies,
)

# The actor is the signed-in account (talent.accounts.models.User), or None for the system; only its id and
# username are read (by the audit log), so places need not import the accounts package that sits above them.
Actor = Model | None


def station_audit_scope(station: Station | None) -> dict:
    """Where the audit entries about a station, or about a record at it (a spell, an assignment, a supervision
    session), are filed: its township and the organisation that operates it; none for no station."""
    if station is None:
        return {"region_path": "", "organisation_id": None}
    return {"region_path": station.region_path, "organisation_id": station.organisation_id}


REGION_FIELDS = ["code", "name", "level", "parent_id", "path"]
ORGANISATION_FIELDS = ["name", "credit_code", "contact", "phone", "region_id"]
TIER_FIELDS = ["name", "region_id", *TIER_RULES, "notes", "station_kind"]
STATION_FIELDS = [
    "code",
    "name",
    "region_id",
    "region_path",
    "organisation_id",
    "tier_id",
    "opened_on",
    "address",
    "kind",
    "parent_id",
]
REGION = Audited(Entity.REGION, REGION_FIELDS)
ORGANISATION = Audited(Entity.ORGANISATION, ORGANISATION_FIELDS)
TIER = Audited(Entity.TIER, TIER_FIELDS)
STATION = Audited(Entity.STATION, STATION_FIELDS)


def _forbidden() -> ServiceError:
    return ServiceError("__all__", N_("You may not change records outside your region."))


# ── regions ──────────────────────────────────────────────────────────────────────────────────────


async def region_create(
    *, actor: Actor, scope: Scope, code: str, name: str, level: RegionLevel, parent: Region | None
) -> Region:
    level = RegionLevel(level)
    check_region_code(code, level)
    if level == RegionLevel.PROVINCE:
        if parent is not None:
            raise ServiceError("parent_code", N_("A province has no parent region."))
    else:
        if parent is None:
            raise ServiceError("parent_code", N_("This level needs a parent region."))
        if not is_child_level(parent.level, level):
            raise ServiceError("level", N_("A region must be exactly one level below its parent."))
    if not scope.is_admin and not (parent is not None and can_write_under(scope, parent.path)):
        raise ServiceError("parent_code", N_("You may not change records outside your region."))
    async with in_transaction():
        if await Region.filter(code=code).exists():
            raise ServiceError("code", N_("This code is already used."))
        region = await Region.create(
            code=code,
            name=name,
            level=level,
            parent=parent,
            path=(parent.path if parent else "") + code + "/",
            depth=(parent.depth + 1) if parent else 0,
        )
        await REGION.created(actor, region, f"{code} {name}", region_path=region.path)
    return region


async def region_update(*, actor: Actor, scope: Scope, region: Region, name: str) -> Region:
    """Only the name changes; the code (and so the path of the whole subtree) is immutable."""
    if not region_editable(scope, region.path):
        raise _forbidden()
    async with in_transaction():
        await REGION.update(
            actor, region, {"name": name}, f"{region.code} {name}", update_fields=["name"], region_path=region.path
        )
    return region


# ── organisations ────────────────────────────────────────────────────────────────────────────────


def _organisation_values(
    *, name: str, region: Region | None, credit_code: str = "", contact: str = "", phone: str = ""
) -> dict:
    """An organisation's fields as organisation_create and organisation_update take them."""
    return {"name": name, "region": region, "credit_code": credit_code, "contact": contact, "phone": phone}


def _organisation_where(organisation: Organisation, region: Region | None) -> dict:
    return {"region_path": region.path if region else "", "organisation_id": organisation.id}


async def organisation_create(*, actor: Actor, scope: Scope, **fields) -> Organisation:
    """Register an organisation (`fields`: see _organisation_values)."""
    values = _organisation_values(**fields)
    region, name = values["region"], values["name"]
    if not can_write_under(scope, region.path if region else ""):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    async with in_transaction():
        if await Organisation.filter(name=name).exists():
            raise ServiceError("name", N_("An organisation with this name already exists."))
        org = await Organisation.create(**values)
        await ORGANISATION.created(actor, org, name, **_organisation_where(org, region))
    return org


async def organisation_update(*, actor: Actor, scope: Scope, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation (`fields`: see _organisation_values)."""
    if not organisation_editable(scope, organisation):
        raise _forbidden()
    values = _organisation_values(**fields)
    region, name = values["region"], values["name"]
    if not can_write_under(scope, region.path if region else ""):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    async with in_transaction():
        if await Organisation.filter(name=name).exclude(id=organisation.id).exists():
            raise ServiceError("name", N_("An organisation with this name already exists."))
        await ORGANISATION.update(actor, organisation, values, name, **_organisation_where(organisation, region))
    return organisation


# ── tiers ────────────────────────────────────────────────────────────────────────────────────────


def _tier_values(
    *,
    name: str,
    region: Region | None,
    min_fulltime: int,
    min_certified: int,
    min_level: CertLevel | str | None,
    max_age: int | None,
    min_education: Education | str | None,
    major_required: bool,
    certificate_required: bool,
    notes: str,
    related_major_accepted: bool = False,
    major_or_certificate: bool = False,
    station_kind: StationKind | str | None = None,
) -> dict:
    """A tier's fields as tier_create and tier_update take them; `station_kind`: the kind of station its norms
    are for (empty: township stations)."""
    if min_certified > min_fulltime:
        raise ServiceError("min_certified", N_("Cannot exceed the minimum full-time workers."))
    return {
        "name": name,
        "region": region,
        "min_fulltime": min_fulltime,
        "min_certified": min_certified,
        "min_level": CertLevel(min_level) if min_level else None,
        "max_age": max_age,
        "min_education": Education(min_education) if min_education else None,
        "major_required": major_required,
        "certificate_required": certificate_required,
        "related_major_accepted": related_major_accepted,
        "major_or_certificate": major_or_certificate,
        "notes": notes,
        "station_kind": StationKind(station_kind) if station_kind else StationKind.TOWNSHIP_STATION,
    }


async def _check_tier_name(name: str, region: Region | None, exclude_id: int | None = None) -> None:
    qs = StationTier.filter(name=name, region_id=region.id if region else None)
    if exclude_id:
        qs = qs.exclude(id=exclude_id)
    if await qs.exists():
        raise ServiceError("name", N_("A tier with this name already exists for this region."))


async def tier_create(*, actor: Actor, scope: Scope, **values) -> StationTier:
    data = _tier_values(**values)
    region = data["region"]
    if not can_write_under(scope, region.path if region else ""):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    async with in_transaction():
        await _check_tier_name(data["name"], region)
        tier = await StationTier.create(**data)
        await TIER.created(actor, tier, tier.name, region_path=region.path if region else "")
    return tier


async def tier_update(*, actor: Actor, scope: Scope, tier: StationTier, **values) -> StationTier:
    if not tier_editable(scope, tier):
        raise _forbidden()
    data = _tier_values(**values)
    region = data["region"]
    if not can_write_under(scope, region.path if region else ""):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    if data["station_kind"] != tier.station_kind and await Station.filter(tier_id=tier.id).exists():
        raise ServiceError("station_kind", N_("Stations use this tier: its kind of station stays."))
    async with in_transaction():
        await _check_tier_name(data["name"], region, exclude_id=tier.id)
        await TIER.update(actor, tier, data, data["name"], region_path=region.path if region else "")
    return tier


# ── stations ─────────────────────────────────────────────────────────────────────────────────────


def _filed_under(station: dict) -> dict:
    """A station's entries are filed under its township and the organisation that operates it."""
    organisation = station["organisation"]
    return {"region_path": station["region_path"], "organisation_id": organisation.id if organisation else None}


def _station_summary(station: dict) -> str:
    return f"{station['code']} {station['name']}"


def _check_station_region(scope: Scope, values: dict, station_id: int | None = None) -> None:
    region, parent = values["region"], values["parent"]
    if parent is not None and station_id is not None and parent.id == station_id:
        raise ServiceError("parent_code", N_("Choose a township station of the same township."))
    problem = station_network_problem(
        kind=values["kind"],
        region_level=region.level,
        region_id=region.id,
        parent={"kind": parent.kind, "region_id": parent.region_id} if parent is not None else None,
    )
    if problem is not None:
        raise ServiceError(*problem)
    tier = values["tier"]
    if tier is not None and not tier_applies(station_kind=values["kind"], tier_kind=tier.station_kind):
        raise ServiceError("tier", TIER_OF_ANOTHER_KIND)
    if not can_write_under(scope, region.path):
        raise ServiceError("region_code", N_("Choose a region inside your own."))


def _station_values(
    *,
    code: str,
    name: str,
    region: Region,
    organisation: Organisation | None = None,
    tier: StationTier | None = None,
    opened_on: date | None = None,
    address: str = "",
    kind: str | None = None,
    parent: Station | None = None,
) -> dict:
    """A station's fields as station_create and station_update take them; its region path is its township's (a
    county centre's, its county's). `parent`: a village room's township station, read in the actor's scope."""
    return {
        "kind": StationKind(kind) if kind else StationKind.TOWNSHIP_STATION,
        "parent": parent,
        "code": code,
        "name": name,
        "region": region,
        "region_path": region.path,
        "organisation": organisation,
        "tier": tier,
        "opened_on": opened_on,
        "address": address,
    }


async def station_create(*, actor: Actor, scope: Scope, **fields) -> Station:
    """Open a station (`fields`: see _station_values)."""
    values = _station_values(**fields)
    _check_station_region(scope, values)
    async with in_transaction():
        if await Station.filter(code=values["code"]).exists():
            raise ServiceError("code", N_("A station with this code already exists."))
        station = await Station.create(**values)
        await STATION.created(actor, station, _station_summary(values), **_filed_under(values))
    return station


async def station_update(*, actor: Actor, scope: Scope, station: Station, **fields) -> Station:
    """Change a station (`fields`: see _station_values); moving it to another township moves its region_path with
    it."""
    if not station_editable(scope, station):
        raise _forbidden()
    values = _station_values(**fields)
    _check_station_region(scope, values, station.id)
    if values["kind"] != StationKind.TOWNSHIP_STATION and await Station.filter(parent_id=station.id).exists():
        raise ServiceError("kind", N_("Village rooms sit under this station: it stays a township station."))
    async with in_transaction():
        if await Station.filter(code=values["code"]).exclude(id=station.id).exists():
            raise ServiceError("code", N_("A station with this code already exists."))
        await STATION.update(actor, station, values, _station_summary(values), **_filed_under(values))
    return station


def regional_rule_check(scope: Scope, region: Region | None, effective_from: date | None, source: str) -> str:
    """The checks every effective-dated regional rule (CE credit caps, the yearly CE rule, CE per supervision session)
    shares: a region the actor may write under (None: national), a day, a named document. Returns the document."""
    if not can_write_under(scope, region.path if region else ""):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    if effective_from is None:
        raise ServiceError("effective_from", N_("This field is required."))
    source = (source or "").strip()
    if not source:
        raise ServiceError("source", N_("Name the document the rule comes from."))
    return source[:2000]


async def regional_rule_add(
    model: type[Model],
    *,
    actor: Actor,
    audited: Audited,
    summary: str,
    region: Region | None,
    effective_from: date,
    key: dict | None = None,
    **values,
) -> Model:
    """Add an effective-dated regional rule of `region` from `effective_from` on, and its audit entry, in one
    transaction, refusing a second one of the same region (and `key`, e.g. its kind) taking effect on the same day:
    such rules are never edited, a region changes one by adding one from a later day."""
    path = region.path if region else ""
    key = key or {}
    async with in_transaction():
        if await model.filter(region_path=path, **key, effective_from=effective_from).exists():
            raise ServiceError("effective_from", N_("This region already has a rule taking effect on that day."))
        rule = await model.create(region=region, region_path=path, effective_from=effective_from, **key, **values)
        await audited.created(actor, rule, summary, region_path=path)
    return rule
