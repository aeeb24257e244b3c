"""The pay rules' SQL and their Python mirrors give the same answers on worked examples: the certificate level on a
day (PaySql.level against certification's levels_for) and years of service (PaySql.years against
years_of_service), each on its boundary day."""

from datetime import date

from talent.certification.for_people import levels_for
from talent.pay.models import SalaryStandard
from talent.pay.rules import PaySql, years_of_service
from talent.pay.selectors import _pg
from talent.rawsql import fetch_all
from tests.factories import world
from tests.pay.helpers import certificate

# (day, W1's expected level, W2's, W3's): W1 assistant 2024-05-20, intermediate 2026-03-10; W2 senior 2025-01-01
# only; W3 none. The day before each date still shows the lower level; on the date, the new one.
CASES = [
    (date(2024, 5, 19), "none", "none", "none"),
    (date(2024, 5, 20), "assistant", "none", "none"),
    (date(2024, 12, 31), "assistant", "none", "none"),
    (date(2025, 1, 1), "assistant", "senior", "none"),
    (date(2026, 3, 9), "assistant", "senior", "none"),
    (date(2026, 3, 10), "intermediate", "senior", "none"),
]


async def _sql_levels(day: date, ids: list[int]) -> dict[int, str]:
    sql = PaySql(day, _pg())
    rows = await fetch_all(
        SalaryStandard,
        f"SELECT w.id, {sql.level('w.id')} AS level FROM workers w WHERE w.id IN ({', '.join(map(str, ids))})",
    )
    return {r["id"]: r["level"] for r in rows}


async def test_the_certificate_level_in_sql_agrees_with_the_python_rule_on_each_boundary_day(db):
    w = await world()
    w1, w2, w3, _w4 = w["workers"]
    await certificate(w1, "assistant", date(2024, 5, 20))
    await certificate(w1, "intermediate", date(2026, 3, 10))
    await certificate(w2, "senior", date(2025, 1, 1))
    ids = [w1.id, w2.id, w3.id]
    for day, *expected in CASES:
        in_sql = await _sql_levels(day, ids)
        in_python = await levels_for(worker_ids=ids, on=day)
        python = [in_python[i].value if i in in_python else "none" for i in ids]
        assert [in_sql[i] for i in ids] == python == expected, day


async def test_a_level_on_a_column_date_is_the_level_on_that_day(db):
    w = await world()
    w1 = w["workers"][0]
    await certificate(w1, "assistant", date(2024, 5, 20))
    rows = await fetch_all(
        SalaryStandard,
        f"SELECT {PaySql.level_on('e.worker_id', 'e.start_on')} AS at_hire,"
        f" {PaySql.level_rank(PaySql.level_on('e.worker_id', 'e.start_on'))} AS rank_at_hire,"
        f" {PaySql.level_rank(chr(39) + 'assistant' + chr(39))} AS rank_assistant"
        f" FROM employment_spells e WHERE e.worker_id = {w1.id}",
    )
    # Hired 2022-01-01, before the certificate: 'none', which ranks below 'assistant' though it sorts after it.
    assert rows == [{"at_hire": "none", "rank_at_hire": 0, "rank_assistant": 1}]


async def test_years_of_service_in_sql_agree_with_the_python_rule_around_the_anniversary(db):
    await world()  # W1 hired 2022-01-01
    # Whole years from 2022-01-01: 2 on the eve of the third anniversary, 3 on it, 0 on the first day.
    cases = {
        date(2024, 12, 31): 2,
        date(2025, 1, 1): 3,
        date(2025, 6, 30): 3,
        date(2022, 1, 1): 0,
        date(2028, 2, 29): 6,
    }
    for day, expected in cases.items():
        sql = PaySql(day, _pg())
        rows = await fetch_all(
            SalaryStandard,
            f"SELECT {sql.years('e.start_on')} AS years FROM employment_spells e"
            " JOIN workers w ON w.id = e.worker_id WHERE w.worker_no = 'W1'",
        )
        assert rows[0]["years"] == years_of_service(date(2022, 1, 1), day) == expected, day
