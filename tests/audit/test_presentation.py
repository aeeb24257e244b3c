"""The audit log reads in the reader's language: field names by their label, coded values by their label, the
records an entry refers to by their names where the reader may see them elsewhere ("#id" where not), and the page
makes as many queries for many entries as for few."""

import contextvars
import html
import importlib
import pkgutil
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

import courses
import talent
from courses.catalog.models import Lesson
from courses.classroom.models import ClassSession
from courses.completion import pages as completion_pages
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.accounts.models import User
from talent.accounts.selectors import scope_for
from talent.audit import selectors as audit_selectors
from talent.audit.models import SYSTEM_ACTOR, AuditEntry, Entity
from talent.audit.present import (
    ENTITY_FIELD_LABELS,
    FIELD_LABELS,
    NAMERS,
    RECORDS,
    REFERENCES,
    Change,
    _changes_of,
    _summary,
    _summary_pair,
    changes_text,
    lines,
    log_sources,
    names_of,
    record_and_summary,
    show_value,
)
from talent.audit.services import Audited
from talent.core.access import Role, Scope
from talent.core.i18n import set_locale
from talent.core.pagination import ListParams
from talent.core.sql import dialect
from talent.demo import load_demo
from talent.people.models import Worker
from talent.places.models import Station
from talent.rawsql import fetch_rows
from talent.web import exports
from tests.conftest import login, post
from tests.courses.helpers import make_course, scope_of
from tests.exports.helpers import csv_rows
from tests.factories import world
from tests.querycount import count_queries


def _audited_declarations() -> list[Audited]:
    found = []
    for package in (talent, courses):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in info.name or info.name.endswith(("live_app", "__main__")):
                continue
            module = importlib.import_module(info.name)
            found += [v for v in vars(module).values() if isinstance(v, Audited)]
    return found


def test_every_field_of_every_audited_declaration_has_a_label():
    declarations = _audited_declarations()
    assert len(declarations) > 30  # every domain's (places, people, certification, courses, pay, …)
    missing = sorted({f"{d.entity}.{f}" for d in declarations for f in d.fields if f not in FIELD_LABELS})
    assert missing == []


def test_every_kind_of_record_the_log_names_has_a_namer_once_the_app_is_built(app):
    assert set(REFERENCES.values()) | set(RECORDS.values()) <= set(NAMERS)


async def changes(client, locale: str, **params) -> list[str]:
    """The "Change" column's lines, as read (tags dropped, no spaces added)."""
    client.cookies.set("talent_lang", locale)
    response = await client.get("/audit", params=params)
    assert response.status_code == 200
    found = re.findall(r'<div class="audit-change">(.*?)</div>', response.text)
    return [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in found]


async def records(client, locale: str, **params) -> list[str]:
    client.cookies.set("talent_lang", locale)
    response = await client.get("/audit", params=params)
    return [html.unescape(m) for m in re.findall(r'<span class="audit-record">(.*?)</span>', response.text)]


async def test_a_course_entry_shows_field_names_and_codes_in_the_readers_language(client):
    w = await world()
    # Created (with its fields after) and published (status before and after) by the county bureau.
    course = await make_course(w, author="bureau", category="policy")
    await login(client, "admin")

    english = await changes(client, "en", entity="course")
    assert "Status: Draft → Published" in english
    assert "Category: Policy" in english
    assert "Delivery: Online" in english
    assert "Region: 玄武区" in english  # region_id named by the region (the admin reaches every region)
    assert "CE hours: 8.0" in english
    assert not [line for line in english if re.search(r"status:|category:|_id", line)]

    chinese = await changes(client, "zh_CN", entity="course")
    assert "状态：草稿 → 已发布" in chinese
    assert "类别：政策法规" in chinese
    assert "行政区划：玄武区" in chinese
    assert not [line for line in chinese if re.search(r"[A-Za-z_]+:", line)]
    # The record is named by its title, not numbered.
    assert await records(client, "zh_CN", entity="course") == [course.title, course.title]


