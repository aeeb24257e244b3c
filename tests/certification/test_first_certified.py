"""Rule forms that must agree: the first-certificate rule as a per-worker lookup and as an aggregate over the joined
certificates; the level rules inlined from a catalogue read and read by the statement itself (CertificateSql.live)."""

from datetime import date

import pytest

from talent.certification.expressions import CertificateSql
from talent.certification.for_people import first_certified_aggregate, first_certified_sql
from talent.certification.models import Certificate, ExamLevel
from talent.certification.rules import LevelRules
from talent.certification.selectors import certificate_sql, live_certificate_sql
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


async def test_live_level_rules_give_what_the_catalogue_read_inlines(db):
    # CertificateSql.live: the statement reads exam_levels itself; the same values as the read's inlined CASEs.
    w = await world()
    w1, w2, w3 = w["workers"][:3]
    level = await ExamLevel.get_or_none(level="intermediate")
    values = {"registration_valid_years": 5, "ce_hours_per_period": 60}
    if level is None:
        await ExamLevel.create(level="intermediate", position=2, **(vars(LevelRules()) | values))
    else:
        await ExamLevel.filter(id=level.id).update(**values)
    await ExamLevel.filter(level="senior").delete()  # a level without a row: the defaults
    registered = {"registered_on": date(2020, 2, 29)}
    await Certificate.create(worker=w1, level="assistant", number="A1", obtained_on=date(2019, 6, 1), **registered)
    await Certificate.create(worker=w2, level="intermediate", number="I2", obtained_on=date(2019, 1, 5), **registered)
    await Certificate.create(worker=w3, level="senior", number="S3", obtained_on=date(2019, 1, 5), **registered)

    async def read(cert: CertificateSql) -> list[dict]:
        sql = f"SELECT c.id AS id, {cert.expiry()} AS expiry, {cert.required_hours()} AS required FROM certificates c"
        return sorted((dict(r) for r in await fetch_all(Certificate, sql)), key=lambda r: r["id"])

    inlined, live = await read(await certificate_sql("c")), await read(live_certificate_sql("c"))
    assert [(str(r["expiry"]), int(r["required"])) for r in live] == [
        (str(r["expiry"]), int(r["required"])) for r in inlined
    ]
    assert str(live[1]["expiry"]) == "2025-02-27" and int(live[1]["required"]) == 60
    with pytest.raises(ValueError):
        live_certificate_sql("c").ce_hours()
