"""The dated rules of enrolment, pinned on their boundary days.

DESIGN §1 / courses.enrolment.services: a worker enrols inside the course's enrolment window — its opening and
closing days both included — through a station where they are active that day (start_on ≤ d ≤ end_on); while
seats are left they are enrolled, after that waitlisted. Each case gives the day before, the day itself and the
day after, through the service (an explicit `today=`) and through HTTP (a clock set with time_machine,
tick=False, at 09:00 in Nanjing) — never the day the suite happens to run.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from courses.enrolment import services
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.core.access import Scope
from talent.core.errors import ServiceError
from talent.people import services as people
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login, post
from tests.courses.helpers import make_course, scope_of
from tests.factories import world

NANJING = ZoneInfo("Asia/Shanghai")
OPENS, CLOSES = date(2026, 3, 2), date(2026, 3, 31)

# (day, refusal): None = accepted; otherwise a word of the refusal.
WINDOW = [
    (date(2026, 3, 1), "opens"),  # the day before the window opens: "Enrolment opens on 2026-03-02."
    (OPENS, None),  # the opening day
    (CLOSES, None),  # the closing day
    (date(2026, 4, 1), "closed"),  # the day after it closes: "Enrolment closed on 2026-03-31."
]


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=NANJING)


async def _enrol(w, course, worker, today: date, user: str = "worker"):
    actor = w["users"][user]
    return await services.enrolment_enrol(
        actor=actor, scope=await scope_of(actor), course=course, worker_id=worker.id, today=today
    )


@pytest.mark.parametrize(("today", "refusal"), WINDOW)
async def test_a_worker_enrols_from_the_windows_opening_day_through_its_closing_day(db, today, refusal):
    w = await world()
    course = await make_course(w, enrol_opens_on=OPENS, enrol_closes_on=CLOSES)
    if refusal is None:
        assert (await _enrol(w, course, w["workers"][0], today)).status == EnrolmentStatus.ENROLLED
    else:
        with pytest.raises(ServiceError, match=refusal):
            await _enrol(w, course, w["workers"][0], today)
        assert await Enrolment.all().count() == 0


@pytest.mark.parametrize(("today", "refusal"), WINDOW)
async def test_staff_enrol_a_station_inside_the_window_only(db, today, refusal):
    w = await world()
    course = await make_course(w, enrol_opens_on=OPENS, enrol_closes_on=CLOSES)
    bureau = w["users"]["bureau"]
    bulk = services.enrolment_bulk(
        actor=bureau, scope=await scope_of(bureau), course=course, today=today, station_code="S1"
    )
    if refusal is None:
        assert (await bulk)["enrolled"] == 1
    else:
        with pytest.raises(ServiceError, match=refusal):
            await bulk
        assert await Enrolment.all().count() == 0


@pytest.mark.parametrize(("today", "refusal"), WINDOW)
async def test_the_enrol_button_works_on_the_opening_and_closing_day_and_not_outside(client, db, today, refusal):
    w = await world()
    course = await make_course(w, enrol_opens_on=OPENS, enrol_closes_on=CLOSES)
    with time_machine.travel(at(today), tick=False):
        await login(client, "worker")
        page = await client.get(f"/courses/{course.id}")
        listed = await client.get("/courses", params={"open": "1"})
        response = await post(client, f"/courses/{course.id}/enrol", headers={"HX-Request": "true"})
    assert page.status_code == listed.status_code == 200
    # The course page offers the button, and the "open for enrolment" filter lists the course, on the same days
    # the service accepts.
    assert ('id="enrol"' in page.text) is (refusal is None)
    assert (f'href="/courses/{course.id}"' in listed.text) is (refusal is None)
    if refusal is None:
        assert response.status_code == 200 and "You are enrolled." in response.text
        assert await Enrolment.filter(course_id=course.id, status=EnrolmentStatus.ENROLLED).count() == 1
    else:
        assert response.status_code == 422 and refusal in response.text
        assert await Enrolment.all().count() == 0


@pytest.mark.parametrize(
    ("today", "accepted"),
    [(date(2026, 3, 14), False), (date(2026, 3, 15), True), (date(2026, 3, 16), False)],
)
async def test_a_one_day_window_is_open_on_that_day_alone(db, today, accepted):
    w = await world()
    day = date(2026, 3, 15)
    course = await make_course(w, enrol_opens_on=day, enrol_closes_on=day)
    if accepted:
        assert (await _enrol(w, course, w["workers"][0], today)).status == EnrolmentStatus.ENROLLED
    else:
        with pytest.raises(ServiceError):
            await _enrol(w, course, w["workers"][0], today)


# --- eligible through a spell active that day ---------------------------------------------------------------


def _hr(w) -> Scope:
    return Scope(user_id=w["users"]["hr"].id, role=w["users"]["hr"].role, organisation_id=w["orgs"][0].id)


@pytest.mark.parametrize(
    ("today", "accepted"),
    [
        (date(2026, 3, 20), True),  # the last working day at S1: still active there
        (date(2026, 3, 21), False),  # the day after: no active spell in the course's region
    ],
)
async def test_a_worker_may_enrol_on_the_last_working_day_and_not_after(db, today, accepted):
    w = await world()
    course = await make_course(w)  # county A, window open
    spell = await EmploymentSpell.get(worker=w["workers"][0])
    await people.spell_exit(
        actor=w["users"]["hr"], scope=_hr(w), spell=spell, end_on=date(2026, 3, 20), exit_type="voluntary",
        exit_reason="pay",
    )  # fmt: skip
    if accepted:
        assert (await _enrol(w, course, w["workers"][0], today, user="bureau")).status == EnrolmentStatus.ENROLLED
    else:
        with pytest.raises(ServiceError, match="not offered"):
            await _enrol(w, course, w["workers"][0], today, user="bureau")


@pytest.mark.parametrize(
    ("today", "accepted"),
    [
        (date(2026, 3, 9), False),  # the day before the first working day
        (date(2026, 3, 10), True),  # the first working day
    ],
)
async def test_a_new_hire_may_enrol_from_the_first_working_day(db, today, accepted):
    w = await world()
    course = await make_course(w)
    newcomer = await Worker.create(worker_no="N1", name="新人")
    await EmploymentSpell.create(worker=newcomer, station=w["stations"][0], start_on=date(2026, 3, 10))
    if accepted:
        assert (await _enrol(w, course, newcomer, today, user="bureau")).status == EnrolmentStatus.ENROLLED
    else:
        with pytest.raises(ServiceError, match="not offered"):
            await _enrol(w, course, newcomer, today, user="bureau")


# --- capacity: the last seat, then the waitlist ------------------------------------------------------------


async def test_the_last_seat_is_a_seat_and_the_next_request_is_waitlisted_first(db):
    w = await world()
    course = await make_course(w, capacity=2)
    s1 = w["stations"][0]
    others = [await Worker.create(worker_no=f"N{i}", name=f"学员{i}") for i in range(2)]
    for worker in others:
        await EmploymentSpell.create(worker=worker, station=s1, start_on=date(2022, 1, 1))
    day = date(2026, 3, 15)
    # Capacity 2: requests 1 and 2 fill it (the 2nd takes the last seat); request 3 is number 1 on the waitlist.
    first = await _enrol(w, course, w["workers"][0], day, user="bureau")
    second = await _enrol(w, course, others[0], day, user="bureau")
    third = await _enrol(w, course, others[1], day, user="bureau")
    assert [(e.status, e.position) for e in (first, second, third)] == [
        (EnrolmentStatus.ENROLLED, None),
        (EnrolmentStatus.ENROLLED, None),
        (EnrolmentStatus.WAITLISTED, 1),
    ]
