"""The catalog, course pages, and authoring of courses and lessons."""

from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.responses import Response

from courses.catalog import selectors, services
from courses.catalog.access import can_author
from courses.catalog.forms import (
    CATEGORY_CHOICES,
    COURSE_FIELDS,
    DELIVERY_CHOICES,
    LESSON_FIELDS,
    LEVEL_CHOICES,
    STATUS_CHOICES,
)
from courses.catalog.models import Course
from courses.catalog.rules import is_open
from courses.classroom.selectors import course_sessions
from courses.completion import selectors as completion_selectors
from courses.enrolment import selectors as enrolment_selectors
from courses.enrolment import services as enrolment_services
from courses.enrolment.models import SEATED, EnrolmentStatus
from courses.materials.selectors import course_materials
from courses.pages import Author, CourseReader, authored_course, course_of, printable
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.web.auth import Viewer
from talent.web.forms import Form
from talent.web.pages import list_page, option_reads
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, render, see_other

router = Router(prefix="/courses", tags=["courses"])

COURSE_KEYS = [f.name for f in COURSE_FIELDS if f.name != "region_code"]
LESSON_KEYS = [f.name for f in LESSON_FIELDS]


async def _filters(
    params: Listing,
    category: Annotated[str, Query(max_length=20)] = "",
    level: Annotated[str, Query(max_length=20)] = "",
    delivery: Annotated[str, Query(max_length=20)] = "",
    region: Annotated[str, Query(max_length=12)] = "",
    open: Annotated[str, Query(max_length=1)] = "",
    status: Annotated[str, Query(max_length=12)] = "",
) -> selectors.CatalogFilters:
    """The catalogue's filters: an unknown value is no filter. Its `params` are the page's (FastAPI resolves a
    dependency once per request), whose links carry them."""
    filters = selectors.CatalogFilters(
        category=category if category in dict(CATEGORY_CHOICES) else "",
        level=level if level in dict(LEVEL_CHOICES) else "",
        delivery=delivery if delivery in dict(DELIVERY_CHOICES) else "",
        region=region if region.isdigit() else "",
        open_only=open == "1",
        status=status if status in dict(STATUS_CHOICES) else "",
    )
    params.extra = {
        "category": filters.category,
        "level": filters.level,
        "delivery": filters.delivery,
        "region": filters.region,
        "open": "1" if filters.open_only else "",
        "status": filters.status,
    }
    return filters


@router.get("")
async def course_list(
    request: Request,
    viewer: CourseReader,
    filters: Annotated[selectors.CatalogFilters, Depends(_filters)],
    params: Listing,
) -> Response:
    params.q = printable(params.q)
    today = local_today()
    # The form's options read beside the list's total, where after its page they waited for it.
    reads = option_reads(request, regions=lambda: selectors.region_choices(scope=viewer.scope, today=today))
    page = await selectors.course_list(scope=viewer.scope, params=params, filters=filters, today=today, beside=reads)
    mine = {}
    if viewer.can(Permission.LEARN):
        mine = await enrolment_selectors.my_enrolments(
            worker_id=viewer.user.worker_id, course_ids=[c.id for c in page.items]
        )
    return list_page(
        request,
        "courses/catalog.html",
        {
            "page": page,
            "chosen": filters,
            "mine": mine,
            "today": today,
            **page.beside,
            "categories": CATEGORY_CHOICES,
            "levels": LEVEL_CHOICES,
            "deliveries": DELIVERY_CHOICES,
            "statuses": STATUS_CHOICES,
            "can_create": viewer.can(Permission.COURSES_AUTHOR),
            "is_author_role": viewer.can(Permission.COURSES_AUTHOR),
        },
    )


def _course_form_page(request, form, *, title, action, course=None, status_code=200) -> Response:
    context = {"form": form, "title": title, "action": action, "course": course}
    return form_page(request, "courses/course_form.html", context, status_code)


@router.get("/new")
async def course_new(request: Request, viewer: Author) -> Response:
    # A bureau's courses belong to its own region by default; an admin's are national unless a region is chosen.
    region = viewer.user.region.code if viewer.scope.region_path and viewer.user.region_id else ""
    form = Form.initial(
        COURSE_FIELDS,
        {
            "category": "practical",
            "delivery": "online",
            "ce_hours": "0",
            "attendance_threshold": 80,
            "region_code": region,
        },
    )
    return _course_form_page(request, form, title=_("New course"), action="/courses")


@router.post("")
async def course_create(request: Request, viewer: Author) -> Response:
    form = await Form.posted(COURSE_FIELDS, request)
    course = await form.run(lambda c: services.course_create(actor=viewer.user, scope=viewer.scope, **c))
    if course is not None:
        return flash(see_other(request, f"/courses/{course.id}"), _("Course created. Add lessons, then publish."))
    return _course_form_page(request, form, title=_("New course"), action="/courses", status_code=422)


async def detail_context(viewer: Viewer, course: Course) -> dict:
    """Everything the course page shows; the enrol box and progress read `enrolment` and `progress`."""
    lessons = await selectors.course_lessons(course=course)
    learner = viewer.can(Permission.LEARN)
    enrolment = None
    if learner:
        enrolment = await enrolment_selectors.enrolment_of(course=course, worker_id=viewer.user.worker_id)
    progress = await enrolment_selectors.progress(enrolment=enrolment, lessons=lessons)
    status = None
    if enrolment is not None and enrolment.status in SEATED:
        status = await completion_selectors.completion_status(enrolment=enrolment, course=course)
    certificate = None
    if enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED:
        certificate = await completion_selectors.certificate_of(enrolment=enrolment)
    today = local_today()
    return {
        "course": course,
        "lessons": lessons,
        "materials": await course_materials(course=course),
        "sessions": await course_sessions(course=course),
        "enrolment": enrolment,
        "progress": progress,
        "completion": status,
        "certificate": certificate,
        "is_open": is_open(course, today),
        "today": today,
        "can_author": can_author(viewer.scope, course),
        "can_manage": viewer.can(Permission.LEARNERS_MANAGE),
        "is_worker": learner,
        "is_staff": not learner,
        "counts": await enrolment_selectors.status_counts(course=course) if not learner else {},
        "next_statuses": [s.value for s in services.TRANSITIONS[course.status]],
    }


