"""The first-certificate rule's two SQL forms (a per-worker lookup and an aggregate over the joined certificates)
give the same day for every worker and level."""

from datetime import date

from talent.certification.for_people import first_certified_aggregate, first_certified_sql
from talent.certification.models import Certificate
from talent.people.models import Worker
from talent.places.models import CertLevel
from talent.rawsql import fetch_all
from tests.factories import world


async def test_the_lookup_and_the_aggregate_agree(db):
    w = await world()
    w1, w2, w3 = w["workers"][:3]
    await Certificate.create(worker=w1, level="assistant", number="A1", obtained_on=date(2015, 6, 1))
    await Certificate.create(worker=w1, level="senior", number="S1", obtained_on=date(2020, 3, 1))
    await Certificate.create(worker=w2, level="intermediate", number="I2", obtained_on=date(2019, 1, 5))
    ids = ", ".join(str(x.id) for x in (w1, w2, w3))
    levels = [None, *(level.value for level in CertLevel)]
    lookups = ", ".join(f"{first_certified_sql('w.id', level)} AS f{j}" for j, level in enumerate(levels))
    aggregates = ", ".join(f"{first_certified_aggregate('c', level)} AS f{j}" for j, level in enumerate(levels))
    by_lookup = await fetch_all(
        Worker, f"SELECT w.id AS id, {lookups} FROM workers w WHERE w.id IN ({ids}) ORDER BY w.id"
    )
    by_aggregate = await fetch_all(
        Worker,
        f"SELECT w.id AS id, {aggregates} FROM workers w LEFT JOIN certificates c ON c.worker_id = w.id"
        f" WHERE w.id IN ({ids}) GROUP BY w.id ORDER BY w.id",
    )
    assert [dict(r) for r in by_lookup] == [dict(r) for r in by_aggregate]
    assert str(by_lookup[0]["f0"]) == "2015-06-01" and by_lookup[2]["f0"] is None
