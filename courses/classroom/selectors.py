from tortoise.expressions import Subquery

from courses.catalog.models import Course
from courses.classroom.models import Attendance, ClassSession
from courses.enrolment.models import SEATED, Enrolment
from talent.core.access import Scope
from talent.people.access import workers_q
from talent.people.models import Worker


async def course_sessions(*, course_id: int) -> list[ClassSession]:
    return await ClassSession.filter(course_id=course_id).order_by("starts_at", "id")


async def session_get(*, course: Course, session_id: int) -> ClassSession:
    return await ClassSession.get(course_id=course.id, id=session_id)


async def roster(*, scope: Scope, course: Course, session: ClassSession) -> list[Enrolment]:
    """Learners holding a seat whose worker is in the viewer's scope, each with `present`. Two queries."""
    in_scope = Subquery(Worker.filter(workers_q(scope)).values("id"))
    rows = await (
        Enrolment.filter(course_id=course.id, status__in=list(SEATED), worker_id__in=in_scope)
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
