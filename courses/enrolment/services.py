"""Enrolment, waitlist, withdrawal and lesson progress.

Rules: a worker enrols in a published course they are eligible for (a station of theirs lies in the
course's region), inside the enrolment window, at most once; while seats are left they are enrolled,
after that waitlisted with a position (1 = next); a withdrawal of an enrolled learner promotes the first
of the waitlist, and every position behind a leaver moves up one. The capacity is never exceeded: every
change to a course's seats runs under lock_course() (row lock on PostgreSQL, write lock on SQLite).
Staff enrol only workers in their scope, and a worker is eligible through a station the staff member
sees: an enrolment never rests on (nor reveals) a station outside the actor's scope. Every entry about an
enrolment is filed under the course's region and under the jurisdictions that see the worker.

Completing a course (lessons done, attendance) is courses.completion's: it records progress through
lesson_progress_add here and then evaluates, in one transaction.
"""

from datetime import UTC, date, datetime

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from courses.catalog import services as catalog
from courses.catalog.models import Course, CourseStatus, Lesson
from courses.catalog.services import audit_scope, lock_course
from courses.enrolment.models import Enrolment, EnrolmentStatus, LessonProgress
from talent.accounts.models import User
from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.core.access import Permission, Scope
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.sql import Unordered, under
from talent.people.access import reached_worker_q, spells_q
from talent.people.models import EmploymentSpell, Worker
from talent.people.rules import active_on, check_worker_request
from talent.people.selectors import worker_jurisdictions, workers_at_station, workers_numbered

MAX_BULK = 500
HOLDING = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.COMPLETED)
ENROLMENT = Audited(Entity.ENROLMENT)


def _now() -> datetime:
    return datetime.now(UTC)


def eligible_workers(course: Course, day: date, scope: Scope | None = None) -> Q:
    """Workers with an active spell at a station inside the course's region (a filter on Worker); with a
    scope, only spells the viewer sees count (a worker's own, or at a station in a staff member's scope)."""
    spells = EmploymentSpell.filter(active_on(day), under("station__region_path", course.region_path))
    if scope is not None:
        spells = spells.filter(spells_q(scope))
    return Q(id__in=Unordered(spells.values("worker_id")))


async def learner_audit_scope(course: Course, worker_ids) -> dict[int, dict]:
    """Per worker, audit_record's filing for a change to their enrolment: the course's region, and `also`
    every jurisdiction that sees the worker (their stations' regions and organisations)."""
    places = await worker_jurisdictions(worker_ids)
    return {wid: {**audit_scope(course), "also": places.get(wid, [])} for wid in dict.fromkeys(worker_ids)}


async def learner_filed(course: Course, worker_id: int) -> dict:
    """learner_audit_scope of one learner."""
    return (await learner_audit_scope(course, [worker_id]))[worker_id]


def _check_open(course: Course, day: date) -> None:
    if course.status != CourseStatus.PUBLISHED:
        raise ServiceError("__all__", N_("This course is not open for enrolment."))
    if course.enrol_opens_on and day < course.enrol_opens_on:
        raise ServiceError("__all__", N_("Enrolment opens on %(date)s."), date=course.enrol_opens_on.isoformat())
    if course.enrol_closes_on and day > course.enrol_closes_on:
        raise ServiceError("__all__", N_("Enrolment closed on %(date)s."), date=course.enrol_closes_on.isoformat())


async def _place(
    *, actor: User | None, course: Course, worker_id: int, existing: Enrolment | None, filed: dict
) -> Enrolment:
    """Give one worker a seat or a waitlist place; `course` is the locked, fresh row and is updated. `filed`:
    the audit filing (learner_audit_scope)."""
    now = _now()
    if course.capacity is None or course.seats_taken < course.capacity:
        status, position = EnrolmentStatus.ENROLLED, None
        course.seats_taken += 1
    else:
        course.waitlisted += 1
        status, position = EnrolmentStatus.WAITLISTED, course.waitlisted
    values = {
        "status": status,
        "position": position,
        "enrolled_by_id": getattr(actor, "id", None),
        "enrolled_at": now if status == EnrolmentStatus.ENROLLED else None,
        "withdrawn_at": None,
    }
    if existing is not None:
        await Enrolment.filter(id=existing.id).update(**values)
        enrolment = await Enrolment.get(id=existing.id)
    else:
        enrolment = await Enrolment.create(course_id=course.id, worker_id=worker_id, **values)
    action = Action.ENROL if status == EnrolmentStatus.ENROLLED else Action.WAITLIST
    summary = f"course {course.id} · worker {worker_id}" + (f" · #{position}" if position else "")
    after = {"course_id": course.id, "worker_id": worker_id, "status": status.value, "position": position}
    await ENROLMENT.record(actor, action, enrolment, summary, after=after, **filed)
    return enrolment


