"""Twelve-month retention by pay status, worked by hand."""

from datetime import date

from talent.pay import selectors
from talent.people.models import EmploymentSpell
from tests.conftest import login
from tests.factories import world
from tests.pay.helpers import ADMIN, salary, standard
from tests.querycount import count_queries


async def test_workers_below_the_floor_a_year_ago_left_more_often(db):
    """City standard (floor 3200) from 2025-01-01. On 2025-03-01: W1 3000 and W2 3000 below floor, W3 4000
    within, W4 no record. W2 left on 2025-09-30. Year to 2026-03-01: below_floor 2 workers, 1 stayed (50 %
    retention, 50 % turnover); within_band 1 of 1; no_record 1 of 1."""
    w = await world()
    await standard(w["regions"]["city"], date(2025, 1, 1), 3200)
    w1, w2, w3, _w4 = w["workers"]
    await salary(w1, date(2022, 1, 1), 3000)
    await salary(w2, date(2022, 1, 1), 3000)
    await salary(w3, date(2022, 1, 1), 4000)
    await EmploymentSpell.filter(worker_id=w2.id).update(
        end_on=date(2025, 9, 30), exit_type="voluntary", exit_reason="pay"
    )
    start, lines = await selectors.retention_by_status(scope=ADMIN, on=date(2026, 3, 1))
    assert start == date(2025, 3, 1)
    by = {line.status: line for line in lines}
    assert (by["below_floor"].at_risk, by["below_floor"].stayed, by["below_floor"].retention) == (2, 1, 0.5)
    assert by["below_floor"].turnover == 0.5
    assert (by["within_band"].at_risk, by["within_band"].stayed) == (1, 1)
    assert (by["no_record"].at_risk, by["no_record"].stayed) == (1, 1)


async def test_retention_is_kept_until_a_spell_changes_and_then_counted_again(db):
    """A country's retention took 1.1 s on every visit: it is kept under the data version (talent.figures). Year to
    2026-03-01, no standard: the four workers are "uncovered" (no standard covers them), all stayed; W2 leaving on
    2025-09-30 makes it 4 at risk, 3 stayed."""
    w = await world()
    on = date(2026, 3, 1)
    _start, lines = await selectors.retention_by_status(scope=ADMIN, on=on)
    assert [(line.status, line.at_risk, line.stayed) for line in lines] == [("uncovered", 4, 4)]
    async with count_queries() as again:
        _start, kept = await selectors.retention_by_status(scope=ADMIN, on=on)
    # One statement reads the version and the stored rows (it names the tables the rows are kept under); the spells
    # are not read again.
    assert kept == lines and again.count == 1 and "LEFT JOIN figure_cache" in again.statements[0]
    await EmploymentSpell.filter(worker_id=w["workers"][1].id).update(end_on=date(2025, 9, 30))
    _start, lines = await selectors.retention_by_status(scope=ADMIN, on=on)
    assert [(line.status, line.at_risk, line.stayed) for line in lines] == [("uncovered", 4, 3)]


async def test_the_retention_page_shows_the_table_to_a_bureau(client, db):
    w = await world()
    await standard(w["regions"]["city"], date(2025, 1, 1), 3200)
    await login(client, "bureau")
    page = await client.get("/pay/retention?on=2026-03-01")
    assert page.status_code == 200 and 'id="retention"' in page.text
