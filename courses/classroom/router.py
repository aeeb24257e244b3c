"""Classroom sessions and the phone-friendly attendance page (one tap per learner, htmx)."""

import re
from datetime import UTC, datetime, time

from fastapi import Request
from starlette.responses import Response

from courses.classroom import selectors, services
from courses.classroom.forms import SESSION_FIELDS
from courses.completion import services as completion_services
from courses.pages import Author, LearnerManager, authored_course, course_of
from talent.core.clock import local_zone
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.web.crud import post_form
from talent.web.forms import Form
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, is_htmx, render, see_other

router = Router(prefix="/courses", tags=["courses"])
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _session_page(request, form, course, status_code=200) -> Response:
    context = {"form": form, "course": course, "action": f"/courses/{course.id}/sessions"}
    return form_page(request, "courses/session_form.html", context, status_code)


@router.get("/{course_id}/sessions/new")
async def session_new(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    return _session_page(request, Form.initial(SESSION_FIELDS, {"minutes": 120, "time": "09:00"}), course)


def _starts_at(cleaned: dict) -> datetime:
    """The start typed on the local clock (settings.time_zone), in UTC as stored."""
    match = TIME_RE.match(cleaned["time"])
    if not match:
        raise ServiceError("time", N_("Enter a time as HH:MM."))
    local = datetime.combine(cleaned["day"], time(int(match[1]), int(match[2])), tzinfo=local_zone())
    return local.astimezone(UTC)


def _values(c: dict) -> dict:
    """A session form's cleaned values as the service takes them: the start in UTC, empty texts as none."""
    texts = {name: c.get(name) or "" for name in ("place", "title", "trainer")}
    return {"starts_at": _starts_at(c), "minutes": c.get("minutes"), **texts}


@router.post("/{course_id}/sessions")
async def session_create(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    form, session = await post_form(request, viewer, SESSION_FIELDS, services.session_create, _values, course=course)
    if session is not None:
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
async def attendance_page(request: Request, viewer: LearnerManager, course_id: Id, session_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    session = await selectors.session_get(course=course, session_id=session_id)
    return render(request, "courses/attendance.html", await _attendance_ctx(viewer, course, session))


@router.post("/{course_id}/sessions/{session_id}/attendance/{enrolment_id}")
async def attendance_mark(
    request: Request, viewer: LearnerManager, course_id: Id, session_id: Id, enrolment_id: Id
) -> Response:
    course = await course_of(viewer, course_id)
    session = await selectors.session_get(course=course, session_id=session_id)
    data = await request.form()
    present = data.get("present") == "1"
    url = f"/courses/{course.id}/sessions/{session.id}"
    try:
        # Through completion: being present may complete the course, in the same transaction.
        await completion_services.attendance_set(
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
