"""Norms and counts per kind of station (issue 16, item 7): a county with its guidance centre, two township
stations and three village rooms. Reports count township stations unless asked for every kind or another one;
a station is held only to a tier of its own kind; the page, the API and the exports give the same figures.

County A (320102) of tests.factories.world, on DAY (every spell full-time since 2022-01-01):

    C1 county centre   tier 中心 (centre: ≥ 2 full-time, ≥ 1 certified)   W7 (certified), W8   → 2 ≥ 2, 1 ≥ 1: met
    S1 township        tier 2.0  (township: ≥ 2, ≥ 1)                      W1                   → 1 < 2: not met
    S2 township        tier 2.0                                            W2                   → 1 < 2: not met
    R1 room under S1   tier 社工室 (room: ≥ 1, ≥ 0)                        W5                   → 1 ≥ 1: met
    R2 room under S1   tier 社工室                                         nobody               → 0 < 1: not met
    R3 room under S2   tier 2.0, a township tier (written before the rule)  W6                   → no norm of its kind

    township stations (the default): 2 stations, 2 with a tier, 0 meet it → rate 0
    every kind:                      6 stations, 5 with a tier of their kind (R3 has none), 2 meet it → 0.4
    village rooms:                   3 stations, 2 with a tier, 1 meets it → 0.5
    per kind, full-time workers:     centre 2 (W7, W8; 1 certified), township 2 (W1, W2), rooms 2 (W5, W6)
County B (320104) gets a room RB under S3 with a sentinel name: county A's bureau never sees it.
"""

from datetime import date

import pytest

from talent.analytics.area import area_for
from talent.analytics.reports import staffing_report
from talent.certification.models import Certificate
from talent.core.access import Role, Scope
from talent.dashboard.selectors import dashboard_figures
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Station, StationKind, StationTier
from talent.staffing.selectors import station_compliance
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.imports.conftest import csv_bytes, write
from tests.imports.test_kinds import bureau_scope, problems, run
from tests.querycount import count_queries

DAY = date(2024, 6, 30)
SENTINEL = "秦淮远方社工室"


async def _county() -> dict:
    w = await world()
    county, street = w["regions"]["county_a"], w["regions"]["street_a"]
    s1, s2, s3 = w["stations"][:3]
    centre_tier = await StationTier.create(
        name="中心", min_fulltime=2, min_certified=1, station_kind=StationKind.COUNTY_CENTRE
    )
    room_tier = await StationTier.create(
        name="社工室", region=county, min_fulltime=1, min_certified=0, station_kind=StationKind.VILLAGE_ROOM
    )

    async def station(code, name, kind, tier, parent=None, region=street):
        return await Station.create(
            code=code, name=name, region=region, region_path=region.path, kind=kind, tier=tier, parent=parent
        )

    c1 = await station("C1", "玄武区社会工作指导中心", StationKind.COUNTY_CENTRE, centre_tier, region=county)
    r1 = await station("R1", "梅园社区社工室", StationKind.VILLAGE_ROOM, room_tier, s1)
    r2 = await station("R2", "新街口社区社工室", StationKind.VILLAGE_ROOM, room_tier, s1)
    # A township tier on a room, as data written before norms applied per kind: it is no norm of the room's.
    r3 = await station("R3", "兰园社区社工室", StationKind.VILLAGE_ROOM, w["tier"], s2)
    street_b = w["regions"]["street_b"]
    await station("RB", SENTINEL, StationKind.VILLAGE_ROOM, room_tier, s3, region=street_b)
    for no, st in (("W5", r1), ("W6", r3), ("W7", c1), ("W8", c1)):
        worker = await Worker.create(worker_no=no, name=f"工作者{no}")
        await EmploymentSpell.create(worker=worker, station=st, start_on=date(2022, 1, 1), full_time=True)
        if no == "W7":
            await Certificate.create(worker=worker, level="assistant", number="A-W7", obtained_on=date(2023, 6, 1))
    return {**w, "c1": c1, "r1": r1, "r2": r2, "r3": r3, "room_tier": room_tier, "centre_tier": centre_tier}


@pytest.fixture
async def w(db):
    return await _county()


def bureau_a(w) -> Scope:
    return Scope(user_id=1, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)


async def _report(w, kind: str = "") -> dict:
    return await staffing_report(await area_for(bureau_a(w), "", kind), DAY)


# ── the counts ────────────────────────────────────────────────────────────────────────────────────────────────


