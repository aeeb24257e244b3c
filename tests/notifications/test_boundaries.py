"""The dated rules of reminders, pinned on their boundary days.

- Registration expiry: a reminder 90, 60, 30 and 7 days before the registration's last day, each on the day the
  step is reached (days = expiry − today ≤ step), once; nothing after the expiry day.
- CE shortfall: once per period, from the first day of the period's last year (the registration expires before
  today + 12 months), never earlier — the same rule the certificate status follows (rules.registration_status).
- Recipients: the worker's account and HR of an organisation operating a station where the worker is active
  that day (start_on ≤ today ≤ end_on).
- Classroom sessions: reminded when they start after now and no later than now + the reminder hours.

`today=`/`now=` are explicit, never the day the suite runs; the cron entry point is run under a clock set with
time_machine (tick=False).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from courses.catalog.models import Course, CourseStatus
from courses.classroom.models import ClassSession
from courses.classroom.reminders import session_reminders_send
from courses.enrolment.models import Enrolment, EnrolmentStatus
from talent.certification import services as cert_services
from talent.certification.models import CeCredit, Certificate
from talent.certification.reminders import reminders_send
from talent.certification.rules import LevelRules, registration_status
from talent.notifications.models import Notification
from talent.people.models import EmploymentSpell
from tests.factories import world

NANJING = ZoneInfo("Asia/Shanghai")
EXPIRY = date(2026, 12, 31)


@pytest.fixture
async def w(db):
    data = await world()
    await cert_services.catalogue_seed()
    return data


async def _certificate(worker, *, registered_on, expires_on, level="assistant"):
    return await Certificate.create(
        worker=worker,
        level=level,
        number="B-1",
        obtained_on=date(2020, 1, 1),
        registered_on=registered_on,
        registration_expires_on=expires_on,
    )


async def test_expiry_reminders_go_out_exactly_90_60_30_and_7_days_before_the_last_day(w):
    # Registered 2024-01-01 → last day 2026-12-31; 72 h credited (no shortfall). One run a day, as cron does,
    # from 100 days before to 2 days after: the days that create reminders are expiry − 90 (2026-10-02),
    # − 60 (2026-11-01), − 30 (2026-12-01) and − 7 (2026-12-24); two each (the worker and HR of organisation A).
    await _certificate(w["workers"][0], registered_on=date(2024, 1, 1), expires_on=EXPIRY)
    await CeCredit.create(worker=w["workers"][0], hours=Decimal(72), source="course", earned_on=date(2025, 1, 1))
    sent = {}
    day = EXPIRY - timedelta(days=100)
    while day <= EXPIRY + timedelta(days=2):
        created = (await reminders_send(today=day))["registration_expiry"]
        if created:
            sent[(EXPIRY - day).days] = created
        day += timedelta(days=1)
    assert sent == {90: 2, 60: 2, 30: 2, 7: 2}


@pytest.mark.parametrize(
    ("days_before", "step"),
    [
        (91, None),  # not yet 90 days
        (90, 90),
        (61, 90),  # a first run 61 days before still sends the 90-day step
        (60, 60),
        (31, 60),
        (30, 30),
        (8, 30),
        (7, 7),
        (0, 7),  # the expiry day: the registration is still valid; the nearest step is 7
        (-1, None),  # the day after: lapsed, nothing
    ],
)
async def test_a_first_run_sends_the_step_reached_that_day(w, days_before, step):
    await _certificate(w["workers"][0], registered_on=date(2024, 1, 1), expires_on=EXPIRY)
    await CeCredit.create(worker=w["workers"][0], hours=Decimal(72), source="course", earned_on=date(2025, 1, 1))
    counts = await reminders_send(today=EXPIRY - timedelta(days=days_before))
    assert counts["registration_expiry"] == (2 if step else 0)
    keys = await Notification.filter(kind="registration_expiry").values_list("dedupe_key", flat=True)
    assert all(key.split(":")[3] == str(step) for key in keys)


# Intermediate (90 h), registered 2024-07-01 → last day 2027-06-30, 40 h credited. The last year of the period
# is 2026-07-01 … 2027-06-30: on 2026-06-30 the expiry equals today + 12 months, so it is not yet the last year.
SHORTFALL_DAYS = [(date(2026, 6, 29), False), (date(2026, 6, 30), False), (date(2026, 7, 1), True)]


@pytest.mark.parametrize(("today", "reminded"), SHORTFALL_DAYS)
async def test_a_ce_shortfall_is_reminded_from_the_first_day_of_the_periods_last_year(w, today, reminded):
    worker = w["workers"][0]
    await _certificate(worker, registered_on=date(2024, 7, 1), expires_on=date(2027, 6, 30), level="intermediate")
    await CeCredit.create(worker=worker, hours=Decimal(40), source="course", earned_on=date(2025, 3, 1))
    assert (await reminders_send(today=today))["ce_shortfall"] == (2 if reminded else 0)
    # The certificate page says the same on the same day.
    status = registration_status(
        obtained_on=date(2020, 1, 1),
        registered_on=date(2024, 7, 1),
        expires_on=date(2027, 6, 30),
        ce_hours=Decimal(40),
        rules=LevelRules(carry_over_years=2, ce_hours_per_period=90),
        today=today,
    )
    assert (status == "ce_shortfall") is reminded


async def test_the_reminder_command_uses_the_local_day(w):
    # `talent remind` without a day: 2026-10-02 00:30 in Nanjing is still 2026-10-01 16:30 UTC; the local day is
    # 90 days before 2026-12-31, so the 90-day reminder goes out.
    await _certificate(w["workers"][0], registered_on=date(2024, 1, 1), expires_on=EXPIRY)
    await CeCredit.create(worker=w["workers"][0], hours=Decimal(72), source="course", earned_on=date(2025, 1, 1))
    with time_machine.travel(datetime(2026, 10, 2, 0, 30, tzinfo=NANJING), tick=False):
        assert (await reminders_send())["registration_expiry"] == 2


@pytest.mark.parametrize(
    ("end_on", "hr_reminded"),
    [
        (date(2026, 12, 1), True),  # the last working day is today: HR still gets it
        (date(2026, 11, 30), False),  # left yesterday: only the worker
    ],
)
async def test_hr_is_reminded_while_the_worker_is_active_at_its_station(w, end_on, hr_reminded):
    worker = w["workers"][0]
    await EmploymentSpell.filter(worker=worker).update(end_on=end_on, exit_type="voluntary", exit_reason="pay")
    await _certificate(worker, registered_on=date(2024, 1, 1), expires_on=EXPIRY)
    await CeCredit.create(worker=worker, hours=Decimal(72), source="course", earned_on=date(2025, 1, 1))
    assert (await reminders_send(today=date(2026, 12, 1)))["registration_expiry"] == (2 if hr_reminded else 1)
    assert await Notification.filter(user=w["users"]["hr"]).exists() is hr_reminded


# --- classroom sessions ----------------------------------------------------------------------------------------

NOW = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("starts_in", "reminded"),
    [
        (timedelta(0), False),  # starting now: already begun
        (timedelta(seconds=1), True),
        (timedelta(hours=48), True),  # exactly at the end of the window
        (timedelta(hours=48, seconds=1), False),  # a second beyond it
    ],
)
async def test_a_session_is_reminded_when_it_starts_after_now_and_within_the_hours(w, starts_in, reminded):
    course = await Course.create(
        title="小组工作", category="group_work", delivery="classroom", status=CourseStatus.PUBLISHED
    )
    await Enrolment.create(course=course, worker=w["workers"][0], status=EnrolmentStatus.ENROLLED)
    await ClassSession.create(course=course, starts_at=NOW + starts_in)
    assert await session_reminders_send(now=NOW, hours=48) == (1 if reminded else 0)
