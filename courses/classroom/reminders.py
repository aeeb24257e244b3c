"""The classroom's reminders, registered with `talent remind` (talent.notifications) when the composition root
(talent.domains) imports this module: a classroom session starting within `session_reminder_hours`, once per
session, to the accounts of the workers enrolled (not waitlisted or withdrawn) in its course."""

from datetime import UTC, date, datetime, timedelta

from courses.classroom.models import ClassSession
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.core.access import Role
from talent.core.i18n import N_, format_local
from talent.notifications.services import Draft, notify_many, reminder_provider
from talent.notifications.text import NotificationKind, register_kind
from talent.settings import get_settings

# By (the session has a title, it has a place), so no sentence has an empty gap.
SESSION_TEXTS = {
    (True, True): N_("The session “%(session)s” of the course “%(course)s” starts at %(starts_at)s in %(place)s."),
    (True, False): N_("The session “%(session)s” of the course “%(course)s” starts at %(starts_at)s."),
    (False, True): N_("A session of the course “%(course)s” starts at %(starts_at)s in %(place)s."),
    (False, False): N_("A session of the course “%(course)s” starts at %(starts_at)s."),
}

register_kind(
    NotificationKind(
        "course_session",
        N_("Course session coming up"),
        tuple(SESSION_TEXTS.values()),
        counted_as="course session",
    )
)


async def session_reminders_send(*, now: datetime | None = None, hours: int | None = None) -> int:
    """Remind the active accounts of workers enrolled (not waitlisted or withdrawn) in a course of each of its
    sessions starting within `hours` (the setting by default); returns how many notifications were created.
    Two queries whatever the size: the sessions in the window, then the enrolled accounts of their courses."""
    now = now or datetime.now(UTC)
    hours = get_settings().session_reminder_hours if hours is None else hours
    sessions = await (
        ClassSession.filter(starts_at__gt=now, starts_at__lte=now + timedelta(hours=hours))
        .select_related("course")
        .order_by("starts_at", "id")
    )
    if not sessions:
        return 0
    rows = await Enrolment.filter(
        course_id__in=sorted({s.course_id for s in sessions}),
        status=EnrolmentStatus.ENROLLED,
        worker__users__is_active=True,
        worker__users__role=Role.WORKER,
    ).values("course_id", "worker__users__id")
    users_by_course: dict[int, set[int]] = {}
    for row in rows:
        users_by_course.setdefault(row["course_id"], set()).add(row["worker__users__id"])
    drafts = []
    for session in sessions:
        params = {
            "course": session.course.title,
            "session": session.title,
            # On the local clock, the way the course pages show it.
            "starts_at": format_local(session.starts_at),
            "place": session.place,
        }
        text = SESSION_TEXTS[(bool(session.title), bool(session.place))]
        link = f"/courses/{session.course_id}#sessions"
        for uid in sorted(users_by_course.get(session.course_id, ())):
            drafts.append(Draft(uid, "course_session", text, f"session:{session.id}:{uid}", params, link))
    return await notify_many(drafts)


@reminder_provider
async def provide(*, now: datetime, today: date) -> dict[str, int]:
    return {"course_session": await session_reminders_send(now=now)}
