"""Writes of supervision: supervisor profiles (the expert pool), assignments to stations and the CE rules of
sessions. Each function runs in one transaction and records an audit entry. A bureau keeps the profiles of its
region's subtree, assigns supervisors to the stations of its subtree and adds CE rules inside its region; "one
station, one supervisor": a station never has two primary assignments sharing a day (checked here, under a lock
on the station row)."""

from datetime import date
from decimal import Decimal

from tortoise.models import Model
from tortoise.transactions import in_transaction

from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.core.access import Scope
from talent.core.errors import ServiceError, chosen
from talent.core.i18n import N_
from talent.places.access import can_write_under, stations_q
from talent.places.models import CertLevel, Region, Station
from talent.places.services import regional_rule_add, regional_rule_check, station_audit_scope
from talent.supervision.access import may_assign, readable_supervisors, supervisor_editable
from talent.supervision.defaults import seed_session_ce_rules
from talent.supervision.models import Affiliation, Assignment, SessionCeRule, Supervisor, SupervisorExpertise
from talent.supervision.rules import overlapping, parse_tags

Actor = Model | None

SUPERVISOR_FIELDS = ["name", "affiliation_type", "affiliation", "level", "cert_level", "region_id", "bio", "active"]
ASSIGNMENT_FIELDS = ["supervisor_id", "station_id", "start_on", "end_on", "is_primary"]
SUPERVISOR = Audited(Entity.SUPERVISOR, [*SUPERVISOR_FIELDS, "tags"])
ASSIGNMENT = Audited(Entity.ASSIGNMENT, ASSIGNMENT_FIELDS)
CE_RULE = Audited(Entity.SESSION_CE_RULE, ["region_path", "effective_from", "counts", "max_share", "source"])
MAX_TAGS = 12


def _forbidden() -> ServiceError:
    return ServiceError("__all__", N_("You may not change records outside your region."))


def _profile(
    *,
    name: str,
    affiliation_type: str,
    affiliation: str = "",
    level: str = "",
    cert_level: str | None = None,
    region: Region | None = None,
    bio: str = "",
    active: bool = True,
    expertise: str = "",
) -> tuple[dict, list[str]]:
    name = (name or "").strip()
    if not name:
        raise ServiceError("name", N_("This field is required."))
    tags = parse_tags(expertise)
    if len(tags) > MAX_TAGS:
        raise ServiceError("expertise", N_("At most %(n)s expertise tags."), n=MAX_TAGS)
    values = {
        "name": name[:50],
        "affiliation_type": chosen(Affiliation, affiliation_type, "affiliation_type"),
        "affiliation": (affiliation or "").strip()[:200],
        "level": (level or "").strip()[:32],
        "cert_level": chosen(CertLevel, cert_level, "cert_level") if cert_level else None,
        "region": region,
        "bio": (bio or "").strip(),
        "active": bool(active),
    }
    return values, tags


async def _set_tags(supervisor: Supervisor, tags: list[str]) -> None:
    await SupervisorExpertise.filter(supervisor_id=supervisor.id).delete()
    await SupervisorExpertise.bulk_create([SupervisorExpertise(supervisor_id=supervisor.id, tag=t) for t in tags])
    supervisor.tags = "、".join(tags)


def _where(region: Region | None) -> dict:
    return {"region_path": region.path if region else ""}


async def supervisor_create(*, actor: Actor, scope: Scope, **values) -> Supervisor:
    """Add a supervisor to the pool, based in `region` (inside the actor's region; an admin may leave it empty for
    the national pool)."""
    data, tags = _profile(**values)
    region = data["region"]
    if not can_write_under(scope, region.path if region else ""):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    async with in_transaction():
        supervisor = await Supervisor.create(**data)
        await _set_tags(supervisor, tags)
        await SUPERVISOR.created(actor, supervisor, supervisor.name, **_where(region))
    return supervisor


async def supervisor_update(*, actor: Actor, scope: Scope, supervisor: Supervisor, **values) -> Supervisor:
    """Change a profile (`supervisor.region` loaded); its tags are replaced by the typed ones."""
    if not supervisor_editable(scope, supervisor):
        raise _forbidden()
    data, tags = _profile(**values)
    region = data["region"]
    if not can_write_under(scope, region.path if region else ""):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    supervisor.tags = "、".join(await supervisor.expertise.all().values_list("tag", flat=True))
    before = SUPERVISOR.snapshot(supervisor)
    async with in_transaction():
        for name, value in data.items():
            setattr(supervisor, name, value)
        await supervisor.save()
        await _set_tags(supervisor, tags)
        after = SUPERVISOR.snapshot(supervisor)
        await SUPERVISOR.record(
            actor, Action.UPDATE, supervisor, supervisor.name, before=before, after=after, **_where(region)
        )
    return supervisor


async def _station(scope: Scope, code: str) -> Station:
    station = await Station.filter(stations_q(scope), code=(code or "").strip()).first()
    if station is None:
        raise ServiceError("station_code", N_("No station with this code in your scope."))
    return station


