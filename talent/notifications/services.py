"""In-app notifications, the reminders `talent remind` creates, and the e-mail copy of each (meant for cron,
safe to run any number of times: each reminder has a unique dedupe key, so it is created once, and each
notification is e-mailed once).

Reminders come from providers that the domains register (`reminder_provider`) in the modules that make them,
which the composition root (talent.domains) imports: certification's registration expiry and CE shortfall
(talent.certification.reminders), the learning side's classroom sessions (courses.classroom.reminders). A
provider turns what is due into Drafts and creates them with `notify_many`.

E-mail: when `smtp_host` is set, every notification of the last 14 days not yet e-mailed goes to its user's
address (active accounts with an address only), in the user's language, over one SMTP connection. `emailed_at`
is set only once the server accepted the message, so a failed send is tried again by the next run.
"""

import smtplib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape
from tortoise.transactions import in_transaction

from talent.core.clock import local_time
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.notifications import mail
from talent.notifications.models import Notification
from talent.notifications.text import KINDS, in_locale, message, subject
from talent.settings import Settings, get_settings

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


# A provider creates the reminders of its domain that are due at `now` (`today` on the local clock) and returns
# how many of each kind it created now.
Provider = Callable[..., Awaitable[dict[str, int]]]
PROVIDERS: list[Provider] = []


def reminder_provider(provider: Provider) -> Provider:
    """Register a provider (a decorator): `async def provide(*, now: datetime, today: date) -> dict[str, int]`."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


async def reminders_create(*, now: datetime, today: date) -> dict[str, int]:
    """Every registered provider's due reminders, created once."""
    counts: dict[str, int] = {}
    for provide in PROVIDERS:
        counts.update(await provide(now=now, today=today))
    return counts


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
    now = now or datetime.now(UTC)
    counts: dict = await reminders_create(now=now, today=local_time(now).date())
    counts["mail"] = await emails_send(now=now)
    return counts


async def notification_read(*, user, notification: Notification) -> None:
    if notification.user_id != user.id or notification.read_at is not None:
        return
    await Notification.filter(id=notification.id, user_id=user.id, read_at=None).update(read_at=datetime.now(UTC))


async def notifications_read_all(*, user) -> int:
    return await Notification.filter(user_id=user.id, read_at=None).update(read_at=datetime.now(UTC))


def print_counts(counts: dict, console: Console) -> None:
    """What a `talent remind` run did, for the cron log: counts, refused messages, why e-mail stopped."""
    created = ", ".join(
        f"{counts[kind.name]} {kind.counted_as or kind.name}" for kind in KINDS.values() if kind.name in counts
    )
    console.print(f"[green]Reminders created:[/green] {created or 'none'}.")
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


def remind_main(run: Callable[[Callable[[], Awaitable[Any]]], Any]) -> dict:
    """`talent remind`: create the due reminders once (for cron), e-mail them, and print what happened. `run`
    runs a coroutine function with the database open (talent.cli.run_with_db)."""
    counts = run(remind)
    print_counts(counts, Console(highlight=False))
    return counts
