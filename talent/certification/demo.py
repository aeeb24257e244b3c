"""Certification's demo notifications at the national scale (talent.domains.DEMO): the registration expiry
reminders `talent remind` would have sent over the last year to the workers' own accounts, had it run every
day — one at each of 90, 60, 30 and 7 days before a registration's last day, with the reminders' own text,
parameters and dedupe keys (talent.certification.reminders), most of the older ones read. The small and county
scales have no worker accounts besides the demo's one, and no reminder history."""

import random
from datetime import UTC, date, datetime, time, timedelta

from talent.accounts.models import User
from talent.certification.models import Registration
from talent.certification.reminders import EXPIRY_TEXT, EXPIRY_THRESHOLDS
from talent.core.access import Role
from talent.core.bulk import insert_rows
from talent.notifications.models import Notification


async def demo_contribute(*, scale: str, seed: int, today: date) -> dict[str, int]:
    if scale != "national":
        return {}
    rng = random.Random(seed * 7919 + 71)
    accounts: dict[int, list[int]] = {}
    for worker_id, user_id in await User.filter(role=Role.WORKER, worker_id__not_isnull=True).values_list(
        "worker_id", "id"
    ):
        accounts.setdefault(worker_id, []).append(user_id)
    periods = (
        await Registration.filter(
            expires_on__gte=today - timedelta(days=365), expires_on__lte=today + timedelta(days=max(EXPIRY_THRESHOLDS))
        )
        .order_by("id")
        .values_list(
            "certificate_id",
            "expires_on",
            "certificate__number",
            "certificate__level",
            "certificate__worker_id",
            "certificate__worker__name",
        )
    )
    written = 0

    def rows():
        nonlocal written
        for certificate_id, expires, number, level, worker_id, name in periods:
            for threshold in EXPIRY_THRESHOLDS:
                sent = datetime.combine(expires - timedelta(days=threshold), time(1, 0), tzinfo=UTC)  # 09:00 local
                if sent.date() > today:
                    continue
                for user_id in accounts.get(worker_id, ()):
                    written += 1
                    read = sent.date() < today - timedelta(days=3) and rng.random() < 0.75
                    yield {
                        "user_id": user_id,
                        "kind": "registration_expiry",
                        "text": str(EXPIRY_TEXT),
                        "params": {
                            "number": number,
                            "worker": name,
                            "level": str(getattr(level, "value", level)),
                            "date": expires.isoformat(),
                            "days": threshold,
                        },
                        "link": f"/certificates/workers/{worker_id}",
                        "dedupe_key": f"reg-expiry:{certificate_id}:{expires.isoformat()}:{threshold}:{user_id}",
                        "created_at": sent,
                        "read_at": sent + timedelta(hours=rng.randint(1, 72)) if read else None,
                        "emailed_at": None,
                    }

    await insert_rows(Notification, rows())
    return {"notifications": written}
