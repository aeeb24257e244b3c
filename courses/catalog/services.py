"""Authoring: courses and lessons (one transaction each, audited). Publishing is draft › published ›
archived; a published course may go back to draft only while nobody is enrolled."""

from datetime import UTC, datetime
from decimal import Decimal

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from courses.catalog.access import can_author
from courses.catalog.models import Category, Course, CourseStatus, Delivery, Lesson
from talent.accounts.models import User
from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.core.access import Scope
from talent.core.errors import ServiceError, chosen
from talent.core.i18n import N_
from talent.places.models import CertLevel, Region

COURSE_AUDIT_FIELDS = [
    "title",
    "category",
    "target_level",
    "delivery",
    "ce_hours",
    "capacity",
    "enrol_opens_on",
    "enrol_closes_on",
    "starts_on",
    "ends_on",
    "attendance_threshold",
    "region_id",
    "status",
]
LESSON_AUDIT_FIELDS = ["course_id", "position", "title", "required", "minutes"]
COURSE = Audited(Entity.COURSE, COURSE_AUDIT_FIELDS)
COURSE_STATUS = Audited(Entity.COURSE, ["status"])  # a status move's entry shows the status alone
LESSON = Audited(Entity.LESSON, LESSON_AUDIT_FIELDS)

# Allowed status moves, in the order the course page offers them (tuples: a set's order changed from one process to
# the next, and the buttons with it).
TRANSITIONS = {
    CourseStatus.DRAFT: (CourseStatus.PUBLISHED,),
    CourseStatus.PUBLISHED: (CourseStatus.ARCHIVED, CourseStatus.DRAFT),
    CourseStatus.ARCHIVED: (CourseStatus.PUBLISHED,),
}
# The audit action of each move, by the status moved to.
STATUS_ACTIONS = {
    CourseStatus.PUBLISHED: Action.PUBLISH,
    CourseStatus.ARCHIVED: Action.ARCHIVE,
    CourseStatus.DRAFT: Action.UNPUBLISH,
}


async def lock_course(course_id: int) -> Course:
    """Serialise every change to a course's seats. Call first inside the transaction.

    The first statement is a write to the course row: on PostgreSQL it takes the row lock until commit;
    on SQLite it takes the database write lock at once (what BEGIN IMMEDIATE would do), so no other
    connection or process can slip in between reading the counters and writing them. Returns the fresh
    row (DoesNotExist if it is gone)."""
    await Course.filter(id=course_id).update(seats_taken=F("seats_taken"))
    return await Course.get(id=course_id)


def _now() -> datetime:
    return datetime.now(UTC)


def audit_scope(course: Course) -> dict:
    return {"region_path": course.region_path, "organisation_id": None}


async def _region_for(scope: Scope, region_code: str | None) -> Region | None:
    if not region_code:
        if scope.is_admin:
            return None  # a national course
        raise ServiceError("region_code", N_("Choose the region the course belongs to."))
    region = await Region.filter(code=region_code).first()
    if region is None or not can_author(scope, region_path=region.path):
        raise ServiceError("region_code", N_("No region with this code in your scope."))
    return region


def _check(values: dict) -> None:
    opens, closes = values.get("enrol_opens_on"), values.get("enrol_closes_on")
    if opens and closes and closes < opens:
        raise ServiceError("enrol_closes_on", N_("The enrolment window closes before it opens."))
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        raise ServiceError("ends_on", N_("The course ends before it starts."))
    hours = values.get("ce_hours")
    if hours is not None and not Decimal("0") <= hours <= Decimal("999.9"):
        raise ServiceError("ce_hours", N_("Enter hours between 0 and 999.9."))
    if hours is not None and hours != hours.quantize(Decimal("0.1")):
        raise ServiceError("ce_hours", N_("Use at most one decimal place."))
    threshold = values.get("attendance_threshold")
    if threshold is not None and not 0 <= threshold <= 100:
        raise ServiceError("attendance_threshold", N_("Enter a percentage from 0 to 100."))


def _course_values(values: dict) -> dict:
    return {
        "title": values["title"],
        "summary": values.get("summary") or "",
        "description": values.get("description") or "",
        "category": Category(values["category"]),
        "target_level": CertLevel(values["target_level"]) if values.get("target_level") else None,
        "delivery": Delivery(values["delivery"]),
        "ce_hours": values.get("ce_hours") if values.get("ce_hours") is not None else Decimal("0"),
        "capacity": values.get("capacity"),
        "enrol_opens_on": values.get("enrol_opens_on"),
        "enrol_closes_on": values.get("enrol_closes_on"),
        "starts_on": values.get("starts_on"),
        "ends_on": values.get("ends_on"),
        "attendance_threshold": values.get("attendance_threshold")
        if values.get("attendance_threshold") is not None
        else 80,
    }