async def test_an_enrolment_names_its_course_and_worker_for_a_reader_who_sees_both(client):
    w = await world()
    course = await make_course(w, author="bureau")
    await login(client, "bureau")
    response = await post(client, f"/courses/{course.id}/enrolments", {"worker_nos": "W1"})
    assert response.status_code == 303
    worker = w["workers"][0]
    client.cookies.set("talent_lang", "zh_CN")
    page = html.unescape((await client.get("/audit", params={"entity": "enrolment"})).text)
    # Summary written as "course 3 · worker 121", read as the course's title and the worker's name.
    assert f"{course.title} · {worker.name}" in page
    assert f"course {course.id} · worker {worker.id}" not in page
    assert await changes(client, "zh_CN", entity="enrolment") == [
        f"课程：{course.title}",
        f"社工：{worker.name}",
        "状态：已报名",
    ]
    assert await changes(client, "en", entity="enrolment") == [
        f"Course: {course.title}",
        f"Worker: {worker.name}",
        "Status: Enrolled",
    ]
    assert await records(client, "zh_CN", entity="enrolment") == [f"{course.title} · {worker.name}"]


async def test_a_record_out_of_the_readers_reach_stays_a_number(client):
    w = await world()
    worker = w["workers"][0]  # W1 at S1, organisation A
    s3 = await Station.get(code="S3")  # organisation B's
    await login(client, "citybureau")
    response = await post(
        client,
        f"/workers/{worker.id}/transfer",
        {"end_on": "2025-03-31", "exit_reason": "career", "station_code": "S3", "full_time": "1"},
    )
    assert response.status_code == 303
    # The city bureau reaches both stations: the new spell names S3.
    assert f"Station: {s3.name}" in await changes(client, "en", entity="spell")
    # HR of organisation A reads the transfer (it touched its station) but may not see organisation B's station:
    # the entry names it "#id", never by the name HR A could not read elsewhere.
    await login(client, "hr")
    hr_lines = await changes(client, "en", entity="spell")
    assert f"Station: #{s3.id}" in hr_lines
    assert not [line for line in hr_lines if s3.name in line]
    assert f"Worker: {worker.name}" in hr_lines  # its own worker, named


async def _enrolled_in_county_a(w, course, worker) -> Enrolment:
    """An enrolment and its log entry, filed under county A (so county A's bureau reads the entry)."""
    enrolment = await Enrolment.create(course=course, worker=worker, status=EnrolmentStatus.ENROLLED)
    await AuditEntry.create(
        action="create", entity=Entity.ENROLMENT, entity_id=str(enrolment.id),
        summary=f"course {course.id} · worker {worker.id}", region_path=w["regions"]["county_a"].path,
    )  # fmt: skip
    return enrolment


async def test_an_enrolment_whose_worker_is_out_of_reach_stays_a_number_though_its_course_is_in_reach(client):
    w = await world()
    course = await make_course(w, author="bureau")  # county A's course
    far = w["workers"][2]  # W3 at S3, county B
    enrolment = await _enrolled_in_county_a(w, course, far)
    # County A's bureau reads the entry (filed under county A) and its course, not the worker of county B.
    await login(client, "bureau")
    assert await records(client, "en", entity="enrolment", entity_id=str(enrolment.id)) == [f"#{enrolment.id}"]
    client.cookies.set("talent_lang", "en")
    page = html.unescape((await client.get("/audit", params={"entity": "enrolment"})).text)
    assert far.name not in page
    assert f"{course.title} · #{far.id}" in page
    # The city bureau reaches both: the record is named.
    await login(client, "citybureau")
    named = await records(client, "en", entity="enrolment", entity_id=str(enrolment.id))
    assert named == [f"{course.title} · {far.name}"]


async def test_an_enrolment_whose_course_is_out_of_reach_stays_a_number_though_its_worker_is_in_reach(client):
    w = await world()
    course = await make_course(w, author="citybureau", region="320104")  # county B's course
    near = w["workers"][0]  # W1 at S1, county A
    enrolment = await _enrolled_in_county_a(w, course, near)
    # County A's bureau reads the entry and its own worker, not county B's course (a sibling county's, not above it).
    await login(client, "bureau")
    assert await records(client, "en", entity="enrolment", entity_id=str(enrolment.id)) == [f"#{enrolment.id}"]
    await login(client, "citybureau")
    named = await records(client, "en", entity="enrolment", entity_id=str(enrolment.id))
    assert named == [f"{course.title} · {near.name}"]


