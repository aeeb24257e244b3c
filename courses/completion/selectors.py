"""Reads of completion: where a learner stands, completed courses with their certificates, the public
verification by code, and scoped lookups."""

import re

from courses.catalog.models import Course, Lesson
from courses.classroom.models import Attendance, ClassSession
from courses.completion.models import CompletionCertificate
from courses.enrolment.models import Enrolment, EnrolmentStatus, LessonProgress
from talent.core.access import Scope
from talent.people.access import reached_rows_q

CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, Li Ming → L*****g: enough to recognise, not to identify."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


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


async def certificate_of(*, enrolment: Enrolment) -> CompletionCertificate | None:
    """The certificate of an enrolment (the viewer's own, read through the course they may open)."""
    return await CompletionCertificate.filter(enrolment_id=enrolment.id).first()


async def completed_courses(*, worker_id: int) -> list[Enrolment]:
    """The worker's completed enrolments, newest first, each with its course and certificate (one query)."""
    return await (
        Enrolment.filter(worker_id=worker_id, status=EnrolmentStatus.COMPLETED)
        .select_related("course", "certificate")
        .order_by("-completed_at")
    )


async def certificate_by_code(*, code: str) -> CompletionCertificate | None:
    # Codes are URL-safe base64 (secrets.token_urlsafe); anything else (NUL included) matches nothing.
    if not CODE_RE.fullmatch(code or ""):
        return None
    return await CompletionCertificate.filter(code=code).select_related("course", "course__region", "worker").first()


async def certificate_get(*, scope: Scope, certificate_id: int) -> CompletionCertificate:
    """A certificate the viewer may see: their own (a worker), or a worker's in the viewer's scope."""
    qs = CompletionCertificate.filter(reached_rows_q(scope, CompletionCertificate, id=certificate_id))
    return await qs.select_related("course", "course__region", "worker").get()
