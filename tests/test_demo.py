"""The demo data: `talent demo` builds a realistic, deterministic county with its accounts."""

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from tortoise.connection import get_connection

from talent.accounts.models import User
from talent.audit.models import AuditEntry
from talent.certification.models import (
    CeCredit,
    Certificate,
    ExamResult,
    ExamSubject,
    Registration,
    RegistrationKind,
)
from talent.certification.rules import level_passed_in, period_end, registration_status
from talent.certification.selectors import ce_hours_between, level_rules_map
from talent.core.access import Role
from talent.core.errors import ServiceError
from talent.demo import DEMO_PASSWORD, build_plan, id_check_digit, id_number_valid, load_demo
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Organisation, Region, RegionLevel, Station, StationTier
from talent.supervision.models import Assignment
from tests.conftest import login

TODAY = date(2026, 11, 27)
USERNAMES = ["admin", "bureau", "citybureau", "provincebureau", "hr", "supervisor", "worker"]


async def test_the_small_demo_builds_one_county_of_about_20_stations_and_80_current_workers(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    levels = {level: await Region.filter(level=level).count() for level in RegionLevel}
    # 江苏省 › 南京市 › 玄武区 › its seven streets.
    assert levels == {"province": 1, "city": 1, "county": 1, "township": 7}
    assert await Region.get(code="320102").values_list("name", flat=True) == "玄武区"
    assert await Station.all().count() == 20
    assert 2 <= await Organisation.all().count() <= 3
    assert sorted(await StationTier.all().values_list("name", flat=True)) == ["1.0", "2.0", "3.0", "社工室"]
    # Norms apply per kind (issue 16): every station's tier is of its own kind, the rooms' the room tier.
    tiers = await Station.all().values_list("kind", "tier__station_kind", "tier__name")
    assert all(kind == tier_kind for kind, tier_kind, _name in tiers)
    assert {name for kind, _tk, name in tiers if kind == "village_room"} == {"社工室"}
    # Nobody has two open spells, so counting workers with an open spell counts the current staff.
    active = await Worker.filter(spells__end_on__isnull=True).distinct().count()
    assert 60 <= active <= 100
    assert await Worker.all().count() > active  # several years of exits
    assert await EmploymentSpell.filter(exit_type="transfer").exists()
    assert await EmploymentSpell.filter(full_time=False).exists()
    # One audit entry summarises the bulk load (the courses are written through their audited services).
    entry = await AuditEntry.get(entity="demo", entity_id="small:2026")
    assert entry.action == "create" and entry.after["stations"] == 20


async def test_about_one_in_six_full_time_workers_leaves_each_year_mostly_for_pay_or_career(db):
    await load_demo(scale="county", seed=2026, today=TODAY)
    assert await Station.all().count() == 150
    assert 500 <= await Worker.filter(spells__end_on__isnull=True).distinct().count() <= 700
    # Turnover over the last three full years: separations ÷ mid-year head count, each year within 12–25 %.
    for year in range(TODAY.year - 3, TODAY.year):
        mid = date(year, 7, 1)
        leavers = await EmploymentSpell.filter(
            full_time=True, end_on__gte=date(year, 1, 1), end_on__lte=date(year, 12, 31)
        ).count()
        headcount = (
            await EmploymentSpell.filter(full_time=True, start_on__lte=mid).filter(end_on__isnull=True).count()
            + await EmploymentSpell.filter(full_time=True, start_on__lte=mid, end_on__gte=mid).count()
        )
        assert 0.12 <= leavers / headcount <= 0.25, (year, leavers, headcount)
    reasons = {}
    for reason in await EmploymentSpell.filter(exit_type="voluntary").values_list("exit_reason", flat=True):
        reasons[reason] = reasons.get(reason, 0) + 1
    top_two = sorted(reasons, key=reasons.get, reverse=True)[:2]
    assert set(top_two) == {"pay", "career"}
    # Certificates: of all workers, roughly 35 % assistant, 12 % intermediate, 1 % senior.
    workers = await Worker.all().count()
    for level, share in [("assistant", 0.35), ("intermediate", 0.12)]:
        holders = await Certificate.filter(level=level).count()
        assert share * 0.6 <= holders / workers <= share * 1.6, (level, holders, workers)


async def test_every_demo_account_signs_in_with_the_demo_password(client):
    await load_demo(scale="small", seed=2026, today=TODAY)
    for username in USERNAMES:
        client.cookies.clear()
        await login(client, username, DEMO_PASSWORD)
        # Signed in: the profile page shows the account's Chinese display name.
        profile = await client.get("/me")
        assert profile.status_code == 200, username
        assert (await User.get(username=username)).display_name in profile.text
    users = {u.username: u for u in await User.all().prefetch_related("region", "organisation")}
    assert users["admin"].role == Role.ADMIN
    assert users["bureau"].region.code == "320102" and users["citybureau"].region.code == "320100"
    assert users["provincebureau"].region.code == "320000" and users["provincebureau"].role == Role.BUREAU
    assert all(users[name].display_name for name in USERNAMES)


async def test_hr_runs_the_largest_organisation_and_the_worker_and_supervisor_have_real_scopes(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    hr = await User.get(username="hr")
    per_org = {}
    for org_id in await Station.filter(region_path__startswith="320000/320100/320102/").values_list(
        "organisation_id", flat=True
    ):
        per_org[org_id] = per_org.get(org_id, 0) + 1
    assert per_org[hr.organisation_id] == max(per_org.values())
    worker = await User.get(username="worker")
    spell = await EmploymentSpell.get(worker_id=worker.worker_id, end_on__isnull=True).prefetch_related("station")
    assert spell.full_time and spell.station.organisation_id == hr.organisation_id
    supervisor = await User.get(username="supervisor").prefetch_related("supervisor")
    active = await Assignment.filter(supervisor_id=supervisor.supervisor.id, end_on__isnull=True).count()
    assert active == 5


async def test_the_same_seed_gives_the_same_names_and_counts(db):
    await load_demo(scale="small", seed=7, today=TODAY)
    in_db = await Worker.all().order_by("worker_no").values_list("worker_no", "name", "id_number", "birth_date")
    again = build_plan("small", 7, TODAY)
    planned = sorted((w.no, w.name, w.id_number, again.day(w.birth)) for w in again.workers)
    assert [tuple(row) for row in in_db] == planned
    assert await EmploymentSpell.all().count() == len(again.spells)
    assert sorted(await Certificate.all().values_list("number", flat=True)) == sorted(
        c.number for c in again.certificates
    )
    other = build_plan("small", 8, TODAY)
    assert [w.name for w in other.workers] != [w.name for w in again.workers]


async def test_no_worker_has_overlapping_spells_and_a_transfer_starts_elsewhere_the_next_day(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    rows = await get_connection("default").execute_query_dict(
        """
        SELECT COUNT(*) AS n FROM employment_spells a JOIN employment_spells b
          ON a.worker_id = b.worker_id AND a.id < b.id
         WHERE a.start_on <= COALESCE(b.end_on, '9999-12-31') AND b.start_on <= COALESCE(a.end_on, '9999-12-31')
        """
    )
    assert rows[0]["n"] == 0
    assert not await EmploymentSpell.filter(end_on__isnull=False, exit_type__isnull=True).exists()
    assert all(s.end_on is None or s.end_on >= s.start_on for s in await EmploymentSpell.all())
    transfers = await EmploymentSpell.filter(exit_type="transfer")
    assert transfers
    for spell in transfers:
        following = await EmploymentSpell.get(worker_id=spell.worker_id, start_on=spell.end_on + timedelta(days=1))
        assert following.station_id != spell.station_id
    assert await EmploymentSpell.filter(start_on__gt=TODAY).count() == 0
    assert await EmploymentSpell.filter(end_on__gte=TODAY).count() == 0


async def test_every_station_sits_in_a_township_and_carries_its_region_path(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    stations = await Station.all().prefetch_related("region", "tier", "organisation")
    assert len(stations) == 20
    for station in stations:
        assert station.region.level == RegionLevel.TOWNSHIP
        assert station.region_path == station.region.path
        assert station.code.startswith(f"ST{station.region.code}-")
        assert station.tier is not None and station.organisation is not None
    for region in await Region.all().prefetch_related("parent"):
        parent_path = region.parent.path if region.parent else ""
        assert region.path == parent_path + region.code + "/"
        assert region.depth == region.path.count("/") - 1


async def test_id_numbers_carry_the_birth_date_the_gender_and_a_valid_check_digit(db):
    # GB 11643's own example: 11010519491231002 → weighted sum mod 11 = 2 → check character "X".
    assert id_check_digit("11010519491231002") == "X"
    assert id_number_valid("11010519491231002X") and not id_number_valid("110105194912310021")
    await load_demo(scale="small", seed=2026, today=TODAY)
    workers = await Worker.all()
    assert len({w.id_number for w in workers}) == len(workers)
    for w in workers:
        assert id_number_valid(w.id_number), w.id_number
        assert w.id_number[6:14] == w.birth_date.strftime("%Y%m%d")
        assert int(w.id_number[16]) % 2 == (1 if w.gender == "male" else 0)
        assert len(w.phone) == 11 and w.phone.startswith("1")
    for cert in await Certificate.all():
        assert cert.obtained_on <= TODAY
    # The first registration comes within a year of the certificate (a renewal may be much later).
    for reg in await Registration.filter(kind="first").prefetch_related("certificate"):
        assert timedelta(0) < reg.registered_on - reg.certificate.obtained_on <= timedelta(365)


async def test_certificates_carry_consistent_registration_periods_ce_hours_and_exam_results(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    certificates = await Certificate.all()
    registered = [c for c in certificates if c.registered_on is not None]
    assert registered and len(registered) < len(certificates)
    rules = await level_rules_map()
    for cert in certificates:
        # Valid three years less a day: registered 2024-03-01 → expires 2027-02-28; unregistered → no expiry.
        expected = period_end(cert.registered_on, 3) if cert.registered_on else None
        assert cert.registration_expires_on == expected, cert.number
    # The registration history: periods follow each other without gap or overlap, the last one is the
    # certificate's current registration, and a renewal carries the CE hours credited in the period before.
    periods: dict[int, list[Registration]] = {}
    for reg in await Registration.all().order_by("registered_on"):
        periods.setdefault(reg.certificate_id, []).append(reg)
    assert set(periods) == {c.id for c in registered}
    by_id = {c.id: c for c in certificates}
    renewals = 0
    for cert_id, regs in periods.items():
        cert = by_id[cert_id]
        assert regs[0].kind == RegistrationKind.FIRST
        assert (regs[-1].registered_on, regs[-1].expires_on) == (cert.registered_on, cert.registration_expires_on)
        for before, after in zip(regs, regs[1:], strict=False):
            renewals += 1
            assert after.kind == RegistrationKind.RENEWAL
            assert after.registered_on == before.expires_on + timedelta(days=1)
            credited = await ce_hours_between(
                worker_id=cert.worker_id, start=before.registered_on, end=before.expires_on
            )
            assert after.ce_hours == credited >= rules[cert.level.value].ce_hours_per_period
    assert renewals > 0
    assert await CeCredit.filter(earned_on__gt=TODAY, source_ref=None).count() == 0
    # The certificates page shows every kind of status.
    statuses = set()
    for cert in certificates:
        hours = 0
        if cert.registered_on:
            hours = await ce_hours_between(
                worker_id=cert.worker_id, start=cert.registered_on, end=cert.registration_expires_on
            )
        statuses.add(
            registration_status(
                obtained_on=cert.obtained_on,
                registered_on=cert.registered_on,
                expires_on=cert.registration_expires_on,
                ce_hours=hours,
                rules=rules[cert.level.value],
                today=TODAY,
            )
        )
    assert {"registered", "renewal_open", "ce_shortfall", "lapsed"} <= statuses
    # Exam results: a certificate with results behind it passed every subject of its level within the
    # carry-over window; the results of uncertified workers never add up to a pass.
    results = await ExamResult.all().prefetch_related("subject")
    assert results and any(not r.passed for r in results)
    codes = {level: [s.code for s in await ExamSubject.filter(level=level)] for level in ("assistant", "intermediate")}
    passes: dict[tuple[int, str], dict[str, set[int]]] = {}
    for r in results:
        assert r.passed == (r.score >= r.pass_mark)
        if r.passed:
            passes.setdefault((r.worker_id, r.subject.level.value), {}).setdefault(r.subject.code, set()).add(r.year)
    held = {(c.worker_id, c.level.value) for c in certificates}
    for (worker_id, level), by_code in passes.items():
        passed = level_passed_in(codes[level], by_code, rules[level].carry_over_years)
        assert (passed is not None) == ((worker_id, level) in held), (worker_id, level)


async def test_if_empty_does_nothing_once_data_exists_and_a_second_load_is_refused(db):
    assert await load_demo(scale="small", seed=2026, today=TODAY) is not None
    counts = (await Worker.all().count(), await AuditEntry.all().count(), await User.all().count())
    assert await load_demo(scale="small", seed=2026, if_empty=True, today=TODAY) is None
    with pytest.raises(ServiceError):
        await load_demo(scale="small", seed=2026, today=TODAY)
    assert (await Worker.all().count(), await AuditEntry.all().count(), await User.all().count()) == counts


async def test_an_existing_account_is_kept_and_the_rest_are_created(db):
    from talent.accounts import services

    await services.user_create(actor=None, username="admin", password="my-own-password", role=Role.ADMIN)
    await load_demo(scale="small", seed=2026, today=TODAY)
    assert await User.all().count() == len(USERNAMES)
    assert await User.filter(username="admin", display_name="").exists()  # untouched


def test_the_talent_command_migrates_and_loads_the_demo_end_to_end(tmp_path: Path):
    database = tmp_path / "demo.sqlite3"
    env = {**os.environ, "TALENT_DATABASE_URL": f"sqlite://{database}", "COLUMNS": "200"}
    talent = [sys.executable, "-m", "talent.cli"]
    migrated = subprocess.run([*talent, "migrate"], env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    loaded = subprocess.run(
        [*talent, "demo", "--scale", "small", "--seed", "7"], env=env, capture_output=True, text=True, timeout=120
    )
    assert loaded.returncode == 0, loaded.stderr
    for username in USERNAMES:
        assert username in loaded.stdout
    assert DEMO_PASSWORD in loaded.stdout
    again = subprocess.run([*talent, "demo", "--if-empty"], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "already holds data" in again.stdout


async def test_the_small_demo_has_courses_with_right_seats_progress_completions_and_a_question_bank(db):
    from courses.catalog.models import Course, CourseStatus
    from courses.classroom.models import Attendance, ClassSession
    from courses.completion.models import CompletionCertificate
    from courses.enrolment.models import Enrolment, EnrolmentStatus, LessonProgress
    from courses.examprep.models import MockAttempt, Question

    await load_demo(scale="small", seed=2026, today=TODAY)
    courses = {c.title: c for c in await Course.all().prefetch_related("region")}
    assert len(courses) == 5
    # Seat counters match the enrolments: enrolled + completed hold a seat.
    for course in courses.values():
        seated = await Enrolment.filter(
            course_id=course.id, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED]
        ).count()
        assert course.seats_taken == seated, course.title
        assert course.capacity is None or course.seats_taken <= course.capacity
    prep = courses["助理社会工作师综合能力备考"]
    assert prep.status == CourseStatus.PUBLISHED and prep.capacity is None and prep.ce_hours == 12
    assert prep.region.code == "320102" and await prep.lessons.all().count() == 6
    worker = await User.get(username="worker")
    mine = await Enrolment.get(course_id=prep.id, worker_id=worker.worker_id)
    assert mine.status == EnrolmentStatus.ENROLLED
    assert await LessonProgress.filter(enrolment_id=mine.id).count() == 2
    workshop = courses["个案工作实务工作坊"]
    assert (workshop.capacity, workshop.attendance_threshold, workshop.ce_hours) == (30, 80, 16)
    assert workshop.seats_taken == 25
    assert await ClassSession.filter(course_id=workshop.id).count() == 4
    # Two past sessions with attendance; nobody completed (2 of 4 sessions is below 80 %).
    assert await Attendance.filter(session__course_id=workshop.id).count() > 25
    assert not await Enrolment.filter(course_id=workshop.id, status=EnrolmentStatus.COMPLETED).exists()
    # The finished course: ten completions, each with a CE credit of the course's hours and a certificate.
    completed = await Enrolment.filter(status=EnrolmentStatus.COMPLETED).prefetch_related("course")
    assert len(completed) == 10
    for enrolment in completed:
        credit = await CeCredit.get(worker_id=enrolment.worker_id, source_ref=f"course:{enrolment.course_id}")
        assert credit.hours == enrolment.course.ce_hours
        assert await CompletionCertificate.filter(enrolment_id=enrolment.id, revoked_at=None).exists()
    statuses = sorted((c.status.value, c.region.code) for c in courses.values())
    assert ("draft", "320102") in statuses and ("published", "320100") in statuses
    # The exam-prep bank, and the worker's practice and one handed-in mock exam.
    assert await Question.all().count() >= 150
    assert await MockAttempt.filter(worker_id=worker.worker_id, status="submitted").count() == 1


async def test_the_demo_county_has_a_township_station_per_street_with_village_rooms_under_them(db):
    """Issue 16: 玄武区 has 7 streets, so 7 township stations; the other 13 of its 20 "stations" are village
    (community) rooms, each under the township station of its own street. The tiers say they are illustrative."""
    await load_demo(scale="small", seed=2026, today=TODAY)
    assert await Station.filter(kind="township_station").count() == 7
    rooms = await Station.filter(kind="village_room").prefetch_related("parent")
    assert len(rooms) == 13
    for room in rooms:
        assert room.parent.kind == "township_station" and room.parent.region_id == room.region_id
    assert all("演示用示例等级" in t.notes for t in await StationTier.all())


async def test_demo_exam_results_fail_more_often_than_they_pass(db):
    """Issue 16: pass rates were 100 % in most years. Now (see talent/demo.py's docstring) a subject is passed in
    about a third of results and no exam year of the demo passes more than 60 % of its results."""
    await load_demo(scale="small", seed=2026, today=TODAY)
    results = await ExamResult.all().values("year", "passed")
    assert len(results) > 300
    share = sum(r["passed"] for r in results) / len(results)
    assert 0.25 <= share <= 0.45, share
    by_year: dict[int, list[bool]] = {}
    for r in results:
        by_year.setdefault(r["year"], []).append(r["passed"])
    assert all(sum(v) / len(v) <= 0.6 for v in by_year.values() if len(v) >= 20), {
        y: round(sum(v) / len(v), 2) for y, v in by_year.items()
    }


def test_the_demo_bank_has_no_absurd_distractors_and_keys_the_functions_of_social_work_as_the_textbook():
    """Issue 16 (partly): the absurd distractors are replaced by plausible ones, and the item on the functions
    of social work for society is keyed to the assistant textbook (维持社会秩序, 促进社会和谐; the other options
    are functions for the service user or not a function)."""
    from courses.examprep.demo_bank import questions

    bank = questions()
    for q in bank:
        assert not {"星座", "股票分红", "网购偏好"} & set(q.options), q.stem
    item = next(q for q in bank if q.stem == "社会工作对社会的功能包括（ ）。")
    chosen = {item.options["ABCDE".index(letter)] for letter in item.answer}
    assert chosen == {"维持社会秩序", "促进社会和谐"}


async def test_the_demo_runs_the_reminders_so_the_demo_accounts_bells_have_content(client):
    from talent.notifications.models import Notification

    await load_demo(scale="small", seed=2026, today=TODAY)
    # The worker sits in the workshop whose third session is tomorrow at 09:30 (within the 48-hour window of
    # the session reminders); HR is reminded of the registrations of its organisation's workers.
    kinds = {
        username: set(await Notification.filter(user__username=username).values_list("kind", flat=True))
        for username in ("worker", "hr")
    }
    assert kinds["worker"] == {"course_session"}
    assert kinds["hr"] & {"registration_expiry", "ce_shortfall"}
    await login(client, "worker", DEMO_PASSWORD)
    bell = await client.get("/notifications")
    assert "个案工作实务工作坊" in bell.text and "介入技巧演练" in bell.text


def test_the_national_demos_cities_and_counties_are_real_each_under_its_province_and_city():
    # The national demo's cities and counties are real divisions (talent.demo_divisions, by the Ministry's codes),
    # where they were Faker names with codes made up from the province's: 惠州市 (Guangdong's) under 江苏省, and one
    # province's city under another. Each city's code starts with its province's two digits and each county's with
    # its city's four; no code repeats; each province holds 48 counties or more where it has them (Hainan, Qinghai
    # and Ningxia have fewer in all), a municipality 16 districts; Jiangsu, where the demo accounts sit, holds
    # 无锡市 to 淮安市 (320200–320800) after Nanjing, which NANJING_DISTRICTS builds.
    from talent import demo_data
    from talent.demo import _Planner

    specs = _Planner("national", 2026, TODAY).synthetic_counties()
    assert {spec.province for spec in specs} == set(demo_data.PROVINCES)
    for spec in specs:
        assert spec.city[0][:2] == spec.province[0][:2] and spec.code[:4] == spec.city[0][:4], spec
        assert spec.city[0].endswith("00") and not spec.code.endswith("00")
    assert len({spec.code for spec in specs}) == len(specs)
    counties = {province: sum(spec.province == province for spec in specs) for province in demo_data.PROVINCES}
    assert counties[("110000", "北京市")] == 16 and counties[("460000", "海南省")] == 8
    provinces = [(code, n) for (code, name), n in counties.items() if not name.endswith("市")]
    assert all(n >= 48 for code, n in provinces if code not in ("460000", "630000", "640000"))
    jiangsu = {spec.city for spec in specs if spec.province[0] == "320000"}
    assert {code for code, _name in jiangsu} == {f"320{n}00" for n in range(2, 9)}
    assert ("320700", "连云港市") in jiangsu and all(name != "惠州市" for _code, name in jiangsu)
