"""Builders for course tests: a published course in a region, lessons, and workers eligible for it."""

from datetime import date
from decimal import Decimal

from courses.catalog import services as catalog
from courses.catalog.models import Course, CourseStatus
from talent.accounts.selectors import scope_for
from talent.core.clock import local_today
from talent.people.models import EmploymentSpell, Worker

TODAY = local_today()


async def scope_of(user):
    await user.fetch_related("region")
    return await scope_for(user, today=TODAY)


async def make_course(w: dict, *, author: str = "bureau", region: str = "320102", lessons: int = 2, **values) -> Course:
    """A course authored through the services, published when it has lessons. Defaults: online, 8 CE hours,
    no capacity, window open, in the author's county."""
    user = w["users"][author]
    scope = await scope_of(user)
    fields = {
        "title": "社会工作实务 · Practice",
        "category": "practical",
        "delivery": "online",
        "ce_hours": Decimal("8"),
        **values,
    }
    course = await catalog.course_create(actor=user, scope=scope, region_code=region, **fields)
    for i in range(lessons):
        await catalog.lesson_create(actor=user, scope=scope, course=course, title=f"第{i + 1}课", body="**内容**")
    if lessons and values.get("status", "published") == "published":
        course = await catalog.course_set_status(actor=user, scope=scope, course=course, status="published")
    return await Course.get(id=course.id)


async def more_workers(station, n: int, prefix: str = "X") -> list[Worker]:
    """n extra workers with an active spell at `station` (bulk insert: two statements)."""
    await Worker.bulk_create([Worker(worker_no=f"{prefix}{i:04d}", name=f"学员{i}") for i in range(n)])
    workers = await Worker.filter(worker_no__startswith=prefix).order_by("worker_no")
    await EmploymentSpell.bulk_create(
        [EmploymentSpell(worker=wk, station=station, start_on=date(2022, 1, 1)) for wk in workers]
    )
    return workers


__all__ = ["CourseStatus", "make_course", "more_workers", "scope_of", "TODAY"]
