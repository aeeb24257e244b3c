"""Staff enrol and mark only what their scope holds: a worker is offered a course through a station the staff
member sees, never through one outside their scope (DESIGN §1, §4).

The world (tests/factories.py): HR belongs to organisation A (S1, S2 in county A); organisation B runs S3 and S4
in county B; the city bureau is above both counties."""

import html
from datetime import date

import pytest

from courses.enrolment import services
from courses.enrolment.models import Enrolment
from talent.core.errors import ServiceError
from talent.people.models import EmploymentSpell
from tests.conftest import login, post, text_of
from tests.courses.helpers import TODAY, make_course, scope_of
from tests.factories import world


async def w3_once_at_s1(w):
    """W3 worked at S1 (organisation A) until 2021 and now works at S3 (organisation B): HR A sees W3 through
    the old spell, but not the station W3 works at today."""
    w3 = w["workers"][2]
    await EmploymentSpell.create(
        worker=w3, station=w["stations"][0], start_on=date(2020, 1, 1), end_on=date(2021, 12, 31)
    )
    return w3


async def test_hr_cannot_enrol_a_worker_through_another_organisations_station(client):
    w = await world()
    await w3_once_at_s1(w)
    course = await make_course(w, author="citybureau", region="320100")  # the whole city: S1 … S4
    await login(client, "hr")
    response = await post(client, f"/courses/{course.id}/enrolments", {"worker_nos": "W3"})
    assert response.status_code == 422
    assert "This course is not offered at the station of: W3. Nothing was saved." in html.unescape(
        text_of(response.text)
    )
    assert not await Enrolment.filter(course_id=course.id).exists()


async def test_the_single_enrolment_service_uses_the_same_rule(db):
    w = await world()
    w3 = await w3_once_at_s1(w)
    course = await make_course(w, author="citybureau", region="320100")
    hr = await scope_of(w["users"]["hr"])
    with pytest.raises(ServiceError) as refused:
        await services.enrolment_enrol(actor=w["users"]["hr"], scope=hr, course=course, worker_id=w3.id, today=TODAY)
    assert refused.value.message == "This course is not offered at the worker's station."
    # The city bureau sees S3 and may enrol W3; so may W3 themself.
    city = await scope_of(w["users"]["citybureau"])
    enrolment = await services.enrolment_enrol(
        actor=w["users"]["citybureau"], scope=city, course=course, worker_id=w3.id, today=TODAY
    )
    assert enrolment.worker_id == w3.id


async def test_hr_cannot_enrol_a_worker_of_another_organisation_by_number(client):
    w = await world()
    course = await make_course(w, author="citybureau", region="320100")
    await login(client, "hr")
    for numbers in ("W3", "W99"):
        response = await post(client, f"/courses/{course.id}/enrolments", {"worker_nos": numbers})
        assert response.status_code == 422
        assert f"Not found in your scope: {numbers}. Nothing was saved." in html.unescape(text_of(response.text))
    station = await post(client, f"/courses/{course.id}/enrolments", {"station_code": "S3"})
    assert station.status_code == 422 and "No station with this code in your scope." in text_of(station.text)
    assert not await Enrolment.filter(course_id=course.id).exists()
