"""`talent remind` e-mails each new notification once, in its user's language, over SMTP; a refused recipient
or a server that is down loses nothing: what was not accepted goes out on the next run."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from rich.console import Console

from talent.accounts.models import User
from talent.certification.models import Certificate
from talent.certification.reminders import EXPIRY_TEXT
from talent.core.clock import local_today
from talent.notifications.models import Notification
from talent.notifications.services import emails_send, print_counts, remind
from talent.settings import get_settings
from tests.factories import world


@pytest.fixture
async def w(db):
    return await world()


async def _expiry_note(user, worker, key: str) -> Notification:
    return await Notification.create(
        user=user,
        kind="registration_expiry",
        text=EXPIRY_TEXT,
        params={"number": "A-1", "worker": worker.name, "level": "assistant", "date": "2026-12-31"},
        link=f"/certificates/workers/{worker.id}",
        dedupe_key=key,
    )


async def _addresses(w) -> tuple[User, User]:
    """The worker account reads Chinese, HR English; both have an address. The admin has none."""
    worker_user, hr = w["users"]["worker"], w["users"]["hr"]
    await User.filter(id=worker_user.id).update(email="worker@example.org", locale="zh_CN")
    await User.filter(id=hr.id).update(email="hr@example.org", locale="en")
    return worker_user, hr


async def test_each_notification_is_emailed_once_in_its_users_language(w, smtp):
    smtp.start()
    worker_user, hr = await _addresses(w)
    w1 = w["workers"][0]
    for user in (worker_user, hr, w["users"]["admin"]):
        await _expiry_note(user, w1, f"k-{user.username}")

    report = await emails_send()
    # Two users have an address; the admin has none and gets nothing.
    assert (report.emailed, report.failed, report.error) == (2, 0, "")
    [zh] = smtp.inbox.to("worker@example.org")
    assert zh["To"] == "worker@example.org" and zh["From"] == "talent@example.org"
    assert zh["Subject"].endswith("社工人才")
    body = zh.get_content()
    assert "证书 A-1（工作者1，助理社会工作师）的登记将于 2026年12月31日 到期。" in body
    # The link is absolute, on base_url (its trailing slash not doubled).
    assert f"https://talent.example.org/certificates/workers/{w1.id}" in body
    [en] = smtp.inbox.to("hr@example.org")
    assert en["Subject"] == "Certificate registration expiring · Talent"
    assert "The registration of certificate A-1 (工作者1, Assistant social worker) expires on Dec 31, 2026." in (
        en.get_content()
    )
    assert await Notification.filter(emailed_at=None).values_list("user_id", flat=True) == [w["users"]["admin"].id]

    # A second run: nothing new to send.
    again = await emails_send()
    assert (again.emailed, again.failed) == (0, 0)
    assert len(smtp.inbox.messages) == 2


async def test_an_inactive_account_and_a_notification_older_than_14_days_get_no_email(w, smtp):
    smtp.start()
    worker_user, hr = await _addresses(w)
    await User.filter(id=hr.id).update(is_active=False)
    await _expiry_note(hr, w["workers"][0], "k-hr")
    old = await _expiry_note(worker_user, w["workers"][0], "k-old")
    await Notification.filter(id=old.id).update(created_at=datetime.now(UTC) - timedelta(days=15))
    assert (await emails_send()).emailed == 0
    assert smtp.inbox.messages == []


async def test_a_refused_recipient_does_not_stop_the_others_and_is_tried_again_next_run(w, smtp):
    smtp.start()
    worker_user, hr = await _addresses(w)
    # The worker's note is older (lower id), so it is tried first and its refusal must not end the run.
    mine = await _expiry_note(worker_user, w["workers"][0], "k-worker")
    await _expiry_note(hr, w["workers"][0], "k-hr")
    smtp.inbox.refuse.add("worker@example.org")
    report = await emails_send()
    assert (report.emailed, report.failed, report.error) == (1, 1, "")
    assert report.failures[0][0] == "worker" and report.failures[0][1].startswith("550")
    await mine.refresh_from_db()
    assert mine.emailed_at is None
    smtp.inbox.refuse.clear()
    report = await emails_send()
    assert (report.emailed, report.failed) == (1, 0)
    assert len(smtp.inbox.to("worker@example.org")) == 1 and len(smtp.inbox.to("hr@example.org")) == 1


async def test_with_the_smtp_server_down_the_notifications_stay_and_the_next_run_emails_them(w, smtp):
    await _addresses(w)
    # A registration ending in 20 days: the 30-day reminder to the worker and to HR of organisation A
    # (and, with no CE hours in its last year, a shortfall reminder to both as well).
    await Certificate.create(
        worker=w["workers"][0],
        level="assistant",
        number="A-1",
        obtained_on=date(2020, 1, 1),
        registered_on=local_today() - timedelta(days=3 * 365),
        registration_expires_on=local_today() + timedelta(days=20),
    )
    down = await remind()
    assert (down["registration_expiry"], down["ce_shortfall"]) == (2, 2)
    assert down["mail"].emailed == 0 and f"127.0.0.1:{smtp.port}" in down["mail"].error
    assert await Notification.filter(emailed_at=None).count() == 4
    # The run's report says so plainly, without a traceback.
    console = Console(record=True, width=200)
    print_counts(down, console)
    out = console.export_text()
    assert "E-mail stopped" in out and "ConnectionRefusedError" in out and "Traceback" not in out

    smtp.start()
    up = await remind()
    assert (up["registration_expiry"], up["ce_shortfall"]) == (0, 0)
    assert (up["mail"].emailed, up["mail"].error) == (4, "")
    assert await Notification.filter(emailed_at=None).count() == 0
    assert len(smtp.inbox.to("worker@example.org")) == 2 and len(smtp.inbox.to("hr@example.org")) == 2


async def test_nothing_is_emailed_while_no_smtp_host_is_set(w, smtp, monkeypatch):
    smtp.start()
    await _addresses(w)
    await _expiry_note(w["users"]["hr"], w["workers"][0], "k-hr")
    monkeypatch.setattr(get_settings(), "smtp_host", "")
    report = await emails_send()
    assert not report.enabled and report.emailed == 0
    assert smtp.inbox.messages == []
    assert await Notification.filter(emailed_at=None).count() == 1


async def test_two_runs_at_the_same_time_email_each_notification_once(w, smtp):
    # Cron started twice: both runs see the same two pending notifications; each message is claimed by
    # one run before it is sent, so the inboxes get 2 messages in all, not 4.
    smtp.start()
    worker_user, hr = await _addresses(w)
    for user in (worker_user, hr):
        await _expiry_note(user, w["workers"][0], f"twice-{user.username}")
    first, second = await asyncio.gather(emails_send(), emails_send())
    assert first.emailed + second.emailed == 2
    assert len(smtp.inbox.to("worker@example.org")) == 1 and len(smtp.inbox.to("hr@example.org")) == 1
    assert await Notification.filter(emailed_at=None).count() == 0
