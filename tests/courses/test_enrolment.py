"""Enrolment rules: once per worker, inside the window, capacity then waitlist, withdrawal promotes, scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from courses.catalog.models import Course
from courses.enrolment import services
from courses.enrolment.models import Enrolment, EnrolmentStatus
from courses.enrolment.selectors import my_learning
from talent.audit.models import AuditEntry
from talent.certification.models import CeCredit
from talent.core.errors import ServiceError
from tests.conftest import login, post
from tests.courses.helpers import TODAY, make_course, more_workers, scope_of
from tests.factories import world


async def _enrol(w, course, worker, user="bureau"):
    actor = w["users"][user]
    return await services.enrolment_enrol(
        actor=actor, scope=await scope_of(actor), course=course, worker_id=worker.id, today=TODAY
    )


async def test_a_worker_enrols_once_and_a_second_attempt_is_refused_without_a_duplicate(db):
    w = await world()
    course = await make_course(w)
    first = await _enrol(w, course, w["workers"][0], user="worker")
    assert first.status == EnrolmentStatus.ENROLLED
    with pytest.raises(ServiceError, match="Already enrolled"):
        await _enrol(w, course, w["workers"][0], user="worker")
    assert await Enrolment.filter(course_id=course.id).count() == 1
    assert (await Course.get(id=course.id)).seats_taken == 1
    assert await AuditEntry.filter(entity="enrolment", action="enrol").count() == 1


async def test_enrolment_outside_the_window_is_refused(db):
    w = await world()
    early = await make_course(w, enrol_opens_on=TODAY + timedelta(days=1))
    late = await make_course(w, enrol_closes_on=TODAY - timedelta(days=1))
    with pytest.raises(ServiceError, match="Enrolment opens on"):
        await _enrol(w, early, w["workers"][0])
    with pytest.raises(ServiceError, match="Enrolment closed on"):
        await _enrol(w, late, w["workers"][0])
    assert await Enrolment.all().count() == 0


async def test_a_draft_course_takes_no_enrolments(db):
    w = await world()
    draft = await make_course(w, lessons=0)
    with pytest.raises(ServiceError, match="not open"):
        await _enrol(w, draft, w["workers"][0])


async def test_beyond_capacity_workers_are_waitlisted_in_order_and_a_withdrawal_promotes_the_first(db):
    w = await world()
    course = await make_course(w, capacity=2)
    workers = await more_workers(w["stations"][0], 5)
    # 2 seats: workers 0 and 1 enrolled; 2, 3, 4 waitlisted at 1, 2, 3.
    statuses = [(await _enrol(w, course, wk)).status for wk in workers]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted", "waitlisted"]
    rows = {e.worker_id: e for e in await Enrolment.filter(course_id=course.id)}
    assert [rows[wk.id].position for wk in workers[2:]] == [1, 2, 3]
    # Worker 1 withdraws: worker 2 (position 1) takes the seat; 3 and 4 move up to 1 and 2.
    await services.enrolment_withdraw(
        actor=w["users"]["bureau"], scope=await scope_of(w["users"]["bureau"]), enrolment=rows[workers[1].id]
    )
    rows = {e.worker_id: e for e in await Enrolment.filter(course_id=course.id)}
    assert rows[workers[1].id].status == EnrolmentStatus.WITHDRAWN
    assert rows[workers[2].id].status == EnrolmentStatus.ENROLLED and rows[workers[2].id].position is None
    assert [rows[wk.id].position for wk in workers[3:]] == [1, 2]
    fresh = await Course.get(id=course.id)
    assert (fresh.seats_taken, fresh.waitlisted) == (2, 2)
    # A waitlisted worker leaving closes the gap behind them: worker 3 leaves, worker 4 becomes 1.
    await services.enrolment_withdraw(
        actor=w["users"]["bureau"], scope=await scope_of(w["users"]["bureau"]), enrolment=rows[workers[3].id]
    )
    assert (await Enrolment.get(course_id=course.id, worker_id=workers[4].id)).position == 1
    assert (await Course.get(id=course.id)).waitlisted == 1


async def test_a_withdrawn_worker_may_enrol_again_on_the_same_row(db):
    w = await world()
    course = await make_course(w)
    e = await _enrol(w, course, w["workers"][0], user="worker")
    await services.enrolment_withdraw(
        actor=w["users"]["worker"], scope=await scope_of(w["users"]["worker"]), enrolment=e
    )
    again = await _enrol(w, course, w["workers"][0], user="worker")
    assert again.id == e.id and again.status == EnrolmentStatus.ENROLLED


async def test_raising_the_capacity_lets_the_waitlist_in(db):
    w = await world()
    course = await make_course(w, capacity=1)
    workers = await more_workers(w["stations"][0], 3)
    for wk in workers:
        await _enrol(w, course, wk)
    bureau = w["users"]["bureau"]
    values = {"title": course.title, "category": "practical", "delivery": "online", "ce_hours": course.ce_hours}
    await services.course_update(
        actor=bureau, scope=await scope_of(bureau), course=course, region_code="320102", capacity=2, **values
    )
    fresh = await Course.get(id=course.id)
    assert (fresh.seats_taken, fresh.waitlisted) == (2, 1)
    assert await Enrolment.filter(course_id=course.id, status="waitlisted", position=1).count() == 1
    with pytest.raises(ServiceError, match="cannot be lower"):
        await services.course_update(
            actor=bureau, scope=await scope_of(bureau), course=fresh, region_code="320102", capacity=1, **values
        )


async def test_staff_cannot_enrol_a_worker_outside_their_scope_or_the_course_region(db):
    w = await world()
    course = await make_course(w)  # county A (320102): stations S1, S2
    # HR of organisation A does not see worker 3 (station S3, organisation B).
    with pytest.raises(ServiceError, match="not in your scope"):
        await _enrol(w, course, w["workers"][2], user="hr")
    # The city bureau sees worker 3, but the course is not offered in county B.
    with pytest.raises(ServiceError, match="not offered"):
        await _enrol(w, course, w["workers"][2], user="citybureau")
    assert await Enrolment.all().count() == 0


async def test_bulk_enrolment_of_a_station_and_a_list_skips_those_already_in(db):
    w = await world()
    course = await make_course(w, capacity=3)
    extra = await more_workers(w["stations"][1], 3, prefix="Y")  # station S2
    bureau = w["users"]["bureau"]
    scope = await scope_of(bureau)
    await _enrol(w, course, w["workers"][0])  # W1 already enrolled
    # Station S1 has W1 (skipped); the list adds W2 (S2) and Y0000..Y0002: 4 new learners, 2 seats left.
    result = await services.enrolment_bulk(
        actor=bureau, scope=scope, course=course, today=TODAY, station_code="S1",
        worker_nos=["W2", *[x.worker_no for x in extra]],
    )  # fmt: skip
    assert result == {"enrolled": 2, "waitlisted": 2, "skipped": ["W1"]}
    assert (await Course.get(id=course.id)).seats_taken == 3


async def test_bulk_enrolment_with_an_unknown_worker_number_writes_nothing(db):
    w = await world()
    course = await make_course(w)
    bureau = w["users"]["bureau"]
    with pytest.raises(ServiceError, match="NOPE"):
        await services.enrolment_bulk(
            actor=bureau, scope=await scope_of(bureau), course=course, today=TODAY, worker_nos=["W1", "NOPE"]
        )
    # W3 exists but is out of county A's scope: refused the same way.
    with pytest.raises(ServiceError, match="W3"):
        await services.enrolment_bulk(
            actor=bureau, scope=await scope_of(bureau), course=course, today=TODAY, worker_nos=["W1", "W3"]
        )
    assert await Enrolment.all().count() == 0


async def test_the_enrol_button_updates_in_place_with_htmx(client):
    w = await world()
    course = await make_course(w, capacity=1)
    await login(client, "worker")
    response = await post(client, f"/courses/{course.id}/enrol", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="enrol-box"')
    assert "You are enrolled." in response.text and 'id="withdraw"' in response.text
    again = await post(client, f"/courses/{course.id}/enrol", headers={"HX-Request": "true"})
    assert again.status_code == 422 and "Already enrolled" in again.text
    left = await post(client, f"/courses/{course.id}/withdraw", headers={"HX-Request": "true"})
    assert left.status_code == 200 and 'id="enrol"' in left.text
    # Without htmx: a redirect back to the course page with a flash.
    plain = await post(client, f"/courses/{course.id}/enrol")
    assert plain.status_code == 303 and plain.headers["location"] == f"/courses/{course.id}"


async def test_a_worker_cannot_see_or_enrol_in_a_course_of_another_county(client):
    w = await world()
    other = await make_course(w, author="citybureau", region="320104")  # county B
    await login(client, "worker")  # W1 at S1, county A
    assert (await client.get(f"/courses/{other.id}")).status_code == 404
    assert (await post(client, f"/courses/{other.id}/enrol")).status_code == 404
    assert await Enrolment.all().count() == 0


async def test_staff_bulk_form_refuses_bad_input_with_422_and_keeps_it(client):
    w = await world()
    course = await make_course(w)
    await login(client, "hr")
    response = await post(client, f"/courses/{course.id}/enrolments", {"worker_nos": "W1 NOPE"})
    assert response.status_code == 422
    assert "NOPE" in response.text and "W1 NOPE" in response.text
    ok = await post(client, f"/courses/{course.id}/enrolments", {"station_code": "S1"})
    assert ok.status_code == 303
    assert await Enrolment.filter(course_id=course.id).count() == 1
    page = await client.get(f"/courses/{course.id}/enrolments")
    assert page.status_code == 200 and "W1" in page.text
    # A worker may not open the learners page at all.
    await login(client, "worker")
    assert (await client.get(f"/courses/{course.id}/enrolments")).status_code == 403


async def test_my_learning_sums_ce_hours_this_calendar_year_and_over_the_last_three_years_of_days(db):
    w = await world()
    worker = w["workers"][0]
    today = date(2026, 3, 10)
    # "This year" starts on 1 January; "the last three years" is today less 3 × 365 days: 2023-03-11 (2024 is a
    # leap year, so it is a day short of three calendar years).
    for earned_on, hours in (
        (date(2026, 1, 1), "1"),  # this year and the three years
        (date(2025, 12, 31), "2"),  # the three years only
        (date(2023, 3, 11), "4"),  # the three years' first day
        (date(2023, 3, 10), "8"),  # the day before: neither
    ):
        await CeCredit.create(worker=worker, hours=Decimal(hours), source="course", earned_on=earned_on)
    mine = await my_learning(worker_id=worker.id, today=today)
    assert mine["hours_year"] == Decimal("1")
    assert mine["hours_3y"] == Decimal("7")  # 1 + 2 + 4
    other = await my_learning(worker_id=w["workers"][1].id, today=today)
    assert other["hours_year"] == other["hours_3y"] == Decimal("0")
