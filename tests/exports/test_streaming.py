"""Exports stream: each list's rows come from one statement read a batch at a time, so the statements do not grow
with the rows and memory holds one batch; and the export returns exactly the list's rows in the list's order for
every sort, NULLs included."""

from datetime import UTC, date, datetime

import pytest

from talent.accounts import selectors as account_selectors
from talent.accounts.models import User
from talent.audit import selectors as audit_selectors
from talent.audit.models import AuditEntry
from talent.audit.present import TEXT_FIELDS
from talent.audit.services import audit_record
from talent.core import export as writers
from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.pagination import ListParams
from talent.people import selectors as people_selectors
from talent.people.models import EmploymentSpell, Worker
from talent.places import selectors as place_selectors
from talent.places.models import Organisation, Station, StationTier
from talent.web import exports
from tests.conftest import login
from tests.exports.helpers import csv_rows, xlsx_rows
from tests.factories import world
from tests.querycount import count_queries


async def _export_queries(client, url: str) -> tuple[int, object]:
    await client.get(url)  # warm-up: the session touch and the like happen once
    async with count_queries() as counter:
        response = await client.get(url)
    assert response.status_code == 200
    return counter.count, response


async def test_a_3000_worker_export_sends_the_statements_a_4_worker_export_sends(client, monkeypatch):
    await world()
    monkeypatch.setattr(writers, "BATCH_SIZE", 500)
    await login(client, "admin")
    url = "/workers/export?format=csv&status=all"
    few, response = await _export_queries(client, url)
    assert len(csv_rows(response)) == 1 + 4
    await Worker.bulk_create([Worker(worker_no=f"B{i:05}", name=f"批量{i}") for i in range(3000)], batch_size=500)
    many, response = await _export_queries(client, url)
    rows = csv_rows(response)
    assert len(rows) == 1 + 3004
    assert [row[0] for row in rows[1:]] == [f"B{i:05}" for i in range(3000)] + ["W1", "W2", "W3", "W4"]
    # ONE statement for the rows whatever their number (4 rows in one batch of 500, 3004 in seven), on SQLite as on
    # PostgreSQL; the rest is the request's own (the session, the scope).
    assert many == few
    # The same for .xlsx: 3004 data rows, one header.
    many_xlsx, response = await _export_queries(client, "/workers/export?status=all")
    assert many_xlsx == many
    assert len(xlsx_rows(response)) == 1 + 3004


async def test_an_audit_export_of_1200_entries_sends_the_statements_an_export_of_3_sends(client):
    """Every entry names its station and a worker in its change: the references are looked up once for the whole
    log (a look-up per 500 entries made the count grow with the log: 1200 entries sent three)."""
    w = await world()
    workers = w["workers"]

    async def write(n: int) -> None:
        await AuditEntry.bulk_create(
            [
                AuditEntry(
                    action="update",
                    entity="spell",
                    entity_id=str(i),
                    summary=f"批{i}",
                    after={"worker_id": workers[i % len(workers)].id, "station_id": w["stations"][i % 3].id},
                )
                for i in range(n)
            ],
            batch_size=500,
        )

    await write(3)
    await login(client, "admin")
    url = "/audit/export?format=csv&entity=spell"
    few, response = await _export_queries(client, url)
    assert len(csv_rows(response)) == 1 + 3
    await write(1197)
    many, response = await _export_queries(client, url)
    rows = csv_rows(response)
    assert len(rows) == 1 + 1200
    assert many == few
    # Named from the one look-up, the last entry (i = 1196) as the first: its worker and station by name.
    assert rows[1][7] == f"Station: {w['stations'][1196 % 3].name}\nWorker: {workers[1196 % len(workers)].name}"


