"""Writes of cohorts and supervision sessions. Each function runs in one transaction and records an audit entry;
a broken rule raises ServiceError and nothing is written.

- A supervisor logs a session at a station they are assigned to on the session's day; attendees are workers
  active at that station on that day; each may earn CE hours, credited through the certification domain's
  service (talent.certification.services.ce_credit_add), the ledger's one writer.
- A bureau (or an admin) runs cohorts in its subtree: members added singly, from a station or from a spreadsheet
  (a member twice is refused), a mentor per member (within reach, talent.cohorts.rules), milestones due inside
  the cohort's dates, custom milestones ticked off.
"""

from datetime import date
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.certification.models import CeSource, ExamSubject
from talent.certification.services import ce_credit_add
from talent.cohorts.access import may_run
from talent.cohorts.models import Cohort, CohortKind, CohortMember, Milestone, MilestoneKind, MilestoneMark
from talent.cohorts.rules import check_cohort_dates, check_due, check_session_ce
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError, chosen
from talent.core.i18n import N_
from talent.core.sql import Unordered, under
from talent.people.models import EmploymentSpell, Worker
from talent.people.rules import active_on as spell_active_on
from talent.people.rules import check_worker_request
from talent.people.selectors import workers_at_station, workers_numbered
from talent.places.access import organisations_q, stations_q
from talent.places.models import Organisation, Region, Station
from talent.places.services import station_audit_scope
from talent.supervision.access import readable_supervisors
from talent.supervision.models import Assignment, SessionAttendee, SessionFormat, SupervisionSession, Supervisor
from talent.supervision.rules import active_on as assignment_active_on
from talent.supervision.selectors import session_ce_rule

Actor = Model | None

SESSION = Audited(Entity.SUPERVISION_SESSION, ["supervisor_id", "station_id", "held_on", "hours", "format", "ce_hours"])
COHORT_FIELDS = [
    "name",
    "kind",
    "region_id",
    "organisation_id",
    "start_on",
    "end_on",
    "goal_cert_rate",
    "goal_ce_hours",
    "goal_retention",
]
COHORT = Audited(Entity.COHORT, COHORT_FIELDS)
MEMBER = Audited(Entity.COHORT_MEMBER, ["cohort_id", "worker_id", "mentor_id", "joined_on"])
MILESTONE = Audited(Entity.MILESTONE, ["cohort_id", "kind", "title", "due_on", "course_id", "subject_id", "hours"])
MAX_ATTENDEES = 200
MAX_MEMBERS_AT_ONCE = 500


def _forbidden() -> ServiceError:
    return ServiceError("__all__", N_("You may not change records outside your region."))


# ── supervision sessions ─────────────────────────────────────────────────────────────────────────


def session_ref(session_id: int) -> str:
    """The CE ledger's source_ref of a session's credit."""
    return f"supervision:{session_id}"


