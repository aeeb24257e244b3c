"""The dated rules of certification, pinned on their boundary days: the day before, the day itself, the day
after. Each case is a worked example; the expected answer is derived in the comment next to it.

Rules (DESIGN §1): first registration within 12 months of the certificate; a registration is valid 3 years
(its last day is the day before the same date 3 years on); renewal is accepted in the 3 months before expiry,
the expiry day included, and needs the period's CE hours (72 assistant, 90 intermediate), counted from the
period's first day to its last, both included; a level is passed when every subject is passed within the
carry-over window (1 exam year assistant, 2 intermediate); a score equal to the pass line passes; years of
social work are counted to the cut-off of the next exam (the first exam on or after today), the cut-off
included.

"Today" comes from a clock the test sets (time_machine, tick=False) or an explicit `today=`/`on=` argument,
never from the day the suite happens to run.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from talent.certification import selectors, services
from talent.certification.models import Certificate, ExamYear, Registration
from talent.certification.rules import CertStatus, LevelRules, period_end, registration_status
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Station
from tests.conftest import login, post
from tests.factories import world

ADMIN = Scope(user_id=0, role=Role.ADMIN)

NANJING = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 9) -> datetime:
    """A moment of `day` on the platform's clock (Asia/Shanghai), for time_machine.travel."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=NANJING)


@pytest.fixture
async def w(db):
    data = await world()
    await services.catalogue_seed()
    return data


async def _certificate(w, *, obtained_on=date(2023, 6, 10), registered_on=None, level="assistant", number="N-1"):
    return await services.certificate_record(
        actor=w["users"]["hr"],
        worker=w["workers"][0],
        level=level,
        number=number,
        obtained_on=obtained_on,
        registered_on=registered_on,
    )


async def _credit(w, hours, day, source="course"):
    await services.ce_credit_add(
        actor=w["users"]["hr"], worker=w["workers"][0], hours=Decimal(hours), source=source, earned_on=day
    )


# --- first registration: within 12 months of obtaining the certificate ------------------------------------

# Obtained 2023-06-10. The window is [2023-06-10, 2024-06-10]: add_months(2024-06-10, -12) = 2023-06-10 is not
# after the certificate; on 2024-06-11 it is 2023-06-11, after it.
FIRST_REGISTRATION = [
    (date(2023, 6, 9), False),  # the day before the certificate was obtained
    (date(2023, 6, 10), True),  # the day it was obtained
    (date(2023, 6, 11), True),
    (date(2024, 6, 9), True),
    (date(2024, 6, 10), True),  # the last day: exactly 12 months on
    (date(2024, 6, 11), False),  # the day after the deadline
]


@pytest.mark.parametrize(("on", "accepted"), FIRST_REGISTRATION)
async def test_a_first_registration_is_accepted_from_the_certificate_day_to_twelve_months_later(w, on, accepted):
    cert = await _certificate(w)
    if accepted:
        reg = await services.certificate_register(actor=w["users"]["hr"], certificate=cert, on=on)
        # Valid 3 years: the last day is the day before the same date 3 years on.
        assert (reg.kind.value, reg.registered_on, reg.expires_on) == (
            "first",
            on,
            date(on.year + 3, on.month, on.day) - timedelta(days=1),
        )
    else:
        with pytest.raises(ServiceError):
            await services.certificate_register(actor=w["users"]["hr"], certificate=cert, on=on)
        assert await Registration.filter(certificate_id=cert.id).count() == 0


@pytest.mark.parametrize(("on", "accepted"), FIRST_REGISTRATION)
async def test_a_certificate_recorded_with_its_first_registration_follows_the_same_window(w, on, accepted):
    # The form and the certificates import record both at once (certificate_record with registered_on).
    if accepted:
        cert = await _certificate(w, registered_on=on)
        assert cert.registered_on == on
    else:
        with pytest.raises(ServiceError) as exc:
            await _certificate(w, registered_on=on)
        assert exc.value.field == "registered_on"
        assert await Certificate.all().count() == 0


