"""The certificate export streams: every row of the filtered list once, in id order, read lazily in batches; the
filtered query runs once for the whole file, and the workers' stations come from one more statement merged in."""

from datetime import date, timedelta

import pytest

from talent.accounts.selectors import scope_for
from talent.certification import selectors
from talent.certification import services as cert_services
from talent.certification.models import Certificate
from talent.core import export
from talent.core.pagination import ListParams
from talent.people.models import EmploymentSpell, Worker
from tests.factories import world
from tests.querycount import count_queries

TODAY = date(2026, 1, 1)


@pytest.fixture
async def w(db):
    data = await world()
    await cert_services.catalogue_seed()
    # 11 more workers at S1, every other one certified: 15 active workers in all.
    for i in range(11):
        worker = await Worker.create(worker_no=f"E{i:02d}", name=f"导出{i}")
        await EmploymentSpell.create(worker=worker, station=data["stations"][0], start_on=date(2023, 1, 1))
        if i % 2 == 0:
            await Certificate.create(
                worker=worker,
                level="assistant",
                number=f"A-{i}",
                obtained_on=date(2023, 6, 1),
                registered_on=date(2024, 1, 1),
                registration_expires_on=date(2027, 1, 1) + timedelta(days=i),
            )
    return data


async def test_the_certificate_export_yields_every_row_once_in_id_order_with_its_station(w):
    scope = await scope_for(w["users"]["admin"], today=TODAY)
    async with count_queries() as counter:
        rows = [row async for row in selectors.certificate_export_rows(scope=scope, today=TODAY, size=4)]
    ids = [row["id"] for row in rows]
    assert len(rows) == 15 and ids == sorted(ids) and len(set(ids)) == 15
    by_no = {row["worker_no"]: row for row in rows}
    # E00 holds A-0 at S1, expiring 2027-01-01; E01 holds nothing.
    assert (by_no["E00"]["cert_number"], by_no["E00"]["station_code"]) == ("A-0", "S1")
    assert by_no["E00"]["cert_expires"] == date(2027, 1, 1)
    assert by_no["E01"]["cert_number"] is None and by_no["E01"]["station_code"] == "S1"
    filtered = [s for s in counter.statements if "FROM certificates c" in s and '"employment_spells"' in s]
    # 15 rows at 4 a batch (4, 4, 4, 3): one streamed statement, the filter and each row's station in it.
    assert len(filtered) == 1 and counter.streamed == filtered


async def test_the_certificate_export_reads_lazily(w, monkeypatch):
    monkeypatch.setattr(export, "BATCH_SIZE", 2)
    scope = await scope_for(w["users"]["admin"], today=TODAY)
    rows = selectors.certificate_export_rows(scope=scope, today=TODAY)
    first = await anext(rows)
    second = await anext(rows)
    assert first["worker_no"] == "W1" and second["worker_no"] == "W2"
    rest = [row async for row in rows]
    assert len(rest) == 13


async def test_the_certificate_export_names_each_worker_s_station_as_the_list_page_does(w):
    # E01 also works at S2 since 2024 (two current spells: the latest started is named), E03 at S2 alone.
    e01, e03 = await Worker.get(worker_no="E01"), await Worker.get(worker_no="E03")
    await EmploymentSpell.create(worker=e01, station=w["stations"][1], start_on=date(2024, 1, 1))
    await EmploymentSpell.filter(worker=e03).update(station=w["stations"][1])
    scope = await scope_for(w["users"]["admin"], today=TODAY)
    rows = [row async for row in selectors.certificate_export_rows(scope=scope, today=TODAY, size=3)]
    page = await selectors.certificate_list(scope=scope, params=ListParams(per_page=100), today=TODAY)
    shown = {row["id"]: (row["station_code"], row["station_name"]) for row in page.items}
    assert [(r["station_code"], r["station_name"]) for r in rows] == [shown[r["id"]] for r in rows]
    codes = {row["worker_no"]: row["station_code"] for row in rows}
    assert (codes["E00"], codes["E01"], codes["E03"]) == ("S1", "S2", "S2")
