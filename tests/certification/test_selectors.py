"""The HR list computes each worker's status in SQL exactly as the rules do; pass rates per subject and year."""

from datetime import date
from decimal import Decimal

import pytest

from talent.accounts.selectors import scope_for
from talent.certification import selectors, services
from talent.certification.models import CeCredit, Certificate
from talent.core.access import Role, Scope
from talent.core.pagination import ListParams
from tests.factories import world
from tests.querycount import count_queries

ADMIN = Scope(user_id=0, role=Role.ADMIN)

TODAY = date(2026, 10, 1)


@pytest.fixture
async def w(db):
    data = await world()
    await services.catalogue_seed()
    return data


async def _scope(user):
    await user.fetch_related("region")
    return await scope_for(user, today=TODAY)


async def _rows(w, user="admin", **filters):
    page = await selectors.certificate_list(
        scope=await _scope(w["users"][user]), params=ListParams(per_page=50), today=TODAY, **filters
    )
    return {row["worker_no"]: row for row in page.items}


async def test_each_workers_highest_certificate_status_and_ce_hours_come_from_sql(w):
    w1, w2, w3, w4 = w["workers"]
    # W1: assistant (lapsed long ago) and intermediate registered 2024-01-01 → through 2026-12-31.
    #     On 2026-10-01 the renewal window is open; 60 + 35 = 95 h ≥ 90 → renewal_open.
    await Certificate.create(worker=w1, level="assistant", number="A1", obtained_on=date(2015, 6, 1))
    await Certificate.create(
        worker=w1,
        level="intermediate",
        number="I1",
        obtained_on=date(2023, 6, 10),
        registered_on=date(2024, 1, 1),
        registration_expires_on=date(2026, 12, 31),
    )
    await CeCredit.create(worker=w1, hours=Decimal(60), source="course", earned_on=date(2024, 5, 1))
    await CeCredit.create(worker=w1, hours=Decimal(35), source="supervision", earned_on=date(2025, 5, 1))
    await CeCredit.create(worker=w1, hours=Decimal(50), source="course", earned_on=date(2023, 12, 31))  # before
    # W2: assistant registered 2025-02-01 (legacy row without an expiry → through 2028-01-31), 10 h: registered.
    await Certificate.create(
        worker=w2, level="assistant", number="A2", obtained_on=date(2024, 6, 15), registered_on=date(2025, 2, 1)
    )
    await CeCredit.create(worker=w2, hours=Decimal(10), source="course", earned_on=date(2025, 3, 1))
    # W3: assistant obtained 2025-11-01 and never registered: may still register until 2026-11-01.
    await Certificate.create(worker=w3, level="assistant", number="A3", obtained_on=date(2025, 11, 1))
    # W4: registered through 2027-06-30 (in its last year) with 12 h < 72 → ce_shortfall.
    await Certificate.create(
        worker=w4,
        level="assistant",
        number="A4",
        obtained_on=date(2024, 6, 1),
        registered_on=date(2024, 7, 1),
        registration_expires_on=date(2027, 6, 30),
    )
    await CeCredit.create(worker=w4, hours=Decimal(12), source="course", earned_on=date(2025, 1, 1))
    rows = await _rows(w)
    got = {no: (r["cert_level"], r["cert_status"], r["cert_ce"], r["cert_expires"]) for no, r in rows.items()}
    assert got == {
        "W1": ("intermediate", "renewal_open", Decimal("95"), date(2026, 12, 31)),
        "W2": ("assistant", "registered", Decimal("10"), date(2028, 1, 31)),
        "W3": ("assistant", "unregistered", Decimal("0"), None),
        "W4": ("assistant", "ce_shortfall", Decimal("12"), date(2027, 6, 30)),
    }
    # The worker page agrees with the list for every certificate (one SQL, talent.certification.expressions).
    for worker in w["workers"]:
        certs = await selectors.worker_certificates(scope=ADMIN, worker_id=worker.id, today=TODAY)
        assert certs[0].status == rows[worker.worker_no]["cert_status"]
        assert certs[0].ce_hours == rows[worker.worker_no]["cert_ce"]
    assert set(await _rows(w, status="ce_shortfall")) == {"W4"}
    assert set(await _rows(w, level="intermediate")) == {"W1"}
    # HR of organisation A sees only S1/S2's workers.
    assert set(await _rows(w, user="hr")) == {"W1", "W2"}


async def test_a_worker_without_certificate_is_listed_as_none(w):
    rows = await _rows(w, user="bureau")
    assert {no: r["cert_status"] for no, r in rows.items()} == {"W1": "none", "W2": "none"}
    assert set(await _rows(w, level="none")) == {"W1", "W2", "W3", "W4"}


async def test_a_page_of_the_list_is_read_with_its_rows_in_one_statement_after_the_rules_and_beside_the_count(w):
    scope = await _scope(w["users"]["bureau"])
    for sort in ("worker_no", "-name", "expires", "-level"):
        async with count_queries() as counter:
            page = await selectors.certificate_list(scope=scope, params=ListParams(sort=sort), today=TODAY)
        # The level rules, the count, and the page: its window and the rows shown (station, status) at once.
        assert counter.count == 3, (sort, counter.statements)
        assert any("WITH p AS MATERIALIZED" in statement for statement in counter.statements)
        assert {row["worker_no"]: row["station_code"] for row in page.items} == {"W1": "S1", "W2": "S2"}


async def test_pass_rates_per_subject_and_year_for_a_region(w):
    hr = w["users"]["admin"]
    scores = {"W1": ("70", "50"), "W2": ("65", "61"), "W3": ("40", "60"), "W4": ("59", "80")}
    for worker in w["workers"]:
        zh, sw = scores[worker.worker_no]
        await services.result_record(actor=hr, worker=worker, year=2024, subject="A-ZH", score=Decimal(zh))
        await services.result_record(actor=hr, worker=worker, year=2024, subject="A-SW", score=Decimal(sw))
    everywhere = await selectors.pass_rates(scope=await _scope(hr))
    # A-ZH: 70, 65 pass; 40, 59 fail → 2/4. A-SW: 61, 60, 80 pass; 50 fails → 3/4.
    assert [(r["subject__code"], r["sat"], r["passed_count"], r["rate"]) for r in everywhere] == [
        ("A-ZH", 4, 2, 0.5),
        ("A-SW", 4, 3, 0.75),
    ]
    county_a = await selectors.pass_rates(scope=await _scope(hr), region_path=w["regions"]["county_a"].path)
    # County A: W1 and W2 only → A-ZH 2/2, A-SW 1/2.
    assert [(r["subject__code"], r["passed_count"], r["sat"]) for r in county_a] == [("A-ZH", 2, 2), ("A-SW", 1, 2)]
    bureau = await selectors.pass_rates(scope=await _scope(w["users"]["bureau"]))
    assert sum(r["sat"] for r in bureau) == 4  # the county bureau sees its two workers' results only