async def _named_records(client, username: str) -> tuple[list[str], list[str], list[str]]:
    """The records of the enrolments' entries on the page and in the CSV export as `username` reads them, and the
    statements both sent that name an enrolment."""
    await login(client, username)
    async with count_queries() as counter:
        page = await records(client, "en", entity="enrolment")
        rows = csv_rows(await client.get("/audit/export", params={"format": "csv", "entity": "enrolment"}))
    return page, [r[5] for r in rows[1:]], [s for s in counter.statements if "course_enrolments" in s]


async def test_an_enrolments_entries_are_named_by_the_course_and_worker_their_summaries_name(client):
    """An entry whose summary starts "course N · worker M" (as the learning side writes an enrolment's entries but
    a lesson's or a session's) names its enrolment by those two names, which reading its summary asks for anyway: a
    county's page and export name no enrolment for it. A lesson done names the same enrolment by the enrolment's
    own namer. The administrator's export, whose naming statements read the ids from the log itself, reads the same
    (and which ids it reads, the next test)."""
    w = await world()
    course = await make_course(w, author="bureau")
    worker = w["workers"][0]
    enrolment = await _enrolled_in_county_a(w, course, worker)
    name = f"{course.title} · {worker.name}"
    assert await _named_records(client, "bureau") == ([name], [name], [])
    assert (await _named_records(client, "admin"))[:2] == ([name], [name])
    lesson = await Lesson.filter(course_id=course.id).first()
    await AuditEntry.create(
        action="lesson_done", entity=Entity.ENROLMENT, entity_id=str(enrolment.id), summary=f"lesson {lesson.id}",
        actor_name=SYSTEM_ACTOR, region_path=w["regions"]["county_a"].path,
    )  # fmt: skip
    page, exported, named = await _named_records(client, "bureau")
    assert page == exported == [name, name]
    assert len(named) == 2  # the page's naming statement and the export's
    assert (await _named_records(client, "admin"))[:2] == ([name, name], [name, name])


async def test_the_log_names_by_their_own_namer_the_enrolments_whose_entries_python_does_not_name_by_summary(db):
    """The statement that reads an administrator's enrolments to name from the log (log_sources) passes over an
    entry only where Python names it by its summary (_summary_pair): an id it passed over wrongly would read "#id"
    in the export and its name on the page."""
    summaries = [
        "course 3 · worker 97 · 8.0 h",
        "course 3 · worker 97: 重复",
        "course 3 · worker 9",
        "course 3x · worker 97",
        "course  3 · worker 97",
        "course 3 · worker x",
        "course · worker 97",
        "Course 3 · Worker 97",
        " course 3 · worker 97",
        "lesson 8",
        "discourse 3 · worker 97",
        "course 3 · worker ",
        "",
    ]
    for i, summary in enumerate(summaries, start=1):
        await AuditEntry.create(action="update", entity=Entity.ENROLMENT, entity_id=str(i), summary=summary)
    own, _mentioned = log_sources(dialect() == "postgres")
    log = "SELECT id, entity, entity_id, summary FROM audit_entries"
    sql = f"WITH log AS ({log}) " + " UNION ALL ".join(own["enrolment"])
    read = {int(row[0]) for row in await fetch_rows(AuditEntry, sql)}
    by_namer = {i for i, summary in enumerate(summaries, start=1) if _summary_pair(Entity.ENROLMENT, summary) is None}
    assert read == by_namer
    assert by_namer == set(range(4, len(summaries) + 1))  # the first three are named by their summaries


PAIR_NAMES = {"course": {3: "伦理", 4: "督导"}, "worker": {97: "张三", 5: "李四"}}