async def test_township_stations_are_counted_by_default_and_every_kind_on_request(w):
    default = await _report(w)
    assert default["kind"] == "township_station"
    assert [s["station"] for s in default["stations"]] == ["S1", "S2"]
    assert default["totals"] == {"stations": 2, "tiered": 2, "met": 0, "rate": 0.0}
    every = await _report(w, "all")
    assert [s["station"] for s in every["stations"]] == ["C1", "R1", "R2", "R3", "S1", "S2"]
    assert every["totals"] == {"stations": 6, "tiered": 5, "met": 2, "rate": 0.4}
    rooms = await _report(w, "village_room")
    assert rooms["totals"] == {"stations": 3, "tiered": 2, "met": 1, "rate": 0.5}
    centre = await _report(w, "county_centre")
    assert centre["totals"] == {"stations": 1, "tiered": 1, "met": 1, "rate": 1.0}
    # An unknown kind is the default.
    assert (await _report(w, "bogus"))["totals"]["stations"] == 2


async def test_each_station_is_judged_against_the_tier_of_its_kind(w):
    rows = {s["station"]: s for s in (await _report(w, "all"))["stations"]}
    assert (rows["C1"]["tier"], rows["C1"]["headcount"], rows["C1"]["certified"], rows["C1"]["met"]) == (
        "中心",
        2,
        1,
        True,
    )
    assert (rows["R1"]["tier"], rows["R1"]["min_fulltime"], rows["R1"]["met"]) == ("社工室", 1, True)
    assert (rows["R2"]["headcount"], rows["R2"]["met"]) == (0, False)
    assert (rows["S1"]["min_fulltime"], rows["S1"]["met"]) == (2, False)
    # R3 carries a township tier: no norm of a room's, so neither met nor failed.
    assert (rows["R3"]["tier"], rows["R3"]["min_fulltime"], rows["R3"]["met"]) == (None, None, None)
    # The station page agrees: R1 against the room's norm, R3 against none.
    r1 = await Station.get(code="R1").select_related("tier")
    assert [
        (c["key"], c["actual"], c["required"], c["met"]) for c in await station_compliance(station=r1, today=DAY)
    ] == [
        ("fulltime", 1, 1, True),
        ("certified", 0, 0, True),
    ]
    r3 = await Station.get(code="R3").select_related("tier")
    assert await station_compliance(station=r3, today=DAY) == []


async def test_headcounts_per_kind_cover_the_whole_network(w):
    by_kind = {k["kind"]: k for k in (await _report(w))["by_kind"]}
    assert [k for k in by_kind] == ["county_centre", "township_station", "village_room"]
    assert {k: (v["stations"], v["headcount"], v["certified"], v["tiered"], v["met"]) for k, v in by_kind.items()} == {
        "county_centre": (1, 2, 1, 1, 1),
        "township_station": (2, 2, 0, 2, 0),
        "village_room": (3, 2, 0, 2, 1),
    }


async def test_the_dashboard_counts_township_stations(w):
    figures = await dashboard_figures(scope=bureau_a(w), today=DAY)
    # County A: S1 and S2; the centre and the three rooms are not "stations"; the workforce is every kind's
    # (W1 W2 W5 W6 W7 W8 = 6, W7 certified).
    assert (figures["stations"], figures["headcount"], figures["certified"]) == (2, 6, 1)


# ── pages and the API ─────────────────────────────────────────────────────────────────────────────────────────


async def test_the_api_answers_the_page_figures_and_a_bureau_sees_only_its_region(client, w):
    await login(client, "bureau")
    on = {"on": DAY.isoformat()}
    api = (await client.get("/api/v1/reports/staffing", params=on)).json()
    assert api["totals"]["stations"] == 2 and api["totals"]["met"] == 0
    page = text_of((await client.get("/reports", params=on)).text)
    assert "0 of 2 stations with a tier." in page and "Counted: Township (street) station." in page
    api_all = (await client.get("/api/v1/reports/staffing", params={**on, "kind": "all"})).json()
    assert (api_all["totals"]["met"], api_all["totals"]["tiered"]) == (2, 5)
    page_all = text_of((await client.get("/reports", params={**on, "kind": "all"})).text)
    assert "2 of 5 stations with a tier." in page_all and "Counted: All kinds of station." in page_all
    # The per-kind table on the page is the API's by_kind.
    assert "Village (community) room 3 2 0 1 / 2" in page_all
    # Never county B's stations: not in the rows, the page, or by asking for its region.
    codes = {s["station"] for s in api_all["stations"]}
    assert codes == {"C1", "R1", "R2", "R3", "S1", "S2"}
    assert SENTINEL not in page_all and "社工站3" not in page_all
    assert (await client.get("/api/v1/reports/staffing", params={"region": "320104", "kind": "all"})).status_code == 404
    assert (await client.get("/api/v1/reports/staffing", params={"kind": "villages"})).status_code == 422


