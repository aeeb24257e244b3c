"""Enrolment: self-enrolment and withdrawal (in place with htmx), lesson progress, bulk enrolment by
staff, the learners of a course, and "My learning"."""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from courses.catalog import selectors as catalog_selectors
from courses.catalog.router import detail_context
from courses.classroom import selectors as classroom_selectors
from courses.completion import selectors as completion_selectors
from courses.completion import services as completion_services
from courses.enrolment import selectors, services
from courses.enrolment.forms import BULK_FIELDS
from courses.enrolment.models import EnrolmentStatus
from courses.pages import Learner, LearnerManager, course_of, printable
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.core.pagination import ListParams
from talent.web.auth import Viewer
from talent.web.crud import post_form
from talent.web.forms import Form
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, is_htmx, render, see_other

router = Router(prefix="/courses", tags=["courses"])
# Sessions that started up to this long ago still show as upcoming (one running now is still "next").
UPCOMING_GRACE = timedelta(hours=3)


@router.get("/my")
async def my_learning(request: Request, viewer: Learner) -> Response:
    today = local_today()
    worker_id = viewer.user.worker_id
    data = await selectors.my_learning(worker_id=worker_id, today=today)
    data["upcoming"] = await classroom_selectors.upcoming_sessions(
        worker_id=worker_id, since=datetime.now(UTC) - UPCOMING_GRACE
    )
    data["completed"] = await completion_selectors.completed_courses(worker_id=worker_id)
    return render(request, "courses/my.html", {**data, "today": today})


async def _box(request: Request, viewer: Viewer, course, *, error: str = "", notice: str = "") -> Response:
    ctx = await detail_context(viewer, course)
    ctx.update(error=error, notice=notice)
    return render(request, "courses/_enrol_box.html", ctx, status_code=422 if error else 200)


@router.post("/{course_id}/enrol")
async def enrol(request: Request, viewer: Learner, course_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    try:
        enrolment = await services.enrolment_enrol(
            actor=viewer.user, scope=viewer.scope, course=course, worker_id=viewer.user.worker_id, today=local_today()
        )
    except ServiceError as exc:
        if is_htmx(request):
            return await _box(request, viewer, course, error=exc.message)
        return flash(see_other(request, f"/courses/{course.id}"), exc.message, "danger")
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        notice = _("The course is full: you are number %(n)s on the waitlist.") % {"n": enrolment.position}
    else:
        notice = _("You are enrolled.")
    course = await course_of(viewer, course_id)
    if is_htmx(request):
        return await _box(request, viewer, course, notice=notice)
    return flash(see_other(request, f"/courses/{course.id}"), notice)


@router.post("/{course_id}/withdraw")
async def withdraw(request: Request, viewer: Learner, course_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    enrolment = await selectors.enrolment_of(course=course, worker_id=viewer.user.worker_id)
    try:
        if enrolment is None:
            raise ServiceError("__all__", _("You are not enrolled in this course."))
        await services.enrolment_withdraw(actor=viewer.user, scope=viewer.scope, enrolment=enrolment)
    except ServiceError as exc:
        if is_htmx(request):
            return await _box(request, viewer, course, error=exc.message)
        return flash(see_other(request, f"/courses/{course.id}"), exc.message, "danger")
    course = await course_of(viewer, course_id)
    if is_htmx(request):
        return await _box(request, viewer, course, notice=_("You have withdrawn."))
    return flash(see_other(request, f"/courses/{course.id}"), _("You have withdrawn."))


@router.post("/{course_id}/lessons/{lesson_id}/done")
async def lesson_done(request: Request, viewer: Learner, course_id: Id, lesson_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    lesson = await catalog_selectors.lesson_get(course=course, lesson_id=lesson_id)
    enrolment = await selectors.enrolment_of(course=course, worker_id=viewer.user.worker_id)
    error = ""
    try:
        if enrolment is None:
            raise ServiceError("__all__", _("Enrol in the course first."))
        # Through completion: the last required lesson completes the course in the same transaction.
        await completion_services.lesson_mark_done(
            actor=viewer.user, scope=viewer.scope, enrolment=enrolment, lesson=lesson
        )
    except ServiceError as exc:
        error = exc.message
    if not is_htmx(request):
        url = f"/courses/{course.id}/lessons/{lesson.id}"
        if error:
            return flash(see_other(request, url), error, "danger")
        return flash(see_other(request, url), _("Lesson marked done."))
    ctx = await detail_context(viewer, course)
    ctx.update(lesson=lesson, error=error, oob=True)
    # The button and, out of band, the progress bar and the lesson list's tick.
    return render(request, "courses/_lesson_done.html", ctx, status_code=422 if error else 200)


async def _learners_page(request, viewer, course, params, status, form, *, result=None, status_code=200):
    page = await selectors.course_enrolments(scope=viewer.scope, course=course, params=params, status=status)
    return render(
        request,
        "courses/learners.html",
        {
            "course": course,
            "page": page,
            "attended": await classroom_selectors.sessions_attended(enrolments=page.items),
            "status": status,
            "form": form,
            "result": result,
            "counts": await selectors.status_counts(course=course),
            "statuses": list(EnrolmentStatus),
        },
        fragment="courses/_learners.html" if status_code == 200 and result is None else None,
        status_code=status_code,
    )


@router.get("/{course_id}/enrolments")
async def learners(
    request: Request,
    viewer: LearnerManager,
    course_id: Id,
    params: Listing,
    status: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    course = await course_of(viewer, course_id)
    status = status if status in selectors.STATUS_FILTERS else ""
    params.q = printable(params.q)
    params.extra = {"status": status}
    return await _learners_page(request, viewer, course, params, status, Form.initial(BULK_FIELDS))


def _numbers(raw: str | None) -> list[str]:
    return [n for n in re.split(r"[\s,，;；]+", raw or "") if n]


def _bulk_values(c: dict) -> dict:
    """The bulk form's cleaned values as the service takes them: the numbers split, no station as none."""
    return {
        "today": local_today(),
        "station_code": c.get("station_code") or "",
        "worker_nos": _numbers(c.get("worker_nos")),
    }


@router.post("/{course_id}/enrolments")
async def bulk_enrol(request: Request, viewer: LearnerManager, course_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    form, result = await post_form(request, viewer, BULK_FIELDS, services.enrolment_bulk, _bulk_values, course=course)
    if result is not None:
        message = _("Enrolled: %(e)s; waitlisted: %(w)s; already holding a place: %(s)s.") % {
            "e": result["enrolled"],
            "w": result["waitlisted"],
            "s": len(result["skipped"]),
        }
        return flash(see_other(request, f"/courses/{course.id}/enrolments"), message)
    if is_htmx(request):
        return render(request, "courses/_bulk_form.html", {"course": course, "form": form}, status_code=422)
    return await _learners_page(request, viewer, course, ListParams(), "", form, status_code=422)


@router.post("/{course_id}/enrolments/{enrolment_id}/withdraw")
async def staff_withdraw(request: Request, viewer: LearnerManager, course_id: Id, enrolment_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    enrolment = await selectors.enrolment_get(scope=viewer.scope, course=course, enrolment_id=enrolment_id)
    try:
        await services.enrolment_withdraw(actor=viewer.user, scope=viewer.scope, enrolment=enrolment)
    except ServiceError as exc:
        return flash(see_other(request, f"/courses/{course.id}/enrolments"), exc.message, "danger")
    return flash(see_other(request, f"/courses/{course.id}/enrolments"), _("Withdrawn."))
