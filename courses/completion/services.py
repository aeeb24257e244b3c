"""Completion: required lessons done and, for classroom and blended courses, attendance at or above the
course's threshold. Completing credits the worker's CE ledger once per course (through certification's
service) and issues a certificate with an unguessable verification code.

The acts that may complete a course live here, each one transaction: a learner marking a lesson done
(enrolment records the progress) and staff marking a learner present (the classroom records the attendance),
each followed by the evaluation."""

import secrets
from datetime import UTC, date, datetime

from tortoise.transactions import in_transaction

from courses.catalog.access import can_author
from courses.catalog.models import Course, Lesson
from courses.classroom.models import ClassSession
from courses.classroom.services import attendance_record
from courses.completion.models import CompletionCertificate
from courses.completion.selectors import completion_status
from courses.enrolment.models import Enrolment, EnrolmentStatus
from courses.enrolment.services import ENROLMENT, learner_filed, lesson_progress_add
from talent.accounts.models import User
from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.certification.for_courses import course_hours_credit, course_hours_withdraw
from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import N_

COURSE_CERTIFICATE = Audited(Entity.COURSE_CERTIFICATE)


async def completion_evaluate(*, actor: User | None, enrolment: Enrolment, today: date | None = None):
    """Complete the enrolment if the rule is met (call inside the caller's transaction). Returns the
    certificate issued, or None."""
    if enrolment.status != EnrolmentStatus.ENROLLED:
        return None
    course = await Course.get(id=enrolment.course_id)
    status = await completion_status(enrolment=enrolment, course=course)
    if not status["met"]:
        return None
    today = today or local_today()
    now = datetime.now(UTC)
    updated = await Enrolment.filter(id=enrolment.id, status=EnrolmentStatus.ENROLLED).update(
        status=EnrolmentStatus.COMPLETED, completed_at=now
    )
    if not updated:
        return None  # someone else completed it a moment ago
    await course_hours_credit(
        actor=actor,
        worker_id=enrolment.worker_id,
        course_id=course.id,
        hours=course.ce_hours,
        earned_on=today,
        note=course.title,
    )
    certificate = await CompletionCertificate.create(
        enrolment_id=enrolment.id,
        worker_id=enrolment.worker_id,
        course_id=course.id,
        code=secrets.token_urlsafe(24),
        hours=course.ce_hours,
        issued_on=today,
    )
    summary = f"course {course.id} · worker {enrolment.worker_id} · {course.ce_hours} h"
    after = {"status": "completed", "certificate_id": certificate.id, "ce_hours": str(course.ce_hours)}
    filed = await learner_filed(course, enrolment.worker_id)
    await ENROLMENT.record(
        actor, Action.COMPLETE, enrolment, summary, before={"status": "enrolled"}, after=after, **filed
    )
    return certificate


async def lesson_mark_done(*, actor: User | None, scope: Scope, enrolment: Enrolment, lesson: Lesson) -> Enrolment:
    """The learner marks a lesson done; with every required lesson done (and the attendance a classroom course
    needs) the course is completed. Returns the fresh enrolment."""
    async with in_transaction():
        fresh = await lesson_progress_add(actor=actor, scope=scope, enrolment=enrolment, lesson=lesson)
        if fresh.status == EnrolmentStatus.ENROLLED:
            await completion_evaluate(actor=actor, enrolment=fresh)
    return await Enrolment.get(id=enrolment.id)


async def attendance_set(
    *, actor: User | None, scope: Scope, course: Course, session: ClassSession, enrolment_id: int, present: bool
) -> bool:
    """Mark a learner present or absent at a session; being present may complete the course."""
    async with in_transaction():
        enrolment = await attendance_record(
            actor=actor, scope=scope, course=course, session=session, enrolment_id=enrolment_id, present=present
        )
        if present:
            await completion_evaluate(actor=actor, enrolment=enrolment)
    return present


async def certificate_revoke(
    *, actor: User, scope: Scope, certificate: CompletionCertificate, reason: str
) -> CompletionCertificate:
    """Revoke a certificate (its course's authors only); the CE hours it credited are taken back."""
    course = await Course.get(id=certificate.course_id)
    if not can_author(scope, course):
        raise ServiceError("__all__", N_("You may not revoke this certificate."))
    if certificate.revoked_at is not None:
        raise ServiceError("__all__", N_("This certificate is already revoked."))
    if not reason:
        raise ServiceError("reason", N_("Give a reason."))
    async with in_transaction():
        await CompletionCertificate.filter(id=certificate.id).update(
            revoked_at=datetime.now(UTC), revoked_reason=reason[:255]
        )
        await course_hours_withdraw(actor=actor, worker_id=certificate.worker_id, course_id=course.id, reason=reason)
        summary = f"course {course.id} · worker {certificate.worker_id}: {reason}"[:255]
        after = {"status": "revoked", "reason": reason[:255]}
        filed = await learner_filed(course, certificate.worker_id)
        await COURSE_CERTIFICATE.record(
            actor, Action.REVOKE, certificate, summary, before={"status": "valid"}, after=after, **filed
        )
    return await CompletionCertificate.get(id=certificate.id)