@router.get("/{course_id}")
async def course_detail(request: Request, viewer: CourseReader, course_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    return render(request, "courses/detail.html", await detail_context(viewer, course))


@router.get("/{course_id}/edit")
async def course_edit(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    values = {k: getattr(course, k) for k in COURSE_KEYS}
    values["region_code"] = course.region.code if course.region else ""
    form = Form.initial(COURSE_FIELDS, values)
    return _course_form_page(request, form, title=course.title, action=f"/courses/{course.id}", course=course)


@router.post("/{course_id}")
async def course_update(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    form = await Form.posted(COURSE_FIELDS, request)
    # Through enrolment: a larger capacity lets the head of the waitlist in, in the same transaction.
    saved = await form.run(
        lambda c: enrolment_services.course_update(actor=viewer.user, scope=viewer.scope, course=course, **c)
    )
    if saved is not None:
        return flash(see_other(request, f"/courses/{course.id}"), _("Saved."))
    return _course_form_page(
        request, form, title=course.title, action=f"/courses/{course.id}", course=course, status_code=422
    )


@router.post("/{course_id}/status")
async def course_status(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    data = await request.form()
    try:
        await services.course_set_status(
            actor=viewer.user, scope=viewer.scope, course=course, status=str(data.get("status", ""))
        )
    except ServiceError as exc:
        return flash(see_other(request, f"/courses/{course.id}"), exc.message, "danger")
    return flash(see_other(request, f"/courses/{course.id}"), _("Saved."))


def _lesson_form_page(request, form, *, course, lesson=None, status_code=200) -> Response:
    action = f"/courses/{course.id}/lessons" + (f"/{lesson.id}" if lesson else "")
    context = {"form": form, "course": course, "lesson": lesson, "action": action}
    return form_page(request, "courses/lesson_form.html", context, status_code)


@router.get("/{course_id}/lessons/new")
async def lesson_new(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    position = await selectors.next_lesson_position(course=course)
    form = Form.initial(LESSON_FIELDS, {"required": True, "position": position})
    return _lesson_form_page(request, form, course=course)


@router.post("/{course_id}/lessons")
async def lesson_create(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    form = await Form.posted(LESSON_FIELDS, request)
    lesson = await form.run(lambda c: services.lesson_create(actor=viewer.user, scope=viewer.scope, course=course, **c))
    if lesson is not None:
        return flash(see_other(request, f"/courses/{course.id}/lessons/{lesson.id}"), _("Lesson added."))
    return _lesson_form_page(request, form, course=course, status_code=422)


@router.get("/{course_id}/lessons/{lesson_id}")
async def lesson_detail(request: Request, viewer: CourseReader, course_id: Id, lesson_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    lesson = await selectors.lesson_get(course=course, lesson_id=lesson_id)
    ctx = await detail_context(viewer, course)
    enrolment = ctx["enrolment"]
    # "Continue where you left off" is remembered by the page posting to /seen once shown (a GET writes nothing).
    ctx["bookmark"] = enrolment is not None and enrolment.status in SEATED
    lessons = ctx["lessons"]
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    ctx.update(
        lesson=lesson,
        prev_lesson=lessons[index - 1] if index > 0 else None,
        next_lesson=lessons[index + 1] if index + 1 < len(lessons) else None,
    )
    return render(request, "courses/lesson.html", ctx)


@router.post("/{course_id}/lessons/{lesson_id}/seen", status_code=204)
async def lesson_seen(viewer: CourseReader, course_id: Id, lesson_id: Id) -> Response:
    """The learner's bookmark: the lesson page posts here when shown (not audited: it changes no record anyone
    else reads). Anyone else, or a learner without a seat, changes nothing."""
    course = await course_of(viewer, course_id)
    lesson = await selectors.lesson_get(course=course, lesson_id=lesson_id)
    if not viewer.can(Permission.LEARN):
        return Response(status_code=204)
    enrolment = await enrolment_selectors.enrolment_of(course=course, worker_id=viewer.user.worker_id)
    if enrolment is not None and enrolment.status in SEATED:
        await enrolment_services.lesson_seen(enrolment=enrolment, lesson=lesson)
    return Response(status_code=204)


@router.get("/{course_id}/lessons/{lesson_id}/edit")
async def lesson_edit(request: Request, viewer: Author, course_id: Id, lesson_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    lesson = await selectors.lesson_get(course=course, lesson_id=lesson_id)
    form = Form.initial(LESSON_FIELDS, {k: getattr(lesson, k) for k in LESSON_KEYS})
    return _lesson_form_page(request, form, course=course, lesson=lesson)


@router.post("/{course_id}/lessons/{lesson_id}")
async def lesson_update(request: Request, viewer: Author, course_id: Id, lesson_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    lesson = await selectors.lesson_get(course=course, lesson_id=lesson_id)
    form = await Form.posted(LESSON_FIELDS, request)
    saved = await form.run(
        lambda c: services.lesson_update(actor=viewer.user, scope=viewer.scope, course=course, lesson=lesson, **c)
    )
    if saved is not None:
        return flash(see_other(request, f"/courses/{course.id}/lessons/{lesson.id}"), _("Saved."))
    return _lesson_form_page(request, form, course=course, lesson=lesson, status_code=422)
