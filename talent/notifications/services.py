"""In-app notifications and the reminders `talent remind` sends (meant for cron, safe to run any number
of times: each reminder has a unique dedupe key, so it is created once).

Reminders:
- registration expiry at 90, 60, 30 and 7 days before the registration's last day (the smallest threshold
  reached; a first run never floods with the larger ones), to the worker's accounts and their HR;
- a CE shortfall in the last year of a registration period, once per period, to the same people.
Upcoming course sessions belong to the courses side; `notify_many` is the entry point it can call.
E-mail is not sent: accounts have no e-mail address yet.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q, RawSQL
from tortoise.transactions import in_transaction

from talent.accounts.models import Role, User
from talent.certification.models import Certificate
from talent.certification.rules import add_months, effective_expiry
from talent.certification.selectors import level_rules_map
from talent.notifications.models import Notification
from talent.people.models import EmploymentSpell
from talent.people.selectors import active_on
from talent.web.i18n import N_

EXPIRY_THRESHOLDS = (90, 60, 30, 7)

EXPIRY_TEXT = N_("The registration of certificate %(number)s (%(worker)s, %(level)s) expires on %(date)s.")
SHORTFALL_TEXT = N_(
    "Certificate %(number)s (%(worker)s, %(level)s) has %(hours)s of the %(required)s CE hours its "
    "registration period needs; the period ends on %(date)s."
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
    today = today or date.today()
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
        if hours < r.ce_hours_per_period:
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


async def notification_read(*, user: User, notification: Notification) -> None:
    if notification.user_id != user.id or notification.read_at is not None:
        return
    await Notification.filter(id=notification.id, user_id=user.id, read_at=None).update(read_at=datetime.now(UTC))


async def notifications_read_all(*, user: User) -> int:
    return await Notification.filter(user_id=user.id, read_at=None).update(read_at=datetime.now(UTC))


def remind_main() -> dict[str, int]:
    """`talent remind`: send the due reminders once (for cron) and print what was created."""
    from rich.console import Console

    from talent.cli import run_with_db

    counts = run_with_db(reminders_send)
    Console().print(
        f"[green]Reminders created:[/green] {counts['registration_expiry']} registration expiry, "
        f"{counts['ce_shortfall']} CE shortfall."
    )
    return counts
