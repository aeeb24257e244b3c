"""Reads of classroom sessions and attendance."""

from datetime import datetime

from courses.catalog.models import Course
from courses.classroom.models import Attendance, ClassSession
from courses.enrolment.models import SEATED, Enrolment, EnrolmentStatus
from talent.core.access import Scope
from talent.core.aggregate import count_by
from talent.core.sql import Unordered
from talent.people.access import reached_rows_q


async def course_sessions(*, course: Course) -> list[ClassSession]:
    return await ClassSession.filter(course_id=course.id).order_by("starts_at", "id")


async def session_get(*, course: Course, session_id: int) -> ClassSession:
    return await ClassSession.get(course_id=course.id, id=session_id)


async def roster(*, scope: Scope, course: Course, session: ClassSession) -> list[Enrolment]:
    """Learners holding a seat whose worker is in the viewer's scope, each with `present`. Two queries."""
    rows = await (
        Enrolment.filter(reached_rows_q(scope, Enrolment, course_id=course.id), status__in=list(SEATED))
        .select_related("worker")
        .order_by("worker__name", "id")
    )
    present = set(
        await Attendance.filter(session_id=session.id, enrolment_id__in=[e.id for e in rows] or [0]).values_list(
            "enrolment_id", flat=True
        )
    )
    for e in rows:
        e.present = e.id in present
    return rows


async def sessions_attended(*, enrolments: list[Enrolment]) -> dict[int, int]:
    """Sessions attended per enrolment (the enrolments of a learners page, read through the viewer's scope),
    counted in SQL."""
    return await count_by(Attendance.filter(enrolment_id__in=[e.id for e in enrolments] or [0]), "enrolment_id")


async def upcoming_sessions(*, worker_id: int, since: datetime, limit: int = 10) -> list[ClassSession]:
    """The next sessions of the courses the worker holds a seat on (enrolled, not yet completed), from `since`."""
    seated = Unordered(Enrolment.filter(worker_id=worker_id, status=EnrolmentStatus.ENROLLED).values("course_id"))
    return await (
        ClassSession.filter(course_id__in=seated, starts_at__gte=since)
        .select_related("course")
        .order_by("starts_at")
        .limit(limit)
    )
