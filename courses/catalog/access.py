"""Which courses a viewer reaches: the one row filter of courses, used by every page, download and write of the
learning side (a course's lessons, materials, sessions, enrolments and certificates are reached through it).

A course belongs to a region (empty = national) and is visible to workers at stations in that region's
subtree: its region path is an ancestor of (or equal to) the path of a station the viewer works at or looks
after. Admins see everything; a bureau authors the courses of its own subtree (every status) and reads
published courses of the regions above it. Drafts are seen only by their authors' side.
"""

from datetime import date

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from courses.catalog.models import Course, CourseStatus
from talent.core.access import Role, Scope
from talent.core.memo import once
from talent.core.sql import NOTHING, TextList, Union, under
from talent.people.models import EmploymentSpell
from talent.places.access import stations_q
from talent.places.models import Station
from talent.places.rules import ancestor_paths

LIVE = (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)
# The statuses and, for a jurisdiction, the enclosing paths are written into the statement (TextList): with no
# parameter, a catalog's count and page are planned once per connection. A worker's paths and own enrolments stay
# bound: one statement text per station's region would crowd out the connection's cache of prepared statements.
_LIVE = TextList([status.value for status in LIVE])


def _paths_above(paths) -> list[str]:
    out = {""}
    for path in paths:
        out.update(ancestor_paths(path or ""))
    return sorted(out)


async def station_paths(scope: Scope, today: date) -> list[str]:
    """Region paths of the stations the viewer works at (a worker: active spells) or looks after; read once per
    request (a course list and its filters, the audit log's course and enrolment names each ask)."""
    return await once(("station_paths", scope, today), lambda: _station_paths(scope, today))


async def _station_paths(scope: Scope, today: date) -> list[str]:
    if scope.role == Role.WORKER:
        qs = EmploymentSpell.filter(Q(end_on=None) | Q(end_on__gte=today), worker_id=scope.worker_id or 0)
        qs = qs.filter(start_on__lte=today)
        return list(await qs.order_by("station__region_path").distinct().values_list("station__region_path", flat=True))
    stations = Station.filter(stations_q(scope)).order_by("region_path").distinct()
    return list(await stations.values_list("region_path", flat=True))


async def course_reach_paths(scope: Scope, today: date) -> tuple[str, ...]:
    """What courses_q reads for this viewer: the region paths of the stations they work at or look after (none for
    an administrator or a bureau, whose reach their scope alone gives). With the scope, all courses_q_for needs: a
    statement text written from the reach can be kept per scope and paths (the audit log's namers)."""
    if scope.role in (Role.ADMIN, Role.BUREAU):
        return ()
    return tuple(await station_paths(scope, today))


async def courses_q(scope: Scope, today: date) -> Q:
    """A filter on Course: the courses this viewer may open (one query for a worker's or staff member's
    station paths)."""
    return courses_q_for(scope, await course_reach_paths(scope, today))


def courses_q_for(scope: Scope, paths: tuple[str, ...]) -> Q:
    """courses_q of the viewer whose course_reach_paths are `paths`."""
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.BUREAU:
        if not scope.region_path:
            return NOTHING
        own = under("region_path", scope.region_path)
        above = Q(region_path__in=TextList(_paths_above([scope.region_path])), status__in=_LIVE)
        return own | above
    above = _paths_above(paths)
    if scope.role == Role.WORKER:
        # A course the worker is (or was) enrolled in stays open to them after a transfer. Read through the
        # `enrolments` relation the enrolment package declares on Course, so the catalog (below enrolment)
        # need not import it. One set of ids, the region's courses and the worker's: as an OR of the two tests,
        # PostgreSQL read and tested every course of the country (a worker's course list on the national demo:
        # its regions filter 11.7 → 0.17 ms, its count 3.0 → 0.28 ms, EXPLAIN ANALYZE).
        mine = Course.filter(enrolments__worker_id=scope.worker_id or 0).values("id")
        reach = Union(Course.filter(region_path__in=above).values("id"), mine)
        return Q(id__in=reach, status__in=_LIVE)
    return Q(region_path__in=TextList(above), status__in=_LIVE)


async def readable_courses(scope: Scope, today: date) -> QuerySet[Course]:
    """The courses this viewer may open; anything else answers 404."""
    return Course.filter(await courses_q(scope, today))


def can_author(scope: Scope, course: Course | None = None, region_path: str | None = None) -> bool:
    """Admins author anywhere; a bureau inside its own subtree (never a national course)."""
    path = course.region_path if course is not None else region_path
    if scope.role == Role.ADMIN:
        return True
    if scope.role != Role.BUREAU or not scope.region_path:
        return False
    return path is None or (bool(path) and path.startswith(scope.region_path))
