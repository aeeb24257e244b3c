import html
import re

from talent.audit.models import AuditEntry
from talent.places.models import Organisation, Region, Station, StationTier
from tests.conftest import login, post, text_of
from tests.factories import world

HTMX = {"HX-Request": "true"}


async def test_the_station_list_searches_filters_and_answers_htmx_with_the_fragment(client):
    w = await world()
    await login(client, "admin")
    page = await client.get("/stations")
    assert page.status_code == 200 and "<html" in page.text
    assert all(code in page.text for code in ("S1", "S2", "S3", "S4"))
    found = await client.get("/stations?q=S3", headers=HTMX)
    assert "<html" not in found.text
    assert ">S3<" in found.text and ">S1<" not in found.text
    by_org = await client.get(f"/stations?organisation={w['orgs'][1].id}")
    assert ">S3<" in by_org.text and ">S1<" not in by_org.text
    empty = await client.get("/stations?q=nothing-like-this")
    assert "No stations match." in empty.text
    sorted_desc = await client.get("/stations?sort=-code", headers=HTMX)
    assert sorted_desc.text.index(">S4<") < sorted_desc.text.index(">S1<")


async def test_a_station_row_shows_its_township_organisation_tier_and_full_time_head_count(client):
    w = await world()
    await Station.filter(code="S2").update(tier_id=None)
    await login(client, "admin")
    rows = text_of((await client.get("/stations")).text)
    street = w["regions"]["street_a"].name
    # S1: one worker on a full-time spell since 2022 (the world's), its tier "2.0"; S2 has no tier.
    assert f"S1 社工站1 {street} 玄武社工服务中心 2.0 1 " in rows
    assert f"S2 社工站2 {street} 玄武社工服务中心 — 1 " in rows


async def test_an_organisation_row_shows_its_region_contact_and_stations_in_scope(client):
    w = await world()
    await Organisation.create(name="无区域机构", contact="李四")
    await login(client, "citybureau")
    rows = text_of((await client.get("/stations/organisations")).text)
    # Each world organisation runs two stations in the city (S1, S2 / S3, S4) and is registered in its county.
    assert f"玄武社工服务中心 {w['regions']['county_a'].name} 2 " in rows
    assert f"秦淮社工服务中心 {w['regions']['county_b'].name} 2 " in rows
    await login(client, "admin")
    # An organisation without a region shows a dash, and its contact; it runs no station.
    assert "无区域机构 — 李四 0 " in text_of((await client.get("/stations/organisations?q=无区域")).text)


async def test_a_bureau_creates_a_station_and_it_is_audited(client):
    w = await world()
    await login(client, "bureau")
    form = await client.get("/stations/new")
    assert form.status_code == 200 and 'name="code"' in form.text
    response = await post(
        client,
        "/stations",
        {
            "code": "S9",
            "name": "新站",
            "region_code": "320102001",
            "organisation": "玄武社工服务中心",
            "tier": str(w["tier"].id),
            "opened_on": "2024-05-01",
        },
    )
    assert response.status_code == 303, response.text[-1500:]
    station = await Station.get(code="S9")
    assert response.headers["location"] == f"/stations/{station.id}"
    assert station.region_path == w["regions"]["street_a"].path and station.organisation_id == w["orgs"][0].id
    assert await AuditEntry.filter(entity="station", entity_id=str(station.id), action="create").exists()
    detail = await client.get(f"/stations/{station.id}")
    assert "新站" in detail.text and f"/audit?entity=station&entity_id={station.id}" in detail.text


async def test_a_duplicate_station_code_rerenders_the_form_with_422_and_keeps_the_input(client):
    await world()
    await login(client, "admin")
    before = await Station.all().count()
    response = await post(client, "/stations", {"code": "S1", "name": "我的新站", "region_code": "320102001"})
    assert response.status_code == 422
    assert "A station with this code already exists." in response.text
    assert 'value="我的新站"' in response.text
    assert await Station.all().count() == before
    htmx = await post(client, "/stations", {"code": "S1", "name": "我的新站", "region_code": "320102001"}, headers=HTMX)
    assert htmx.status_code == 422 and "<html" not in htmx.text and 'id="places-form"' in htmx.text


async def test_unknown_references_in_the_station_form_are_field_errors(client):
    await world()
    await login(client, "bureau")
    response = await post(
        client,
        "/stations",
        {"code": "S9", "name": "X", "region_code": "320104001", "organisation": "秦淮社工服务中心"},
    )
    assert response.status_code == 422
    text = text_of(response.text)
    assert "No such region in your scope." in text
    assert "No such organisation in your scope." in text
    response = await post(client, "/stations", {"code": "S9", "name": "X", "region_code": "320102001", "tier": "abc"})
    assert response.status_code == 422 and "Choose one of the options." in text_of(response.text)
    assert not await Station.filter(code="S9").exists()


