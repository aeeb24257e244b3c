"""Incentives, worked by hand: a new certificate, last year's assessment and the standard's yearly uplift each
propose a pay change (on their boundary days), computed in SQL for HR's scope and held to the Python mirror;
accepting records the salary through the salary service, dismissing stops the proposal, both audited."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from talent.audit.models import AuditEntry
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.core.pagination import ListParams
from talent.pay import selectors, services
from talent.pay.models import Assessment, ChangeDecision, SalaryRecord
from talent.pay.rules import proposed_pay
from tests.factories import world
from tests.pay.helpers import ADMIN, band, certificate, salary, standard
from tests.querycount import count_queries


def _at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 4, tzinfo=UTC), tick=False)


@pytest.fixture
async def county(db):
    """County A's standard from 2025-01-01: floor 3600; bands none 3600–4400, assistant 4200–5200, intermediate
    4600–5800 (all years); certificate allowances assistant 200, intermediate 400; performance steps excellent 300,
    competent 100. W1 (S1) and W2 (S2) at county A, hired 2022-01-01, each paid from then: W1 3800 + 0, W2 4000 + 0.
    W3 (county B, another organisation) has a record too but no standard of county A applies to them."""
    w = await world()
    bands = [
        band("none", 0, None, 3600, 4400),
        band("assistant", 0, None, 4200, 5200),
        band("intermediate", 0, None, 4600, 5800),
    ]
    w["standard"] = await standard(
        w["regions"]["county_a"],
        date(2025, 1, 1),
        3600,
        bands,
        allowances=[
            services.AllowanceIn("助理社工师津贴", "assistant", Decimal(200)),
            services.AllowanceIn("社工师津贴", "intermediate", Decimal(400)),
        ],
        steps={"excellent": Decimal(300), "competent": Decimal(100)},
    )
    w1, w2, w3, _w4 = w["workers"]
    await salary(w1, date(2022, 1, 1), 3800)
    await salary(w2, date(2022, 1, 1), 4000)
    await salary(w3, date(2022, 1, 1), 3000)
    w["hr"] = Scope(user_id=1, role=Role.HR, organisation_id=w["stations"][0].organisation_id)
    return w


async def _proposed(scope, on: date) -> dict:
    _totals, page = await selectors.proposals(scope=scope, on=on, params=ListParams(per_page=50))
    return {r["worker_no"]: r for r in page.items}


async def test_a_new_certificate_proposes_its_allowance_and_band_from_the_day_it_is_obtained(county):
    w1 = county["workers"][0]
    await certificate(w1, "assistant", date(2026, 3, 10))
    assert await _proposed(county["hr"], date(2026, 3, 9)) == {}  # the day before: still no certificate
    row = (await _proposed(county["hr"], date(2026, 3, 10)))["W1"]
    # Allowance: assistant 200 − none 0 = +200 → 3800 + 200 = 4000 < assistant band min 4200, so the base rises to
    # 4200 − 200 = 4000: proposed 4000 + 200 = 4200, an increase of 400.
    assert (row["pay"], row["new_base"], row["new_allow"], row["new_pay"], row["increase"]) == (
        Decimal("3800.00"),
        Decimal("4000.00"),
        Decimal("200.00"),
        Decimal("4200.00"),
        Decimal("400.00"),
    )
    assert [r.value for r in row["reasons"]] == ["certificate"]
    assert (row["old_level"].value, row["level"].value) == ("none", "assistant")
    mirror = proposed_pay(
        base=Decimal(3800), allowances=Decimal(0), new_level=True, allowance_raise=Decimal(200), band_min=Decimal(4200)
    )
    assert (mirror.base, mirror.allowances, mirror.reasons) == (Decimal(4000), Decimal(200), ("certificate",))


async def test_a_higher_certificate_raises_the_allowance_by_the_difference_between_the_two_levels(county):
    w2 = county["workers"][1]
    await certificate(w2, "assistant", date(2024, 6, 1))
    await salary(w2, date(2025, 1, 1), 4600, 200)  # paid as an assistant: 4800, inside the assistant band
    await certificate(w2, "intermediate", date(2026, 5, 20))
    row = (await _proposed(county["hr"], date(2026, 5, 20)))["W2"]
    # Allowance: intermediate 400 − assistant 200 = +200 (not the whole 400) → 4600 + 400 = 5000, inside the
    # intermediate band (4600–5800): the base stays; an increase of 200.
    assert (row["old_level"].value, row["level"].value) == ("assistant", "intermediate")
    assert (row["new_base"], row["new_allow"], row["increase"]) == (
        Decimal("4600.00"),
        Decimal("400.00"),
        Decimal("200.00"),
    )


async def test_a_certificate_that_raises_nothing_proposes_nothing(county):
    w2 = county["workers"][1]
    await salary(w2, date(2025, 1, 1), 5000, 200)  # 5200: above the assistant band min already
    await certificate(w2, "assistant", date(2025, 6, 1))
    # Paid from 2025-01-01 as "none"; assistant since 2025-06-01 raises the allowance by 200 → proposed 5400.
    assert (await _proposed(county["hr"], date(2025, 6, 1)))["W2"]["increase"] == Decimal("200.00")
    # Recorded after the certificate: the level on the record's day is already assistant, nothing is proposed.
    await salary(w2, date(2025, 7, 1), 5000, 200)
    assert "W2" not in await _proposed(county["hr"], date(2025, 7, 1))
    assert proposed_pay(base=Decimal(5000), allowances=Decimal(200), new_level=True, band_min=Decimal(4200)) is None


async def test_last_years_assessment_proposes_its_step_from_the_first_of_january(county):
    w2 = county["workers"][1]
    await Assessment.create(worker=w2, year=2025, grade="excellent")
    assert "W2" not in await _proposed(county["hr"], date(2025, 12, 31))  # the 2024 assessment counts until then
    row = (await _proposed(county["hr"], date(2026, 1, 1)))["W2"]
    # Excellent: step 300 on the base: 4000 + 300 = 4300.
    assert (row["new_base"], row["new_allow"], row["increase"]) == (
        Decimal("4300.00"),
        Decimal("0.00"),
        Decimal("300.00"),
    )
    assert [r.value for r in row["reasons"]] == ["assessment"] and row["grade"].value == "excellent"
    # A grade without a step (incompetent) proposes nothing.
    await Assessment.filter(worker=w2).update(grade="incompetent")
    assert "W2" not in await _proposed(county["hr"], date(2026, 1, 1))


async def test_an_uplift_and_an_assessment_combine_and_agree_with_the_python_rule(county):
    w2 = county["workers"][1]
    await Assessment.create(worker=w2, year=2025, grade="excellent")
    uplift = await services.standard_new_version(
        actor=None, scope=ADMIN, source=county["standard"], effective_from=date(2026, 7, 1), uplift_pct=Decimal(5)
    )
    with _at(date(2026, 7, 1)):
        await services.standard_publish(actor=None, scope=ADMIN, standard=uplift)
    assert set(await _proposed(county["hr"], date(2026, 6, 30))) == {"W2"}  # the uplift is not in force yet
    rows = await _proposed(county["hr"], date(2026, 7, 1))
    # The uplifted standard's step for excellent is 300 × 1.05 = 315. W2: base 4000 × 1.05 = 4200 + 315 = 4515.
    # W1: 3800 × 1.05 = 3990 (no assessment). W3 is another organisation's: not HR's to see.
    assert set(rows) == {"W1", "W2"}
    assert (rows["W2"]["new_base"], rows["W2"]["increase"]) == (Decimal("4515.00"), Decimal("515.00"))
    assert [r.value for r in rows["W2"]["reasons"]] == ["assessment", "uplift"]
    assert (rows["W1"]["new_base"], rows["W1"]["increase"]) == (Decimal("3990.00"), Decimal("190.00"))
    mirror = proposed_pay(base=Decimal(4000), allowances=Decimal(0), step=Decimal(315), uplift_pct=Decimal(5))
    assert mirror.pay == rows["W2"]["new_pay"]
    totals, _page = await selectors.proposals(scope=county["hr"], on=date(2026, 7, 1), params=ListParams())
    assert (totals.workers, totals.monthly_raise) == (2, Decimal("705.00"))  # 515 + 190


async def test_every_page_carries_the_count_and_total_and_a_page_past_the_end_shows_the_last(county):
    w1, w2 = county["workers"][:2]
    for w in (w1, w2):
        await Assessment.create(worker=w, year=2025, grade="excellent")
    on = date(2026, 1, 1)
    seen = []
    for number in (1, 2, 5):
        async with count_queries() as counter:
            totals, page = await selectors.proposals(
                scope=county["hr"], on=on, params=ListParams(per_page=1, page=number)
            )
        # Each an excellent step of 300 on the base (W1 3800 → 4100, W2 4000 → 4300): 2 workers, 600 a month.
        assert (totals.workers, totals.monthly_raise, page.total) == (2, Decimal("600.00"), 2)
        seen.append(([r["worker_no"] for r in page.items], page.params.page, counter.count))
    # Equal increases in worker order; page 5 of 2 shows the last page.
    assert [s[:2] for s in seen] == [(["W1"], 1), (["W2"], 2), (["W2"], 2)]
    # A page and its totals are one statement, with the figure store's read and claim before it and write after it;
    # past the end too (the statement chooses the last page).
    assert [s[2] for s in seen] == [4, 4, 4]


async def test_accepting_records_the_salary_and_the_reason_is_not_proposed_again(county):
    w1 = county["workers"][0]
    await certificate(w1, "assistant", date(2026, 3, 10))
    record = await services.pay_change_accept(actor=None, scope=county["hr"], worker_id=w1.id, on=date(2026, 3, 10))
    assert (record.effective_from, record.monthly_base, record.monthly_allowances) == (
        date(2026, 3, 10),
        Decimal("4000.00"),
        Decimal("200.00"),
    )
    assert await SalaryRecord.filter(worker=w1).count() == 2
    decision = await ChangeDecision.get(worker=w1)
    assert (decision.reason.value, decision.key, decision.outcome.value, decision.salary_record_id) == (
        "certificate",
        "assistant",
        "accepted",
        record.id,
    )
    assert await AuditEntry.filter(entity="salary_record", action="create").count() == 1
    assert await AuditEntry.filter(entity="pay_change", action="accepted", summary="W1 certificate assistant").exists()
    assert "W1" not in await _proposed(county["hr"], date(2026, 4, 1))
    with pytest.raises(ServiceError):
        await services.pay_change_accept(actor=None, scope=county["hr"], worker_id=w1.id, on=date(2026, 4, 1))


async def test_dismissing_writes_no_salary_and_stops_the_proposal(county):
    w2 = county["workers"][1]
    await Assessment.create(worker=w2, year=2025, grade="competent")
    await services.pay_change_dismiss(actor=None, scope=county["hr"], worker_id=w2.id, on=date(2026, 2, 1))
    assert await SalaryRecord.filter(worker=w2).count() == 1
    assert "W2" not in await _proposed(county["hr"], date(2026, 3, 1))
    assert await AuditEntry.filter(entity="pay_change", action="dismissed", summary="W2 assessment 2025").exists()


async def test_hr_cannot_decide_for_a_worker_of_another_organisation(county):
    w3 = county["workers"][2]
    await Assessment.create(worker=w3, year=2025, grade="excellent")
    with pytest.raises(ServiceError):
        await services.pay_change_dismiss(actor=None, scope=county["hr"], worker_id=w3.id, on=date(2026, 2, 1))
    assert not await ChangeDecision.exists()


async def test_an_assessment_is_one_per_worker_and_year_and_audited(county):
    w1 = county["workers"][0]
    with _at(date(2026, 2, 1)):
        await services.assessment_save(actor=None, scope=county["hr"], worker=w1, year=2025, grade="competent")
        again = await services.assessment_save(
            actor=None, scope=county["hr"], worker=w1, year=2025, grade="excellent", note="复核"
        )
        with pytest.raises(ServiceError) as future:
            await services.assessment_save(actor=None, scope=county["hr"], worker=w1, year=2027, grade="excellent")
        assert future.value.field == "year"
        with pytest.raises(ServiceError):  # another organisation's worker
            await services.assessment_save(
                actor=None, scope=county["hr"], worker=county["workers"][2], year=2025, grade="excellent"
            )
    assert await Assessment.filter(worker=w1).count() == 1 and again.grade.value == "excellent"
    assert [e.action for e in await AuditEntry.filter(entity="pay_assessment").order_by("id")] == ["create", "update"]


async def test_one_workers_proposal_is_the_row_the_list_proposes_for_them(county):
    # proposal_for chooses the worker in the workforce's first clause: for each worker the list's row, or None.
    w2 = county["workers"][1]
    await Assessment.create(worker=w2, year=2025, grade="excellent")
    on = date(2026, 1, 1)
    rows = await _proposed(county["hr"], on)
    assert set(rows) == {"W2"}
    for worker in county["workers"]:
        assert await selectors.proposal_for(scope=county["hr"], worker_id=worker.id, on=on) == rows.get(
            worker.worker_no
        ), worker.worker_no
