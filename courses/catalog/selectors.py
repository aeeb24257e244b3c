"""Reads of the catalog, always through the courses the viewer may open (courses.catalog.access)."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.expressions import Q

from courses.catalog.access import readable_courses
from courses.catalog.models import Category, Course, CourseStatus, Delivery, Lesson
from courses.catalog.rules import open_on
from talent.core.access import Permission, Scope
from talent.core.pagination import ListParams, Page, paginate
from talent.core.sql import icontains, literal_code, under
from talent.places.models import CertLevel, Region
from talent.rawsql import fixed

SORTS = {"title": "title", "hours": "ce_hours", "starts": "starts_on", "new": "id"}


@dataclass
class CatalogFilters:
    category: str = ""
    level: str = ""
    delivery: str = ""
    region: str = ""  # a region code: courses of that region's subtree
    open_only: bool = False
    status: str = ""  # authors only


async def course_list(
    *,
    scope: Scope,
    params: ListParams,
    filters: CatalogFilters,
    today: date,
    beside: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
) -> Page:
    """The catalog page. Learners see published courses only; authors may filter by status.
    Query count is fixed: the visibility paths, the count, the page (region joined). `beside`: the request's other
    reads by name, read with the total (paginate's beside)."""
    qs = await readable_courses(scope, today)
    if scope.can(Permission.COURSES_AUTHOR):
        if filters.status in {s.value for s in CourseStatus}:
            qs = qs.filter(status=literal_code(CourseStatus(filters.status)))
    else:
        qs = qs.filter(status=literal_code(CourseStatus.PUBLISHED))
    if params.q:
        qs = qs.filter(icontains("title", params.q) | icontains("summary", params.q))
    # The filters' codes written in, each checked against its Enum (literal_code): the count and the page keep no
    # parameter (courses.catalog.access) and are planned once per connection.
    if filters.category in {c.value for c in Category}:
        qs = qs.filter(category=literal_code(Category(filters.category)))
    if filters.level in {c.value for c in CertLevel}:
        qs = qs.filter(Q(target_level=literal_code(CertLevel(filters.level))) | Q(target_level=None))
    if filters.delivery in {d.value for d in Delivery}:
        qs = qs.filter(delivery=literal_code(Delivery(filters.delivery)))
    if filters.region:
        qs = qs.filter(under("region_path", await _region_path(filters.region)))
    if filters.open_only:
        qs = qs.filter(open_on(today))
    return await paginate(qs.select_related("region"), params, SORTS, default="-new", beside=beside)


async def _region_path(code: str) -> str:
    # By its unique code: one plan serves every code (rawsql.fixed: planned once on PostgreSQL).
    path = await Region.filter(code=code).using_db(fixed(Region)).values_list("path", flat=True)
    return path[0] if path else "none/"  # an unknown code matches nothing (paths are digits and slashes)


async def region_choices(*, scope: Scope, today: date) -> list[dict]:
    """Regions that own a course the viewer can see (for the catalog's region filter)."""
    qs = await readable_courses(scope, today)
    return list(
        await qs.filter(region_id__not_isnull=True)
        .order_by("region__code")
        .distinct()
        .values("region__code", "region__name")
    )


async def course_get(*, scope: Scope, course_id: int, today: date) -> Course:
    """The course if the viewer may see it; DoesNotExist (→ 404) otherwise. The other reads of a course's parts
    take the course this returns."""
    qs = await readable_courses(scope, today)
    return await qs.select_related("region").get(id=course_id)


async def course_lessons(*, course: Course) -> list[Lesson]:
    return await Lesson.filter(course_id=course.id).order_by("position", "id")


async def lesson_get(*, course: Course, lesson_id: int) -> Lesson:
    return await Lesson.get(course_id=course.id, id=lesson_id)


async def next_lesson_position(*, course: Course) -> int:
    last = await Lesson.filter(course_id=course.id).order_by("-position").values_list("position", flat=True)
    return (last[0] + 1) if last else 1
