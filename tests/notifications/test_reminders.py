"""`talent remind`: registration-expiry reminders at 90/60/30/7 days and CE shortfalls, never twice;
the bell and the notifications page show only the user's own."""

from datetime import date
from decimal import Decimal

import pytest

from talent.certification import services as cert_services
from talent.certification.models import CeCredit, Certificate
from talent.certification.reminders import reminders_send
from talent.notifications.models import Notification
from talent.notifications.services import Draft, notify_many
from tests.conftest import login, post, text_of
from tests.factories import world


@pytest.fixture
async def w(db):
    data = await world()
    await cert_services.catalogue_seed()
    return data


async def _expiring(worker, expires_on, number="A-1", level="assistant"):
    return await Certificate.create(
        worker=worker,
        level=level,
        number=number,
        obtained_on=date(2020, 1, 1),
        registered_on=date(expires_on.year - 3, expires_on.month, 1),
        registration_expires_on=expires_on,
    )


async def test_expiry_reminders_go_out_at_90_60_30_and_7_days_each_once(w):
    w1 = w["workers"][0]
    await _expiring(w1, date(2026, 12, 31))
    await CeCredit.create(worker=w1, hours=Decimal(72), source="course", earned_on=date(2025, 1, 1))  # no shortfall
    worker_user, hr = w["users"]["worker"], w["users"]["hr"]
    # 2026-09-01 is 121 days before: nothing yet.
    assert await reminders_send(today=date(2026, 9, 1)) == {"registration_expiry": 0, "ce_shortfall": 0}
    # 2026-10-02: 90 days → one reminder to the worker and one to HR of organisation A.
    assert await reminders_send(today=date(2026, 10, 2)) == {"registration_expiry": 2, "ce_shortfall": 0}
    # The same day again, and the next day (89 days, still the 90-day step): nothing new.
    assert (await reminders_send(today=date(2026, 10, 2)))["registration_expiry"] == 0
    assert (await reminders_send(today=date(2026, 10, 3)))["registration_expiry"] == 0
    # 2026-11-01 (60 days), 2026-12-01 (30), 2026-12-24 (7): one step each, two recipients each.
    for day in (date(2026, 11, 1), date(2026, 12, 1), date(2026, 12, 24)):
        assert (await reminders_send(today=day))["registration_expiry"] == 2
    assert await Notification.filter(user_id=worker_user.id).count() == 4
    assert await Notification.filter(user_id=hr.id).count() == 4
    # After expiry: nothing more.
    assert (await reminders_send(today=date(2027, 1, 1)))["registration_expiry"] == 0


async def test_a_first_run_close_to_expiry_sends_only_the_nearest_step(w):
    await _expiring(w["workers"][0], date(2026, 12, 31))
    await CeCredit.create(worker=w["workers"][0], hours=Decimal(80), source="course", earned_on=date(2025, 1, 1))
    # 5 days before expiry and nothing was sent: the 7-day reminder only, not 90/60/30 as well.
    assert (await reminders_send(today=date(2026, 12, 26)))["registration_expiry"] == 2
    keys = await Notification.all().values_list("dedupe_key", flat=True)
    assert all(":7:" in key for key in keys)


async def test_a_ce_shortfall_in_the_last_year_is_reminded_once_per_period(w):
    w1 = w["workers"][0]
    await _expiring(w1, date(2027, 6, 30), level="intermediate")
    await CeCredit.create(worker=w1, hours=Decimal(40), source="course", earned_on=date(2025, 3, 1))
    # 2026-05-01: more than a year before expiry → not yet.
    assert (await reminders_send(today=date(2026, 5, 1)))["ce_shortfall"] == 0
    # 2026-07-01: in the last year, 40 < 90 h → worker and HR.
    assert (await reminders_send(today=date(2026, 7, 1)))["ce_shortfall"] == 2
    assert (await reminders_send(today=date(2026, 8, 1)))["ce_shortfall"] == 0
    notes = await Notification.filter(kind="ce_shortfall").values("params")
    assert notes[0]["params"]["hours"] == "40" and notes[0]["params"]["required"] == 90


async def test_a_worker_of_another_organisation_is_not_reminded_to_this_hr(w):
    await _expiring(w["workers"][2], date(2026, 12, 31))  # W3 at S3, organisation B: no HR account, no worker account
    assert (await reminders_send(today=date(2026, 12, 1)))["registration_expiry"] == 0


async def test_notify_many_ignores_a_repeated_key(w):
    user = w["users"]["hr"]
    drafts = [Draft(user.id, "test", "Hello", "k1"), Draft(user.id, "test", "Hello", "k1")]
    assert await notify_many(drafts[:1]) == 1
    assert await notify_many(drafts) == 0
    assert await Notification.all().count() == 1


async def test_the_bell_counts_unread_and_the_page_marks_them_read(client, w):
    worker_user, hr = w["users"]["worker"], w["users"]["hr"]
    mine = await Notification.create(
        user=worker_user,
        kind="registration_expiry",
        text="The registration of certificate %(number)s (%(worker)s, %(level)s) expires on %(date)s.",
        params={"number": "A-1", "worker": "工作者1", "level": "assistant", "date": "2026-12-31"},
        link=f"/certificates/workers/{w['workers'][0].id}",
        dedupe_key="x1",
    )
    theirs = await Notification.create(user=hr, kind="t", text="Hello", dedupe_key="x2")
    await login(client, "worker")
    bell = await client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert 'id="bell-count">1<' in bell.text
    page = await client.get("/notifications")
    assert "Assistant social worker" in text_of(page.text) and "Dec 31, 2026" in text_of(page.text)
    assert (await post(client, f"/notifications/{theirs.id}/read")).status_code == 404
    opened = await post(client, f"/notifications/{mine.id}/read")
    assert opened.status_code == 303 and opened.headers["location"] == mine.link
    await mine.refresh_from_db()
    assert mine.read_at is not None
    bell = await client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert "bell-count" not in bell.text
    await theirs.refresh_from_db()
    assert theirs.read_at is None


async def test_mark_all_as_read(client, w):
    for i in range(3):
        await Notification.create(user=w["users"]["hr"], kind="t", text="Hello", dedupe_key=f"k{i}")
    await login(client, "hr")
    assert (await post(client, "/notifications/read-all")).status_code == 303
    assert await Notification.filter(read_at=None).count() == 0
