"""Classroom sessions and the phone-friendly attendance page (one tap per learner, htmx)."""

import re
from datetime import UTC, datetime, time

from fastapi import APIRouter, Request
from starlette.responses import Response

import courses.labels  # noqa: F401
from courses.catalog import selectors as catalog_selectors
from courses.classroom import selectors, services
from courses.classroom.forms import SESSION_FIELDS
from courses.scope import can_author, can_manage_learners
from talent.core.clock import local_today, local_zone
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.web.auth import BureauViewer, EditorViewer, Viewer
from talent.web.errors import Forbidden
from talent.web.forms import Form
from talent.web.params import Id
from talent.web.templating import flash, is_htmx, render, see_other

router = APIRouter(prefix="/courses", tags=["courses"])
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


async def _course(viewer: Viewer, course_id: int):
    return await catalog_selectors.course_get(scope=viewer.scope, course_id=course_id, today=local_today())


def _session_page(request, form, course, status_code=200) -> Response:
    return render(
        request,
        "courses/session_form.html",
        {"form": form, "course": course, "action": f"/courses/{course.id}/sessions"},
        fragment="courses/_session_form.html",
        status_code=status_code,
    )


@router.get("/{course_id}/sessions/new")
async def session_new(request: Request, viewer: BureauViewer, course_id: Id) -> Response:
    course = await _course(viewer, course_id)
    if not can_author(viewer.scope, course):
        raise Forbidden()
    return _session_page(request, Form.initial(SESSION_FIELDS, {"minutes": 120, "time": "09:00"}), course)


@router.post("/{course_id}/sessions")
async def session_create(request: Request, viewer: BureauViewer, course_id: Id) -> Response:
    course = await _course(viewer, course_id)
    if not can_author(viewer.scope, course):
        raise Forbidden()
    form = Form.bind(SESSION_FIELDS, await request.form())
    if form.validate():
        match = TIME_RE.match(form.cleaned["time"])
        if not match:
            form.add_error("time", _("Enter a time as HH:MM."))
        else:
            # Typed on the local clock (settings.time_zone); stored in UTC.
            starts_at = datetime.combine(
                form.cleaned["day"], time(int(match[1]), int(match[2])), tzinfo=local_zone()
            ).astimezone(UTC)
            try:
                await services.session_create(
                    actor=viewer.user,
                    scope=viewer.scope,
                    course=course,
                    starts_at=starts_at,
                    minutes=form.cleaned.get("minutes"),
                    place=form.cleaned.get("place") or "",
                    title=form.cleaned.get("title") or "",
                    trainer=form.cleaned.get("trainer") or "",
                )
            except ServiceError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return flash(see_other(request, f"/courses/{course.id}#sessions"), _("Session added."))
    return _session_page(request, form, course, status_code=422)


async def _attendance_ctx(viewer, course, session) -> dict:
    learners = await selectors.roster(scope=viewer.scope, course=course, session=session)
    return {
        "course": course,
        "session": session,
        "learners": learners,
        "present_count": sum(1 for e in learners if e.present),
    }


@router.get("/{course_id}/sessions/{session_id}")
async def attendance_page(request: Request, viewer: EditorViewer, course_id: Id, session_id: Id) -> Response:
    if not can_manage_learners(viewer.scope):
        raise Forbidden()
    course = await _course(viewer, course_id)
    session = await selectors.session_get(course=course, session_id=session_id)
    return render(request, "courses/attendance.html", await _attendance_ctx(viewer, course, session))


@router.post("/{course_id}/sessions/{session_id}/attendance/{enrolment_id}")
async def attendance_mark(
    request: Request, viewer: EditorViewer, course_id: Id, session_id: Id, enrolment_id: Id
) -> Response:
    if not can_manage_learners(viewer.scope):
        raise Forbidden()
    course = await _course(viewer, course_id)
    session = await selectors.session_get(course=course, session_id=session_id)
    data = await request.form()
    present = data.get("present") == "1"
    url = f"/courses/{course.id}/sessions/{session.id}"
    try:
        await services.attendance_set(
            actor=viewer.user, scope=viewer.scope, course=course, session=session, enrolment_id=enrolment_id,
            present=present,
        )  # fmt: skip
    except ServiceError as exc:
        if is_htmx(request):
            return render(
                request, "errors/_error.html", {"status": 404, "title": _("Not found"), "message": exc.message},
                status_code=404,
            )  # fmt: skip
        return flash(see_other(request, url), exc.message, "danger")
    if not is_htmx(request):
        return see_other(request, url)
    ctx = await _attendance_ctx(viewer, course, session)
    ctx["e"] = next(e for e in ctx["learners"] if e.id == enrolment_id)
    ctx["oob"] = True
    return render(request, "courses/_attendance_row.html", ctx)
