"""The catalog, course pages, and authoring of courses and lessons."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

import courses.labels  # noqa: F401 — installs the course_label and markdown filters
from courses.catalog import selectors, services
from courses.catalog.forms import (
    CATEGORY_CHOICES,
    COURSE_FIELDS,
    DELIVERY_CHOICES,
    LESSON_FIELDS,
    LEVEL_CHOICES,
    STATUS_CHOICES,
)
from courses.catalog.models import Course, CourseStatus
from courses.classroom.selectors import course_sessions
from courses.completion.services import completion_status
from courses.enrolment import selectors as enrolment_selectors
from courses.materials.selectors import course_materials
from courses.scope import can_author, can_manage_learners
from talent.core.access import Permission, Role
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.web.auth import BureauViewer, CurrentViewer, Viewer
from talent.web.forms import Form
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.templating import flash, render, see_other

router = APIRouter(prefix="/courses", tags=["courses"])

COURSE_KEYS = [f.name for f in COURSE_FIELDS if f.name != "region_code"]
LESSON_KEYS = [f.name for f in LESSON_FIELDS]


def _printable(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()


@router.get("")
async def course_list(
    request: Request,
    viewer: CurrentViewer,
    params: Listing,
    category: Annotated[str, Query(max_length=20)] = "",
    level: Annotated[str, Query(max_length=20)] = "",
    delivery: Annotated[str, Query(max_length=20)] = "",
    region: Annotated[str, Query(max_length=12)] = "",
    open: Annotated[str, Query(max_length=1)] = "",
    status: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    params.q = _printable(params.q)
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
    today = local_today()
    page = await selectors.course_list(scope=viewer.scope, params=params, filters=filters, today=today)
    mine = {}
    if viewer.role == Role.WORKER:
        mine = await enrolment_selectors.my_enrolments(
            worker_id=viewer.user.worker_id, course_ids=[c.id for c in page.items]
        )
    return render(
        request,
        "courses/catalog.html",
        {
            "page": page,
            "chosen": filters,
            "mine": mine,
            "today": today,
            "regions": await selectors.region_choices(scope=viewer.scope, today=today),
            "categories": CATEGORY_CHOICES,
            "levels": LEVEL_CHOICES,
            "deliveries": DELIVERY_CHOICES,
            "statuses": STATUS_CHOICES,
            "can_create": viewer.can(Permission.COURSES_AUTHOR),
            "is_author_role": viewer.can(Permission.COURSES_AUTHOR),
        },
        fragment="courses/_catalog.html",
    )


def _course_form_page(request, form, *, title, action, course=None, status_code=200) -> Response:
    return render(
        request,
        "courses/course_form.html",
        {"form": form, "title": title, "action": action, "course": course},
        fragment="courses/_course_form.html",
        status_code=status_code,
    )


@router.get("/new")
async def course_new(request: Request, viewer: BureauViewer) -> Response:
    region = viewer.user.region.code if viewer.role == Role.BUREAU and viewer.user.region_id else ""
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
async def course_create(request: Request, viewer: BureauViewer) -> Response:
    form = Form.bind(COURSE_FIELDS, await request.form())
    if form.validate():
        try:
            course = await services.course_create(actor=viewer.user, scope=viewer.scope, **form.cleaned)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return flash(see_other(request, f"/courses/{course.id}"), _("Course created. Add lessons, then publish."))
    return _course_form_page(request, form, title=_("New course"), action="/courses", status_code=422)


async def _course(viewer: Viewer, course_id: int) -> Course:
    return await selectors.course_get(scope=viewer.scope, course_id=course_id, today=local_today())


async def _authored(viewer: Viewer, course_id: int) -> Course:
    course = await _course(viewer, course_id)
    if not can_author(viewer.scope, course):
        from talent.web.errors import Forbidden

        raise Forbidden()
    return course


async def detail_context(viewer: Viewer, course: Course) -> dict:
    """Everything the course page shows; the enrol box and progress read `enrolment` and `progress`."""
    lessons = await selectors.course_lessons(course_id=course.id)
    enrolment = None
    if viewer.role == Role.WORKER:
        enrolment = await enrolment_selectors.enrolment_of(course_id=course.id, worker_id=viewer.user.worker_id)
    progress = await enrolment_selectors.progress(enrolment=enrolment, lessons=lessons)
    status = None
    if enrolment is not None and enrolment.status.value in ("enrolled", "completed"):
        status = await completion_status(enrolment=enrolment, course=course)
    certificate = None
    if enrolment is not None and enrolment.status.value == "completed":
        from courses.completion.models import CompletionCertificate

        certificate = await CompletionCertificate.filter(enrolment_id=enrolment.id).first()
    return {
        "course": course,
        "lessons": lessons,
        "materials": await course_materials(course_id=course.id),
        "sessions": await course_sessions(course_id=course.id),
        "enrolment": enrolment,
        "progress": progress,
        "completion": status,
        "certificate": certificate,
        "is_open": _is_open(course),
        "today": local_today(),
        "can_author": can_author(viewer.scope, course),
        "can_manage": can_manage_learners(viewer.scope),
        "is_worker": viewer.role == Role.WORKER,
        "is_staff": viewer.role != Role.WORKER,
        "counts": await enrolment_selectors.status_counts(course=course) if viewer.role != Role.WORKER else {},
        "next_statuses": [s.value for s in services.TRANSITIONS[course.status]],
    }


def _is_open(course: Course) -> bool:
    today = local_today()
    return (
        course.status == CourseStatus.PUBLISHED
        and (course.enrol_opens_on is None or course.enrol_opens_on <= today)
        and (course.enrol_closes_on is None or course.enrol_closes_on >= today)
    )


@router.get("/{course_id}")
async def course_detail(request: Request, viewer: CurrentViewer, course_id: Id) -> Response:
    course = await _course(viewer, course_id)
    return render(request, "courses/detail.html", await detail_context(viewer, course))


@router.get("/{course_id}/edit")
async def course_edit(request: Request, viewer: BureauViewer, course_id: Id) -> Response:
    course = await _authored(viewer, course_id)
    values = {k: getattr(course, k) for k in COURSE_KEYS}
    values["region_code"] = course.region.code if course.region else ""
    form = Form.initial(COURSE_FIELDS, values)
    return _course_form_page(request, form, title=course.title, action=f"/courses/{course.id}", course=course)


@router.post("/{course_id}")
async def course_update(request: Request, viewer: BureauViewer, course_id: Id) -> Response:
    course = await _authored(viewer, course_id)
    form = Form.bind(COURSE_FIELDS, await request.form())
    if form.validate():
        try:
            await services.course_update(actor=viewer.user, scope=viewer.scope, course=course, **form.cleaned)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return flash(see_other(request, f"/courses/{course.id}"), _("Saved."))
    return _course_form_page(
        request, form, title=course.title, action=f"/courses/{course.id}", course=course, status_code=422
    )


@router.post("/{course_id}/status")
async def course_status(request: Request, viewer: BureauViewer, course_id: Id) -> Response:
    course = await _authored(viewer, course_id)
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
    return render(
        request,
        "courses/lesson_form.html",
        {"form": form, "course": course, "lesson": lesson, "action": action},
        fragment="courses/_lesson_form.html",
        status_code=status_code,
    )


@router.get("/{course_id}/lessons/new")
async def lesson_new(request: Request, viewer: BureauViewer, course_id: Id) -> Response:
    course = await _authored(viewer, course_id)
    position = await selectors.next_lesson_position(course_id=course.id)
    form = Form.initial(LESSON_FIELDS, {"required": True, "position": position})
    return _lesson_form_page(request, form, course=course)


@router.post("/{course_id}/lessons")
async def lesson_create(request: Request, viewer: BureauViewer, course_id: Id) -> Response:
    course = await _authored(viewer, course_id)
    form = Form.bind(LESSON_FIELDS, await request.form())
    if form.validate():
        try:
            lesson = await services.lesson_create(actor=viewer.user, scope=viewer.scope, course=course, **form.cleaned)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return flash(see_other(request, f"/courses/{course.id}/lessons/{lesson.id}"), _("Lesson added."))
    return _lesson_form_page(request, form, course=course, status_code=422)


@router.get("/{course_id}/lessons/{lesson_id}")
async def lesson_detail(request: Request, viewer: CurrentViewer, course_id: Id, lesson_id: Id) -> Response:
    from courses.enrolment.services import lesson_seen

    course = await _course(viewer, course_id)
    lesson = await selectors.lesson_get(course=course, lesson_id=lesson_id)
    ctx = await detail_context(viewer, course)
    enrolment = ctx["enrolment"]
    if enrolment is not None and enrolment.status.value in ("enrolled", "completed"):
        await lesson_seen(enrolment=enrolment, lesson=lesson)
    lessons = ctx["lessons"]
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    ctx.update(
        lesson=lesson,
        prev_lesson=lessons[index - 1] if index > 0 else None,
        next_lesson=lessons[index + 1] if index + 1 < len(lessons) else None,
    )
    return render(request, "courses/lesson.html", ctx)


@router.get("/{course_id}/lessons/{lesson_id}/edit")
async def lesson_edit(request: Request, viewer: BureauViewer, course_id: Id, lesson_id: Id) -> Response:
    course = await _authored(viewer, course_id)
    lesson = await selectors.lesson_get(course=course, lesson_id=lesson_id)
    form = Form.initial(LESSON_FIELDS, {k: getattr(lesson, k) for k in LESSON_KEYS})
    return _lesson_form_page(request, form, course=course, lesson=lesson)


@router.post("/{course_id}/lessons/{lesson_id}")
async def lesson_update(request: Request, viewer: BureauViewer, course_id: Id, lesson_id: Id) -> Response:
    course = await _authored(viewer, course_id)
    lesson = await selectors.lesson_get(course=course, lesson_id=lesson_id)
    form = Form.bind(LESSON_FIELDS, await request.form())
    if form.validate():
        try:
            await services.lesson_update(
                actor=viewer.user, scope=viewer.scope, course=course, lesson=lesson, **form.cleaned
            )
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return flash(see_other(request, f"/courses/{course.id}/lessons/{lesson.id}"), _("Saved."))
    return _lesson_form_page(request, form, course=course, lesson=lesson, status_code=422)