async def test_an_entry_written_between_the_two_readings_of_the_log_is_not_exported(db):
    w = await world()
    await audit_record(actor=None, action="update", entity="station", entity_id=w["stations"][0].id, summary="旧")
    admin = Scope(user_id=0, role="admin")
    readings = []

    class Log(audit_selectors.AuditLogExport):
        def entries_sql(self, upto):
            readings.append(upto)
            return super().entries_sql(upto)

        def entries(self, fields, upto):
            readings.append(upto)
            return super().entries(fields, upto)

    rows = exports.audit_rows(admin, Log(scope=admin, params=ListParams()))
    first = await anext(rows)  # the log is named: the station by the naming statements
    await audit_record(actor=None, action="update", entity="station", entity_id=w["stations"][1].id, summary="新")
    rest = [row async for row in rows]
    summaries = [first[6], *(r[6] for r in rest)]
    assert summaries[0] == "旧" and "新" not in summaries
    assert first[5] == w["stations"][0].name
    # The naming and the entries read up to the last entry id the first reading found.
    last = (await AuditEntry.all().order_by("-id").first()).id - 1
    assert readings == [last, last]


async def test_the_worker_rows_are_fetched_lazily_one_batch_at_a_time(db, monkeypatch):
    await world()
    monkeypatch.setattr(writers, "BATCH_SIZE", 2)
    fetched = []
    statement_batches = writers.statement_batches

    async def counted(queryset, size=None):
        async for batch in statement_batches(queryset, size):
            fetched.append(len(batch))
            yield batch

    monkeypatch.setattr(writers, "statement_batches", counted)
    rows = people_selectors.worker_export(
        scope=Scope(user_id=0, role="admin"), params=ListParams(), today=local_today(), status="all"
    )
    async with count_queries() as counter:
        first = await anext(rows)
        # The statement has run once and only its first batch has been read.
        assert (counter.count, fetched) == (1, [2])
        rest = [w async for w in rows]
    # 4 workers in batches of 2: [W1, W2], [W3, W4], then an empty fetch ends the walk; still the one statement.
    assert [first.worker_no] + [w.worker_no for w in rest] == ["W1", "W2", "W3", "W4"]
    assert (counter.count, len(counter.streamed), fetched) == (1, 1, [2, 2])


# Every list export: (its address, the statements its rows are streamed by).
LIST_EXPORTS = [
    ("/workers/export?format=csv&status=all", 1),
    # The rows with each worker's station, in one statement.
    ("/certificates/export?format=csv", 1),
    ("/stations/export?format=csv", 1),
    ("/regions/export?format=csv", 1),
    ("/stations/organisations/export?format=csv", 1),
    ("/stations/tiers/export?format=csv", 1),
    # The log streamed twice: the references its entries hold (of an administrator's whole log, its documents'
    # alone: the naming statements read the others themselves), then the entries; named between the two.
    ("/audit/export?format=csv", 2),
    ("/admin/users/export?format=csv", 1),
]


@pytest.mark.parametrize(("url", "streamed"), LIST_EXPORTS)
async def test_a_list_export_sends_the_same_statements_for_one_batch_of_rows_and_for_many(
    client, monkeypatch, url, streamed
):
    """The statements of an export do not grow with its rows: the same for a file that fits one batch and for one
    that takes a batch per row, and the same rows in the same order."""
    await _varied_world()
    await login(client, "admin")
    monkeypatch.setattr(writers, "BATCH_SIZE", 1000)
    await client.get(url)  # warm-up: the session touch and the like happen once
    async with count_queries() as few:
        one_batch = csv_rows(await client.get(url))
    monkeypatch.setattr(writers, "BATCH_SIZE", 1)
    async with count_queries() as many:
        batch_per_row = csv_rows(await client.get(url))
    assert len(one_batch) >= 1 + 2, "more rows than a batch"
    assert batch_per_row == one_batch
    assert many.count == few.count
    assert len(many.streamed) == len(few.streamed) == streamed


