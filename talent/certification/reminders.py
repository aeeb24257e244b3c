"""Certification's reminders, registered with `talent remind` (talent.notifications) when the composition root
(talent.domains) imports this module:

- registration expiry at 90, 60, 30 and 7 days before the registration's last day (the smallest threshold
  reached; a first run never floods with the larger ones), to the worker's accounts and their HR;
- a CE shortfall in the last year of a registration period, once per period, to the same people.

The expiry and the period's CE hours are the certificate list's SQL (talent.certification.expressions).
"""

from datetime import date, datetime
from decimal import Decimal

from tortoise.expressions import RawSQL

from talent.accounts.models import User
from talent.certification.models import Certificate
from talent.certification.rules import add_months
from talent.certification.selectors import certificate_sql
from talent.core.access import Role
from talent.core.clock import local_today
from talent.core.i18n import N_
from talent.notifications.services import Draft, notify_many, reminder_provider
from talent.notifications.text import NotificationKind, register_kind
from talent.people.models import EmploymentSpell
from talent.people.rules import active_on
from talent.places.models import CertLevel

EXPIRY_THRESHOLDS = (90, 60, 30, 7)
EXPIRY_TEXT = N_("The registration of certificate %(number)s (%(worker)s, %(level)s) expires on %(date)s.")
SHORTFALL_TEXT = N_(
    "Certificate %(number)s (%(worker)s, %(level)s) has %(hours)s of the %(required)s CE hours its "
    "registration period needs; the period ends on %(date)s."
)


def _readable(params: dict) -> dict:
    """The stored level code as its label in the reader's language."""
    level = CertLevel._value2member_map_.get(params.get("level"))
    return {**params, "level": level.label.tr()} if level is not None else params


register_kind(
    NotificationKind(
        "registration_expiry",
        N_("Certificate registration expiring"),
        (EXPIRY_TEXT,),
        counted_as="registration expiry",
        readable=_readable,
    )
)
register_kind(
    NotificationKind(
        "ce_shortfall",
        N_("Continuing education hours short"),
        (SHORTFALL_TEXT,),
        counted_as="CE shortfall",
        readable=_readable,
    )
)


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


def _hours_text(hours: Decimal) -> str:
    text = format(hours.quantize(Decimal("0.1")), "f")
    return text[:-2] if text.endswith(".0") else text


def _as_date(value) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


async def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Create every due registration expiry and CE shortfall reminder once; returns how many of each kind were
    created now."""
    today = today or local_today()
    horizon = add_months(today, 12)  # the last year of a period covers both kinds of reminder
    sql = await certificate_sql(row='"certificates"')
    candidates = await (
        Certificate.annotate(expiry=RawSQL(sql.expiry()), ce=RawSQL(sql.ce_hours()))
        .filter(expiry__gte=today, expiry__lte=horizon)
        .select_related("worker")
        .order_by("id")
    )
    recipients = await _recipients(sorted({c.worker_id for c in candidates}), today)
    drafts: list[Draft] = []
    for cert in candidates:
        r = sql.rules[cert.level]
        expiry = _as_date(cert.expiry)
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
    return {
        kind: await notify_many([d for d in drafts if d.kind == kind])
        for kind in ("registration_expiry", "ce_shortfall")
    }


@reminder_provider
async def provide(*, now: datetime, today: date) -> dict[str, int]:
    return await reminders_send(today=today)
