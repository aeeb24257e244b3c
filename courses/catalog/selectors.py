"""Reads of the catalog, always through course_visibility()."""

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.functions import Count

from courses.catalog.models import Category, Course, CourseStatus, Delivery, Lesson
from courses.scope import course_visibility
from talent.core.access import Role, Scope
from talent.core.pagination import ListParams, Page, paginate
from talent.places.models import CertLevel, Region

SORTS = {"title": "title", "hours": "ce_hours", "starts": "starts_on", "new": "id"}


@dataclass
class CatalogFilters:
    category: str = ""
    level: str = ""
    delivery: str = ""
    region: str = ""  # a region code: courses of that region's subtree
    open_only: bool = False
    status: str = ""  # authors only


def open_on(day: date) -> Q:
    """Published and inside the enrolment window on `day` (an empty end of the window is open)."""
    return (
        Q(status=CourseStatus.PUBLISHED)
        & (Q(enrol_opens_on=None) | Q(enrol_opens_on__lte=day))
        & (Q(enrol_closes_on=None) | Q(enrol_closes_on__gte=day))
    )


async def visible_courses(*, scope: Scope, today: date):
    return Course.filter(await course_visibility(scope, today))


async def course_list(*, scope: Scope, params: ListParams, filters: CatalogFilters, today: date) -> Page:
    """The catalog page. Learners see published courses only; authors may filter by status.
    Query count is fixed: the visibility paths, the count, the page (region joined)."""
    qs = await visible_courses(scope=scope, today=today)
    if scope.role in (Role.ADMIN, Role.BUREAU):
        if filters.status in {s.value for s in CourseStatus}:
            qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status=CourseStatus.PUBLISHED)
    if params.q:
        qs = qs.filter(Q(title__icontains=params.q) | Q(summary__icontains=params.q))
    if filters.category in {c.value for c in Category}:
        qs = qs.filter(category=filters.category)
    if filters.level in {c.value for c in CertLevel}:
        qs = qs.filter(Q(target_level=filters.level) | Q(target_level=None))
    if filters.delivery in {d.value for d in Delivery}:
        qs = qs.filter(delivery=filters.delivery)
    if filters.region:
        qs = qs.filter(region_path__startswith=await _region_path(filters.region))
    if filters.open_only:
        qs = qs.filter(open_on(today))
    return await paginate(qs.select_related("region"), params, SORTS, default="-new")


async def _region_path(code: str) -> str:
    path = await Region.filter(code=code).values_list("path", flat=True)
    return path[0] if path else "none/"  # an unknown code matches nothing (paths are digits and slashes)


async def region_choices(*, scope: Scope, today: date) -> list[dict]:
    """Regions that own a course the viewer can see (for the catalog's region filter)."""
    qs = await visible_courses(scope=scope, today=today)
    return list(
        await qs.filter(region_id__not_isnull=True)
        .order_by("region__code")
        .distinct()
        .values("region__code", "region__name")
    )


async def course_get(*, scope: Scope, course_id: int, today: date) -> Course:
    """The course if the viewer may see it; DoesNotExist (→ 404) otherwise."""
    qs = await visible_courses(scope=scope, today=today)
    return await qs.select_related("region").get(id=course_id)


async def course_lessons(*, course_id: int) -> list[Lesson]:
    return await Lesson.filter(course_id=course_id).order_by("position", "id")


async def lesson_get(*, course: Course, lesson_id: int) -> Lesson:
    return await Lesson.get(course_id=course.id, id=lesson_id)


async def lesson_counts(*, course_ids: list[int]) -> dict[int, int]:
    rows = await (
        Lesson.filter(course_id__in=course_ids).annotate(n=Count("id")).group_by("course_id").values("course_id", "n")
    )
    return {r["course_id"]: r["n"] for r in rows}


async def next_lesson_position(*, course_id: int) -> int:
    last = await Lesson.filter(course_id=course_id).order_by("-position").values_list("position", flat=True)
    return (last[0] + 1) if last else 1
