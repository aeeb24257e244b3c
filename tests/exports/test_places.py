"""Regions, stations, organisations and tiers exports: scoped, filtered, localised, neutralised."""

from datetime import date

from talent.core.clock import local_today
from talent.places.models import CertLevel, Education, Station, StationTier
from tests.conftest import login
from tests.exports.conftest import headers_of
from tests.exports.helpers import attachment_name, csv_rows, xlsx_rows
from tests.factories import world


async def test_a_county_bureau_exports_only_its_subtree_of_regions_in_the_import_columns(client):
    await world()
    await login(client, "bureau")  # county 320102 and its street 320102001
    response = await client.get("/regions/export", params={"format": "csv"})
    assert attachment_name(response) == f"regions-{local_today().isoformat()}.csv"
    rows = csv_rows(response)
    assert rows[0] == headers_of("regions")
    # Sorted by path (the list's default); the county's parent 320100 is outside scope but is its parent code.
    assert rows[1:] == [["320102", "玄武区", "county", "320100"], ["320102001", "梅园新村街道", "township", "320102"]]
    rows = csv_rows(await client.get("/regions/export", params={"format": "csv", "level": "township"}))
    assert [r[0] for r in rows[1:]] == ["320102001"]


async def test_a_city_bureau_exports_regions_as_xlsx_with_chinese_headers(client):
    await world()
    await login(client, "citybureau")
    client.cookies.set("talent_lang", "zh_CN")
    rows = xlsx_rows(await client.get("/regions/export", params={"q": "3201", "sort": "-code"}))
    assert rows[0] == headers_of("regions", "zh")
    # The city 320100, two counties and two streets, code descending.
    assert [r[0] for r in rows[1:]] == ["320104001", "320104", "320102001", "320102", "320100"]


async def test_stations_export_in_the_import_columns_within_scope_and_filters(client):
    w = await world()
    await login(client, "hr")  # organisation A: S1, S2
    w["stations"][0].opened_on = date(2021, 5, 1)
    await w["stations"][0].save()
    rows = csv_rows(await client.get("/stations/export", params={"format": "csv"}))
    assert rows[0] == headers_of("stations")
    assert rows[1:] == [
        ["S1", "社工站1", "320102001", "玄武社工服务中心", "2.0", "2021-05-01", "township_station", ""],
        ["S2", "社工站2", "320102001", "玄武社工服务中心", "2.0", "", "township_station", ""],
    ]
    rows = csv_rows(await client.get("/stations/export", params={"format": "csv", "q": "站2"}))
    assert [r[0] for r in rows[1:]] == ["S2"]
    client.cookies.delete("talent_session")
    await login(client, "admin")
    rows = xlsx_rows(await client.get("/stations/export", params={"organisation": str(w["orgs"][1].id)}))
    assert [r[0] for r in rows[1:]] == ["S3", "S4"]
    assert rows[1][5] == ""  # no opening date: an empty cell


async def test_a_station_named_like_a_command_is_neutralised(client):
    w = await world()
    w["stations"][1].name = "+cmd|' /C calc'!A0"
    await w["stations"][1].save()
    await login(client, "admin")
    row = csv_rows(await client.get("/stations/export", params={"format": "csv", "q": "S2"}))[1]
    assert row[1] == "'+cmd|' /C calc'!A0"
    row = xlsx_rows(await client.get("/stations/export", params={"q": "S2"}))[1]
    assert row[1] == "'+cmd|' /C calc'!A0"


async def test_a_supervisor_exports_only_assigned_stations_and_a_worker_may_not(client):
    await world()
    await login(client, "supervisor")
    rows = csv_rows(await client.get("/stations/export", params={"format": "csv"}))
    assert [r[0] for r in rows[1:]] == ["S1"]
    assert (await client.get("/regions/export")).status_code == 403
    assert (await client.get("/stations/organisations/export")).status_code == 403
    assert (await client.get("/stations/tiers/export")).status_code == 403
    client.cookies.delete("talent_session")
    await login(client, "worker")
    assert (await client.get("/stations/export")).status_code == 403


