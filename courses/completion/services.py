"""Completion: required lessons done and, for classroom and blended courses, attendance at or above the
course's threshold. Completing credits the worker's CE ledger once per course and issues a certificate
with an unguessable verification code."""

import secrets
from datetime import UTC, date, datetime

from tortoise.transactions import in_transaction

from courses.catalog.models import Course, Lesson
from courses.classroom.models import Attendance, ClassSession
from courses.completion.models import CompletionCertificate
from courses.enrolment.models import Enrolment, EnrolmentStatus, LessonProgress
from courses.enrolment.services import learner_audit_scope
from courses.scope import can_author
from talent.accounts.models import User
from talent.audit.services import audit_record
from talent.certification.models import CeCredit, CeSource
from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _


def source_ref(course_id: int) -> str:
    return f"course:{course_id}"


async def completion_status(*, enrolment: Enrolment, course: Course) -> dict:
    """Where a learner stands: required lessons done of total, sessions attended of total, and whether
    both rules are met. Four COUNT queries."""
    required = await Lesson.filter(course_id=course.id, required=True).count()
    done = await LessonProgress.filter(enrolment_id=enrolment.id, lesson__required=True).count()
    sessions = await ClassSession.filter(course_id=course.id).count() if course.needs_attendance else 0
    attended = await Attendance.filter(enrolment_id=enrolment.id).count() if sessions else 0
    rate = (attended / sessions) if sessions else None
    lessons_ok = done >= required
    # A classroom course without sessions has nothing to attend.
    attendance_ok = rate is None or attended * 100 >= course.attendance_threshold * sessions
    return {
        "required": required,
        "done": done,
        "sessions": sessions,
        "attended": attended,
        "rate": rate,
        "lessons_ok": lessons_ok,
        "attendance_ok": attendance_ok,
        "met": lessons_ok and attendance_ok,
    }


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
    ref = source_ref(course.id)
    if course.ce_hours > 0 and not await CeCredit.filter(worker_id=enrolment.worker_id, source_ref=ref).exists():
        await CeCredit.create(
            worker_id=enrolment.worker_id,
            hours=course.ce_hours,
            source=CeSource.COURSE,
            source_ref=ref,
            earned_on=today,
            note=course.title[:255],
        )
    certificate = await CompletionCertificate.create(
        enrolment_id=enrolment.id,
        worker_id=enrolment.worker_id,
        course_id=course.id,
        code=secrets.token_urlsafe(24),
        hours=course.ce_hours,
        issued_on=today,
    )
    await audit_record(
        actor=actor,
        action="complete",
        entity="enrolment",
        entity_id=enrolment.id,
        summary=f"course {course.id} · worker {enrolment.worker_id} · {course.ce_hours} h",
        before={"status": "enrolled"},
        after={"status": "completed", "certificate_id": certificate.id, "ce_hours": str(course.ce_hours)},
        **(await learner_audit_scope(course, [enrolment.worker_id]))[enrolment.worker_id],
    )
    return certificate


async def certificate_revoke(
    *, actor: User, scope: Scope, certificate: CompletionCertificate, reason: str
) -> CompletionCertificate:
    """Revoke a certificate (its course's authors only); the CE hours it credited are taken back."""
    course = await Course.get(id=certificate.course_id)
    if not can_author(scope, course):
        raise ServiceError("__all__", _("You may not revoke this certificate."))
    if certificate.revoked_at is not None:
        raise ServiceError("__all__", _("This certificate is already revoked."))
    if not reason:
        raise ServiceError("reason", _("Give a reason."))
    async with in_transaction():
        await CompletionCertificate.filter(id=certificate.id).update(
            revoked_at=datetime.now(UTC), revoked_reason=reason[:255]
        )
        await CeCredit.filter(worker_id=certificate.worker_id, source_ref=source_ref(course.id)).delete()
        await audit_record(
            actor=actor,
            action="revoke",
            entity="course_certificate",
            entity_id=certificate.id,
            summary=f"course {course.id} · worker {certificate.worker_id}: {reason}"[:255],
            before={"status": "valid"},
            after={"status": "revoked", "reason": reason[:255]},
            **(await learner_audit_scope(course, [certificate.worker_id]))[certificate.worker_id],
        )
    return await CompletionCertificate.get(id=certificate.id)