async def _save_counters(course: Course) -> None:
    await Course.filter(id=course.id).update(seats_taken=course.seats_taken, waitlisted=course.waitlisted)


async def enrolment_enrol(*, actor: User, scope: Scope, course: Course, worker_id: int, today: date) -> Enrolment:
    """Enrol one worker: the worker themself, or a worker in the staff member's scope."""
    if scope.can(Permission.LEARN):
        if worker_id != scope.worker_id:
            raise ServiceError("__all__", N_("You may enrol only yourself."))
    elif not scope.can(Permission.LEARNERS_MANAGE):
        raise ServiceError("__all__", N_("You may not enrol workers."))
    elif not await Worker.filter(reached_worker_q(scope, id=worker_id)).exists():
        raise ServiceError("worker_nos", N_("This worker is not in your scope."))
    if not await Worker.filter(eligible_workers(course, today, scope), id=worker_id).exists():
        raise ServiceError("__all__", N_("This course is not offered at the worker's station."))
    filed = (await learner_audit_scope(course, [worker_id]))[worker_id]
    async with in_transaction():
        fresh = await lock_course(course.id)
        _check_open(fresh, today)
        existing = await Enrolment.filter(course_id=fresh.id, worker_id=worker_id).first()
        if existing is not None and existing.status in HOLDING:
            raise _already(existing)
        enrolment = await _place(actor=actor, course=fresh, worker_id=worker_id, existing=existing, filed=filed)
        await _save_counters(fresh)
    return enrolment


def _already(enrolment: Enrolment) -> ServiceError:
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        return ServiceError("__all__", N_("Already on the waitlist (position %(n)s)."), n=enrolment.position)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return ServiceError("__all__", N_("Already completed this course."))
    return ServiceError("__all__", N_("Already enrolled in this course."))


async def enrolment_bulk(
    *, actor: User, scope: Scope, course: Course, today: date, station_code: str = "", worker_nos: list[str] = ()
) -> dict:
    """Enrol a whole station (its active workers) and/or a list of worker numbers, in one transaction.
    Unknown or out-of-scope numbers refuse the whole request; workers already holding a place are
    skipped and reported. Returns counts and the skipped worker numbers."""
    if not scope.can(Permission.LEARNERS_MANAGE):
        raise ServiceError("__all__", N_("You may not enrol workers."))
    numbers = list(dict.fromkeys(n.strip() for n in worker_nos if n and n.strip()))
    check_worker_request(station_code, numbers, MAX_BULK)
    ids: dict[int, str] = {}
    if station_code:
        ids.update(await workers_at_station(scope=scope, station_code=station_code, today=today))
    if numbers:
        ids.update(await workers_numbered(scope=scope, numbers=numbers))
    eligible = set(
        await Worker.filter(eligible_workers(course, today, scope), id__in=list(ids)).values_list("id", flat=True)
    )
    outside = [ids[i] for i in ids if i not in eligible]
    if outside:
        raise ServiceError(
            "worker_nos",
            N_("This course is not offered at the station of: %(list)s. Nothing was saved."),
            list=", ".join(sorted(outside)[:20]),
        )
    result = {"enrolled": 0, "waitlisted": 0, "skipped": []}
    filed = await learner_audit_scope(course, list(ids))
    async with in_transaction():
        fresh = await lock_course(course.id)
        _check_open(fresh, today)
        existing = {e.worker_id: e for e in await Enrolment.filter(course_id=fresh.id, worker_id__in=list(ids))}
        for worker_id in sorted(ids, key=lambda i: ids[i]):
            current = existing.get(worker_id)
            if current is not None and current.status in HOLDING:
                result["skipped"].append(ids[worker_id])
                continue
            enrolment = await _place(
                actor=actor, course=fresh, worker_id=worker_id, existing=current, filed=filed[worker_id]
            )
            result[enrolment.status.value] += 1
        await _save_counters(fresh)
    return result


async def promote_waitlisted(course: Course) -> int:
    """Fill free seats from the head of the waitlist (inside the caller's transaction, course locked)."""
    promoted = 0
    while course.waitlisted and (course.capacity is None or course.seats_taken < course.capacity):
        first = (
            await Enrolment.filter(course_id=course.id, status=EnrolmentStatus.WAITLISTED).order_by("position").first()
        )
        if first is None:
            course.waitlisted = 0
            break
        await Enrolment.filter(id=first.id).update(status=EnrolmentStatus.ENROLLED, position=None, enrolled_at=_now())
        await Enrolment.filter(course_id=course.id, status=EnrolmentStatus.WAITLISTED).update(
            position=F("position") - 1
        )
        course.seats_taken += 1
        course.waitlisted -= 1
        promoted += 1
        before = {"status": "waitlisted", "position": first.position}
        after = {"status": "enrolled", "position": None}
        summary = f"course {course.id} · worker {first.worker_id}"
        filed = await learner_filed(course, first.worker_id)
        await ENROLMENT.record(None, Action.PROMOTE, first, summary, before=before, after=after, **filed)
    return promoted


