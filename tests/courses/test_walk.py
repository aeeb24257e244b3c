"""Every course route, as every role, with real ids of a course the role may see (side A, county A) and of one
it may not (side B, county B): never a 500; side B is always 403 or 404 for everyone but an admin; anonymous
visitors reach only /verify; an unsafe request without the CSRF token is refused."""

from datetime import UTC, datetime

import pytest

from courses.classroom import services as classroom
from courses.completion.models import CompletionCertificate
from courses.completion.services import completion_evaluate
from courses.enrolment import services as enrolment
from courses.enrolment.models import LessonProgress
from courses.materials import services as materials
from courses.materials.models import MaterialVersion
from tests.conftest import ensure_csrf
from tests.courses.helpers import TODAY, make_course, scope_of
from tests.courses.test_materials import PDF, upload
from tests.factories import world
from tests.web.test_route_walk import _login_as, _request, all_routes, fill

ROLES = ["admin", "bureau", "citybureau", "hr", "supervisor", "worker"]


async def _side(w, author: str, region: str, worker_index: int) -> dict[str, int]:
    user = w["users"][author]
    scope = await scope_of(user)
    course = await make_course(w, author=author, region=region, delivery="blended", lessons=1)
    lesson = (await course.lessons.all())[0]
    material = await materials.material_create(
        actor=user, scope=scope, course=course, title="m", upload=upload(PDF, "m.pdf")
    )
    version = await MaterialVersion.get(material_id=material.id)
    session = await classroom.session_create(
        actor=user, scope=scope, course=course, starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC)
    )
    e = await enrolment.enrolment_enrol(
        actor=user, scope=scope, course=course, worker_id=w["workers"][worker_index].id, today=TODAY
    )
    await classroom.attendance_record(
        actor=user, scope=scope, course=course, session=session, enrolment_id=e.id, present=True
    )
    await LessonProgress.create(enrolment_id=e.id, lesson_id=lesson.id)
    await completion_evaluate(actor=user, enrolment=e)
    certificate = await CompletionCertificate.get(enrolment_id=e.id)
    return {
        "course_id": course.id,
        "lesson_id": lesson.id,
        "material_id": material.id,
        "version_id": version.id,
        "session_id": session.id,
        "enrolment_id": e.id,
        "certificate_id": certificate.id,
        "code": certificate.code,
    }


def _course_routes(app):
    return [(m, p) for m, p in all_routes(app) if p.startswith(("/courses", "/verify"))]


async def _sides(w):
    return {"A": await _side(w, "bureau", "320102", 0), "B": await _side(w, "citybureau", "320104", 2)}


@pytest.mark.parametrize("role", ROLES)
async def test_every_course_route_answers_without_error_and_hides_other_counties(app, client, role):
    w = await world()
    sides = await _sides(w)
    await _login_as(client, role)
    failures = []
    for method, path in _course_routes(app):
        if path.endswith("/revoke"):
            continue  # would change side A for the rest of the walk; covered in test_completion
        for side in ("A", "B"):
            url = fill(path, sides[side])
            response = await _request(client, method, url)
            if response.status_code >= 500:
                failures.append((method, url, side, response.status_code))
            if role not in ("admin", "citybureau") and side == "B" and "{" in path and not path.startswith("/verify"):
                if response.status_code not in (403, 404):
                    failures.append((method, url, side, response.status_code))
    assert not failures, failures


async def test_anonymous_visitors_reach_only_the_verification_page(app, client):
    w = await world()
    sides = await _sides(w)
    for method, path in _course_routes(app):
        response = await _request(client, method, fill(path, sides["A"]))
        if path.startswith("/verify"):
            assert response.status_code == 200
            continue
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), (method, path)


async def test_every_unsafe_course_route_refuses_a_missing_csrf_token(app, client):
    w = await world()
    sides = await _sides(w)
    await _login_as(client, "admin")
    await ensure_csrf(client)
    for method, path in _course_routes(app):
        if method == "GET":
            continue
        response = await client.request(method, fill(path, sides["A"]), data={"x": "1"})
        assert response.status_code == 403, (method, path, response.status_code)
