"""Pickers: the region, station, organisation, subject and worker suggestions list only records in the viewer's scope,
at most 20, each name beside its code, in a fixed number of queries; the list filters they serve take a typed code
without JavaScript; /stations picks its organisation instead of sending every organisation in a <select>."""

import re

import pytest

from talent.certification import services
from talent.places.models import Organisation, Station
from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries


@pytest.fixture
async def w(db):
    data = await world()
    await services.catalogue_seed()
    return data


def _options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', html)


async def test_a_county_bureaus_station_picker_never_lists_another_countys_station(w, client):
    # The bureau of 玄武区 (320102) reaches S1, S2 (梅园新村街道); S3, S4 are in 秦淮区.
    await login(client, "bureau")
    by_code = _options((await client.get("/stations/suggest", params={"station": "S"})).text)
    by_name = _options((await client.get("/stations/suggest", params={"station": "社工站"})).text)
    assert by_code == by_name == [("S1", "社工站1 (S1)"), ("S2", "社工站2 (S2)")]
    assert _options((await client.get("/stations/suggest", params={"station": "S3"})).text) == []


async def test_the_region_and_organisation_pickers_keep_to_the_bureaus_county(w, client):
    await login(client, "bureau")
    regions = _options((await client.get("/regions/suggest", params={"region": "320"})).text)
    assert regions == [("320102", "玄武区 (320102)"), ("320102001", "梅园新村街道 (320102001)")]
    response = await client.get("/stations/organisations/suggest", params={"organisation": "社工"})
    organisations = _options(response.text)
    assert organisations == [("玄武社工服务中心", "玄武社工服务中心")]


async def test_the_subject_picker_shows_each_name_beside_its_code(w, client):
    await login(client, "hr")
    options = _options((await client.get("/certificates/subjects/suggest", params={"subject": "a-"})).text)
    assert [code for code, _ in options] == ["A-ZH", "A-SW"]
    assert all(text.endswith(f"({code})") and len(text) > len(code) + 3 for code, text in options)
    zh = {"Accept-Language": "zh-CN"}
    by_name = _options((await client.get("/certificates/subjects/suggest", params={"q": "实务"}, headers=zh)).text)
    assert by_name and all("实务" in text for _, text in by_name)


async def test_a_picker_lists_at_most_20_and_costs_the_same_queries_with_few_or_many_records(w, client):
    await login(client, "bureau")
    urls = [
        "/stations/suggest?station=S",
        "/regions/suggest?region=3",
        "/stations/organisations/suggest?organisation=社",
        "/certificates/subjects/suggest?subject=",
        "/workers/suggest?q=W",
    ]
    for url in urls:
        await client.get(url)  # warm the session
    few = {}
    for url in urls:
        async with count_queries() as counter:
            assert (await client.get(url)).status_code == 200
        few[url] = counter.count
    street = w["regions"]["street_a"]
    org = w["orgs"][0]
    for i in range(25):
        other = await Organisation.create(name=f"社区服务社{i:02d}", region=w["regions"]["county_a"])
        await Station.create(
            code=f"S9{i:02d}", name=f"新站{i}", region=street, region_path=street.path, organisation=other or org
        )
    many = {}
    for url in urls:
        async with count_queries() as counter:
            response = await client.get(url)
        many[url] = counter.count
        if "station" in url or "organisation" in url:
            assert len(_options(response.text)) == 20  # 27 stations and 26 organisations match
    assert few == many, (few, many)
    # Two statements each: the session (with its user), then the one suggest query, whose scope is a subquery.
    assert set(many.values()) == {2}