async def test_organisations_export_their_visible_columns_with_station_counts_in_scope(client):
    w = await world()
    org_a = w["orgs"][0]
    org_a.contact, org_a.phone = "张三", "025-1234567"
    await org_a.save()
    await login(client, "admin")
    response = await client.get("/stations/organisations/export", params={"format": "csv"})
    assert attachment_name(response) == f"organisations-{local_today().isoformat()}.csv"
    rows = csv_rows(response)
    assert rows[0] == ["Name", "Region", "Contact", "Phone", "Stations"]
    # Each organisation runs two of the four stations (the name order of Chinese text is the database's collation).
    assert sorted(rows[1:]) == [
        ["玄武社工服务中心", "玄武区", "张三", "025-1234567", "2"],
        ["秦淮社工服务中心", "秦淮区", "", "", "2"],
    ]
    client.cookies.delete("talent_session")
    await login(client, "hr")
    client.cookies.set("talent_lang", "zh_CN")
    rows = xlsx_rows(await client.get("/stations/organisations/export"))
    assert rows[0] == ["名称", "行政区划", "联系人", "电话", "社工站"]
    # HR sees only its own organisation.
    assert [r[0] for r in rows[1:]] == ["玄武社工服务中心"] and rows[1][4] == 2


async def test_a_county_bureau_exports_an_outside_organisation_with_only_its_stations_in_the_county(client):
    w = await world()
    street_a, org_b = w["regions"]["street_a"], w["orgs"][1]
    await Station.create(code="S5", name="社工站5", region=street_a, region_path=street_a.path, organisation=org_b)
    await login(client, "bureau")  # county A
    rows = csv_rows(await client.get("/stations/organisations/export", params={"format": "csv", "sort": "region"}))
    # Org A runs S1 and S2 in county A; org B runs S3 and S4 in county B and S5 in county A: one in reach.
    assert [(r[0], r[4]) for r in rows[1:]] == [("玄武社工服务中心", "2"), ("秦淮社工服务中心", "1")]


async def test_tiers_export_their_norms_with_labels_in_the_viewers_language(client):
    w = await world()
    await StationTier.create(
        name="3.0",
        region=w["regions"]["county_a"],
        min_fulltime=3,
        min_certified=2,
        min_level=CertLevel.INTERMEDIATE,
        max_age=40,
        min_education=Education.BACHELOR,
        major_required=True,
    )
    await login(client, "bureau")
    rows = csv_rows(await client.get("/stations/tiers/export", params={"format": "csv"}))
    assert rows[0][:4] == ["Name", "Region", "Min. full-time", "Min. certified"]
    # The last three columns: a related major also qualifies, major or certificate, the kind of station.
    assert rows[1:] == [
        ["2.0", "National", "2", "1", "", "", "", "No", "No", "No", "No", "Township (street) station"],
        ["3.0", "玄武区", "3", "2", "Social worker (intermediate)", "40", "Bachelor", "Yes", "No", "No", "No"]
        + ["Township (street) station"],
    ]
    rows = csv_rows(await client.get("/stations/tiers/export", params={"format": "csv", "q": "3."}))
    assert [r[0] for r in rows[1:]] == ["3.0"]
    client.cookies.set("talent_lang", "zh_CN")
    rows = xlsx_rows(await client.get("/stations/tiers/export", params={"q": "3."}))
    assert rows[0][:5] == ["名称", "行政区划", "最低全职人数", "最低持证人数", "最低证书等级"]
    assert rows[1] == ["3.0", "玄武区", 3, 2, "社会工作师", 40, "本科", "是", "否", "否", "否", "乡镇（街道）社工站"]
    client.cookies.delete("talent_session")
    await login(client, "hr")
    assert (await client.get("/stations/tiers/export")).status_code == 403
