"""Writes for workers and employment spells: one transaction each, every change audited.

Rules: a worker's spells never overlap (an open spell runs forever); a spell ends on or after it
starts; an exit has a type and a reason; stations must be in the actor's scope; a transfer goes to
another station and is atomic (the old spell ends and the new one starts, or nothing changes).
Nothing outside the actor's scope is named in an answer: a clash with a spell at a station the actor
cannot see is refused without saying where it is.
"""

from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from talent.accounts.models import User
from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.people.access import spells_q
from talent.people.models import (
    EmploymentSpell,
    ExitReason,
    ExitType,
    ExperienceKind,
    Gender,
    PriorExperience,
    Source,
    Worker,
)
from talent.people.rules import clean_id_number, clean_phone, overlapping
from talent.people.selectors import WORKER_COLUMNS, worker_jurisdictions
from talent.places.models import Education, Station
from talent.places.selectors import station_for_code
from talent.places.services import station_audit_scope

WORKER_AUDIT_FIELDS = list(WORKER_COLUMNS)
SPELL_AUDIT_FIELDS = [
    "worker_id",
    "station_id",
    "start_on",
    "end_on",
    "full_time",
    "position",
    "exit_type",
    "exit_reason",
    "exit_note",
]
WORKER = Audited(Entity.WORKER, WORKER_AUDIT_FIELDS)
SPELL = Audited(Entity.SPELL, SPELL_AUDIT_FIELDS)


async def _station_in_scope(scope: Scope, code: str | None, field: str = "station_code") -> Station:
    if not code:
        raise ServiceError(field, N_("Choose a station."))
    station = await station_for_code(scope=scope, code=code)
    if station is None:
        raise ServiceError(field, N_("No station with this code in your scope."))
    return station


def registered_by(scope: Scope) -> dict:
    """Worker fields recording the jurisdiction that registers a new worker (see Worker.registered_*)."""
    return {
        "registered_region_path": (scope.region_path or "") if scope.role == Role.BUREAU else "",
        "registered_organisation_id": scope.organisation_id if scope.role == Role.HR else None,
    }


async def _check_no_overlap(
    *,
    scope: Scope,
    worker_id: int,
    start_on: date,
    end_on: date | None,
    exclude_id: int | None = None,
    field: str = "start_on",
) -> None:
    """Refuse a spell [start_on, end_on] that overlaps another spell of the worker (open = forever). Every
    spell counts, but only one at a station in the actor's scope is described."""
    others = EmploymentSpell.filter(overlapping(start_on, end_on), worker_id=worker_id)
    if exclude_id is not None:
        others = others.exclude(id=exclude_id)
    clash = await others.select_related("station").order_by("start_on").first()
    if clash is not None and not await EmploymentSpell.filter(spells_q(scope), id=clash.id).exists():
        raise ServiceError(
            field,
            N_("This overlaps another spell of this worker; a worker's spells may not overlap. Nothing was saved."),
        )
    if clash is not None:
        raise ServiceError(
            field,
            N_(
                "This overlaps the spell at %(station)s from %(start)s to %(end)s; "
                "a worker's spells may not overlap. Nothing was saved."
            ),
            station=f"{clash.station.name} ({clash.station.code})",
            start=clash.start_on.isoformat(),
            end=clash.end_on.isoformat() if clash.end_on else _("now"),
        )


def _check_dates(start_on: date, end_on: date | None, field: str = "end_on") -> None:
    if end_on is not None and end_on < start_on:
        raise ServiceError(field, N_("The last working day cannot be before the start date."))


def _exit_values(end_on: date, exit_type: ExitType, exit_reason, exit_note: str) -> dict:
    """The fields an exit (or the first half of a transfer) sets on the spell it ends."""
    return {
        "end_on": end_on,
        "exit_type": exit_type,
        "exit_reason": ExitReason(exit_reason),
        "exit_note": exit_note or "",
    }


def _check_exit(end_on: date | None, exit_type, exit_reason) -> None:
    if end_on is None:
        return
    if not exit_type:
        raise ServiceError("exit_type", N_("An exit needs a type."))
    if not exit_reason:
        raise ServiceError("exit_reason", N_("An exit needs a reason."))


async def _lock_worker(worker_id: int) -> None:
    """Serialise concurrent spell changes of one worker (row lock on PostgreSQL)."""
    await Worker.filter(id=worker_id).select_for_update().first()


def _enum(enum, value):
    return enum(value) if value not in (None, "") else None


def _worker_values(
    *,
    worker_no: str,
    name: str,
    gender: str | None = None,
    birth_date: date | None = None,
    education: str | None = None,
    social_work_major: bool = False,
    source: str | None = None,
    phone: str = "",
    id_number: str = "",
) -> dict:
    """A worker's own fields as worker_create and worker_update take them (codes), checked and as stored (phone
    and ID number cleaned, codes as enums, no source = other)."""
    id_number = clean_id_number(id_number)
    phone = clean_phone(phone)
    return {
        "worker_no": worker_no,
        "name": name,
        "gender": _enum(Gender, gender),
        "birth_date": birth_date,
        "education": _enum(Education, education),
        "social_work_major": social_work_major,
        "source": _enum(Source, source) or Source.OTHER,
        "phone": phone,
        "id_number": id_number,
    }


