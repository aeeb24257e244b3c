"""The spell rules of talent.people.rules: each SQL expression agrees with its Python mirror, on the boundary days
(a spell's end_on is its last working day, inclusive; an open spell runs on forever)."""

from datetime import date, timedelta

from talent.analytics.sql import date_literal, is_postgres
from talent.people.models import EmploymentSpell
from talent.people.rules import active_on, active_on_sql, is_active_on, overlapping, overlapping_sql, overlaps
from talent.rawsql import fetch_all
from tests.factories import world

D = date(2024, 3, 10)
DAY = timedelta(days=1)
# (start_on, end_on) of the spells stored, and of the periods asked about
SPELLS = [(D, D), (D, D + 5 * DAY), (D - 5 * DAY, D - DAY), (D + DAY, None), (D - 9 * DAY, None)]
PERIODS = [
    (D, D),
    (D - DAY, D - DAY),
    (D + DAY, D + 3 * DAY),
    (D - 20 * DAY, D - 10 * DAY),
    (D, None),
    (D + 9 * DAY, None),
]


async def _stored(w) -> dict[int, tuple[date, date | None]]:
    worker, station = w["workers"][0], w["stations"][0]
    await EmploymentSpell.filter(worker=worker).delete()
    spells = {}
    for start_on, end_on in SPELLS:
        spell = await EmploymentSpell.create(worker=worker, station=station, start_on=start_on, end_on=end_on)
        spells[spell.id] = (start_on, end_on)
    return spells


async def test_overlapping_finds_exactly_the_spells_its_mirror_says_overlap(db):
    spells = await _stored(await world())
    for start_on, end_on in PERIODS:
        found = set(
            await EmploymentSpell.filter(overlapping(start_on, end_on), id__in=list(spells)).values_list(
                "id", flat=True
            )
        )
        expected = {i for i, (s, e) in spells.items() if overlaps(start_on, end_on, s, e)}
        assert found == expected, (start_on, end_on)


async def test_active_on_finds_exactly_the_spells_its_mirror_says_are_active(db):
    spells = await _stored(await world())
    for day in (D - 10 * DAY, D - 9 * DAY, D - DAY, D, D + DAY, D + 5 * DAY, D + 6 * DAY):
        found = set(await EmploymentSpell.filter(active_on(day), id__in=list(spells)).values_list("id", flat=True))
        assert found == {i for i, (s, e) in spells.items() if is_active_on(s, e, day)}, day


async def test_the_sql_text_forms_find_the_same_spells_as_the_filters(db):
    spells = await _stored(await world())
    pg = is_postgres()
    ids = ", ".join(str(i) for i in spells)

    async def found(condition: str) -> set[int]:
        sql = f"SELECT sp.id AS id FROM employment_spells sp WHERE {condition} AND sp.id IN ({ids})"
        return {int(r["id"]) for r in await fetch_all(EmploymentSpell, sql)}

    for day in (D - 10 * DAY, D - 9 * DAY, D - DAY, D, D + DAY, D + 5 * DAY, D + 6 * DAY):
        by_q = set(await EmploymentSpell.filter(active_on(day), id__in=list(spells)).values_list("id", flat=True))
        assert await found(active_on_sql("sp", date_literal(day, pg))) == by_q, day
    for start_on, end_on in PERIODS:
        by_q = set(
            await EmploymentSpell.filter(overlapping(start_on, end_on), id__in=list(spells)).values_list(
                "id", flat=True
            )
        )
        end_sql = date_literal(end_on, pg) if end_on is not None else None
        assert await found(overlapping_sql("sp", date_literal(start_on, pg), end_sql)) == by_q, (start_on, end_on)


def test_a_spell_ending_the_day_before_another_starts_does_not_overlap_it():
    assert not overlaps(D, D + DAY, D + 2 * DAY, None)
    assert overlaps(D, D + DAY, D + DAY, None)
    assert overlaps(D, None, D + 100 * DAY, D + 100 * DAY)
    assert is_active_on(D, D, D) and not is_active_on(D, D, D + DAY) and not is_active_on(D, None, D - DAY)