async def test_without_javascript_the_station_filter_takes_a_typed_code_and_names_it(w, client):
    await login(client, "bureau")
    page = await client.get("/certificates", params={"station": "S2"})
    assert re.findall(r">(W\d)</a>", page.text) == ["W2"]
    # A plain text input of the list's GET form, with the suggestions' datalist beside it and the name of the code.
    assert re.search(r'<input type="text"[^>]*name="station" value="S2"[^>]*list="station-options"', page.text)
    assert '<div class="form-text text-truncate" id="station-picked" data-picked>社工站2</div>' in page.text
    outside = await client.get("/certificates", params={"station": "S3"})
    assert re.findall(r">(W\d)</a>", outside.text) == []
    assert "No station with this code in your scope." in outside.text
    workers = await client.get("/workers", params={"station": "S1"})
    # Worker numbers as links (a bare "W2" can occur inside the page's random CSRF token).
    assert re.findall(r">(W\d)</a>", workers.text) == ["W1"] and "社工站1" in workers.text


async def test_a_list_reloaded_by_a_pick_sends_the_picked_name_out_of_band(w, client):
    await login(client, "bureau")
    fragment = await client.get("/certificates", params={"station": "S1"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert 'id="station-picked" data-picked hx-swap-oob="true">社工站1</div>' in fragment.text


async def test_the_stations_list_picks_its_organisation_by_name_instead_of_listing_them_all(w, client):
    for i in range(30):
        await Organisation.create(name=f"无站机构{i:02d}")
    await login(client, "admin")
    page = await client.get("/stations")
    assert '<select class="form-select" id="organisation"' not in page.text
    assert "无站机构" not in page.text  # no organisation is sent with the page
    assert 'list="organisation-options"' in page.text
    picked = await client.get("/stations", params={"organisation": "秦淮社工服务中心"})
    codes = re.findall(r'<a href="/stations/\d+">(S\d)</a>', picked.text)
    assert codes == ["S3", "S4"]
    unknown = await client.get("/stations", params={"organisation": "不存在的机构"})
    assert re.findall(r'<a href="/stations/\d+">(S\d)</a>', unknown.text) == []
    assert "No organisation with this name in your scope." in unknown.text
    # An id (the links of an organisation's page) still filters.
    by_id = await client.get("/stations", params={"organisation": str(w["orgs"][0].id)})
    assert re.findall(r'<a href="/stations/\d+">(S\d)</a>', by_id.text) == ["S1", "S2"]


async def test_a_bureau_cannot_pick_another_countys_organisation_on_the_stations_list(w, client):
    await login(client, "bureau")
    page = await client.get("/stations", params={"organisation": "秦淮社工服务中心"})
    assert re.findall(r'<a href="/stations/\d+">(S\d)</a>', page.text) == []
    assert "No organisation with this name in your scope." in page.text


@pytest.mark.parametrize("url", ["/pay", "/pay/retention", "/supervision"])
async def test_the_region_filters_of_pay_and_supervision_are_pickers_naming_the_code(w, client, url):
    # The bureau of 玄武区 (320102): its own street 梅园新村街道 is named beside the code; 秦淮区 is not its own.
    await login(client, "bureau")
    page = await client.get(url, params={"region": "320102001"})
    assert re.search(r'<input type="text"[^>]*name="region" value="320102001"[^>]*list="region-options"', page.text)
    assert 'id="region-picked" data-picked>梅园新村街道</div>' in page.text
    outside = await client.get(url, params={"region": "320104"})
    assert "No region with this code in your scope." in outside.text
    fragment = await client.get(url, params={"region": "320102001"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert 'id="region-picked" data-picked hx-swap-oob="true">梅园新村街道</div>' in fragment.text


def test_no_template_asks_for_a_place_or_subject_code_in_a_bare_text_input():
    # A filter or form field for a region, station, organisation or subject is the picker macro (or a form's
    # lookup field): a plain input here would make people type codes with nothing to pick from.
    from pathlib import Path

    bare = re.compile(
        r'<input(?![^>]*type="(?:hidden|date|number|checkbox|radio)")[^>]*'
        r'name="(?:region|region_code|parent_code|station|station_code|organisation|subject|subject_code)"'
    )
    found = [
        str(path)
        for path in Path("templates").rglob("*.html")
        if path.name != "_picker.html" and bare.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