async def worker_create(
    *,
    actor: User,
    scope: Scope,
    station_code: str | None = None,
    start_on: date | None = None,
    full_time: bool = True,
    position: str = "",
    **fields,
) -> Worker:
    """Create a worker, with a first hire. Only an admin may create one without a hire (anyone else
    could not see the record afterwards). `fields`: the worker's own (_worker_values)."""
    values = _worker_values(**fields)
    station = None
    if station_code or start_on or not scope.is_admin:
        station = await _station_in_scope(scope, station_code)
        if start_on is None:
            raise ServiceError("start_on", N_("Enter the start date of the hire."))
    if await Worker.filter(worker_no=values["worker_no"]).exists():
        raise ServiceError("worker_no", N_("This worker number is taken."))
    try:
        async with in_transaction():
            worker = await Worker.create(**values, **registered_by(scope))
            await WORKER.created(actor, worker, f"{worker.worker_no} {worker.name}", **station_audit_scope(station))
            if station is not None:
                spell = await EmploymentSpell.create(
                    worker=worker, station=station, start_on=start_on, full_time=full_time, position=position or ""
                )
                summary = f"{worker.worker_no} {worker.name} → {station.code}"
                await SPELL.created(actor, spell, summary, action=Action.HIRE, **station_audit_scope(station))
    except IntegrityError:
        # A concurrent create took the number between the check and the insert.
        raise ServiceError("worker_no", N_("This worker number is taken.")) from None
    return worker


async def worker_update(*, actor: User, scope: Scope, worker: Worker, **fields) -> Worker:
    """Change a worker's own fields (_worker_values)."""
    values = _worker_values(**fields)
    if await Worker.filter(worker_no=values["worker_no"]).exclude(id=worker.id).exists():
        raise ServiceError("worker_no", N_("This worker number is taken."))
    where = await _worker_where(scope, worker)
    try:
        async with in_transaction():
            summary = f"{values['worker_no']} {values['name']}"
            await WORKER.update(actor, worker, values, summary, **where)
    except IntegrityError:
        raise ServiceError("worker_no", N_("This worker number is taken.")) from None
    return worker


async def spell_hire(
    *,
    actor: User,
    scope: Scope,
    worker: Worker,
    station_code: str | None,
    start_on: date,
    end_on: date | None = None,
    full_time: bool = True,
    position: str = "",
    exit_type: str | None = None,
    exit_reason: str | None = None,
    exit_note: str = "",
) -> EmploymentSpell:
    """A new spell (a re-hire, or a past spell recorded with its end and exit)."""
    station = await _station_in_scope(scope, station_code)
    _check_dates(start_on, end_on)
    _check_exit(end_on, exit_type, exit_reason)
    async with in_transaction():
        await _lock_worker(worker.id)
        await _check_no_overlap(scope=scope, worker_id=worker.id, start_on=start_on, end_on=end_on)
        spell = await EmploymentSpell.create(
            worker=worker,
            station=station,
            start_on=start_on,
            end_on=end_on,
            full_time=full_time,
            position=position or "",
            exit_type=_enum(ExitType, exit_type) if end_on else None,
            exit_reason=_enum(ExitReason, exit_reason) if end_on else None,
            exit_note=(exit_note or "") if end_on else "",
        )
        summary = f"{worker.worker_no} {worker.name} → {station.code}"
        await SPELL.created(actor, spell, summary, action=Action.HIRE, **station_audit_scope(station))
    return spell


async def spell_exit(
    *,
    actor: User,
    scope: Scope,
    spell: EmploymentSpell,
    end_on: date,
    exit_type: str | None,
    exit_reason: str | None,
    exit_note: str = "",
) -> EmploymentSpell:
    """End an active spell on its last working day, with a coded type and reason."""
    if not await EmploymentSpell.filter(spells_q(scope), id=spell.id).exists():
        raise ServiceError("__all__", N_("This spell is not in your scope."))
    if spell.end_on is not None:
        raise ServiceError("__all__", N_("This spell has already ended."))
    if end_on is None:
        raise ServiceError("end_on", N_("Enter the last working day."))
    _check_dates(spell.start_on, end_on)
    _check_exit(end_on, exit_type, exit_reason)
    station = await Station.get(id=spell.station_id)
    async with in_transaction():
        await _lock_worker(spell.worker_id)
        await _check_no_overlap(
            scope=scope, worker_id=spell.worker_id, start_on=spell.start_on, end_on=end_on, exclude_id=spell.id
        )
        values = _exit_values(end_on, ExitType(exit_type), exit_reason, exit_note)
        summary = f"{station.code} {end_on.isoformat()}"
        await SPELL.update(
            actor,
            spell,
            values,
            summary,
            action=Action.EXIT,
            update_fields=list(values),
            **station_audit_scope(station),
        )
    return spell


