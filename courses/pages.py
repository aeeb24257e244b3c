"""What the learning side's routers share: who may open a page (asked of the permission table, never of a
role name) and the course a URL names (read through the viewer's scope, so one out of reach answers 404)."""

from typing import Annotated

from fastapi import Depends

from courses.catalog import selectors as catalog_selectors
from courses.catalog.access import can_author
from courses.catalog.models import Course
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.web.auth import Allowed, Viewer
from talent.web.errors import Forbidden

CourseReader = Allowed(Permission.COURSES_VIEW)
Author = Allowed(Permission.COURSES_AUTHOR)
LearnerManager = Allowed(Permission.LEARNERS_MANAGE)


def ForWorker(permission: Permission):  # noqa: N802 — reads as a type in signatures, as Allowed does
    """Allowed(permission), for an account that acts as a worker: one whose worker record is gone has nothing to
    learn or practise with (403)."""

    async def as_worker(viewer: Allowed(permission)) -> Viewer:
        if not viewer.user.worker_id:
            raise Forbidden()
        return viewer

    return Annotated[Viewer, Depends(as_worker)]


Learner = ForWorker(Permission.LEARN)
Staff = Allowed(Permission.COURSES_STAFF)


def printable(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()


async def course_of(viewer: Viewer, course_id: int) -> Course:
    """The course if the viewer may open it; DoesNotExist (→ 404) otherwise."""
    return await catalog_selectors.course_get(scope=viewer.scope, course_id=course_id, today=local_today())


async def authored_course(viewer: Viewer, course_id: int) -> Course:
    """A course the viewer may open and author (403 when they may only open it)."""
    course = await course_of(viewer, course_id)
    if not can_author(viewer.scope, course):
        raise Forbidden()
    return course
