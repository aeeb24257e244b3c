"""A worker's home (`/`): what to do next, each item from its own package's reads and linking to its action."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from courses.catalog.models import Lesson
from courses.enrolment.models import Enrolment, EnrolmentStatus, LessonProgress
from courses.examprep.models import AttemptStatus, MockAttempt, NotebookEntry
from talent.accounts import services as account_services
from talent.certification.models import CeCredit, Certificate, ExamYear
from talent.cohorts.models import Cohort, CohortMember
from talent.core.access import Role
from talent.pay.models import SalaryRecord
from talent.supervision.models import Supervisor
from tests.conftest import login, text_of
from tests.courses.helpers import make_course
from tests.examprep.conftest import make_question
from tests.factories import PASSWORD, world
from tests.querycount import count_queries

TODAY = date(2026, 5, 13)
NOON = datetime(2026, 5, 13, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


async def _exam_on(day: date) -> None:
    """The 2026 sitting on `day` (the catalogue's seed may hold it already), no later one."""
    await ExamYear.filter(year__gt=2026).delete()
    await ExamYear.update_or_create(year=2026, defaults={"exam_on": day, "cutoff_on": date(2026, 12, 31)})


async def _learning(w: dict, worker) -> dict:
    """Course A (2 lessons): the worker finished lesson 1 yesterday. Course B (2 lessons): enrolled after A,
    nothing done. Notebook: one entry due today, one due tomorrow."""
    a = await make_course(w, title="个案工作实务")
    b = await make_course(w, title="社区工作实务")
    ea = await Enrolment.create(course=a, worker=worker, status=EnrolmentStatus.ENROLLED, enrolled_at=NOON)
    await Enrolment.create(course=b, worker=worker, status=EnrolmentStatus.ENROLLED, enrolled_at=NOON)
    first = await Lesson.filter(course=a).order_by("position", "id").first()
    await LessonProgress.create(enrolment=ea, lesson=first)
    for due in (TODAY, TODAY + timedelta(days=1)):
        await NotebookEntry.create(worker=worker, question=await make_question("A-ZH"), due_on=due)
    return {"a": a, "b": b}


async def _records(w: dict, worker) -> None:
    """Intermediate certificate registered 2024-01-01, expiring 2026-12-15; 40 CE hours earned 2025-03-01.
    A cohort with mentor 县甲督导. A salary of 3,000 + 500 a month since 2025-01-01."""
    await Certificate.create(
        worker=worker,
        level="intermediate",
        number=f"I-{worker.worker_no}",
        obtained_on=date(2023, 6, 1),
        registered_on=date(2024, 1, 1),
        registration_expires_on=date(2026, 12, 15),
    )
    await CeCredit.create(worker=worker, hours=Decimal(40), source="course", earned_on=date(2025, 3, 1))
    region = w["regions"]["county_a"]
    cohort = await Cohort.create(
        name="2026 新入职培育班",
        kind="internal_incubation",
        region=region,
        region_path=region.path,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    mentor = await Supervisor.create(name="县甲督导", region=region)
    await CohortMember.create(cohort=cohort, worker=worker, joined_on=date(2026, 1, 1), mentor=mentor)
    await SalaryRecord.create(
        worker=worker, effective_from=date(2025, 1, 1), monthly_base=Decimal(3000), monthly_allowances=Decimal(500)
    )


async def test_a_worker_home_shows_what_to_do_next_with_a_link_to_each(client):
    w = await world()
    worker = w["workers"][0]
    courses = await _learning(w, worker)
    await _records(w, worker)
    await _exam_on(date(2026, 5, 23))
    await login(client, "worker")
    with time_machine.travel(NOON, tick=False):
        response = await client.get("/")
    assert response.status_code == 200
    page = text_of(response.text)
    # Course A was touched last (a lesson finished), though B is the later enrolment: 1 of 2 lessons → 50%, and
    # it continues with lesson 2.
    lesson2 = await Lesson.filter(course=courses["a"]).order_by("-position", "-id").first()
    assert "个案工作实务" in page and "1 of 2 required lessons done · 50%" in page
    assert f'href="/courses/{courses["a"].id}/lessons/{lesson2.id}"' in response.text
    assert "1 more course in progress." in page
    # One notebook entry due today (the other is due tomorrow).
    assert '<p class="stat mb-2" id="due-count">1</p>' in response.text
    assert 'href="/exam-prep/review"' in response.text
    # 2026-05-13 → 2026-05-23: 10 days.
    assert '<p class="stat mb-1" id="exam-days">10</p>' in response.text
    assert "Days to the 2026 exam on" in page
    # Readiness: A-ZH has questions for the worker but no answers or mocks yet.
    assert 'href="/exam-prep/readiness/A-ZH"' in response.text and "Not enough practice yet" in page
    # One handed-in A-ZH mock scoring 72 of 100 (no case answers left unmarked): with no topic answers the
    # expected score is the mock's alone, 100 × 0.72 = 72.0, above the pass mark of 60 → on track.
    await MockAttempt.create(
        worker=worker,
        subject="A-ZH",
        seed=1,
        status=AttemptStatus.SUBMITTED,
        started_at=NOON - timedelta(hours=3),
        deadline_at=NOON - timedelta(hours=1),
        finished_at=NOON - timedelta(hours=2),
        full_marks=Decimal(100),
        pass_mark=Decimal(60),
        score=Decimal(72),
    )
    with time_machine.travel(NOON, tick=False):
        page = text_of((await client.get("/")).text)
    assert "72.0 / 100 On track" in page
    # CE: 40 hours of the intermediate level's 90 this period → 50 short.
    assert "CE hours this period: 40.0 / 90" in page and "50.0 hours short" in page
    assert "Registration expires on" in page
    assert f'href="/certificates/workers/{worker.id}"' in response.text
    # Cohort and mentor.
    assert "2026 新入职培育班" in page and "县甲督导" in page and 'href="/cohorts/mine"' in response.text
    # Pay: 3,000 + 500.
    assert "3,500.00" in page and 'href="/pay/my"' in response.text


async def test_the_exam_countdown_reads_zero_on_the_day_and_moves_to_no_date_the_day_after(client):
    await world()
    await _exam_on(date(2026, 5, 13))
    await login(client, "worker")
    with time_machine.travel(NOON, tick=False):
        on_the_day = await client.get("/")
    assert '<p class="stat mb-1" id="exam-days">0</p>' in on_the_day.text
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        after = text_of((await client.get("/")).text)
    assert "No exam date is announced yet." in after


async def test_a_new_worker_sees_empty_states_that_lead_somewhere(client):
    w = await world()
    await account_services.user_create(
        actor=None, username="newcomer", password=PASSWORD, role=Role.WORKER, worker_id=w["workers"][1].id
    )
    await login(client, "newcomer")
    with time_machine.travel(NOON, tick=False):
        response = await client.get("/")
    page = text_of(response.text)
    assert response.status_code == 200
    assert "You are not taking a course yet." in page and 'href="/courses/my"' in response.text
    assert (
        '<p class="stat mb-2" id="due-count">0</p>' in response.text and 'href="/exam-prep/notebook"' in response.text
    )
    assert "No exam subject has questions for you yet." in page
    assert "No certificate yet." in page
    assert "You are not a member of any cohort." in page
    # No salary recorded: no pay card.
    assert 'id="home-pay"' not in response.text
    # Not their record: no ID number on the home page.
    assert "320102199001011234" not in response.text


async def test_the_worker_home_costs_the_same_queries_however_much_the_worker_has(client):
    w = await world()
    worker = w["workers"][0]
    await _learning(w, worker)
    await _records(w, worker)
    await login(client, "worker")
    with time_machine.travel(NOON, tick=False):
        async with count_queries() as few:
            assert (await client.get("/")).status_code == 200
    # More of everything: three more courses with progress, ten notebook entries due, five CE credits, a second
    # certificate, a second cohort and two salary changes.
    for i in range(3):
        course = await make_course(w, title=f"课程{i}", lessons=3)
        e = await Enrolment.create(course=course, worker=worker, status=EnrolmentStatus.ENROLLED, enrolled_at=NOON)
        for lesson in await Lesson.filter(course=course).limit(2):
            await LessonProgress.create(enrolment=e, lesson=lesson)
    for _ in range(10):
        await NotebookEntry.create(worker=worker, question=await make_question("A-ZH", topic="T9"), due_on=TODAY)
    for i in range(5):
        await CeCredit.create(worker=worker, hours=Decimal(4), source="course", earned_on=date(2025, 4, i + 1))
    await Certificate.create(worker=worker, level="assistant", number="A-W1", obtained_on=date(2021, 6, 1))
    region = w["regions"]["county_a"]
    cohort = await Cohort.create(
        name="二期",
        kind="internal_incubation",
        region=region,
        region_path=region.path,
        start_on=date(2026, 3, 1),
        end_on=date(2026, 9, 30),
    )
    await CohortMember.create(cohort=cohort, worker=worker, joined_on=date(2026, 3, 1))
    for month in (2, 3):
        await SalaryRecord.create(
            worker=worker, effective_from=date(2026, month, 1), monthly_base=Decimal(3100), monthly_allowances=0
        )
    with time_machine.travel(NOON, tick=False):
        async with count_queries() as many:
            assert (await client.get("/")).status_code == 200
    assert few.count == many.count


async def test_staff_still_get_the_figures_dashboard(client):
    await world()
    await login(client, "bureau")
    page = text_of((await client.get("/")).text)
    assert "Figures for your scope" in page and "Continue my course" not in page


async def test_a_certificate_never_registered_in_time_says_its_first_registration_is_overdue(client):
    w = await world()
    # Assistant certificate obtained 2023-06-01, never registered: its first-registration window (months after
    # the certificate, from the catalogue) closed long before 2026-05-13.
    await Certificate.create(worker=w["workers"][0], level="assistant", number="A-1", obtained_on=date(2023, 6, 1))
    await login(client, "worker")
    with time_machine.travel(NOON, tick=False):
        page = text_of((await client.get("/")).text)
    assert "First registration overdue" in page and "First registration was due by" in page
    assert "register now." in page
