"""Completion: required lessons + attendance threshold → completed, CE credited once, certificate with PDF and a
public verification page; progress and "continue where you left off"."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from courses.catalog.models import Lesson
from courses.classroom import services as classroom
from courses.classroom.models import ClassSession
from courses.completion import services as completion
from courses.completion.models import CompletionCertificate
from courses.completion.selectors import mask_name
from courses.enrolment import services as enrolment
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.audit.models import AuditEntry
from talent.certification.models import CeCredit
from talent.core.errors import ServiceError
from tests.conftest import login, post
from tests.courses.helpers import TODAY, make_course, scope_of
from tests.factories import world


async def _enrolled(w, course):
    worker = w["users"]["worker"]
    return await enrolment.enrolment_enrol(
        actor=worker, scope=await scope_of(worker), course=course, worker_id=w["workers"][0].id, today=TODAY
    )


async def _done(w, e, lesson):
    worker = w["users"]["worker"]
    return await completion.lesson_mark_done(actor=worker, scope=await scope_of(worker), enrolment=e, lesson=lesson)


async def test_an_online_course_completes_when_every_required_lesson_is_done_and_credits_ce_once(db):
    w = await world()
    course = await make_course(w, lessons=2, ce_hours=Decimal("12.5"))
    bureau = w["users"]["bureau"]
    optional = await Lesson.create(course=course, title="extra", required=False, position=9)
    e = await _enrolled(w, course)
    first, second = await Lesson.filter(course_id=course.id, required=True).order_by("position")
    e = await _done(w, e, first)
    e = await _done(w, e, optional)  # optional lessons do not count
    assert e.status == EnrolmentStatus.ENROLLED
    e = await _done(w, e, second)
    assert e.status == EnrolmentStatus.COMPLETED and e.completed_at is not None
    credit = await CeCredit.get(worker_id=w["workers"][0].id)
    assert (credit.hours, credit.source, credit.source_ref) == (Decimal("12.5"), "course", f"course:{course.id}")
    # Written by certification's ledger service, which files its own audit entry.
    assert await AuditEntry.filter(entity="ce_credit", action="create", entity_id=str(credit.id)).exists()
    certificate = await CompletionCertificate.get(enrolment_id=e.id)
    assert len(certificate.code) >= 32 and certificate.hours == Decimal("12.5")
    # Marking again changes nothing: one credit, one certificate.
    await _done(w, e, second)
    assert await CeCredit.all().count() == 1 and await CompletionCertificate.all().count() == 1
    # Withdrawing from a completed course is refused.
    with pytest.raises(ServiceError, match="completed"):
        await enrolment.enrolment_withdraw(actor=bureau, scope=await scope_of(bureau), enrolment=e)


async def test_a_classroom_course_also_needs_attendance_at_the_threshold(db):
    w = await world()
    # 1 lesson, 4 sessions, threshold 75 %: 3 of 4 sessions needed (2 of 4 = 50 % is not enough).
    course = await make_course(w, lessons=1, delivery="classroom", attendance_threshold=75)
    bureau = w["users"]["bureau"]
    scope = await scope_of(bureau)
    sessions = [
        await classroom.session_create(
            actor=bureau, scope=scope, course=course, starts_at=datetime(2026, 3, d, 9, tzinfo=UTC), place="站点"
        )
        for d in (1, 8, 15, 22)
    ]
    e = await _enrolled(w, course)
    e = await _done(w, e, await Lesson.get(course_id=course.id))
    assert e.status == EnrolmentStatus.ENROLLED
    hr = w["users"]["hr"]
    hr_scope = await scope_of(hr)
    for s in sessions[:2]:
        await completion.attendance_set(
            actor=hr, scope=hr_scope, course=course, session=s, enrolment_id=e.id, present=True
        )
    assert (await Enrolment.get(id=e.id)).status == EnrolmentStatus.ENROLLED
    await completion.attendance_set(
        actor=hr, scope=hr_scope, course=course, session=sessions[2], enrolment_id=e.id, present=True
    )
    assert (await Enrolment.get(id=e.id)).status == EnrolmentStatus.COMPLETED


async def test_attendance_cannot_be_taken_for_a_learner_outside_the_takers_scope(db):
    w = await world()
    course = await make_course(w, delivery="classroom", author="citybureau", region="320100")
    city = w["users"]["citybureau"]
    session = await classroom.session_create(
        actor=city, scope=await scope_of(city), course=course, starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC)
    )
    # W3 (organisation B) enrolled by the city bureau; HR of organisation A may not mark them.
    e = await enrolment.enrolment_enrol(
        actor=city, scope=await scope_of(city), course=course, worker_id=w["workers"][2].id, today=TODAY
    )
    hr = w["users"]["hr"]
    with pytest.raises(ServiceError):
        await completion.attendance_set(
            actor=hr, scope=await scope_of(hr), course=course, session=session, enrolment_id=e.id, present=True
        )


def test_names_are_masked_for_the_public():
    assert [mask_name(n) for n in ["张三丰", "李四", "王", "Li Ming"]] == ["张*丰", "李*", "*", "L*****g"]


async def test_certificate_pdf_and_public_verification_page(client):
    w = await world()
    course = await make_course(w, lessons=1, ce_hours=Decimal("6"))
    await login(client, "worker")
    await post(client, f"/courses/{course.id}/enrol")
    lesson = await Lesson.get(course_id=course.id)
    done = await post(client, f"/courses/{course.id}/lessons/{lesson.id}/done", headers={"HX-Request": "true"})
    assert done.status_code == 200 and 'id="progress"' in done.text and 'hx-swap-oob="true"' in done.text
    certificate = await CompletionCertificate.get(course_id=course.id)
    pdf = await client.get(f"/courses/certificates/{certificate.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("attachment")
    assert b"STSong-Light" in pdf.content  # the built-in CJK font, so 工作者1 renders
    my = await client.get("/courses/my")
    assert my.status_code == 200 and course.title in my.text and "6.0" in my.text
    # The verification page needs no sign-in and shows the masked name: 工作者1 → 工**1.
    client.cookies.delete("talent_session")
    page = await client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    assert "工**1" in page.text and "工作者1" not in page.text and "Valid" in page.text and course.title in page.text
    assert (await client.get("/verify/not-a-real-code")).status_code == 404
    # Revoked by the course's bureau: the page says so, and the CE hours are taken back.
    bureau = w["users"]["bureau"]
    await completion.certificate_revoke(
        actor=bureau, scope=await scope_of(bureau), certificate=certificate, reason="重复颁发"
    )
    page = await client.get(f"/verify/{certificate.code}")
    assert "Revoked" in page.text
    assert await CeCredit.all().count() == 0
    assert await AuditEntry.filter(entity="ce_credit", action="delete").count() == 1
    # Another worker's certificate PDF is out of scope.
    await login(client, "hr")
    assert (await client.get(f"/courses/certificates/{certificate.id}/pdf")).status_code == 200
    client.cookies.delete("talent_session")
    from talent.accounts import services as accounts

    await accounts.user_create(
        actor=None, username="w3", password="correct-horse-42", role="worker", worker_id=w["workers"][2].id
    )
    await login(client, "w3")
    assert (await client.get(f"/courses/certificates/{certificate.id}/pdf")).status_code == 404


async def test_continue_where_you_left_off_points_at_the_last_opened_lesson(client):
    w = await world()
    course = await make_course(w, lessons=3)
    await login(client, "worker")
    await post(client, f"/courses/{course.id}/enrol")
    lessons = await Lesson.filter(course_id=course.id).order_by("position")
    opened = await client.get(f"/courses/{course.id}/lessons/{lessons[1].id}")
    # Opening the lesson writes nothing; the page posts the bookmark once shown.
    assert f'hx-post="/courses/{course.id}/lessons/{lessons[1].id}/seen" hx-trigger="load"' in opened.text
    assert (await Enrolment.get(course_id=course.id)).last_lesson_id is None
    assert (await post(client, f"/courses/{course.id}/lessons/{lessons[1].id}/seen")).status_code == 204
    page = await client.get(f"/courses/{course.id}")
    assert f'id="continue" href="/courses/{course.id}/lessons/{lessons[1].id}"' in page.text
    await post(client, f"/courses/{course.id}/lessons/{lessons[1].id}/done")
    page = await client.get(f"/courses/{course.id}")
    # The last one is done: continue with the first lesson not done.
    assert f'id="continue" href="/courses/{course.id}/lessons/{lessons[0].id}"' in page.text
    assert "1 of 3 lessons done" in page.text


async def test_the_attendance_page_marks_with_one_tap(client):
    w = await world()
    course = await make_course(w, delivery="classroom")
    bureau = w["users"]["bureau"]
    session = await classroom.session_create(
        actor=bureau, scope=await scope_of(bureau), course=course, starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC)
    )
    e = await _enrolled(w, course)
    await login(client, "hr")
    page = await client.get(f"/courses/{course.id}/sessions/{session.id}")
    assert page.status_code == 200 and "工作者1" in page.text and "Present: 0 of 1" in page.text
    url = f"/courses/{course.id}/sessions/{session.id}/attendance/{e.id}"
    tap = await post(client, url, {"present": "1"}, headers={"HX-Request": "true"})
    assert tap.status_code == 200 and 'aria-pressed="true"' in tap.text and "Present: 1 of 1" in tap.text
    untap = await post(client, url, {"present": "0"}, headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in untap.text
    await login(client, "worker")
    assert (await client.get(f"/courses/{course.id}/sessions/{session.id}")).status_code == 403


async def test_a_verification_code_with_odd_characters_is_simply_not_found(client):
    await world()
    for code in ["%00", "a%0Ab", "x" * 65, "%E4%B8%AD"]:
        assert (await client.get(f"/verify/{code}")).status_code == 404


async def test_a_session_time_is_typed_and_shown_on_the_local_clock_and_stored_in_utc(client):
    # Nanjing is UTC+8 (settings.time_zone Asia/Shanghai): 09:30 typed on 1 March is 01:30 UTC, and the
    # course and attendance pages show 09:30 again.
    w = await world()
    course = await make_course(w, delivery="classroom")
    await login(client, "bureau")
    created = await post(
        client, f"/courses/{course.id}/sessions", {"title": "第一次课", "day": "2026-03-01", "time": "09:30"}
    )
    assert created.status_code == 303, created.text[:300]
    session = await ClassSession.get(course_id=course.id)
    assert session.starts_at == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    assert "2026-03-01 09:30" in (await client.get(f"/courses/{course.id}")).text
    assert "2026-03-01 09:30" in (await client.get(f"/courses/{course.id}/sessions/{session.id}")).text
