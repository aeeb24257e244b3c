"""Upcoming classroom sessions: the accounts of enrolled learners are reminded once per session when it starts
within `session_reminder_hours`; waitlisted and withdrawn learners, and sessions outside the window, are not."""

from datetime import UTC, datetime, timedelta

import pytest

from courses.catalog.models import Course, CourseStatus
from courses.classroom.models import ClassSession
from courses.classroom.reminders import session_reminders_send
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.accounts.models import User
from talent.core.access import Role
from talent.notifications.models import Notification
from talent.notifications.services import remind
from talent.notifications.text import message
from tests.conftest import login, text_of
from tests.factories import world

# 06:00 UTC is 14:00 in Nanjing (Asia/Shanghai, UTC+8): reminders give the local time.
NOW = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


@pytest.fixture
async def w(db):
    """W1 enrolled, W2 waitlisted, W3 withdrawn in one classroom course; each has a worker account."""
    data = await world()
    workers = data["workers"]
    accounts = {workers[0].id: data["users"]["worker"]}
    for worker in workers[1:3]:
        accounts[worker.id] = await User.create(
            username=f"u-{worker.worker_no}", password_hash="-", role=Role.WORKER, worker=worker
        )
    course = await Course.create(
        title="小组工作 Group work", category="group_work", delivery="classroom", status=CourseStatus.PUBLISHED
    )
    for worker, status in zip(
        workers[:3], (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.WITHDRAWN), strict=True
    ):
        await Enrolment.create(course=course, worker=worker, status=status)
    return {**data, "course": course, "accounts": accounts}


async def _session(course, hours_from_now: float, **values) -> ClassSession:
    return await ClassSession.create(course=course, starts_at=NOW + timedelta(hours=hours_from_now), **values)


async def test_only_the_enrolled_learner_is_reminded_of_a_session_within_48_hours_and_only_once(w):
    soon = await _session(w["course"], 24, title="第一次课", place="站点会议室")
    await _session(w["course"], 50)  # outside the 48-hour window
    await _session(w["course"], -1)  # already started
    assert await session_reminders_send(now=NOW, hours=48) == 1
    enrolled = w["accounts"][w["workers"][0].id]
    note = await Notification.get(kind="course_session")
    assert note.user_id == enrolled.id
    assert note.dedupe_key == f"session:{soon.id}:{enrolled.id}"
    assert note.link == f"/courses/{w['course'].id}#sessions"
    assert message(note) == (
        "The session “第一次课” of the course “小组工作 Group work” starts at 2026-05-05 14:00 in 站点会议室."
    )
    # The same run again, and an hour later (the session still within the window): nothing new.
    assert await session_reminders_send(now=NOW, hours=48) == 0
    assert await session_reminders_send(now=NOW + timedelta(hours=1), hours=48) == 0
    # Two hours later the 50-hour session starts in 48 hours, within the window: its own reminder, to the same learner.
    assert await session_reminders_send(now=NOW + timedelta(hours=2), hours=48) == 1
    assert await Notification.filter(kind="course_session").count() == 2
    for worker in w["workers"][1:3]:
        assert not await Notification.filter(user_id=w["accounts"][worker.id].id).exists()


async def test_an_untitled_session_without_a_place_reads_as_a_whole_sentence(w):
    await _session(w["course"], 3)
    assert await session_reminders_send(now=NOW, hours=48) == 1
    note = await Notification.get(kind="course_session")
    assert message(note) == "A session of the course “小组工作 Group work” starts at 2026-05-04 17:00."


async def test_an_inactive_account_is_not_reminded(w):
    await User.filter(id=w["users"]["worker"].id).update(is_active=False)
    await _session(w["course"], 3)
    assert await session_reminders_send(now=NOW, hours=48) == 0


async def test_the_window_is_the_session_reminder_hours_setting(w, monkeypatch):
    from talent.settings import get_settings

    await _session(w["course"], 60)
    monkeypatch.setattr(get_settings(), "session_reminder_hours", 48)
    assert (await remind(now=NOW))["course_session"] == 0
    monkeypatch.setattr(get_settings(), "session_reminder_hours", 72)
    assert (await remind(now=NOW))["course_session"] == 1


async def test_the_learner_sees_the_session_reminder_in_the_app(client, w):
    await _session(w["course"], 24, title="第一次课")
    await session_reminders_send(now=NOW, hours=48)
    await login(client, "worker")
    page = await client.get("/notifications")
    expected = "The session “第一次课” of the course “小组工作 Group work” starts at 2026-05-05 14:00."
    assert expected in text_of(page.text)
