"""An exported list re-imports unchanged: the workers, regions and stations exports use the import columns."""

import pytest

from talent.core.access import Role, Scope
from talent.imports.framework import get_kind, run
from talent.people.models import Education, Gender, Source
from tests.conftest import login
from tests.factories import world

ADMIN = Scope(user_id=0, role=Role.ADMIN)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize(
    ("kind", "url", "count"),
    [("workers", "/workers/export", 4), ("regions", "/regions/export", 6), ("stations", "/stations/export", 4)],
)
async def test_an_export_reimports_with_every_row_unchanged(client, tmp_path, fmt, lang, kind, url, count):
    w = await world()
    # Formula-looking text, a "+86" phone, codes, a date and a yes: all must survive the round trip.
    w1 = w["workers"][0]
    w1.name, w1.phone, w1.gender, w1.education = "=HYPERLINK(1)", "+8613812345678", Gender.MALE, Education.MASTER
    w1.social_work_major, w1.source = True, Source.INTRODUCED
    await w1.save()
    w["stations"][1].name = "+cmd"
    await w["stations"][1].save()
    await login(client, "admin")
    client.cookies.set("talent_lang", lang)
    response = await client.get(url, params={"format": fmt, "status": "all"})
    path = tmp_path / f"{kind}.{fmt}"
    path.write_bytes(response.content)
    outcome = await run(get_kind(kind), path, scope=ADMIN, actor=None, dry_run=True)
    assert outcome.problems == []
    # world() has 4 workers, 6 regions and 4 stations; nothing to create or change.
    assert outcome.counts.as_dict()["unchanged"] == count
    assert outcome.counts.created == 0 and outcome.counts.updated == 0