async def spell_transfer(
    *,
    actor: User,
    scope: Scope,
    worker: Worker,
    end_on: date,
    exit_reason: str | None,
    station_code: str | None,
    full_time: bool = True,
    position: str = "",
    exit_note: str = "",
) -> EmploymentSpell:
    """End the active spell on `end_on` (exit type transfer) and start a spell at another station in
    scope the next day; both or neither. Returns the new spell."""
    old = (
        await EmploymentSpell.filter(spells_q(scope), worker_id=worker.id, end_on=None)
        .select_related("station")
        .order_by("-start_on")
        .first()
    )
    if old is None:
        raise ServiceError("__all__", N_("This worker has no active spell to transfer from."))
    target = await _station_in_scope(scope, station_code)
    if target.id == old.station_id:
        raise ServiceError("station_code", N_("Choose a station other than the current one."))
    if end_on is None:
        raise ServiceError("end_on", N_("Enter the last working day."))
    _check_dates(old.start_on, end_on)
    if not exit_reason:
        raise ServiceError("exit_reason", N_("An exit needs a reason."))
    start_on = end_on + timedelta(days=1)
    async with in_transaction():
        await _lock_worker(worker.id)
        values = _exit_values(end_on, ExitType.TRANSFER, exit_reason, exit_note)
        summary = f"{worker.worker_no} {old.station.code} → {target.code}"
        # A transfer touches both stations: the readers of each see both halves.
        await SPELL.update(
            actor,
            old,
            values,
            summary,
            action=Action.TRANSFER,
            update_fields=list(values),
            **station_audit_scope(old.station),
            also=[target],
        )
        # Checked after the old spell is closed, inside the transaction: a refusal rolls both back.
        await _check_no_overlap(scope=scope, worker_id=worker.id, start_on=start_on, end_on=None, field="end_on")
        new = await EmploymentSpell.create(
            worker=worker, station=target, start_on=start_on, full_time=full_time, position=position or ""
        )
        await SPELL.created(
            actor, new, summary, action=Action.TRANSFER, **station_audit_scope(target), also=[old.station]
        )
    return new


# --- prior experience ------------------------------------------------------------------------------------

PRIOR_AUDIT_FIELDS = ["worker_id", "employer", "start_on", "end_on", "kind", "note"]
PRIOR = Audited(Entity.PRIOR_EXPERIENCE, PRIOR_AUDIT_FIELDS)


def _prior_values(*, employer: str, start_on: date | None, end_on: date | None, kind: str | None, note: str = ""):
    employer = (employer or "").strip()
    if not employer:
        raise ServiceError("employer", N_("Enter the employer."))
    if start_on is None:
        raise ServiceError("start_on", N_("Enter the first day."))
    if end_on is None:
        raise ServiceError("end_on", N_("Enter the last day."))
    if end_on < start_on:
        raise ServiceError("end_on", N_("The last day cannot be before the first day."))
    return {
        "employer": employer,
        "start_on": start_on,
        "end_on": end_on,
        "kind": _enum(ExperienceKind, kind) or ExperienceKind.SOCIAL_WORK,
        "note": (note or "").strip(),
    }


async def _worker_where(scope: Scope, worker: Worker) -> dict:
    """Where a change to the worker or their own records is filed: the actor's latest station of the worker, and
    every other jurisdiction that sees them."""
    latest = (
        await EmploymentSpell.filter(spells_q(scope), worker_id=worker.id)
        .select_related("station")
        .order_by("-start_on", "-id")
        .first()
    )
    everywhere = (await worker_jurisdictions([worker.id])).get(worker.id, [])
    return {**station_audit_scope(latest.station if latest else None), "also": everywhere}


async def prior_experience_create(*, actor: User, scope: Scope, worker: Worker, **fields) -> PriorExperience:
    """Record social work the worker did elsewhere (employer, from, to, kind). `worker` was read in scope."""
    values = _prior_values(**fields)
    where = await _worker_where(scope, worker)
    async with in_transaction():
        experience = await PriorExperience.create(worker=worker, **values)
        summary = f"{worker.worker_no} {worker.name}: {values['employer']}"
        await PRIOR.created(actor, experience, summary, **where)
    return experience


async def prior_experience_update(
    *, actor: User, scope: Scope, worker: Worker, experience: PriorExperience, **fields
) -> PriorExperience:
    values = _prior_values(**fields)
    where = await _worker_where(scope, worker)
    async with in_transaction():
        summary = f"{worker.worker_no} {worker.name}: {values['employer']}"
        await PRIOR.update(actor, experience, values, summary, **where)
    return experience


async def prior_experience_delete(*, actor: User, scope: Scope, worker: Worker, experience: PriorExperience) -> None:
    where = await _worker_where(scope, worker)
    async with in_transaction():
        await PRIOR.delete(actor, experience, f"{worker.worker_no} {worker.name}: {experience.employer}", **where)