@pytest.mark.parametrize(
    "summary, record",
    [
        ("course 3 · worker 97", "伦理 · 张三"),
        ("course 3 · worker 97 · 8.0 h", "伦理 · 张三"),
        ("course 3 · worker 97: 重复报名", "伦理 · 张三"),
        ("course 3 · worker 97 · course 4 · worker 5", "伦理 · 张三"),
        ("course 3 · worker 97course 4 · worker 5", "伦理 · 张三"),
        ("course 3 · worker 98 · 8.0 h", "#12"),  # a worker out of reach: the record stays a number
        ("course 30 · worker 5", "#12"),
        ("lesson 8", "#12"),  # named by the enrolment's namer, which names nothing here
    ],
)
def test_a_summary_matched_once_for_its_record_reads_as_the_general_path_reads_it(summary, record):
    # record_and_summary matches a pair summary once for the record and the summary; the summary reads as _summary
    # reads any summary (every "course N · worker M" named), whatever follows the first pair.
    entry = SimpleNamespace(entity=Entity.ENROLMENT, entity_id="12", summary=summary)
    assert record_and_summary(entry, PAIR_NAMES) == (record, _summary(summary, PAIR_NAMES))


async def _learners_entries(w, course, worker) -> tuple[Lesson, ClassSession]:
    """A lesson done and an attendance of `worker` in `course`, as the learning side writes them (no account: the
    system), filed under county A."""
    lesson = await Lesson.filter(course_id=course.id).first()
    starts_at = datetime(2026, 11, 13, 1, 30, tzinfo=UTC)
    session = await ClassSession.create(course=course, title="接案与预估", starts_at=starts_at)
    enrolment = await Enrolment.create(course=course, worker=worker, status=EnrolmentStatus.ENROLLED)
    for action, summary in (("lesson_done", f"lesson {lesson.id}"), ("present", f"session {session.id}")):
        await AuditEntry.create(
            action=action, entity=Entity.ENROLMENT, entity_id=str(enrolment.id), summary=summary,
            actor_name=SYSTEM_ACTOR, region_path=w["regions"]["county_a"].path,
        )  # fmt: skip
    return lesson, session


async def test_a_lesson_done_and_an_attendance_read_as_their_titles_and_the_system_in_the_readers_language(client):
    w = await world()
    lesson, session = await _learners_entries(w, await make_course(w, author="bureau"), w["workers"][0])
    await login(client, "bureau")
    for locale, system in (("en", "System"), ("zh_CN", "系统")):
        client.cookies.set("talent_lang", locale)
        page = html.unescape((await client.get("/audit", params={"entity": "enrolment"})).text)
        # Written as "lesson 8" and "session 2", read as the lesson's and the session's titles.
        assert lesson.title in page and "接案与预估" in page
        assert not re.search(r"\b(lesson|session) \d", page)
        assert re.findall(r"<td>(System|系统|system)</td>", page) == [system, system]
    rows = csv_rows(await client.get("/audit/export", params={"format": "csv", "entity": "enrolment"}))
    assert {(r[1], r[6]) for r in rows[1:]} == {("系统", lesson.title), ("系统", "接案与预估")}


async def test_a_lesson_and_a_session_of_a_course_out_of_the_readers_reach_read_as_their_kind_and_number(client):
    w = await world()
    course = await make_course(w, author="citybureau", region="320104")  # county B's course
    lesson, session = await _learners_entries(w, course, w["workers"][0])
    # County A's bureau reads the entries (filed under county A), not county B's course, nor so its parts.
    await login(client, "bureau")
    client.cookies.set("talent_lang", "en")
    page = html.unescape((await client.get("/audit", params={"entity": "enrolment"})).text)
    assert f"Lesson #{lesson.id}" in page and f"Classroom session #{session.id}" in page
    assert lesson.title not in page and "接案与预估" not in page
    # The city bureau reaches the course.
    await login(client, "citybureau")
    page = html.unescape((await client.get("/audit", params={"entity": "enrolment"})).text)
    assert lesson.title in page and "接案与预估" in page


async def test_every_field_the_demos_log_writes_has_a_label(db):
    # The declarations' fields are checked above; this reads what the services actually write, documents passed
    # whole included (a completion's certificate id, the demo's counts).
    await load_demo(scale="small", seed=2026, today=date(2026, 11, 27))
    documents = await AuditEntry.all().values_list("entity", "before", "after")
    keys = {(entity, key) for entity, *docs in documents for doc in docs if isinstance(doc, dict) for key in doc}
    assert len(keys) > 60
    assert sorted(k for k in keys if k[1] not in FIELD_LABELS and k not in ENTITY_FIELD_LABELS) == []
    # A record the log does not name reads as one, "#id", not as a bare number.
    completion = await AuditEntry.filter(entity="enrolment", action="complete").first()
    (change,) = [
        c for c in _changes_of("enrolment", completion.before, completion.after, {}, "en") if "cert" in c.label
    ]
    assert change == Change("Completion certificate", "—", f"#{completion.after['certificate_id']}")


