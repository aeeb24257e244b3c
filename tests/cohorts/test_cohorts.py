"""Cohorts: members (singly, from a station, twice refused), mentors within reach, milestones due inside the cohort,
progress computed from the real records (worked example), bulk enrolment through the courses' service.

world(): county A 320102 has S1 (W1) and S2 (W2), county B has S3 (W3) and S4 (W4), all since 2022-01-01;
督导甲 (national pool) is S1's supervisor."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from courses.catalog.models import Course, CourseStatus
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.certification.models import CeCredit, ExamResult, ExamSubject
from talent.cohorts import selectors, services
from talent.cohorts.models import Cohort, CohortMember, Milestone
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.core.pagination import ListParams
from talent.supervision.models import Supervisor
from tests.factories import world
from tests.querycount import count_queries

TODAY = date(2026, 6, 1)
ADMIN = Scope(user_id=0, role=Role.ADMIN)


def bureau(w) -> Scope:
    return Scope(user_id=w["users"]["bureau"].id, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)


async def cohort(w, **changes) -> Cohort:
    values = {
        "name": "2026 玄武孵化班",
        "kind": "internal_incubation",
        "region": w["regions"]["county_a"],
        "organisation": "",
        "start_on": date(2026, 1, 1),
        "end_on": date(2026, 12, 31),
        "goal_cert_rate": Decimal("0.6"),
        "goal_ce_hours": Decimal("30"),
        "goal_retention": Decimal("0.9"),
        "description": "",
    }
    values.update(changes)
    return await services.cohort_create(actor=None, scope=bureau(w), **values)


async def add(w, c, numbers=(), **extra):
    return await services.members_add(
        actor=None, scope=bureau(w), cohort=c, worker_nos=list(numbers), today=TODAY, **extra
    )


async def test_a_bureau_creates_cohorts_in_its_region_only(db):
    w = await world()
    c = await cohort(w)
    assert c.region_path == w["regions"]["county_a"].path
    with pytest.raises(ServiceError) as err:
        await cohort(w, region=w["regions"]["county_b"])
    assert err.value.field == "region_code"
    with pytest.raises(ServiceError) as err:
        await cohort(w, end_on=date(2025, 12, 31))
    assert err.value.field == "end_on"


async def test_members_singly_and_from_a_station_a_member_twice_is_refused_and_nothing_written(db):
    w = await world()
    c = await cohort(w)
    assert await add(w, c, ["W1"]) == {"added": 1, "skipped": []}
    with pytest.raises(ServiceError) as err:
        await add(w, c, ["W2", "W1"])
    assert err.value.field == "worker_nos" and "W1" in err.value.message
    with pytest.raises(ServiceError):
        await add(w, c, ["W2", "W2"])
    assert await CohortMember.filter(cohort_id=c.id).count() == 1
    # From S1 (W1, already a member, skipped) — and a worker of county B is "not found".
    assert await add(w, c, station_code="S1") == {"added": 0, "skipped": ["W1"]}
    with pytest.raises(ServiceError) as err:
        await add(w, c, ["W3"])
    assert "W3" in err.value.message
    assert await CohortMember.filter(cohort_id=c.id).count() == 1


async def test_the_cohorts_list_counts_each_cohorts_members_in_its_page_statement(db):
    # County A's cohorts: one holding W1 and W3 (W3 works in county B), one empty. The county's bureau sees every
    # member of a cohort it reads (2 and 0); organisation A's HR reads the cohort holding a worker it reaches and
    # counts those workers, W1 alone (1; the empty one it does not read). Each page costs its count and itself.
    w = await world()
    full = await cohort(w, name="满班")
    await cohort(w, name="空班")
    for worker in (w["workers"][0], w["workers"][2]):  # W3 added as the city might have
        await CohortMember.create(cohort=full, worker=worker, joined_on=date(2026, 1, 1))
    hr = Scope(user_id=w["users"]["hr"].id, role=Role.HR, organisation_id=w["orgs"][0].id)
    counted = {}
    for name, scope in (("bureau", bureau(w)), ("hr", hr)):
        async with count_queries() as counter:
            page = await selectors.cohort_list(scope=scope, params=ListParams())
        assert counter.count == 2, counter.statements
        counted[name] = {c["name"]: c["member_count"] for c in page.items}
    assert counted == {"bureau": {"满班": 2, "空班": 0}, "hr": {"满班": 1}}


async def test_a_cohorts_members_are_read_by_worker_number_beside_their_total(db, monkeypatch):
    # A cohort's few members: sorted by their workers' numbers (the default) or names, each member's worker is probed
    # and the page read at once with the count (paginate's related_by_probe), whoever looks.
    from talent.core import pagination
    from talent.core.pagination import ListParams
    from tests.querycount import count_queries

    w = await world()
    c = await cohort(w)
    await add(w, c, ["W2", "W1"])
    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    for scope, sort, numbers in ((bureau(w), "", ["W1", "W2"]), (ADMIN, "-worker_no", ["W2", "W1"])):
        gathered.clear()
        async with count_queries() as counted:
            page = await selectors.member_page(scope=scope, cohort=c, params=ListParams(sort=sort))
        assert [m.worker.worker_no for m in page.items] == numbers and page.total == 2
        assert gathered == [2] and any("ORDER BY (SELECT" in sql for sql in counted.statements)


async def test_a_mentor_outside_reach_is_refused(db):
    w = await world()
    c = await cohort(w)
    county_b = await Supervisor.create(name="县乙督导", region=w["regions"]["county_b"])
    county_a = await Supervisor.create(name="县甲督导", region=w["regions"]["county_a"])
    with pytest.raises(ServiceError) as err:
        await add(w, c, ["W1"], mentor_id=county_b.id)
    assert err.value.field == "mentor"
    assert await CohortMember.all().count() == 0
    await add(w, c, ["W1"], mentor_id=county_a.id)
    national = await Supervisor.get(name="督导甲")
    member = await CohortMember.get(worker_id=w["workers"][0].id).select_related("cohort", "worker")
    await services.member_set_mentor(actor=None, scope=bureau(w), member=member, mentor_id=national.id, today=TODAY)
    assert (await CohortMember.get(id=member.id)).mentor_id == national.id


async def test_a_milestone_after_the_cohorts_end_is_refused(db):
    w = await world()
    c = await cohort(w)
    with pytest.raises(ServiceError) as err:
        await services.milestone_create(
            actor=None, scope=bureau(w), cohort=c, kind="custom", title="结业", due_on=date(2027, 1, 1)
        )
    assert err.value.field == "due_on"
    # The last day of the cohort is allowed.
    await services.milestone_create(
        actor=None, scope=bureau(w), cohort=c, kind="custom", title="结业", due_on=date(2026, 12, 31)
    )
    assert await Milestone.filter(cohort_id=c.id).count() == 1


async def test_milestone_progress_worked_example_from_the_records(db):
    """On 2026-06-01, cohort from 2026-01-01, members W1 and W2:
    - course 《个案工作》 completed (due 06-30): W1 completed it → met; W2 enrolled only → not yet;
    - A-ZH passed (due 06-30): W1 passed in 2026 → met; W2 failed → not yet;
    - 10 CE hours (due 09-30), counted from the cohort's start: W1 4 + 6 = 10 (the 6 h of 2025-12-31 do not
      count) → met; W2 8 → not yet, 8.0 shown;
    - custom 成长计划 (due 03-31): W2 ticked off → met; W1 not → overdue."""
    w = await world()
    w1, w2 = w["workers"][0], w["workers"][1]
    c = await cohort(w)
    await add(w, c, ["W1", "W2"])
    course = await Course.create(title="个案工作", category="case_work", status=CourseStatus.PUBLISHED, region_path="")
    await Enrolment.create(
        course=course, worker=w1, status=EnrolmentStatus.COMPLETED, completed_at=datetime(2026, 5, 2, tzinfo=UTC)
    )
    await Enrolment.create(course=course, worker=w2, status=EnrolmentStatus.ENROLLED)
    subject = await ExamSubject.get(code="A-ZH")
    await ExamResult.create(worker=w1, year=2026, subject=subject, score=72, pass_mark=60, passed=True)
    await ExamResult.create(worker=w2, year=2026, subject=subject, score=55, pass_mark=60, passed=False)
    for worker, hours, day in [
        (w1, 6, date(2025, 12, 31)),
        (w1, 4, date(2026, 2, 1)),
        (w1, 6, date(2026, 3, 1)),
        (w2, 8, date(2026, 4, 1)),
    ]:
        await CeCredit.create(worker=worker, hours=Decimal(hours), source="external", earned_on=day, note="x")
    scope = bureau(w)
    m_course = await services.milestone_create(
        actor=None,
        scope=scope,
        cohort=c,
        kind="course",
        due_on=date(2026, 6, 30),
        course_id=course.id,
        course_title="个案工作",
    )
    m_subject = await services.milestone_create(
        actor=None, scope=scope, cohort=c, kind="subject", due_on=date(2026, 6, 30), subject_code="A-ZH"
    )
    m_ce = await services.milestone_create(
        actor=None, scope=scope, cohort=c, kind="ce_hours", due_on=date(2026, 9, 30), hours=Decimal("10")
    )
    m_custom = await services.milestone_create(
        actor=None, scope=scope, cohort=c, kind="custom", title="成长计划", due_on=date(2026, 3, 31)
    )
    members = {m.worker_id: m for m in await CohortMember.filter(cohort_id=c.id)}
    await services.mark_set(
        actor=None, scope=scope, cohort=c, milestone=m_custom, member=members[w2.id], done=True, today=date(2026, 3, 20)
    )
    milestones = await selectors.milestones_of(cohort=c)
    cells = await selectors.progress(cohort=c, milestones=milestones, members=list(members.values()), today=TODAY)

    def cell(m, worker):
        return cells[(m.id, members[worker.id].id)]

    assert cell(m_course, w1)["met"] and cell(m_course, w1)["on"] == date(2026, 5, 2)
    assert not cell(m_course, w2)["met"] and not cell(m_course, w2)["overdue"]
    assert cell(m_subject, w1)["met"] and not cell(m_subject, w2)["met"]
    assert cell(m_ce, w1)["met"] and cell(m_ce, w1)["hours"] == Decimal("10")
    assert not cell(m_ce, w2)["met"] and cell(m_ce, w2)["hours"] == Decimal("8")
    assert cell(m_custom, w2)["met"] and cell(m_custom, w2)["on"] == date(2026, 3, 20)
    assert cell(m_custom, w1)["overdue"]
    counts = await selectors.milestone_counts(scope=scope, cohort=c, milestones=milestones, today=TODAY)
    assert counts == {m_course.id: 1, m_subject.id: 1, m_ce.id: 1, m_custom.id: 1}
    # A non-custom milestone follows the records: it cannot be ticked off by hand.
    with pytest.raises(ServiceError):
        await services.mark_set(
            actor=None, scope=scope, cohort=c, milestone=m_ce, member=members[w2.id], done=True, today=TODAY
        )


async def test_the_cohort_is_enrolled_in_a_course_through_the_courses_enrolment_service(db):
    from talent.cohorts.learning import learning

    w = await world()
    c = await cohort(w)
    await add(w, c, ["W1", "W2"])
    course = await Course.create(
        title="政策法规", category="policy", status=CourseStatus.PUBLISHED, region_path="", capacity=1
    )
    numbers = await selectors.member_numbers(scope=bureau(w), cohort=c)
    user = w["users"]["bureau"]
    result = await learning().enrol(actor=user, scope=bureau(w), course=course, today=TODAY, worker_nos=numbers)
    # Capacity 1: the first by worker number gets the seat, the second waits.
    assert (result["enrolled"], result["waitlisted"]) == (1, 1)
    assert await Enrolment.filter(course_id=course.id).count() == 2