async def enrolment_withdraw(*, actor: User, scope: Scope, enrolment: Enrolment) -> Enrolment:
    """Withdraw a learner (themself, or by staff in scope); frees the seat for the first waitlisted."""
    if scope.can(Permission.LEARN) and enrolment.worker_id != scope.worker_id:
        raise ServiceError("__all__", N_("You may withdraw only yourself."))
    if not scope.can(Permission.LEARN) and not scope.can(Permission.LEARNERS_MANAGE):
        raise ServiceError("__all__", N_("You may not withdraw learners."))
    async with in_transaction():
        course = await lock_course(enrolment.course_id)
        fresh = await Enrolment.get(id=enrolment.id)
        before = {"status": fresh.status.value, "position": fresh.position}
        if fresh.status == EnrolmentStatus.ENROLLED:
            course.seats_taken -= 1
        elif fresh.status == EnrolmentStatus.WAITLISTED:
            await Enrolment.filter(
                course_id=course.id, status=EnrolmentStatus.WAITLISTED, position__gt=fresh.position
            ).update(position=F("position") - 1)
            course.waitlisted -= 1
        elif fresh.status == EnrolmentStatus.COMPLETED:
            raise ServiceError("__all__", N_("A completed course cannot be withdrawn from."))
        else:
            raise ServiceError("__all__", N_("Already withdrawn."))
        await Enrolment.filter(id=fresh.id).update(status=EnrolmentStatus.WITHDRAWN, position=None, withdrawn_at=_now())
        after = {"status": "withdrawn", "position": None}
        summary = f"course {course.id} · worker {fresh.worker_id}"
        filed = await learner_filed(course, fresh.worker_id)
        await ENROLMENT.record(actor, Action.WITHDRAW, fresh, summary, before=before, after=after, **filed)
        await promote_waitlisted(course)
        await _save_counters(course)
    return await Enrolment.get(id=enrolment.id)


async def lesson_seen(*, enrolment: Enrolment, lesson: Lesson) -> None:
    """Remember the lesson a learner opened last ("continue where you left off")."""
    if enrolment.last_lesson_id != lesson.id:
        await Enrolment.filter(id=enrolment.id).update(last_lesson_id=lesson.id)


async def lesson_progress_add(*, actor: User | None, scope: Scope, enrolment: Enrolment, lesson: Lesson) -> Enrolment:
    """Record a lesson as done by the learner (once; audited) and remember it as the one opened last. Call it
    through courses.completion.services.lesson_mark_done, which also completes the course when the rule is met;
    runs in the caller's transaction when there is one. Returns the fresh enrolment."""
    if not scope.can(Permission.LEARN) or enrolment.worker_id != scope.worker_id:
        raise ServiceError("__all__", N_("Only the learner marks their lessons done."))
    if lesson.course_id != enrolment.course_id:
        raise ServiceError("__all__", N_("This lesson belongs to another course."))
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
        raise ServiceError("__all__", N_("Enrol in the course first."))
    async with in_transaction():
        if not await LessonProgress.filter(enrolment_id=enrolment.id, lesson_id=lesson.id).exists():
            await LessonProgress.create(enrolment_id=enrolment.id, lesson_id=lesson.id)
            course = await Course.get(id=enrolment.course_id)
            filed = await learner_filed(course, enrolment.worker_id)
            await ENROLMENT.record(actor, Action.LESSON_DONE, enrolment, f"lesson {lesson.id}", **filed)
        await Enrolment.filter(id=enrolment.id).update(last_lesson_id=lesson.id)
        return await Enrolment.get(id=enrolment.id)


async def course_update(
    *, actor: User, scope: Scope, course: Course, region_code: str | None = None, **values
) -> Course:
    """The catalog's course_update, and, when the capacity grew, the head of the waitlist let in: one
    transaction under the course's lock, so no enrolment can take a freed seat ahead of the waitlist."""
    async with in_transaction():
        fresh = await catalog.course_update(actor=actor, scope=scope, course=course, region_code=region_code, **values)
        if await promote_waitlisted(fresh):
            await _save_counters(fresh)
    return fresh