async def test_editing_a_station_moves_it_and_keeps_its_region_path_in_step(client):
    w = await world()
    await login(client, "citybureau")
    station = w["stations"][0]
    edit = await client.get(f"/stations/{station.id}/edit")
    assert edit.status_code == 200 and 'value="320102001"' in edit.text
    response = await post(
        client, f"/stations/{station.id}", {"code": "S1", "name": "改名站", "region_code": "320104001"}
    )
    assert response.status_code == 303
    stored = await Station.get(id=station.id)
    assert stored.name == "改名站" and stored.region_path == w["regions"]["street_b"].path


async def test_out_of_scope_ids_answer_404(client):
    w = await world()
    await login(client, "bureau")
    s3 = w["stations"][2].id
    assert (await client.get(f"/stations/{s3}")).status_code == 404
    assert (await client.get(f"/stations/{s3}/edit")).status_code == 404
    assert (
        await post(client, f"/stations/{s3}", {"code": "S3", "name": "x", "region_code": "320102001"})
    ).status_code == 404
    assert (await client.get(f"/regions/{w['regions']['county_b'].id}")).status_code == 404
    assert (await client.get(f"/stations/organisations/{w['orgs'][1].id}")).status_code == 404
    assert (await client.get("/stations/999999")).status_code == 404
    await login(client, "hr")
    assert (await client.get(f"/stations/{s3}")).status_code == 404
    assert (await client.get(f"/stations/{w['stations'][0].id}")).status_code == 200


async def test_wrong_roles_get_403(client):
    w = await world()
    await login(client, "hr")
    assert (await client.get("/regions")).status_code == 403
    assert (await client.get("/stations/new")).status_code == 403
    assert (await client.get("/stations/tiers")).status_code == 403
    assert (await post(client, "/stations", {"code": "S9", "name": "x", "region_code": "320102001"})).status_code == 403
    assert (await client.get(f"/stations/{w['stations'][0].id}/edit")).status_code == 403
    assert not await Station.filter(code="S9").exists()
    await login(client, "supervisor")
    assert (await client.get("/stations/organisations")).status_code == 403
    assert (await client.get(f"/stations/{w['stations'][0].id}")).status_code == 200
    await login(client, "worker")
    assert (await client.get("/stations")).status_code == 403
    assert (await client.get("/regions/suggest?q=32")).status_code == 403


async def test_a_bureau_may_not_edit_its_own_root_region_or_a_national_tier(client):
    w = await world()
    await login(client, "bureau")
    root = w["regions"]["county_a"]
    assert (await client.get(f"/regions/{root.id}")).status_code == 200
    assert (await client.get(f"/regions/{root.id}/edit")).status_code == 403
    assert (await post(client, f"/regions/{root.id}", {"name": "改"})).status_code == 403
    assert (await Region.get(id=root.id)).name == "玄武区"
    assert (await client.get(f"/stations/tiers/{w['tier'].id}")).status_code == 200
    assert (await client.get(f"/stations/tiers/{w['tier'].id}/edit")).status_code == 403


async def test_regions_are_created_under_a_parent_and_renamed_but_their_code_stays(client):
    w = await world()
    await login(client, "bureau")
    new = await client.get("/regions/new?parent=320102")
    assert 'value="320102"' in new.text and 'value="township" selected' in new.text
    response = await post(
        client, "/regions", {"parent_code": "320102", "level": "township", "code": "320102002", "name": "新街口街道"}
    )
    assert response.status_code == 303
    region = await Region.get(code="320102002")
    assert region.path == "320000/320100/320102/320102002/"
    response = await post(client, f"/regions/{region.id}", {"name": "新街口", "code": "999999"})
    assert response.status_code == 303
    region = await Region.get(id=region.id)
    assert (region.name, region.code) == ("新街口", "320102002")
    detail = await client.get(f"/regions/{w['regions']['county_a'].id}")
    assert "新街口" in detail.text and "梅园新村街道" in detail.text


async def test_a_duplicate_region_code_rerenders_with_422_and_writes_nothing(client):
    await world()
    await login(client, "admin")
    count = await Region.all().count()
    response = await post(
        client, "/regions", {"parent_code": "320102", "level": "township", "code": "320102001", "name": "另一个"}
    )
    assert response.status_code == 422
    assert "This code is already used." in response.text and 'value="另一个"' in response.text
    assert await Region.all().count() == count


async def test_the_region_list_filters_by_level_and_searches_name_or_code(client):
    await world()
    await login(client, "citybureau")
    counties = text_of((await client.get("/regions?level=county", headers=HTMX)).text)
    assert "玄武区" in counties and "秦淮区" in counties and "梅园新村街道" not in counties
    # Each row names its parent, the city's the province above the bureau's reach.
    assert "320102 玄武区 County / district 南京市 " in counties
    everything = text_of((await client.get("/regions", headers=HTMX)).text)
    assert "320100 南京市 City 江苏省 " in everything and "梅园新村街道 Township / street 玄武区 " in everything
    found = text_of((await client.get("/regions?q=320104", headers=HTMX)).text)
    assert "秦淮区" in found and "玄武区" not in found
    assert "No regions match." in (await client.get("/regions?q=zzz")).text


