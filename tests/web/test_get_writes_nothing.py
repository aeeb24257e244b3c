"""No GET changes state: every GET route, walked as every role with ids inside and outside its scope, leaves
every table as it was (the sign-in records aside: a session's last use and login attempts are bookkeeping of
the request itself, not data; so is the figure cache, which stores what a page computed and changes no figure)."""

import pytest
from tortoise import Tortoise

from courses.catalog.models import Lesson
from tests.courses.helpers import make_course
from tests.web.test_route_walk import ROLES, SESSION_ENDING, _login_as, _sides, all_routes, fill

# Written by signing in and by using a session, on any request; the dashboard stores its figures
# (talent.figures.freshness), and the data version they are stored under must not move on a GET.
BOOKKEEPING = {"Session", "LoginAttempt", "FigureCache"}


async def fingerprint() -> dict[str, list]:
    """Every row of every table but the bookkeeping ones, in primary-key order."""
    tables = {}
    for app in Tortoise.apps.values():
        for name, model in app.items():
            if name not in BOOKKEEPING:
                tables[name] = await model.all().order_by(model._meta.pk_attr).values()
    return tables


@pytest.mark.parametrize("role", ROLES)
async def test_no_get_route_changes_a_row(app, client, role):
    from tests.factories import world

    w = await world()
    ids = await _sides(w)
    course = await make_course(w, lessons=2)
    lesson = await Lesson.filter(course_id=course.id).first()
    for side in ids.values():
        side.update(course_id=course.id, lesson_id=lesson.id)
    await _login_as(client, role)
    if role == "worker":  # a seated learner, so the learning pages take their learner's path
        from tests.conftest import post

        assert (await post(client, f"/courses/{course.id}/enrol")).status_code == 303
    before = await fingerprint()
    walked = 0
    for method, path in all_routes(app):
        if method != "GET" or path in SESSION_ENDING:
            continue
        for side in ("A", "B"):
            await client.get(fill(path, ids[side]))
        walked += 1
    changed = {name for name, rows in (await fingerprint()).items() if rows != before[name]}
    assert walked > 50 and not changed, changed