async def add_entries(client, w, first: int, n: int) -> None:
    """n courses (created, published), each with an enrolment, and a change to every worker: entries of every kind
    the page names (courses, regions, enrolments, workers, stations)."""
    for i in range(first, first + n):
        course = await make_course(w, author="bureau", title=f"课程{i}")
        assert (await post(client, f"/courses/{course.id}/enrolments", {"worker_nos": "W1"})).status_code == 303
    station = await Station.get(code="S1")
    for worker in await Worker.all():
        await AuditEntry.create(
            action="update", entity=Entity.WORKER, entity_id=str(worker.id), region_path=w["regions"]["county_a"].path,
            before={"gender": None, "station_id": None}, after={"gender": "female", "station_id": station.id},
        )  # fmt: skip


async def test_the_audit_page_makes_as_many_queries_for_many_entries_as_for_few(client):
    w = await world()
    await login(client, "bureau")
    await add_entries(client, w, 0, 1)
    few_entries = await AuditEntry.all().count()
    async with count_queries() as few:
        assert (await client.get("/audit")).status_code == 200
    await add_entries(client, w, 1, 5)
    many_entries = await AuditEntry.all().count()
    async with count_queries() as many:
        response = await client.get("/audit")
    assert response.status_code == 200
    assert many_entries >= 2 * few_entries
    assert many.count == few.count
    page = html.unescape(response.text)
    assert "性别：— → 女" in await changes(client, "zh_CN") and "课程4 · 工作者1" in page


async def test_the_audit_page_names_one_kind_of_record_with_as_many_queries_as_five(client):
    w = await world()
    await login(client, "bureau")
    client.cookies.set("talent_lang", "zh_CN")
    worker = w["workers"][0]
    await AuditEntry.create(
        action="update", entity=Entity.WORKER, entity_id=str(worker.id), region_path=w["regions"]["county_a"].path,
        before={"gender": None}, after={"gender": "female"},
    )  # fmt: skip
    async with count_queries() as one_kind:
        page = html.unescape((await client.get("/audit")).text)
    assert worker.name in page
    await add_entries(client, w, 0, 1)  # courses, regions, enrolments, workers and stations
    async with count_queries() as five_kinds:
        assert (await client.get("/audit")).status_code == 200
    station = await Station.get(code="S1")
    assert "课程0 · 工作者1" in await records(client, "zh_CN", entity="enrolment")
    assert f"社工站：— → {station.name}" in await changes(client, "zh_CN", entity="worker")
    # Every kind's names come from one statement (UNION ALL), not one statement per kind.
    assert five_kinds.count == one_kind.count
    # One naming statement, the kinds joined by UNION ALL (the session's own statement holds a supervisor's reach).
    naming = [statement for statement in five_kinds.statements if " AS kind, q.i AS i, q.label AS label " in statement]
    assert len(naming) == 1 and naming[0].count(" UNION ALL ") >= 4


async def test_the_audit_pager_links_to_the_next_entries_by_a_cursor_on_the_last_entry_shown(client):
    w = await world()
    await login(client, "bureau")
    await add_entries(client, w, 0, 3)
    shown = (await client.get("/audit", params={"per_page": 2})).text
    link = re.search(r'href="([^"]*after=([^"&]+)[^"]*)"', html.unescape(shown))
    assert link is not None
    from talent.core.pagination import decode_cursor

    # The default order is newest first by id: the cursor is the second-newest entry's id (it was null before the
    # page's rows became display lines, and deep pages fell back to OFFSET).
    newest = await AuditEntry.all().order_by("-id").limit(3).values_list("id", flat=True)
    assert decode_cursor(link.group(2)) == (newest[1], newest[1])
    following = await client.get(link.group(1))
    assert following.status_code == 200 and following.text != shown