async def _check_primary(station_id: int, start_on: date, end_on: date | None, exclude_id: int | None = None) -> None:
    """One station, one supervisor: no other primary assignment of the station shares a day with the period."""
    clash = Assignment.filter(overlapping(start_on, end_on), station_id=station_id, is_primary=True)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    other = await clash.select_related("supervisor").order_by("start_on").first()
    if other is not None:
        raise ServiceError(
            "start_on",
            N_("This station already has a primary supervisor in this period: %(name)s from %(start)s."),
            name=other.supervisor.name,
            start=other.start_on.isoformat(),
        )


async def assignment_create(
    *,
    actor: Actor,
    scope: Scope,
    supervisor_id: int,
    station_code: str,
    start_on: date,
    end_on: date | None = None,
    is_primary: bool = True,
) -> Assignment:
    """Assign an active supervisor the actor sees to a station in the actor's scope from `start_on` (to `end_on`,
    its last day, or open). A primary assignment may not overlap another primary one of the station, nor may the
    same supervisor be assigned twice to a station in one period."""
    if not may_assign(scope):
        raise _forbidden()
    if start_on is None:
        raise ServiceError("start_on", N_("This field is required."))
    if end_on is not None and end_on < start_on:
        raise ServiceError("end_on", N_("The end cannot be before the start."))
    supervisor = await readable_supervisors(scope).filter(id=supervisor_id).first()
    if supervisor is None:
        raise ServiceError("supervisor", N_("No such supervisor in your scope."))
    if not supervisor.active:
        raise ServiceError("supervisor", N_("This supervisor is inactive."))
    station = await _station(scope, station_code)
    async with in_transaction():
        # Serialises assignments of one station (a row lock on PostgreSQL; SQLite transactions are IMMEDIATE).
        await Station.filter(id=station.id).select_for_update().first()
        if await Assignment.filter(
            overlapping(start_on, end_on), station_id=station.id, supervisor_id=supervisor.id
        ).exists():
            raise ServiceError("supervisor", N_("This supervisor is already assigned to this station in this period."))
        if is_primary:
            await _check_primary(station.id, start_on, end_on)
        assignment = await Assignment.create(
            supervisor_id=supervisor.id, station_id=station.id, start_on=start_on, end_on=end_on, is_primary=is_primary
        )
        await ASSIGNMENT.created(
            actor,
            assignment,
            f"{supervisor.name} → {station.code}",
            **station_audit_scope(station),
        )
    return assignment


async def assignment_end(*, actor: Actor, scope: Scope, assignment: Assignment, end_on: date) -> Assignment:
    """End an assignment on `end_on`, its last day (`assignment.station` loaded, in the actor's scope)."""
    if not may_assign(scope) or not await Station.filter(stations_q(scope), id=assignment.station_id).exists():
        raise _forbidden()
    if end_on is None:
        raise ServiceError("end_on", N_("This field is required."))
    if end_on < assignment.start_on:
        raise ServiceError("end_on", N_("The end cannot be before the start."))
    async with in_transaction():
        await ASSIGNMENT.update(
            actor,
            assignment,
            {"end_on": end_on},
            f"{assignment.station.code} ends {end_on.isoformat()}",
            **station_audit_scope(assignment.station),
        )
    return assignment


# ── the CE rule of sessions ──────────────────────────────────────────────────────────────────────


async def session_ce_rules_seed() -> int:
    """Add the national default rule if there is no national rule (idempotent; the migration seeds real
    databases)."""
    async with in_transaction():
        return await seed_session_ce_rules({"SessionCeRule": SessionCeRule}.__getitem__)


def _rule_summary(region: Region | None, effective_from: date) -> str:
    return f"{region.code if region else '—'} · {effective_from.isoformat()}"


async def session_ce_rule_create(
    *,
    actor: Actor,
    scope: Scope,
    region: Region | None,
    effective_from: date,
    counts: bool,
    max_share: Decimal | None,
    source: str,
) -> SessionCeRule:
    """Add the rule of `region` (None: national, admins only) from `effective_from` on. A bureau adds rules only
    inside its own region. A rule is never edited: a region changes its rule by adding one from a later day, and
    one region has at most one rule taking effect on a day. Where supervision does not count, max_share is 0."""
    source = regional_rule_check(scope, region, effective_from, source)
    if counts:
        if max_share is None or not Decimal("0") < Decimal(max_share) <= Decimal("1"):
            raise ServiceError("max_share", N_("Enter a share above 0 and at most 1, e.g. 0.5."))
        share = Decimal(max_share).quantize(Decimal("0.001"))
    else:
        share = Decimal("0")
    return await regional_rule_add(
        SessionCeRule,
        actor=actor,
        audited=CE_RULE,
        summary=_rule_summary(region, effective_from),
        region=region,
        effective_from=effective_from,
        counts=bool(counts),
        max_share=share,
        source=source,
    )


async def session_ce_rule_delete(*, actor: Actor, scope: Scope, rule: SessionCeRule, today: date) -> None:
    """Withdraw a rule that has not yet taken effect (`rule.region` loaded); a rule in force is kept, since sessions
    were credited under it."""
    if not can_write_under(scope, rule.region_path):
        raise _forbidden()
    if rule.effective_from <= today:
        raise ServiceError("__all__", N_("A rule in force is kept: add a rule from a later day instead."))
    async with in_transaction():
        await CE_RULE.delete(actor, rule, _rule_summary(rule.region, rule.effective_from), region_path=rule.region_path)
