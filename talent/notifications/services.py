"""In-app notifications, the reminders `talent remind` creates, and the e-mail copy of each (meant for cron,
safe to run any number of times: each reminder has a unique dedupe key, so it is created once, and each
notification is e-mailed once).

Reminders:
- registration expiry at 90, 60, 30 and 7 days before the registration's last day (the smallest threshold
  reached; a first run never floods with the larger ones), to the worker's accounts and their HR;
- a CE shortfall in the last year of a registration period, once per period, to the same people;
- a classroom session starting within `session_reminder_hours`, once per session, to the accounts of the
  workers enrolled (not waitlisted or withdrawn) in its course.

E-mail: when `smtp_host` is set, every notification of the last 14 days not yet e-mailed goes to its user's
address (active accounts with an address only), in the user's language, over one SMTP connection. `emailed_at`
is set only once the server accepted the message, so a failed send is tried again by the next run.
"""

import smtplib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q, RawSQL
from tortoise.transactions import in_transaction

from courses.classroom.models import ClassSession
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.accounts.models import User
from talent.certification.models import Certificate
from talent.certification.rules import add_months, effective_expiry
from talent.certification.selectors import level_rules_map
from talent.core.access import Role
from talent.core.clock import local_time, local_today
from talent.core.i18n import N_, format_local
from talent.core.i18n import gettext as _
from talent.notifications import mail
from talent.notifications.models import Notification
from talent.notifications.text import EXPIRY_TEXT, SESSION_TEXTS, SHORTFALL_TEXT, in_locale, message, subject
from talent.people.models import EmploymentSpell
from talent.people.selectors import active_on
from talent.settings import Settings, get_settings

EXPIRY_THRESHOLDS = (90, 60, 30, 7)

# Older notifications are not e-mailed: news of a reminder that late would mislead more than help.
EMAIL_WITHIN_DAYS = 14
EMAIL_BATCH = 200
MAIL_GREETING = N_("Hello %(name)s,")
MAIL_LINK = N_("Details: %(url)s")
MAIL_FOOTER = N_(
    "%(app)s sent this message automatically because your account has this e-mail address. "
    "You can change or remove it on your account page: %(url)s"
)


@dataclass
class Draft:
    user_id: int
    kind: str
    text: str
    dedupe_key: str
    params: dict = field(default_factory=dict)
    link: str = ""