async def test_each_page_is_named_by_its_own_ids_though_the_namers_statements_are_kept_per_reader(app):
    # The namers' statement texts are kept per scope and day with a mark where a page's ids go (present.kept_namer).
    # County A's bureau names W1 on one page; W2, W3 (county B's: out of reach) and S1 on the next; no worker on a
    # third (Tortoise's match-nothing test: `IN ()` is no SQL).
    w = await world()
    scope = await scope_of(w["users"]["bureau"])
    w1, w2, w3 = w["workers"][:3]
    s1 = w["stations"][0]
    assert await names_of(scope, {"worker": {w1.id}}) == {"worker": {w1.id: w1.name}}
    second = await names_of(scope, {"worker": {w2.id, w3.id}, "station": {s1.id}})
    assert second == {"worker": {w2.id: w2.name}, "station": {s1.id: s1.name}}
    assert await names_of(scope, {"worker": set()}) == {"worker": {}}


async def test_a_staff_members_courses_are_named_by_the_stations_they_look_after_now_though_the_statement_is_kept(db):
    # The learning side's namers keep their text per scope, day and the station paths the reader's courses hang on
    # (courses.catalog.access.course_reach_paths). County B's HR does not see county A's course, until its
    # organisation takes on a station in county A's street: then the same reader, the same day, names the course
    # and its lesson, where a text kept per scope and day alone would still name neither.
    w = await world()
    course = await make_course(w, author="bureau", lessons=1)  # county A's
    lesson = await Lesson.get(course_id=course.id)
    wanted = {"course": {course.id}, "lesson": {lesson.id}}
    hr_b = Scope(user_id=0, role=Role.HR, organisation_id=w["orgs"][1].id)
    assert await names_of(hr_b, wanted) == {"course": {}, "lesson": {}}

    street_a = w["stations"][0]
    await Station.create(
        code="S5",
        name="社工站5",
        region_id=street_a.region_id,
        region_path=street_a.region_path,
        organisation=w["orgs"][1],
        tier_id=street_a.tier_id,
    )
    assert await names_of(hr_b, wanted) == {"course": {course.id: course.title}, "lesson": {lesson.id: lesson.title}}


@pytest.mark.parametrize("joined", ["", "JOINED_NAMES_MIN", "JOINED_REACH_MIN"], ids=["probed", "joined", "reach"])
async def test_enrolments_are_named_for_the_readers_who_see_their_course_and_worker_probed_or_joined(
    db, monkeypatch, joined
):
    # Many ids are named by a join on PostgreSQL (JOINED_NAMES_MIN; SQLite always probes), and a jurisdiction's
    # many ids by joining the workers it reaches, read once (JOINED_REACH_MIN, both databases): the same names, and
    # the same silence where the reader may not see the course or the worker.
    if joined:
        monkeypatch.setattr(completion_pages, joined, 0)
    w = await world()
    course = await make_course(w, author="bureau")  # county A's
    w1, w3 = w["workers"][0], w["workers"][2]  # county A's worker, county B's
    mine = await Enrolment.create(course=course, worker=w1, status=EnrolmentStatus.ENROLLED)
    theirs = await Enrolment.create(course=course, worker=w3, status=EnrolmentStatus.ENROLLED)
    wanted = {"enrolment": {mine.id, theirs.id}}
    users = w["users"]
    admin = await names_of(await scope_of(users["admin"]), wanted)
    assert admin["enrolment"] == {mine.id: f"{course.title} · {w1.name}", theirs.id: f"{course.title} · {w3.name}"}
    county_a = await names_of(await scope_of(users["bureau"]), wanted)
    assert county_a["enrolment"] == {mine.id: f"{course.title} · {w1.name}"}  # county B's worker: out of reach
    hr_b = Scope(user_id=0, role=Role.HR, organisation_id=w["orgs"][1].id)
    assert (await names_of(hr_b, wanted))["enrolment"] == {}  # county A's course: out of reach