async def session_log(
    *,
    actor,
    scope: Scope,
    station_code: str,
    held_on: date,
    hours: Decimal,
    format: str,
    topics: str = "",
    attendee_ids: list[int] = (),
    ce_hours: Decimal | None = None,
    today: date,
) -> SupervisionSession:
    """Log a session held by the signed-in supervisor at a station of theirs; credit `ce_hours` to each attendee,
    at most what the CE rule of the station's region on `held_on` allows (supervision.selectors.session_ce_rule)."""
    if scope.role != Role.SUPERVISOR:
        raise ServiceError("__all__", N_("Only a supervisor logs their sessions."))
    supervisor = await Supervisor.filter(user_id=scope.user_id).first()
    if supervisor is None:
        raise ServiceError("__all__", N_("Your account has no supervisor profile."))
    if held_on is None:
        raise ServiceError("held_on", N_("This field is required."))
    if held_on > today:
        raise ServiceError("held_on", N_("A session is logged once it has been held."))
    if hours is None or not Decimal("0.5") <= hours <= Decimal("24"):
        raise ServiceError("hours", N_("Enter between 0.5 and 24 hours."))
    ce_hours = Decimal(ce_hours or 0).quantize(Decimal("0.1"))
    if ce_hours < 0:
        raise ServiceError("ce_hours", N_("Must be at least %(n)s."), n=0)
    session_format = chosen(SessionFormat, format, "format")
    station = await Station.filter(stations_q(scope), code=(station_code or "").strip()).first()
    if (
        station is None
        or not await Assignment.filter(
            assignment_active_on(held_on), supervisor_id=supervisor.id, station_id=station.id
        ).exists()
    ):
        raise ServiceError("station_code", N_("Not one of your stations on that day."))
    # The CE rule of the most specific region enclosing the station, in force on the session's day.
    check_session_ce(hours, ce_hours, await session_ce_rule(region_path=station.region_path, on=held_on))
    ids = list(dict.fromkeys(int(i) for i in attendee_ids))
    if len(ids) > MAX_ATTENDEES:
        raise ServiceError("attendees", N_("At most %(n)s attendees."), n=MAX_ATTENDEES)
    present = await EmploymentSpell.filter(
        spell_active_on(held_on), station_id=station.id, worker_id__in=ids
    ).values_list("worker_id", flat=True)
    if set(ids) - set(present):
        raise ServiceError("attendees", N_("Attendees are workers of the station on the session's day."))
    workers = await Worker.filter(id__in=ids).order_by("worker_no") if ids else []
    async with in_transaction():
        session = await SupervisionSession.create(
            supervisor_id=supervisor.id,
            station_id=station.id,
            held_on=held_on,
            hours=Decimal(hours).quantize(Decimal("0.1")),
            format=session_format,
            topics=(topics or "").strip(),
            ce_hours=ce_hours,
        )
        await SessionAttendee.bulk_create([SessionAttendee(session_id=session.id, worker_id=w) for w in ids])
        await SESSION.created(
            actor,
            session,
            f"{supervisor.name} · {station.code} · {held_on.isoformat()} · {len(ids)}",
            **station_audit_scope(station),
        )
        if ce_hours > 0:
            for worker in workers:
                await ce_credit_add(
                    actor=actor,
                    worker=worker,
                    hours=ce_hours,
                    source=CeSource.SUPERVISION,
                    earned_on=held_on,
                    note=f"{supervisor.name} · {station.name}"[:255],
                    source_ref=session_ref(session.id),
                )
    return session


# ── cohorts ──────────────────────────────────────────────────────────────────────────────────────


def _fraction(value, field: str) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if not Decimal("0") <= value <= Decimal("1"):
        raise ServiceError(field, N_("Enter a share between 0 and 1, e.g. 0.6."))
    return value.quantize(Decimal("0.001"))


async def _cohort_values(
    *,
    scope: Scope,
    name: str,
    kind: str,
    region: Region | None,
    organisation: str = "",
    start_on: date | None,
    end_on: date | None,
    goal_cert_rate=None,
    goal_ce_hours=None,
    goal_retention=None,
    description: str = "",
) -> dict:
    name = (name or "").strip()
    if not name:
        raise ServiceError("name", N_("This field is required."))
    if region is None:
        raise ServiceError("region_code", N_("This field is required."))
    if not may_run(scope, region_path=region.path):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    check_cohort_dates(start_on, end_on)
    org = None
    if organisation and organisation.strip():
        org = await Organisation.filter(organisations_q(scope), name=organisation.strip()).first()
        if org is None:
            raise ServiceError("organisation", N_("No such organisation in your scope."))
    if goal_ce_hours is not None and not Decimal("0") <= Decimal(goal_ce_hours) <= Decimal("1000"):
        raise ServiceError("goal_ce_hours", N_("Enter between 0 and 1000 hours."))
    return {
        "name": name[:100],
        "kind": chosen(CohortKind, kind, "kind"),
        "region_id": region.id,
        "region_path": region.path,
        "organisation_id": org.id if org else None,
        "start_on": start_on,
        "end_on": end_on,
        "goal_cert_rate": _fraction(goal_cert_rate, "goal_cert_rate"),
        "goal_ce_hours": Decimal(goal_ce_hours).quantize(Decimal("0.1")) if goal_ce_hours is not None else None,
        "goal_retention": _fraction(goal_retention, "goal_retention"),
        "description": (description or "").strip(),
    }


async def cohort_create(*, actor: Actor, scope: Scope, **values) -> Cohort:
    data = await _cohort_values(scope=scope, **values)
    async with in_transaction():
        cohort = await Cohort.create(**data)
        await COHORT.created(actor, cohort, cohort.name, region_path=cohort.region_path)
    return cohort


async def cohort_update(*, actor: Actor, scope: Scope, cohort: Cohort, **values) -> Cohort:
    if not may_run(scope, cohort):
        raise _forbidden()
    data = await _cohort_values(scope=scope, **values)
    outside = await Milestone.filter(
        Q(due_on__lt=data["start_on"]) | Q(due_on__gt=data["end_on"]), cohort_id=cohort.id
    ).exists()
    if outside:
        raise ServiceError("end_on", N_("Some milestones are due outside these dates; move them first."))
    async with in_transaction():
        await COHORT.update(actor, cohort, data, cohort.name, region_path=data["region_path"])
    return cohort