async def notify_many(drafts: list[Draft]) -> int:
    """Create the notifications whose dedupe key is new; returns how many were created."""
    if not drafts:
        return 0
    created = 0
    for start in range(0, len(drafts), 500):
        chunk = drafts[start : start + 500]
        keys = [d.dedupe_key for d in chunk]
        seen = set(await Notification.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        fresh = {d.dedupe_key: d for d in chunk if d.dedupe_key not in seen}
        if not fresh:
            continue
        async with in_transaction():
            # ignore_conflicts: a concurrent run that created the same key first wins, nothing fails.
            await Notification.bulk_create(
                [
                    Notification(
                        user_id=d.user_id,
                        kind=d.kind,
                        text=d.text,
                        params=d.params,
                        link=d.link[:255],
                        dedupe_key=d.dedupe_key[:191],
                    )
                    for d in fresh.values()
                ],
                ignore_conflicts=True,
            )
        created += len(fresh)
    return created


async def _recipients(worker_ids: list[int], today: date) -> dict[int, list[int]]:
    """worker id → user ids: the worker's own accounts and HR accounts of the organisation operating a
    station where the worker is active. Two queries whatever the number of workers."""
    result: dict[int, list[int]] = {wid: [] for wid in worker_ids}
    if not worker_ids:
        return result
    for row in await User.filter(worker_id__in=worker_ids, is_active=True, role=Role.WORKER).values("id", "worker_id"):
        result[row["worker_id"]].append(row["id"])
    spells = await EmploymentSpell.filter(active_on(today), worker_id__in=worker_ids).values(
        "worker_id", "station__organisation_id"
    )
    org_ids = {s["station__organisation_id"] for s in spells if s["station__organisation_id"]}
    hr_by_org: dict[int, list[int]] = {}
    for row in await User.filter(organisation_id__in=org_ids, role=Role.HR, is_active=True).values(
        "id", "organisation_id"
    ):
        hr_by_org.setdefault(row["organisation_id"], []).append(row["id"])
    for s in spells:
        for uid in hr_by_org.get(s["station__organisation_id"], []):
            if uid not in result[s["worker_id"]]:
                result[s["worker_id"]].append(uid)
    return result


def _ce_expression(pg: bool, years_sql: str) -> str:
    """CE hours credited in the certificate row's current period (an outer `certificates` row)."""
    if pg:
        fallback = f'(CAST("certificates"."registered_on" + make_interval(years => {years_sql}) AS DATE) - 1)'
    else:
        fallback = f"date(\"certificates\".\"registered_on\", '+' || {years_sql} || ' years', '-1 day')"
    expiry = f'COALESCE("certificates"."registration_expires_on", {fallback})'
    return (
        '(SELECT COALESCE(SUM(e.hours), 0) FROM ce_credits e WHERE e.worker_id = "certificates"."worker_id"'
        f' AND e.earned_on >= "certificates"."registered_on" AND e.earned_on <= {expiry})'
    )


def _hours_text(hours: Decimal) -> str:
    text = format(hours.quantize(Decimal("0.1")), "f")
    return text[:-2] if text.endswith(".0") else text


async def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Create every due reminder once; returns how many of each kind were created now."""
    today = today or local_today()
    rules = await level_rules_map()
    longest = max(r.registration_valid_years for r in rules.values())
    shortest = min(r.registration_valid_years for r in rules.values())
    horizon = add_months(today, 12)  # the last year of a period covers both kinds of reminder
    pg = Certificate._meta.db.capabilities.dialect == "postgres"
    years_sql = (
        "(CASE "
        + " ".join(
            f'WHEN "certificates"."level" = \'{lv}\' THEN {r.registration_valid_years}' for lv, r in rules.items()
        )
        + " ELSE 3 END)"
    )
    candidates = await (
        Certificate.filter(
            Q(registration_expires_on__gte=today, registration_expires_on__lte=horizon)
            | Q(
                registration_expires_on=None,
                registered_on__gte=add_months(today, -12 * longest) - timedelta(days=1),
                registered_on__lte=add_months(horizon, -12 * shortest) + timedelta(days=1),
            )
        )
        .annotate(ce=RawSQL(_ce_expression(pg, years_sql)))
        .select_related("worker")
        .order_by("id")
    )
    recipients = await _recipients(sorted({c.worker_id for c in candidates}), today)
    drafts: list[Draft] = []
    counts = {"registration_expiry": 0, "ce_shortfall": 0}
    for cert in candidates:
        r = rules.get(cert.level.value)
        expiry = effective_expiry(cert.registered_on, cert.registration_expires_on, r)
        if expiry is None or not today <= expiry <= horizon:
            continue
        days = (expiry - today).days
        params = {
            "number": cert.number,
            "worker": cert.worker.name,
            "level": cert.level.value,
            "date": expiry.isoformat(),
        }
        link = f"/certificates/workers/{cert.worker_id}"
        reached = [t for t in EXPIRY_THRESHOLDS if days <= t]
        if reached:
            threshold = min(reached)
            for uid in recipients.get(cert.worker_id, []):
                drafts.append(
                    Draft(
                        uid,
                        "registration_expiry",
                        EXPIRY_TEXT,
                        f"reg-expiry:{cert.id}:{expiry.isoformat()}:{threshold}:{uid}",
                        {**params, "days": days},
                        link,
                    )
                )
        hours = Decimal(str(cert.ce or 0))
        # The period's last year, as the certificate status has it (rules.registration_status): the expiry is
        # before today + 12 months. On the day it equals today + 12 months the last year has not begun.
        if hours < r.ce_hours_per_period and expiry < horizon:
            for uid in recipients.get(cert.worker_id, []):
                drafts.append(
                    Draft(
                        uid,
                        "ce_shortfall",
                        SHORTFALL_TEXT,
                        f"ce-shortfall:{cert.id}:{expiry.isoformat()}:{uid}",
                        {**params, "hours": _hours_text(hours), "required": r.ce_hours_per_period},
                        link,
                    )
                )
    for kind in counts:
        counts[kind] = await notify_many([d for d in drafts if d.kind == kind])
    return counts


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


def _absolute(settings: Settings, link: str) -> str:
    return settings.base_url.rstrip("/") + link if link.startswith("/") and not link.startswith("//") else ""


def _email_for(settings: Settings, notification: Notification):
    """The notification as an e-mail in its user's language."""
    user = notification.user
    with in_locale(user.locale or settings.default_locale):
        lines = [MAIL_GREETING.tr() % {"name": str(user)}, "", message(notification)]
        url = _absolute(settings, notification.link)
        if url:
            lines += ["", MAIL_LINK.tr() % {"url": url}]
        lines += ["", "-- ", MAIL_FOOTER.tr() % {"app": _("Talent"), "url": _absolute(settings, "/me")}]
        return mail.build(settings=settings, to=user.email, subject=subject(notification), body="\n".join(lines))


def _connection_error(settings: Settings, exc: BaseException) -> str:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the SMTP server {where} refused the username or password ({exc.smtp_code})"
    return f"SMTP server {where}: {type(exc).__name__}: {exc}".rstrip(": ")


@dataclass
class MailReport:
    enabled: bool = True
    emailed: int = 0
    failed: int = 0
    # Why sending stopped early (no connection, or the connection broke); the rest goes out next run.
    error: str = ""
    failures: list[tuple[str, str]] = field(default_factory=list)  # (username, reason), per refused message


async def emails_send(*, now: datetime | None = None, settings: Settings | None = None) -> MailReport:
    """E-mail each recent notification not e-mailed yet to its active user's address, one SMTP connection for
    the run. A refused message is counted and skipped; a lost connection ends the run. Either way what was
    not accepted keeps `emailed_at` empty, so the next run tries it again."""
    settings = settings or get_settings()
    report = MailReport(enabled=bool(settings.smtp_host))
    if not report.enabled:
        return report
    now = now or datetime.now(UTC)
    pending = (
        Notification.filter(emailed_at=None, created_at__gte=now - timedelta(days=EMAIL_WITHIN_DAYS))
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("id")
    )
    mailer = mail.Mailer(settings)
    last_id = 0
    try:
        while batch := await pending.filter(id__gt=last_id).limit(EMAIL_BATCH):
            last_id = batch[-1].id
            if mailer.smtp is None:
                await mailer.open()
            for notification in batch:
                # Claimed before sending, so a second `talent remind` running at the same time skips it
                # (never the same reminder twice); released again if the server does not take it.
                claim = Notification.filter(id=notification.id)
                if not await claim.filter(emailed_at=None).update(emailed_at=datetime.now(UTC)):
                    continue
                try:
                    await mailer.send(_email_for(settings, notification))
                except mail.MESSAGE_ERRORS as exc:
                    await claim.update(emailed_at=None)
                    report.failed += 1
                    report.failures.append((notification.user.username, mail.refusal(exc)))
                    continue
                except BaseException:
                    await claim.update(emailed_at=None)
                    raise
                report.emailed += 1
    except (OSError, smtplib.SMTPException) as exc:
        report.error = _connection_error(settings, exc)
    finally:
        await mailer.close()
    return report


async def remind(*, now: datetime | None = None) -> dict:
    """`talent remind`'s work: create the due reminders of every kind, then e-mail what is new."""
    counts: dict = await reminders_send(today=local_time(now).date() if now else None)
    counts["course_session"] = await session_reminders_send(now=now)
    counts["mail"] = await emails_send(now=now)
    return counts


async def notification_read(*, user: User, notification: Notification) -> None:
    if notification.user_id != user.id or notification.read_at is not None:
        return
    await Notification.filter(id=notification.id, user_id=user.id, read_at=None).update(read_at=datetime.now(UTC))


async def notifications_read_all(*, user: User) -> int:
    return await Notification.filter(user_id=user.id, read_at=None).update(read_at=datetime.now(UTC))


def print_counts(counts: dict, console) -> None:
    """What a `talent remind` run did, for the cron log: counts, refused messages, why e-mail stopped."""
    from rich.markup import escape

    console.print(
        f"[green]Reminders created:[/green] {counts['registration_expiry']} registration expiry, "
        f"{counts['ce_shortfall']} CE shortfall, {counts['course_session']} course session."
    )
    report: MailReport = counts["mail"]
    if not report.enabled:
        console.print("E-mail is off (TALENT_SMTP_HOST is empty): nothing e-mailed.")
        return
    console.print(f"[green]E-mailed:[/green] {report.emailed}, failed: {report.failed}.")
    for username, reason in report.failures[:20]:
        console.print(f"  [yellow]not accepted for {escape(username)}:[/yellow] {escape(reason)}")
    if len(report.failures) > 20:
        console.print(f"  … and {len(report.failures) - 20} more.")
    if report.error:
        console.print(
            f"[red]E-mail stopped: {escape(report.error)}.[/red] The notifications are in the app; the next run "
            "e-mails those not sent."
        )


def remind_main() -> dict:
    """`talent remind`: create the due reminders once (for cron), e-mail them, and print what happened."""
    from rich.console import Console

    from talent.cli import run_with_db

    counts = run_with_db(remind)
    print_counts(counts, Console(highlight=False))
    return counts
