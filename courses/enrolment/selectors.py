"""Reads of enrolments, progress and a worker's learning, with aggregates in SQL. (Sessions attended and
upcoming sessions are the classroom's: courses.classroom.selectors.)"""

from datetime import date, timedelta
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from courses.catalog.models import Course, Lesson
from courses.enrolment.models import Enrolment, EnrolmentStatus, LessonProgress
from talent.certification.models import CeCredit
from talent.core.access import Scope
from talent.core.aggregate import count_by
from talent.core.pagination import ListParams, Page, paginate
from talent.core.sql import icontains
from talent.people.access import reached_rows_q

SORTS = {"worker_no": "worker__worker_no", "name": "worker__name", "status": "status", "position": "position"}
STATUS_FILTERS = ("", *EnrolmentStatus)


async def enrolment_of(*, course: Course, worker_id: int | None) -> Enrolment | None:
    """The viewer's own enrolment in the course (a worker account's worker id), if any."""
    if not worker_id:
        return None
    return await Enrolment.filter(course_id=course.id, worker_id=worker_id).first()


async def enrolment_get(*, scope: Scope, course: Course, enrolment_id: int) -> Enrolment:
    """An enrolment of the course whose worker is in the viewer's scope; DoesNotExist otherwise."""
    return (
        await Enrolment.filter(reached_rows_q(scope, Enrolment, course_id=course.id, id=enrolment_id))
        .select_related("worker")
        .get()
    )


async def progress(*, enrolment: Enrolment | None, lessons: list[Lesson]) -> dict:
    """Lessons done (ids), required done of required, percent, and the lesson to continue with: the last
    one opened if it is not done yet, else the first lesson not done."""
    done_ids: set[int] = set()
    if enrolment is not None:
        done_ids = set(await LessonProgress.filter(enrolment_id=enrolment.id).values_list("lesson_id", flat=True))
    required = [lesson for lesson in lessons if lesson.required]
    required_done = sum(1 for lesson in required if lesson.id in done_ids)
    total = len(required) or len(lessons)
    done = required_done if required else len(done_ids & {lesson.id for lesson in lessons})
    percent = round(100 * done / total) if total else 0
    resume = None
    if enrolment is not None and lessons:
        by_id = {lesson.id: lesson for lesson in lessons}
        last = by_id.get(enrolment.last_lesson_id) if enrolment.last_lesson_id else None
        if last is not None and last.id not in done_ids:
            resume = last
        else:
            resume = next((lesson for lesson in lessons if lesson.id not in done_ids), None)
    return {"done_ids": done_ids, "done": done, "total": total, "percent": percent, "resume": resume}


async def course_enrolments(*, scope: Scope, course: Course, params: ListParams, status: str = "") -> Page:
    """Learners of a course the viewer may see (HR: their organisation's workers)."""
    qs = Enrolment.filter(reached_rows_q(scope, Enrolment, course_id=course.id))
    if status in STATUS_FILTERS and status:
        qs = qs.filter(status=status)
    if params.q:
        qs = qs.filter(icontains("worker__name", params.q) | icontains("worker__worker_no", params.q))
    return await paginate(qs.select_related("worker"), params, SORTS, default="worker_no")


async def status_counts(*, course: Course) -> dict[str, int]:
    rows = await Enrolment.filter(course_id=course.id).annotate(n=Count("id")).group_by("status").values("status", "n")
    return {(r["status"].value if hasattr(r["status"], "value") else r["status"]): r["n"] for r in rows}


async def my_enrolments(*, worker_id: int, course_ids: list[int]) -> dict[int, Enrolment]:
    return {e.course_id: e for e in await Enrolment.filter(worker_id=worker_id, course_id__in=course_ids)}


async def my_learning(*, worker_id: int, today: date) -> dict:
    """The "My learning" page: current and waitlisted courses with progress, CE hours this year and over the
    last three years. Fixed query count. (Completed courses with their certificates are
    courses.completion.selectors.completed_courses; upcoming sessions courses.classroom.selectors.)"""
    current = await (
        Enrolment.filter(worker_id=worker_id, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED])
        .select_related("course", "last_lesson")
        .order_by("status", "-id")
    )
    course_ids = [e.course_id for e in current]
    done = await count_by(
        LessonProgress.filter(enrolment_id__in=[e.id for e in current] or [0], lesson__required=True), "enrolment_id"
    )
    required = await count_by(Lesson.filter(course_id__in=course_ids or [0], required=True), "course_id")
    for e in current:
        e.done = done.get(e.id, 0)
        e.required = required.get(e.course_id, 0)
        e.percent = round(100 * e.done / e.required) if e.required else 0
    year_start = date(today.year, 1, 1)
    three_years = today - timedelta(days=3 * 365)
    # Both sums in one reading of the worker's credits since the earlier of the two days.
    sums = (
        await CeCredit.filter(worker_id=worker_id, earned_on__gte=min(year_start, three_years))
        .annotate(
            year=Sum("hours", _filter=Q(earned_on__gte=year_start)),
            three=Sum("hours", _filter=Q(earned_on__gte=three_years)),
        )
        .values("year", "three")
    )
    row = sums[0] if sums else {}
    return {
        "current": current,
        "hours_year": Decimal(str(row.get("year") or 0)),
        "hours_3y": Decimal(str(row.get("three") or 0)),
    }