# ── members and mentors ──────────────────────────────────────────────────────────────────────────


async def _mentor(scope: Scope, mentor_id: int | None) -> Supervisor | None:
    if mentor_id is None:
        return None
    mentor = await readable_supervisors(scope).filter(id=mentor_id).select_related("region").first()
    if mentor is None:
        raise ServiceError("mentor", N_("No such supervisor in your scope."))
    if not mentor.active:
        raise ServiceError("mentor", N_("This supervisor is inactive."))
    return mentor


def reach_q(mentor: Supervisor, day: date) -> Q:
    """Filter on EmploymentSpell: spells active on `day` at a station within the mentor's reach (rules docstring)."""
    if mentor.region_id is None:
        return spell_active_on(day)
    assigned = Assignment.filter(assignment_active_on(day), supervisor_id=mentor.id).values("station_id")
    return spell_active_on(day) & (
        under("station__region_path", mentor.region.path) | Q(station_id__in=Unordered(assigned))
    )


async def _check_reach(mentor: Supervisor | None, worker_ids: list[int], day: date, numbers: dict[int, str]) -> None:
    if mentor is None or not worker_ids:
        return
    reached = set(
        await EmploymentSpell.filter(reach_q(mentor, day), worker_id__in=worker_ids).values_list("worker_id", flat=True)
    )
    outside = [numbers[w] for w in worker_ids if w not in reached]
    if outside:
        raise ServiceError(
            "mentor",
            N_("Outside the mentor's reach (their region and stations): %(list)s. Nothing was saved."),
            list=", ".join(sorted(outside)[:20]),
        )


def _running(scope: Scope, cohort: Cohort) -> None:
    if not may_run(scope, cohort):
        raise _forbidden()


async def members_add(
    *,
    actor: Actor,
    scope: Scope,
    cohort: Cohort,
    worker_nos: list[str] = (),
    station_code: str = "",
    mentor_id: int | None = None,
    joined_on: date | None = None,
    today: date,
) -> dict:
    """Add workers (in the actor's scope) by number and/or every worker active at a station, all with one mentor
    (or none). A number given twice, or a worker already a member, refuses the whole request; with a station its
    workers already members are skipped. Returns {"added": n, "skipped": [worker_no …]}."""
    _running(scope, cohort)
    joined_on = joined_on or max(cohort.start_on, min(today, cohort.end_on))
    if not cohort.start_on <= joined_on <= cohort.end_on:
        raise ServiceError("joined_on", N_("Members join within the cohort's dates."))
    typed = [n.strip() for n in worker_nos if n and n.strip()]
    twice = sorted({n for n in typed if typed.count(n) > 1})
    if twice:
        raise ServiceError("worker_nos", N_("Given twice: %(list)s. Nothing was saved."), list=", ".join(twice[:20]))
    check_worker_request(station_code, typed, MAX_MEMBERS_AT_ONCE)
    numbers: dict[int, str] = {}
    if typed:
        numbers.update(await workers_numbered(scope=scope, numbers=sorted(typed)))
        already = await CohortMember.filter(cohort_id=cohort.id, worker_id__in=list(numbers)).values_list(
            "worker__worker_no", flat=True
        )
        if already:
            raise ServiceError(
                "worker_nos",
                N_("Already members of this cohort: %(list)s. Nothing was saved."),
                list=", ".join(sorted(already)[:20]),
            )
    skipped: list[str] = []
    if station_code:
        at_station = await workers_at_station(scope=scope, station_code=station_code.strip(), today=today)
        members = set(
            await CohortMember.filter(cohort_id=cohort.id, worker_id__in=list(at_station)).values_list(
                "worker_id", flat=True
            )
        )
        for worker_id, worker_no in at_station.items():
            if worker_id in members:
                skipped.append(worker_no)
            else:
                numbers.setdefault(worker_id, worker_no)
    mentor = await _mentor(scope, mentor_id)
    await _check_reach(mentor, list(numbers), today, numbers)
    async with in_transaction():
        await CohortMember.bulk_create(
            [
                CohortMember(
                    cohort_id=cohort.id, worker_id=w, mentor_id=mentor.id if mentor else None, joined_on=joined_on
                )
                for w in numbers
            ]
        )
        await MEMBER.record(
            actor,
            Action.CREATE,
            cohort,
            f"{cohort.name} + {len(numbers)}: " + ", ".join(sorted(numbers.values())[:20]),
            after={"worker_nos": sorted(numbers.values()), "mentor_id": mentor.id if mentor else None},
            region_path=cohort.region_path,
        )
    return {"added": len(numbers), "skipped": sorted(skipped)}