async def _varied_world() -> dict:
    """world() plus NULLs and ties in every sortable column."""
    w = await world()
    street = w["regions"]["street_a"]
    no_region_org = await Organisation.create(name="无地区机构")
    county_tier = await StationTier.create(name="1.0", region=w["regions"]["county_a"], min_fulltime=1)
    for i, (org, tier) in enumerate(
        [(None, None), (no_region_org, county_tier), (w["orgs"][0], None), (None, w["tier"])]
    ):
        station = await Station.create(
            code=f"V{i}", name="同名站", region=street, region_path=street.path, organisation=org, tier=tier
        )
        worker = await Worker.create(worker_no=f"V{i}", name="同名")
        if i % 2:
            await EmploymentSpell.create(worker=worker, station=station, start_on=date(2022, 1, 1))
    await User.filter(username__in=["hr", "bureau"]).update(last_login_at=datetime(2025, 1, 1, tzinfo=UTC))
    for i in range(3):
        await audit_record(actor=None, action="update", entity="station", entity_id=i, summary="same")
    return w


@pytest.mark.parametrize("direction", ["", "-"])
async def test_the_export_matches_the_list_order_for_every_sort_with_nulls_and_ties(db, monkeypatch, direction):
    await _varied_world()
    monkeypatch.setattr(writers, "BATCH_SIZE", 1)  # every row is its own batch
    admin = Scope(user_id=0, role="admin")
    today = local_today()
    places, people, audit = place_selectors, people_selectors, audit_selectors
    # (sorts, list selector, its keyword arguments, export selector, its keyword arguments)
    cases = [
        (places.STATION_SORTS, places.station_list, {"today": today}, places.station_export, {}),
        (places.REGION_SORTS, places.region_list, {}, places.region_export, {}),
        (places.ORGANISATION_SORTS, places.organisation_list, {}, places.organisation_export, {}),
        (places.TIER_SORTS, places.tier_list, {}, places.tier_export, {}),
        (people.SORTS, people.worker_list, {"today": today, "status": "all"}, people.worker_export, None),
        (audit.SORTS, audit.audit_list, {}, audit.audit_export, {"fields": TEXT_FIELDS}),
    ]
    for sorts, list_fn, list_kwargs, export_fn, export_kwargs in cases:
        export_kwargs = list_kwargs if export_kwargs is None else export_kwargs
        for key in sorts:
            sort = direction + key
            page = await list_fn(scope=admin, params=ListParams(sort=sort, per_page=100), **list_kwargs)
            walked = [item.id async for item in export_fn(scope=admin, params=ListParams(sort=sort), **export_kwargs)]
            # A list of values (the stations) gives dicts, the others models.
            listed = [item["id"] if isinstance(item, dict) else item.id for item in page.items]
            assert walked == listed, (list_fn.__name__, sort)
    for key in account_selectors.USER_SORTS:
        sort = direction + key
        page = await account_selectors.user_list(params=ListParams(sort=sort, per_page=100))
        walked = [u.id async for u in account_selectors.user_export(params=ListParams(sort=sort))]
        assert walked == [u["id"] for u in page.items], ("user_list", sort)


async def test_a_list_exports_values_are_those_the_orm_gives_enum_members_times_and_nulls_alike(db, monkeypatch):
    """list_rows converts each batch itself (an enum's member looked up in the enum's own map, a time read by the
    standard parser on SQLite): every value is what the ORM's values() gives, of the same type (a str enum's member
    equals its code, so the type is compared too)."""
    await _varied_world()
    await Worker.filter(worker_no="V1").update(gender="female", source="incubated")
    monkeypatch.setattr(writers, "BATCH_SIZE", 2)
    cases = [
        (User.all(), ["username"], account_selectors.USER_EXPORT_FIELDS),
        (Worker.all(), ["worker_no"], people_selectors.EXPORT_FIELDS),
        (AuditEntry.all(), ["id"], ("id", "at", "action", "entity", "entity_id", "actor_name")),
    ]
    for queryset, order, fields in cases:
        expected = await writers._ordered(queryset, order).values(*fields)
        streamed = [vars(row) async for row in writers.list_rows(queryset, order, fields)]
        assert len(streamed) == len(expected) > 2
        typed = [[(k, type(row[k]), row[k]) for k in fields] for row in streamed]
        assert typed == [[(k, type(row[k]), row[k]) for k in fields] for row in expected], queryset.model.__name__
    roles = {row.role for row in [r async for r in writers.list_rows(User.all(), ["username"], ("id", "role"))]}
    assert all(type(role).__name__ == "Role" for role in roles)
