"""Registration windows, CE totals per period and the status per worker, as worked examples."""

from datetime import date
from decimal import Decimal

import pytest

from talent.certification import selectors, services
from talent.certification.models import Registration
from talent.certification.rules import LevelRules, add_months, period_end, registration_status
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from tests.factories import world

ASSISTANT = LevelRules(carry_over_years=1, ce_hours_per_period=72)
INTERMEDIATE = LevelRules(carry_over_years=2, ce_hours_per_period=90)


@pytest.fixture
async def w(db):
    data = await world()
    await services.catalogue_seed()
    return data


def test_month_arithmetic_clamps_to_the_end_of_the_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), -3) == date(2023, 12, 15)
    # Registered 2024-03-01 for 3 years: valid through 2027-02-28; the next period starts 2027-03-01.
    assert period_end(date(2024, 3, 1), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("today", "registered_on", "ce", "expected"),
    [
        # Obtained 2023-06-10, never registered: first registration allowed until 2024-06-10.
        (date(2024, 6, 10), None, 0, "unregistered"),
        (date(2024, 6, 11), None, 0, "first_overdue"),
        # Registered 2024-01-01 → valid through 2026-12-31. Early in the period: registered even with 0 h.
        (date(2025, 1, 1), date(2024, 1, 1), 0, "registered"),
        # Last year of the period (expiry before 2027-01-01 + … ): 40 h < 90 → shortfall; 90 h → registered.
        (date(2026, 3, 1), date(2024, 1, 1), 40, "ce_shortfall"),
        (date(2026, 3, 1), date(2024, 1, 1), 90, "registered"),
        # From 2026-10-01 the expiry (2026-12-31) is within 3 months (2026-10-01 + 3 months = 2027-01-01):
        # the renewal window is open; on 2026-09-30 (+3 months = 2026-12-30) it is not yet.
        (date(2026, 9, 30), date(2024, 1, 1), 90, "registered"),
        (date(2026, 10, 1), date(2024, 1, 1), 90, "renewal_open"),
        (date(2026, 10, 1), date(2024, 1, 1), 89.5, "ce_shortfall"),
        (date(2026, 12, 31), date(2024, 1, 1), 90, "renewal_open"),
        (date(2027, 1, 1), date(2024, 1, 1), 200, "lapsed"),
    ],
)
def test_the_status_of_an_intermediate_certificate(today, registered_on, ce, expected):
    status = registration_status(
        obtained_on=date(2023, 6, 10),
        registered_on=registered_on,
        expires_on=period_end(registered_on, 3) if registered_on else None,
        ce_hours=Decimal(str(ce)),
        rules=INTERMEDIATE,
        today=today,
    )
    assert status == expected


async def _certificate(w, registered_on=None, level="assistant"):
    return await services.certificate_record(
        actor=w["users"]["hr"],
        worker=w["workers"][0],
        level=level,
        number="N-1",
        obtained_on=date(2023, 6, 10),
        registered_on=registered_on,
    )


async def test_a_first_registration_must_fall_within_a_year_of_the_certificate(w):
    cert = await _certificate(w)
    hr = w["users"]["hr"]
    with pytest.raises(ServiceError) as exc:
        await services.certificate_register(actor=hr, certificate=cert, on=date(2024, 6, 11))
    assert "2024-06-10" in exc.value.message
    with pytest.raises(ServiceError):
        await services.certificate_register(actor=hr, certificate=cert, on=date(2023, 6, 9))
    reg = await services.certificate_register(actor=hr, certificate=cert, on=date(2024, 6, 10))
    assert (reg.kind.value, reg.registered_on, reg.expires_on) == ("first", date(2024, 6, 10), date(2027, 6, 9))


async def test_renewal_is_accepted_only_in_the_three_months_before_expiry_with_the_ce_hours(w):
    hr, worker = w["users"]["hr"], w["workers"][0]
    cert = await _certificate(w, registered_on=date(2023, 7, 1))  # assistant: valid through 2026-06-30, 72 h
    with pytest.raises(ServiceError) as exc:
        await services.certificate_register(actor=hr, certificate=cert, on=date(2026, 3, 29))
    assert "2026-03-30" in exc.value.message  # the window opens 3 months before 2026-06-30
    # CE in the period [2023-07-01, 2026-06-30]: 40 + 30 = 70 h (the 2023-06-30 block is before the period).
    for hours, day in [(40, date(2024, 5, 1)), (30, date(2025, 5, 1)), (50, date(2023, 6, 30))]:
        await services.ce_credit_add(actor=hr, worker=worker, hours=Decimal(hours), source="course", earned_on=day)
    assert await selectors.ce_hours_between(
        worker_id=worker.id, start=date(2023, 7, 1), end=date(2026, 6, 30)
    ) == Decimal("70")
    with pytest.raises(ServiceError) as exc:
        await services.certificate_register(actor=hr, certificate=cert, on=date(2026, 4, 1))
    assert "72" in exc.value.message and "70" in exc.value.message
    await services.ce_credit_add(
        actor=hr, worker=worker, hours=Decimal("2"), source="supervision", earned_on=date(2026, 3, 1)
    )
    reg = await services.certificate_register(actor=hr, certificate=cert, on=date(2026, 4, 1))
    # The new period starts the day after the old one ends: 2026-07-01 through 2029-06-30.
    assert (reg.kind.value, reg.registered_on, reg.expires_on, reg.ce_hours) == (
        "renewal",
        date(2026, 7, 1),
        date(2029, 6, 30),
        Decimal("72"),
    )
    assert await Registration.filter(certificate_id=cert.id).count() == 2


async def test_a_lapsed_registration_cannot_be_renewed(w):
    cert = await _certificate(w, registered_on=date(2023, 7, 1))
    with pytest.raises(ServiceError) as exc:
        await services.certificate_register(actor=w["users"]["hr"], certificate=cert, on=date(2026, 7, 1))
    assert "2026-06-30" in exc.value.message


async def test_external_ce_hours_need_evidence_and_hours_must_be_positive(w):
    hr, worker = w["users"]["hr"], w["workers"][0]
    with pytest.raises(ServiceError) as exc:
        await services.ce_credit_add(
            actor=hr, worker=worker, hours=Decimal(8), source="external", earned_on=local_today()
        )
    assert exc.value.field == "note"
    with pytest.raises(ServiceError) as exc:
        await services.ce_credit_add(
            actor=hr, worker=worker, hours=Decimal(0), source="course", earned_on=local_today()
        )
    assert exc.value.field == "hours"
    await services.ce_credit_add(
        actor=hr, worker=worker, hours=Decimal(8), source="course", earned_on=local_today(), source_ref="course:1"
    )
    with pytest.raises(ServiceError):
        await services.ce_credit_add(
            actor=hr, worker=worker, hours=Decimal(8), source="course", earned_on=local_today(), source_ref="course:1"
        )