async def member_set_mentor(
    *, actor: Actor, scope: Scope, member: CohortMember, mentor_id: int | None, today: date
) -> CohortMember:
    """Give a member a mentor (or none); `member.cohort` and `member.worker` loaded."""
    _running(scope, member.cohort)
    mentor = await _mentor(scope, mentor_id)
    await _check_reach(mentor, [member.worker_id], today, {member.worker_id: member.worker.worker_no})
    async with in_transaction():
        await MEMBER.update(
            actor,
            member,
            {"mentor_id": mentor.id if mentor else None},
            f"{member.cohort.name} · {member.worker.worker_no} mentor",
            region_path=member.cohort.region_path,
        )
    return member


async def member_remove(*, actor: Actor, scope: Scope, member: CohortMember) -> None:
    _running(scope, member.cohort)
    async with in_transaction():
        await MEMBER.delete(
            actor, member, f"{member.cohort.name} − {member.worker.worker_no}", region_path=member.cohort.region_path
        )


# ── milestones ───────────────────────────────────────────────────────────────────────────────────


async def milestone_create(
    *,
    actor: Actor,
    scope: Scope,
    cohort: Cohort,
    kind: str,
    title: str = "",
    due_on: date | None,
    course_id: int | None = None,
    course_title: str = "",
    subject_code: str = "",
    hours: Decimal | None = None,
) -> Milestone:
    """A milestone due inside the cohort's dates. A course milestone names a course the actor may open (the caller
    resolves it, through the learning side, and passes its id and title)."""
    _running(scope, cohort)
    kind = chosen(MilestoneKind, kind, "kind")
    check_due(due_on, cohort.start_on, cohort.end_on)
    values: dict = {"course_id": None, "subject_id": None, "hours": None}
    title = (title or "").strip()
    if kind == MilestoneKind.COURSE:
        if course_id is None:
            raise ServiceError("course", N_("Choose a course."))
        values["course_id"] = course_id
        title = title or course_title
    elif kind == MilestoneKind.SUBJECT:
        subject = await ExamSubject.filter(code=(subject_code or "").strip()).first()
        if subject is None:
            raise ServiceError("subject", N_("Choose an exam subject."))
        values["subject_id"] = subject.id
        title = title or f"{subject.code} {subject.name}"
    elif kind == MilestoneKind.CE_HOURS:
        if hours is None or not Decimal("0.5") <= hours <= Decimal("1000"):
            raise ServiceError("hours", N_("Enter between 0.5 and 1000 hours."))
        values["hours"] = Decimal(hours).quantize(Decimal("0.1"))
        title = title or f"CE {values['hours']} h"
    elif not title:
        raise ServiceError("title", N_("A custom milestone needs a title."))
    async with in_transaction():
        milestone = await Milestone.create(cohort_id=cohort.id, kind=kind, title=title[:200], due_on=due_on, **values)
        await MILESTONE.created(actor, milestone, f"{cohort.name} · {milestone.title}", region_path=cohort.region_path)
    return milestone


async def milestone_delete(*, actor: Actor, scope: Scope, cohort: Cohort, milestone: Milestone) -> None:
    _running(scope, cohort)
    async with in_transaction():
        await MILESTONE.delete(actor, milestone, f"{cohort.name} · {milestone.title}", region_path=cohort.region_path)


async def mark_set(
    *, actor: Actor, scope: Scope, cohort: Cohort, milestone: Milestone, member: CohortMember, done: bool, today: date
) -> bool:
    """Tick a custom milestone off for a member (today), or undo it. Returns whether it is now done."""
    _running(scope, cohort)
    if milestone.kind != MilestoneKind.CUSTOM:
        raise ServiceError("__all__", N_("Only a custom milestone is ticked off; the others follow the records."))
    if milestone.cohort_id != cohort.id or member.cohort_id != cohort.id:
        raise ServiceError("__all__", N_("Not found."))
    async with in_transaction():
        existing = await MilestoneMark.filter(milestone_id=milestone.id, member_id=member.id).first()
        if done and existing is None:
            await MilestoneMark.create(milestone_id=milestone.id, member_id=member.id, done_on=today)
        elif not done and existing is not None:
            await existing.delete()
        else:
            return done
        await MILESTONE.record(
            actor,
            Action.UPDATE,
            milestone,
            f"{milestone.title} · member {member.id} {'done' if done else 'undone'}",
            region_path=cohort.region_path,
        )
    return done