async def test_a_certificate_obtained_on_29_february_must_be_registered_by_28_february_next_year(w):
    # 12 months after 2024-02-29 is 2025-02-28 (no 29th): accepted that day, refused on 2025-03-01, and the
    # refusal names the deadline.
    hr = w["users"]["hr"]
    cert = await _certificate(w, obtained_on=date(2024, 2, 29))
    with pytest.raises(ServiceError) as exc:
        await services.certificate_register(actor=hr, certificate=cert, on=date(2025, 3, 1))
    assert "2025-02-28" in exc.value.message
    reg = await services.certificate_register(actor=hr, certificate=cert, on=date(2025, 2, 28))
    # Valid 3 years from 2025-02-28: through 2028-02-27.
    assert reg.expires_on == date(2028, 2, 27)


# --- validity: 3 years, the new period starting the day after the old one ends -----------------------------


@pytest.mark.parametrize(
    ("registered_on", "last_day"),
    [
        (date(2024, 3, 1), date(2027, 2, 28)),  # 2027-03-01 − 1 day
        (date(2024, 2, 29), date(2027, 2, 27)),  # 2027-02-28 (clamped) − 1 day
        (date(2023, 7, 1), date(2026, 6, 30)),
        (date(2024, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_registration_is_valid_through_the_day_before_the_same_date_three_years_on(registered_on, last_day):
    assert period_end(registered_on, 3) == last_day


# --- renewal: in the 3 months before expiry, the expiry day included ---------------------------------------

# Registered 2023-07-01 (assistant, 72 h): valid through 2026-06-30. The window opens on 2026-03-30, the first
# day whose date 3 months on (2026-06-30) reaches the expiry; on 2026-03-29 that is 2026-06-29, still before.
RENEWAL = [
    (date(2026, 3, 29), "opens"),  # the day before the window opens
    (date(2026, 3, 30), None),  # the window's first day
    (date(2026, 6, 29), None),
    (date(2026, 6, 30), None),  # the expiry day itself: still registered, so still renewable
    (date(2026, 7, 1), "lapsed"),  # the day after expiry
]


@pytest.mark.parametrize(("on", "refusal"), RENEWAL)
async def test_a_renewal_is_accepted_from_three_months_before_expiry_through_the_expiry_day(w, on, refusal):
    cert = await _certificate(w, registered_on=date(2023, 7, 1))
    await _credit(w, 72, date(2025, 1, 1))
    hr = w["users"]["hr"]
    if refusal is None:
        reg = await services.certificate_register(actor=hr, certificate=cert, on=on)
        # The new period starts the day after the old one ends, whatever the day of the renewal.
        assert (reg.kind.value, reg.registered_on, reg.expires_on, reg.ce_hours) == (
            "renewal",
            date(2026, 7, 1),
            date(2029, 6, 30),
            Decimal(72),
        )
    else:
        with pytest.raises(ServiceError) as exc:
            await services.certificate_register(actor=hr, certificate=cert, on=on)
        # Before the window the answer names its first day; after expiry, the day it lapsed.
        assert {"opens": "2026-03-30", "lapsed": "2026-06-30"}[refusal] in exc.value.message
        assert await Registration.filter(certificate_id=cert.id).count() == 1


async def test_hr_renews_a_registration_through_the_form_on_its_expiry_day(client, w):
    cert = await _certificate(w, registered_on=date(2023, 7, 1))  # valid through 2026-06-30
    await _credit(w, 72, date(2025, 1, 1))
    await login(client, "hr")
    url = f"/certificates/workers/{w['workers'][0].id}/certificates/{cert.id}/register"
    refused = await post(client, url, {"on": "2026-07-01"})  # the day after: lapsed
    assert refused.status_code == 422 and "2026-06-30" in refused.text
    accepted = await post(client, url, {"on": "2026-06-30"})  # the expiry day: accepted
    assert accepted.status_code == 303, accepted.text[:500]
    await cert.refresh_from_db()
    assert (cert.registered_on, cert.registration_expires_on) == (date(2026, 7, 1), date(2029, 6, 30))


# --- CE hours of a period: its first and last day both count -----------------------------------------------


async def test_ce_hours_count_from_the_periods_first_day_to_its_last_day_inclusive(w):
    # Period 2023-07-01 … 2026-06-30. 36 h on the first day + 36 h on the last day = 72 h = the assistant
    # requirement; 100 h the day before the period and 100 h the day after it count for nothing.
    cert = await _certificate(w, registered_on=date(2023, 7, 1))
    for hours, day in [
        (100, date(2023, 6, 30)),
        (36, date(2023, 7, 1)),
        (36, date(2026, 6, 30)),
        (100, date(2026, 7, 1)),
    ]:
        await _credit(w, hours, day)
    worker_id = w["workers"][0].id
    assert await selectors.ce_hours_between(worker_id=worker_id, start=date(2023, 7, 1), end=date(2026, 6, 30)) == 72
    # 72 h exactly is enough: the renewal on the first day of the window is accepted with 72 h credited.
    reg = await services.certificate_register(actor=w["users"]["hr"], certificate=cert, on=date(2026, 3, 30))
    assert reg.ce_hours == Decimal(72)


async def test_a_renewal_with_one_tenth_of_an_hour_too_few_is_refused(w):
    # 71.9 h < 72 h: refused, naming both figures; 0.1 h more makes 72.0 and it is accepted.
    cert = await _certificate(w, registered_on=date(2023, 7, 1))
    await _credit(w, Decimal("71.9"), date(2025, 1, 1))
    with pytest.raises(ServiceError) as exc:
        await services.certificate_register(actor=w["users"]["hr"], certificate=cert, on=date(2026, 5, 1))
    assert "72" in exc.value.message and "71.9" in exc.value.message
    await _credit(w, Decimal("0.1"), date(2026, 4, 30))
    reg = await services.certificate_register(actor=w["users"]["hr"], certificate=cert, on=date(2026, 5, 1))
    assert (reg.kind.value, reg.ce_hours) == ("renewal", Decimal("72.0"))


# --- the status of a certificate on day d: Python (worker page) and SQL (list) agree -------------------------

# Assistant, registered 2023-07-01 → expires 2026-06-30; required 72 h.
#  - renewal_open from 2026-03-30 (expiry ≤ today + 3 months) through 2026-06-30; lapsed from 2026-07-01;
#  - with less than 72 h, the last year of the period starts 2025-07-01 (expiry < today + 12 months:
#    2026-06-30 < 2026-07-01); on 2025-06-30 the expiry equals today + 12 months, not yet the last year.
# Obtained 2023-06-10 and never registered: unregistered through 2024-06-10, first registration overdue from
# 2024-06-11 (the certificate itself does not lapse; issue 16).
STATUS_DAYS = [
    # (today, registered_on, ce_hours, expected)
    (date(2024, 6, 10), None, 0, "unregistered"),
    (date(2024, 6, 11), None, 0, "first_overdue"),
    (date(2026, 3, 29), date(2023, 7, 1), 72, "registered"),
    (date(2026, 3, 30), date(2023, 7, 1), 72, "renewal_open"),
    (date(2026, 6, 30), date(2023, 7, 1), 72, "renewal_open"),
    (date(2026, 7, 1), date(2023, 7, 1), 72, "lapsed"),
    (date(2025, 6, 30), date(2023, 7, 1), 40, "registered"),
    (date(2025, 7, 1), date(2023, 7, 1), 40, "ce_shortfall"),
    (date(2026, 3, 30), date(2023, 7, 1), 40, "ce_shortfall"),
    (date(2026, 6, 30), date(2023, 7, 1), 40, "ce_shortfall"),
    (date(2026, 7, 1), date(2023, 7, 1), 40, "lapsed"),
]


@pytest.mark.parametrize(("today", "registered_on", "ce", "expected"), STATUS_DAYS)
def test_the_status_rule_on_its_boundary_days(today, registered_on, ce, expected):
    status = registration_status(
        obtained_on=date(2023, 6, 10),
        registered_on=registered_on,
        expires_on=period_end(registered_on, 3) if registered_on else None,
        ce_hours=Decimal(ce),
        rules=LevelRules(carry_over_years=1, ce_hours_per_period=72),
        today=today,
    )
    assert status == expected


def _list_status(page: str, worker_id: int) -> str | None:
    """The status badge of a worker's row in the certificate list."""
    match = re.search(
        rf'<a href="/certificates/workers/{worker_id}">W\d+</a>.*?<span class="badge [^"]*">([^<]+)</span>',
        page,
        re.S,
    )
    return match.group(1).strip() if match else None


@pytest.mark.parametrize(("today", "registered_on", "ce", "expected"), STATUS_DAYS)
async def test_the_worker_page_and_the_list_show_the_same_status_on_each_boundary_day(
    client, w, today, registered_on, ce, expected
):
    await _certificate(w, registered_on=registered_on)
    if ce:
        await _credit(w, ce, date(2024, 1, 1))
    worker_id = w["workers"][0].id
    # Python: the worker's certificates as the worker page computes them.
    certs = await selectors.worker_certificates(scope=ADMIN, worker_id=worker_id, today=today)
    assert certs[0].status == expected
    # SQL: the list page on that day (its clock set to 09:00 in Nanjing), its status filter and its badge.
    with time_machine.travel(at(today), tick=False):
        await login(client, "hr")
        page = await client.get("/certificates")
        filtered = await client.get("/certificates", params={"status": expected})
    assert page.status_code == filtered.status_code == 200
    assert _list_status(page.text, worker_id) == CertStatus(expected).label
    assert _list_status(filtered.text, worker_id) == CertStatus(expected).label


async def test_the_list_status_changes_at_midnight_in_nanjing_not_utc(client, w):
    # Expiry 2026-06-30. At 2026-07-01 07:00 in Nanjing it is still 2026-06-30 23:00 UTC; the platform's day
    # is the local one, so the registration has lapsed.
    await _certificate(w, registered_on=date(2023, 7, 1))
    await _credit(w, 72, date(2024, 1, 1))
    with time_machine.travel(at(date(2026, 6, 30), hour=23), tick=False):
        await login(client, "hr")
        page = await client.get("/certificates")
    assert _list_status(page.text, w["workers"][0].id) == CertStatus.RENEWAL_OPEN.label
    with time_machine.travel(at(date(2026, 7, 1), hour=7), tick=False):
        page = await client.get("/certificates")
    assert _list_status(page.text, w["workers"][0].id) == CertStatus.LAPSED.label


# --- carry-over: every subject of a level within the window of consecutive exam years ------------------------


async def _results(w, scores: list[tuple[int, str, str]]):
    created = []
    for year, subject, score in scores:
        _, cert = await services.result_record(
            actor=w["users"]["hr"], worker=w["workers"][0], year=year, subject=subject, score=Decimal(score)
        )
        created.append(cert)
    return [c for c in created if c is not None]


async def test_an_assistant_level_needs_both_subjects_in_the_same_exam_year(w):
    # Window 1 year: A-ZH 2023 and A-SW 2024 are in different years → no certificate; A-ZH again in 2024 → the
    # level is passed in 2024, obtained on that year's exam day (2024-06-15).
    assert await _results(w, [(2023, "A-ZH", "70"), (2024, "A-SW", "70")]) == []
    [cert] = await _results(w, [(2024, "A-ZH", "65")])
    assert (cert.level.value, cert.exam_year, cert.obtained_on) == ("assistant", 2024, date(2024, 6, 15))


async def test_an_intermediate_level_carries_passes_over_two_consecutive_years_and_no_more(w):
    # Window 2 years. I-ZH 2022, then I-FG and I-SW 2024: the window ending 2024 is 2023–2024, which misses the
    # 2022 pass → no certificate. I-ZH passed again in 2023 → 2023–2024 holds all three → certificate of 2024.
    assert await _results(w, [(2022, "I-ZH", "60"), (2024, "I-FG", "60"), (2024, "I-SW", "60")]) == []
    [cert] = await _results(w, [(2023, "I-ZH", "60")])
    assert (cert.level.value, cert.exam_year) == ("intermediate", 2024)


async def test_a_score_equal_to_the_pass_line_passes_and_one_tenth_below_fails(w):
    # The default pass line is 60 of 100: 60.0 passes, 59.9 does not.
    low, _ = await services.result_record(
        actor=w["users"]["hr"], worker=w["workers"][0], year=2024, subject="A-ZH", score=Decimal("59.9")
    )
    assert (low.pass_mark, low.passed) == (Decimal(60), False)
    exact, _ = await services.result_record(
        actor=w["users"]["hr"], worker=w["workers"][0], year=2024, subject="A-SW", score=Decimal("60.0")
    )
    assert exact.passed is True


# --- eligibility: years of social work counted to the next exam's cut-off, the cut-off included -------------


@pytest.fixture
async def exam_years(w):
    """A province's calendar made up for these tests (not the national dates): 2026: exam 2026-06-13, cut-off
    2026-05-31; 2027: exam 2027-06-12, cut-off 2027-05-31."""
    await ExamYear.filter(year=2026).update(exam_on=date(2026, 6, 13), cutoff_on=date(2026, 5, 31))
    await ExamYear.filter(year=2027).delete()
    await ExamYear.create(year=2027, exam_on=date(2027, 6, 12), cutoff_on=date(2027, 5, 31))


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (date(2026, 6, 12), date(2026, 5, 31)),  # the day before the 2026 exam: 2026's cut-off
        (date(2026, 6, 13), date(2026, 5, 31)),  # the exam day itself: still 2026's
        (date(2026, 6, 14), date(2027, 5, 31)),  # the day after: the next exam's
        (date(2027, 6, 13), date(2028, 12, 31)),  # this year's exam is past and none is ahead: next year's 31 December
    ],
)
async def test_the_cut_off_is_that_of_the_first_exam_on_or_after_today(w, exam_years, today, cutoff):
    assert await selectors.eligibility_cutoff(today=today) == cutoff


async def _fresh_worker(spells: list[tuple[date, date | None]], **values) -> Worker:
    """A worker with these spells, each at another of the world's stations."""
    worker = await Worker.create(worker_no="E1", name="考生", **values)
    stations = (await Station.all().order_by("code"))[: len(spells)]
    for (start, end), station in zip(spells, stations, strict=True):
        await EmploymentSpell.create(worker=worker, station=station, start_on=start, end_on=end)
    return worker


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (date(2026, 5, 30), 2),  # the day before the cut-off and the cut-off itself
        (date(2026, 5, 31), 1),  # starting on the cut-off: that one day counts
        (date(2026, 6, 1), 0),  # starting the day after: nothing yet
    ],
)
async def test_days_of_social_work_count_to_the_cut_off_inclusive(w, exam_years, start, days):
    worker = await _fresh_worker([(start, None)])
    result = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2026, 6, 1))
    assert (result.cutoff, result.days) == (date(2026, 5, 31), days)