async def test_the_staffing_export_and_the_kind_table_follow_the_filter(client, w):
    import io

    from openpyxl import load_workbook

    await login(client, "bureau")
    r = await client.get("/reports/staffing/export", params={"on": DAY.isoformat(), "kind": "village_room"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert [row[0] for row in rows[1:]] == ["R1", "R2", "R3"]
    assert rows[1][2] == "Village (community) room"
    r = await client.get("/reports/kinds/export", params={"on": DAY.isoformat()})
    kinds = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert kinds[1:] == [
        ("County social work guidance centre", 1, 2, 1, 1, 1),
        ("Township (street) station", 2, 2, 0, 2, 0),
        ("Village (community) room", 3, 2, 0, 2, 1),
    ]


async def test_the_report_page_costs_the_same_queries_with_more_rooms(client, w):
    await login(client, "bureau")
    params = {"on": DAY.isoformat(), "kind": "all"}
    await client.get("/reports", params=params)
    street = w["regions"]["street_a"]

    async def room(i: int) -> None:
        await Station.create(
            code=f"RX{i}",
            name=f"加室{i}",
            region=street,
            region_path=street.path,
            kind=StationKind.VILLAGE_ROOM,
            parent=w["stations"][0],
            tier=w["room_tier"],
        )

    # A room before each count: the page's figures are computed again after any change (talent.analytics
    # .freshness), so both counts are of the page computing its figures.
    await room(0)
    async with count_queries() as few:
        assert (await client.get("/reports", params=params)).status_code == 200
    for i in range(1, 7):
        await room(i)
    async with count_queries() as many:
        assert (await client.get("/reports", params=params)).status_code == 200
    assert many.count == few.count


# ── writing tiers and stations ────────────────────────────────────────────────────────────────────────────────


async def test_a_room_cannot_take_a_township_tier_and_a_used_tier_keeps_its_kind(client, w):
    await login(client, "bureau")
    room = {
        "code": "R9",
        "name": "某社区社工室",
        "region_code": "320102001",
        "kind": "village_room",
        "parent_code": "S1",
        "tier": str(w["tier"].id),
    }
    refused = await post(client, "/stations", room)
    assert refused.status_code == 422 and "This tier&#39;s norms are for another kind of station." in refused.text
    assert not await Station.filter(code="R9").exists()
    assert (await post(client, "/stations", {**room, "tier": str(w["room_tier"].id)})).status_code == 303
    # A bureau writes a tier for rooms; the form, the list and the history name its kind.
    made = await post(
        client,
        "/stations/tiers",
        {
            "name": "室2",
            "region_code": "320102",
            "station_kind": "village_room",
            "min_fulltime": "1",
            "min_certified": "0",
        },
    )
    assert made.status_code == 303, text_of(made.text)[-300:]
    tier = await StationTier.get(name="室2")
    assert tier.station_kind == StationKind.VILLAGE_ROOM
    assert "For stations of kind Village (community) room" in text_of(
        (await client.get(f"/stations/tiers/{tier.id}")).text
    )
    history = text_of((await client.get("/audit", params={"entity": "tier", "entity_id": tier.id})).text)
    assert "Village (community) room" in history
    # County A's room tier is used by rooms: its kind stays (its norms may change).
    used = w["room_tier"]
    values = {"name": used.name, "region_code": "320102", "min_fulltime": "2", "min_certified": "0"}
    change = await post(client, f"/stations/tiers/{used.id}", {**values, "station_kind": "township_station"})
    assert change.status_code == 422 and "Stations use this tier: its kind of station stays." in text_of(change.text)
    assert (await StationTier.get(id=used.id)).station_kind == StationKind.VILLAGE_ROOM
    same = await post(client, f"/stations/tiers/{used.id}", {**values, "station_kind": "village_room"})
    assert same.status_code == 303 and (await StationTier.get(id=used.id)).min_fulltime == 2


async def test_a_stations_file_names_a_tier_of_the_rows_kind(w, tmp_path):
    header = ["code", "name", "region_code", "organisation", "tier", "opened_on", "kind", "parent_code"]
    rows = [
        header,
        ["R8", "社工室八", "320102001", "", "2.0", "", "village_room", "S1"],  # a township tier: refused
        ["R7", "社工室七", "320102001", "", "社工室", "", "village_room", "S1"],
    ]
    outcome = await run("stations", write(tmp_path, "s.csv", csv_bytes(rows)), scope=bureau_scope(w), actor=None)
    assert not outcome.ok
    assert [(p[0], p[1]) for p in problems(outcome)] == [(2, "tier")]
    assert "another kind of station" in problems(outcome)[0][-1]
    outcome = await run("stations", write(tmp_path, "t.csv", csv_bytes([header, rows[2]])), scope=bureau_scope(w))
    assert outcome.ok, problems(outcome)
    assert (await Station.get(code="R7")).tier_id == w["room_tier"].id