async def course_create(*, actor: User, scope: Scope, region_code: str | None = None, **values) -> Course:
    _check(values)
    region = await _region_for(scope, region_code)
    async with in_transaction():
        course = await Course.create(
            **_course_values(values),
            region=region,
            region_path=region.path if region else "",
            created_by=actor,
            status=CourseStatus.DRAFT,
        )
        await COURSE.created(actor, course, course.title, **audit_scope(course))
    return course


async def course_update(
    *, actor: User, scope: Scope, course: Course, region_code: str | None = None, **values
) -> Course:
    """Change a course's details (the seat counters stay). A larger capacity does not by itself let the waitlist
    in: courses.enrolment.services.course_update does both in one transaction, and is what the pages call."""
    if not can_author(scope, course):
        raise ServiceError("__all__", N_("You may not edit this course."))
    _check(values)
    region = await _region_for(scope, region_code)
    async with in_transaction():
        # Lock the row: the seat counter must not move while the capacity changes.
        fresh = await lock_course(course.id)
        cleaned = _course_values(values)
        if cleaned["capacity"] is not None and cleaned["capacity"] < fresh.seats_taken:
            raise ServiceError(
                "capacity",
                N_("%(n)s learners already hold a seat; the capacity cannot be lower."),
                n=fresh.seats_taken,
            )
        region_path = region.path if region else ""
        cleaned |= {"region": region, "region_path": region_path}
        await COURSE.update(actor, fresh, cleaned, cleaned["title"], region_path=region_path, organisation_id=None)
    return fresh


async def course_set_status(*, actor: User, scope: Scope, course: Course, status: str) -> Course:
    if not can_author(scope, course):
        raise ServiceError("__all__", N_("You may not edit this course."))
    target = chosen(CourseStatus, status, "status")
    if target not in TRANSITIONS[course.status]:
        raise ServiceError("status", N_("A course cannot move from this status to that one."))
    async with in_transaction():
        fresh = await Course.get(id=course.id)
        if target == CourseStatus.PUBLISHED and not await Lesson.filter(course_id=course.id).exists():
            raise ServiceError("status", N_("Add at least one lesson before publishing."))
        # Any enrolment (withdrawn ones too) keeps a course out of draft. Read through the `enrolments`
        # relation the enrolment package declares on Course, so the catalog (below enrolment) need not import it.
        if target == CourseStatus.DRAFT and await Course.filter(id=course.id, enrolments__id__not_isnull=True).exists():
            raise ServiceError("status", N_("Learners have enrolled; archive the course instead."))
        values = {"status": target}
        if target == CourseStatus.PUBLISHED and fresh.published_at is None:
            values["published_at"] = _now()
        update_fields = ["status", "published_at", "updated_at"]
        action = STATUS_ACTIONS[target]
        await COURSE_STATUS.update(
            actor, fresh, values, fresh.title, action=action, update_fields=update_fields, **audit_scope(fresh)
        )
    return fresh


async def lesson_create(
    *, actor: User, scope: Scope, course: Course, title: str, body: str = "", required: bool = True,
    minutes: int | None = None, position: int | None = None,
) -> Lesson:  # fmt: skip
    if not can_author(scope, course):
        raise ServiceError("__all__", N_("You may not edit this course."))
    async with in_transaction():
        if position is None:
            last = await Lesson.filter(course_id=course.id).order_by("-position").first()
            position = (last.position + 1) if last else 1
        lesson = await Lesson.create(
            course=course, title=title, body=body or "", required=required, minutes=minutes, position=position
        )
        await LESSON.created(actor, lesson, f"{course.title} · {title}"[:255], **audit_scope(course))
    return lesson


async def lesson_update(
    *, actor: User, scope: Scope, course: Course, lesson: Lesson, title: str, body: str = "",
    required: bool = True, minutes: int | None = None, position: int | None = None,
) -> Lesson:  # fmt: skip
    if not can_author(scope, course):
        raise ServiceError("__all__", N_("You may not edit this course."))
    async with in_transaction():
        values = {"title": title, "body": body or "", "required": required, "minutes": minutes}
        if position is not None:
            values["position"] = position
        await LESSON.update(actor, lesson, values, f"{course.title} · {title}"[:255], **audit_scope(course))
    return lesson