async def test_an_export_names_each_entry_as_the_page_does_though_the_database_reads_the_ids_from_the_log(app):
    """The export's naming statements read the ids of the entries' own records and of their summaries from the log
    itself (names_in_log); the page collects them in Python (names_of). Over the small demo's log, plus entries
    whose ids or summaries are not what the learning side writes, every row reads the same in both, for a reader
    of the whole country and for a county's; and for the log of one kind of record whose documents name no course,
    worker or lesson, where the summaries alone name them (the demo's enrolments name theirs in their documents
    too). The app registers every kind's namer."""
    await load_demo(scale="small", seed=2026, today=date(2026, 11, 27))
    enrolment = await AuditEntry.filter(entity="enrolment", summary__startswith="course ").first()
    lesson = await AuditEntry.filter(entity="enrolment", summary__startswith="lesson ").first()
    words = enrolment.summary.split()  # course 3 · worker 97 …
    course_id, worker_id = words[1], words[4]
    odd = [
        ("enrolment", "abc", "course x · worker y"),  # no number: "#abc", the summary as written
        ("worker", "99999999999999999999", "lesson 12345678901234567890"),  # more digits than an id holds
        ("enrolment", enrolment.entity_id, f"Lesson {enrolment.entity_id}"),  # the pattern is case-sensitive
        ("station", "", "session "),
        ("supervision_session", "1", f"course {course_id} · worker {worker_id} · 8.0 h"),
        ("supervision_session", "2", lesson.summary),
    ]
    for entity, entity_id, summary in odd:
        await AuditEntry.create(
            action="update", entity=entity, entity_id=entity_id, summary=summary, region_path=enrolment.region_path
        )
    for username, entity in (("admin", ""), ("bureau", ""), ("admin", "supervision_session")):
        user = await User.get(username=username).prefetch_related("region")
        scope = await scope_for(user, today=date(2026, 11, 27))
        entries = await audit_selectors._audit_filtered(scope=scope, params=ListParams(), entity=entity).order_by("-id")
        page = await lines(scope, entries)
        log = audit_selectors.AuditLogExport(scope=scope, params=ListParams(), entity=entity)
        rows = [row async for row in exports.audit_rows(scope, log)]
        assert [(r[4], r[5], r[6], r[7]) for r in rows] == [
            (line.entity_id, line.record, line.summary, changes_text(line.changes)) for line in page
        ]
        summaries = {r[6] for r in rows}
        if entity:  # named from their summaries alone, by the titles and the name
            assert len(rows) == 3 + 2  # the demo's sessions and ours
            assert not [text for text in summaries if "#" in text or text in (odd[4][2], lesson.summary)]
        else:
            assert len(rows) > 100
            assert ("abc", "#abc", "course x · worker y") in {(r[4], r[5], r[6]) for r in rows}


def test_a_persons_name_is_labelled_full_name_and_a_places_name_name():
    # Chinese tells them apart: 姓名 for a worker's or a supervisor's name, 名称 for a station's.
    def labels() -> dict:
        set_locale("zh_CN")
        return {
            entity: _changes_of(entity, None, {"name": "x"}, {}, "zh_CN")[0].label
            for entity in (Entity.WORKER, Entity.SUPERVISOR, Entity.STATION)
        }

    # In a context of its own: the locale set here ends with it.
    assert contextvars.copy_context().run(labels) == {
        Entity.WORKER: "姓名",
        Entity.SUPERVISOR: "姓名",
        Entity.STATION: "名称",
    }


def test_a_record_created_or_deleted_lists_the_fields_it_held_and_a_change_shows_a_field_emptied():
    # No phone, note or tags: a creation lists the name, the major ("No") and the hours (0), not three dashes.
    held = {"name": "张三", "phone": None, "note": "", "tags": [], "social_work_major": False, "hours": 0}
    created = _changes_of(Entity.WORKER, None, held, {}, "en")
    assert sorted(c.after for c in created) == sorted(["张三", "0", show_value(Entity.WORKER, "x", False, {}, "en")])
    deleted = _changes_of(Entity.WORKER, held, None, {}, "en")
    assert [c.before for c in deleted] == [c.after for c in created]
    # An update shows what was emptied, from its value to a dash.
    emptied = _changes_of(Entity.WORKER, {"phone": "139"}, {"phone": None}, {}, "en")
    assert [(c.before, c.after) for c in emptied] == [("139", "—")]