async def test_a_spell_ending_on_the_day_the_next_starts_counts_that_day_once(w, exam_years):
    # 2026-01-01 … 2026-03-01 and 2026-03-01 … (open): 31 + 28 + 1 = 60 days, then 2026-03-02 … 2026-05-31
    # = 30 + 30 + 31 = 91 days: 151 days, the shared day counted once.
    worker = await _fresh_worker([(date(2026, 1, 1), date(2026, 3, 1)), (date(2026, 3, 1), None)])
    result = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2026, 6, 1))
    assert result.days == 151


@pytest.mark.parametrize(
    ("start", "eligible"),
    [
        # Other-major bachelor: assistant after 2 years of social work. Cut-off 2026-05-31.
        (date(2024, 6, 1), True),  # 2024-06-01 … 2026-05-31 = 730 days = two full years
        (date(2024, 5, 25), True),
        (date(2024, 6, 8), False),  # a week short: 723 days = 1.98 years
    ],
)
async def test_eligibility_to_sit_needs_the_years_by_the_cut_off(w, exam_years, start, eligible):
    worker = await _fresh_worker([(start, None)], education="bachelor", social_work_major=False)
    # Today is the day after the cut-off but before the exam: the years are still counted to 2026-05-31.
    result = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2026, 6, 10))
    assistant = next(level for level in result.levels if level.level == "assistant")
    assert assistant.eligible is eligible, (result.days, result.years)


async def test_one_day_short_of_the_years_by_the_cut_off_is_not_eligible(w, exam_years):
    # Other-major bachelor: 2 years for assistant. Two full years to the cut-off 2026-05-31 start on
    # 2024-06-01 (730 days, eligible above); starting 2024-06-02 gives 729 days, one day short. Years are counted
    # as calendar years back from the cut-off (rules.years_to_cutoff), not as days / 365.25, which read 2.00.
    worker = await _fresh_worker([(date(2024, 6, 2), None)], education="bachelor", social_work_major=False)
    result = await selectors.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2026, 6, 10))
    assert result.days == 729
    assert next(level for level in result.levels if level.level == "assistant").eligible is False