async def test_suggestions_work_for_every_staff_role_within_scope(client):
    await world()
    await login(client, "bureau")
    options = (await client.get("/regions/suggest?q=3201")).text
    assert '<option value="320102">玄武区 (320102)</option>' in options and "320104" not in options
    # htmx sends the lookup input under its own name
    options = (await client.get("/regions/suggest?region_code=梅园&level=township")).text
    assert 'value="320102001"' in options
    await login(client, "hr")
    response = await client.get("/regions/suggest?q=32")
    assert response.status_code == 200 and "<option" not in response.text
    orgs = (await client.get("/stations/organisations/suggest?q=社工")).text
    assert "玄武社工服务中心" in orgs and "秦淮" not in orgs
    stations = (await client.get("/stations/suggest?q=S")).text
    assert "(S1)" in stations and "(S3)" not in stations
    await login(client, "supervisor")
    assert "(S1)" in (await client.get("/stations/suggest?q=S")).text


async def test_organisations_are_created_and_edited_by_a_bureau_and_hr_sees_its_own(client):
    w = await world()
    await login(client, "bureau")
    response = await post(client, "/stations/organisations", {"name": "新机构", "region_code": "320102001"})
    assert response.status_code == 303
    org = await Organisation.get(name="新机构")
    response = await post(client, f"/stations/organisations/{org.id}", {"name": "新机构", "contact": "王"})
    assert response.status_code == 422  # a bureau must keep the organisation inside its region
    response = await post(
        client, f"/stations/organisations/{org.id}", {"name": "新机构", "region_code": "320102", "contact": "王"}
    )
    assert response.status_code == 303 and (await Organisation.get(id=org.id)).contact == "王"
    dup = await post(client, "/stations/organisations", {"name": "新机构", "region_code": "320102"})
    assert dup.status_code == 422 and "An organisation with this name already exists." in dup.text
    await login(client, "hr")
    listing = text_of((await client.get("/stations/organisations")).text)
    assert "玄武社工服务中心" in listing and "秦淮社工服务中心" not in listing and "新机构" not in listing
    detail = await client.get(f"/stations/organisations/{w['orgs'][0].id}")
    assert detail.status_code == 200 and "社工站1" in detail.text
    assert (await client.get(f"/stations/organisations/{w['orgs'][0].id}/edit")).status_code == 403


async def test_tiers_are_created_with_their_norms_and_invalid_norms_are_422(client):
    await world()
    await login(client, "bureau")
    bad = await post(client, "/stations/tiers", {"name": "玄武3.0", "region_code": "320102", "min_fulltime": "-1"})
    assert bad.status_code == 422 and 'value="玄武3.0"' in bad.text
    assert "Must be at least 0." in bad.text and "This field is required." in bad.text
    response = await post(
        client,
        "/stations/tiers",
        {
            "name": "玄武3.0",
            "region_code": "320102",
            "min_fulltime": "3",
            "min_certified": "2",
            "min_level": "intermediate",
            "max_age": "45",
            "min_education": "bachelor",
            "major_required": "on",
        },
    )
    assert response.status_code == 303
    tier = await StationTier.get(name="玄武3.0")
    assert (tier.min_fulltime, tier.min_certified, tier.max_age, tier.major_required) == (3, 2, 45, True)
    listing = text_of((await client.get("/stations/tiers")).text)
    assert "玄武3.0" in listing and "玄武区" in listing
    response = await post(
        client,
        f"/stations/tiers/{tier.id}",
        {"name": "玄武3.0", "region_code": "320102", "min_fulltime": "4", "min_certified": "2"},
    )
    assert response.status_code == 303 and (await StationTier.get(id=tier.id)).min_fulltime == 4


async def test_a_citys_stations_page_by_page_in_each_text_sort_are_its_stations_in_that_order(client):
    # A jurisdiction's list is read by sorting its rows (paginate's sort_rows), the administrator's by the index:
    # walked one station a page, forwards by the pager's cursor, the city bureau sees its own stations (S1–S4 of the
    # world) in the order of the sort, each once.
    await world()
    await login(client, "citybureau")
    for sort, key, reverse in (("code", "code", False), ("-code", "code", True), ("-name", "name", True)):
        expected = [s.code for s in sorted(await Station.all(), key=lambda s: (getattr(s, key), s.id), reverse=reverse)]
        seen, url = [], f"/stations?sort={sort}&per_page=1"
        while url:
            page = (await client.get(url, headers=HTMX)).text
            seen += re.findall(r">(S\d)<", page)
            link = re.search(r'href="(\?[^"]*after=[^"]*)"', html.unescape(page))
            url = f"/stations{link.group(1)}" if link else ""
        assert seen == expected, sort
