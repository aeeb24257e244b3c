"""Edges of course access that mutation testing found untested."""

from datetime import date, timedelta

from courses.catalog.access import can_author, station_paths
from talent.core.access import Role, Scope
from talent.people.models import EmploymentSpell
from tests.factories import world


def test_only_admins_and_bureaus_with_a_region_author_courses():
    assert can_author(Scope(user_id=1, role=Role.ADMIN), region_path="")
    assert not can_author(Scope(user_id=1, role=Role.HR, region_path="32/", organisation_id=1), region_path="32/")
    assert not can_author(Scope(user_id=1, role=Role.BUREAU, region_path=None), region_path="32/")
    assert can_author(Scope(user_id=1, role=Role.BUREAU, region_path="32/"), region_path="32/3201/")


async def test_a_worker_reaches_the_stations_of_spells_active_today_only(db):
    w = await world()
    today = date(2026, 12, 1)
    worker = w["workers"][0]
    ended = w["stations"][2]  # county B: a spell that ended yesterday
    await EmploymentSpell.create(
        worker=worker, station=ended, start_on=date(2020, 1, 1), end_on=today - timedelta(days=1)
    )
    paths = await station_paths(Scope(user_id=1, role=Role.WORKER, worker_id=worker.id), today)
    assert paths == [w["stations"][0].region_path]
    # A worker account with no worker record reaches nothing (not worker id 1's stations).
    assert await station_paths(Scope(user_id=1, role=Role.WORKER, worker_id=None), today) == []


async def test_a_spell_ending_today_still_gives_a_worker_its_stations_courses(db):
    w = await world()
    today = date(2026, 12, 1)
    worker = w["workers"][0]
    second = w["stations"][2]  # county B: a second spell whose last working day is today
    await EmploymentSpell.create(worker=worker, station=second, start_on=date(2020, 1, 1), end_on=today)
    paths = await station_paths(Scope(user_id=1, role=Role.WORKER, worker_id=worker.id), today)
    # The open spell at S1 (county A's street) and the spell at S3 (county B's street) ending today.
    assert paths == sorted([w["stations"][0].region_path, second.region_path])


async def test_a_course_kept_open_by_an_enrolment_is_the_enrolled_workers_only(db):
    from courses.catalog.access import readable_courses
    from courses.enrolment.models import Enrolment, EnrolmentStatus
    from talent.people.models import Worker
    from tests.courses.helpers import make_course

    w = await world()
    first = await Worker.get(id=1)  # "no worker record" must not read as worker id 1
    assert first.id == w["workers"][0].id
    elsewhere = await make_course(w, author="admin", region="320104")  # county B: not first's county (A)
    await Enrolment.create(course=elsewhere, worker=first, status=EnrolmentStatus.ENROLLED)
    today = date(2026, 12, 1)
    enrolled = Scope(user_id=1, role=Role.WORKER, worker_id=first.id)
    orphan = Scope(user_id=1, role=Role.WORKER, worker_id=None)
    assert elsewhere.id in await (await readable_courses(enrolled, today)).values_list("id", flat=True)
    assert await (await readable_courses(orphan, today)).count() == 0


async def test_drafts_are_seen_by_their_authors_side_only_not_below_nor_by_an_enrolled_worker(db):
    from courses.catalog.access import readable_courses
    from courses.catalog.models import Course, CourseStatus
    from courses.enrolment.models import Enrolment, EnrolmentStatus
    from tests.courses.helpers import make_course

    w = await world()
    today = date(2026, 12, 1)
    city_draft = await make_course(w, author="citybureau", region="320100", lessons=0)  # no lessons: a draft
    assert city_draft.status == CourseStatus.DRAFT
    county_bureau = Scope(user_id=1, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)
    assert city_draft.id not in await (await readable_courses(county_bureau, today)).values_list("id", flat=True)

    worker = w["workers"][0]
    elsewhere = await make_course(w, author="admin", region="320104")  # county B: open to worker 1 by enrolment
    await Enrolment.create(course=elsewhere, worker=worker, status=EnrolmentStatus.ENROLLED)
    await Course.filter(id=elsewhere.id).update(status=CourseStatus.DRAFT)  # taken back to a draft
    mine = Scope(user_id=1, role=Role.WORKER, worker_id=worker.id)
    assert elsewhere.id not in await (await readable_courses(mine, today)).values_list("id", flat=True)
