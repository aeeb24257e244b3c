"""Classroom sessions (authors) and attendance (admin, bureau and HR, for learners in their scope).

Being present may complete a course: that is courses.completion.services.attendance_set, which records the
attendance through attendance_record here and then evaluates, in one transaction."""

from datetime import datetime

from tortoise.transactions import in_transaction

from courses.catalog.access import can_author
from courses.catalog.models import Course
from courses.catalog.services import audit_scope
from courses.classroom.models import Attendance, ClassSession
from courses.enrolment.models import SEATED, Enrolment
from courses.enrolment.services import ENROLMENT, learner_filed
from talent.accounts.models import User
from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.core.access import Permission, Scope
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.people.access import reached_rows_q

SESSION_AUDIT_FIELDS = ["course_id", "title", "starts_at", "minutes", "place", "trainer"]
SESSION = Audited(Entity.CLASS_SESSION, SESSION_AUDIT_FIELDS)


async def session_create(
    *, actor: User, scope: Scope, course: Course, starts_at: datetime, minutes: int | None = None, place: str = "",
    title: str = "", trainer: str = "",
) -> ClassSession:  # fmt: skip
    if not can_author(scope, course):
        raise ServiceError("__all__", N_("You may not edit this course."))
    async with in_transaction():
        session = await ClassSession.create(
            course=course,
            starts_at=starts_at,
            minutes=minutes or 120,
            place=place or "",
            title=title or "",
            trainer=trainer or "",
        )
        await SESSION.created(
            actor, session, f"{course.title} · {starts_at:%Y-%m-%d %H:%M}"[:255], **audit_scope(course)
        )
    return session


async def attendance_record(
    *, actor: User | None, scope: Scope, course: Course, session: ClassSession, enrolment_id: int, present: bool
) -> Enrolment:
    """Mark a learner present or absent at a session (audited when it changes); runs in the caller's transaction
    when there is one. Returns the learner's enrolment."""
    if not scope.can(Permission.LEARNERS_MANAGE):
        raise ServiceError("__all__", N_("You may not take attendance."))
    enrolment = await Enrolment.filter(
        reached_rows_q(scope, Enrolment, id=enrolment_id, course_id=course.id), status__in=list(SEATED)
    ).first()
    if enrolment is None or session.course_id != course.id:
        raise ServiceError("__all__", N_("This learner does not hold a seat on this course."))
    async with in_transaction():
        exists = await Attendance.filter(session_id=session.id, enrolment_id=enrolment.id).exists()
        if present and not exists:
            await Attendance.create(session_id=session.id, enrolment_id=enrolment.id, marked_by=actor)
        elif not present and exists:
            await Attendance.filter(session_id=session.id, enrolment_id=enrolment.id).delete()
        if present != exists:
            action = Action.PRESENT if present else Action.ABSENT
            filed = await learner_filed(course, enrolment.worker_id)
            await ENROLMENT.record(actor, action, enrolment, f"session {session.id}", **filed)
    return enrolment
