"""Supervision pages: the pool, a profile with its assignments, the forms, coverage and a supervisor's own page;
what each role sees (another jurisdiction's sentinel name never appears) and constant query counts."""

from datetime import date

from talent.supervision.models import Assignment, Supervisor, SupervisorExpertise
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.querycount import count_queries


async def _based(w, name: str, county: str, tags=("儿童保护",)) -> Supervisor:
    sup = await Supervisor.create(
        name=name, region=w["regions"][county], affiliation="某大学", affiliation_type="university"
    )
    for tag in tags:
        await SupervisorExpertise.create(supervisor=sup, tag=tag)
    return sup


async def test_the_pool_lists_a_bureaus_supervisors_and_never_another_countys(client, db):
    w = await world()
    await _based(w, "县甲哨兵督导", "county_a")
    await _based(w, "县乙哨兵督导", "county_b")
    await login(client, "bureau")
    page = await client.get("/supervision")
    assert page.status_code == 200
    assert "县甲哨兵督导" in page.text and "督导甲" in page.text
    assert "县乙哨兵督导" not in page.text
    fragment = await client.get("/supervision", params={"expertise": "儿童保护"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "县甲哨兵督导" in fragment.text and "督导甲" not in fragment.text
    hidden = await Supervisor.get(name="县乙哨兵督导")
    assert (await client.get(f"/supervision/supervisors/{hidden.id}")).status_code == 404


async def test_a_pool_row_shows_the_affiliation_tags_region_and_stations_assigned_now(client, db):
    w = await world()
    await _based(w, "县甲行督导", "county_a", tags=("儿童保护", "社区矫正"))
    await login(client, "bureau")
    rows = text_of((await client.get("/supervision")).text)
    # Based in county A with two tags (by tag), no station; 督导甲 of the world is in the national pool, assigned S1.
    assert "县甲行督导 某大学 University 儿童保护 社区矫正 — 玄武区 0" in rows
    assert "督导甲 — Social-work organisation — National pool 1" in rows


async def test_a_search_finds_a_supervisor_in_reach_by_an_expertise_tag_and_never_one_out_of_reach(client, db):
    w = await world()
    await _based(w, "县甲哨兵督导", "county_a", tags=("青少年司法社工",))
    await _based(w, "县乙哨兵督导", "county_b", tags=("青少年司法社工",))
    for role, shown, hidden in (
        ("bureau", ["县甲哨兵督导"], ["县乙哨兵督导"]),
        ("admin", ["县甲哨兵督导", "县乙哨兵督导"], []),
    ):
        await login(client, role)
        # Neither name, affiliation nor profile holds "司法": the tag alone finds them.
        found = text_of((await client.get("/supervision", params={"q": "司法"})).text)
        assert all(name in found for name in shown) and not any(name in found for name in hidden), role
        assert "督导甲" not in found
        client.cookies.clear()


async def test_a_bureau_creates_a_profile_and_assigns_it_and_a_clash_comes_back_on_the_form(client, db):
    w = await world()
    await login(client, "bureau")
    assert (await client.get("/supervision/supervisors/new")).status_code == 200
    created = await post(
        client,
        "/supervision/supervisors",
        {
            "name": "新督导",
            "affiliation_type": "organisation",
            "affiliation": "玄武社工协会",
            "region_code": "320102",
            "expertise": "社区治理、社会救助",
            "active": "1",
        },
    )
    assert created.status_code == 303, created.text[:2000]
    sup = await Supervisor.get(name="新督导")
    detail = await client.get(created.headers["location"])
    assert "社区治理" in detail.text and "玄武社工协会" in detail.text
    clash = await post(
        client,
        f"/supervision/supervisors/{sup.id}/assignments",
        {"station_code": "S1", "start_on": "2026-01-01", "is_primary": "1"},
        headers={"HX-Request": "true"},
    )
    assert clash.status_code == 422
    assert "督导甲" in text_of(clash.text) and "<html" not in clash.text
    ok = await post(
        client,
        f"/supervision/supervisors/{sup.id}/assignments",
        {"station_code": "S2", "start_on": "2026-01-01", "is_primary": "1"},
    )
    assert ok.status_code == 303
    assert await Assignment.filter(supervisor_id=sup.id, station_id=w["stations"][1].id, is_primary=True).exists()
    outside = await post(
        client, f"/supervision/supervisors/{sup.id}/assignments", {"station_code": "S3", "start_on": "2026-01-01"}
    )
    assert outside.status_code == 422 and "No station with this code in your scope" in outside.text


async def test_coverage_pages_show_the_worked_figures_and_drill_down(client, db):
    await world()
    await login(client, "citybureau")
    page = await client.get("/supervision/coverage")
    text = text_of(page.text)
    assert page.status_code == 200
    assert "25.0%" in text and "玄武区" in text and "秦淮区" in text
    assert "Back to the top" not in page.text
    county = await client.get("/supervision/coverage", params={"region": "320102"})
    assert "50.0%" in text_of(county.text) and "Back to the top" in county.text
    uncovered = await client.get("/supervision/coverage/uncovered", params={"region": "320102"})
    assert "社工站2" in uncovered.text and "社工站1" not in uncovered.text
    client.cookies.clear()
    await login(client, "bureau")
    assert (await client.get("/supervision/coverage", params={"region": "320104"})).status_code == 404


async def test_a_supervisor_sees_their_stations_and_not_others_and_hr_and_workers_may_not_assign(client, db):
    await world()
    await login(client, "supervisor")
    mine = await client.get("/supervision/mine")
    assert mine.status_code == 200
    assert "社工站1" in mine.text and "社工站3" not in mine.text
    assert (await client.get("/supervision/coverage")).status_code == 403
    client.cookies.clear()
    await login(client, "worker")
    assert (await client.get("/supervision")).status_code == 403


async def test_the_pool_list_sends_the_same_number_of_queries_for_3_and_30_supervisors(client, db):
    w = await world()
    await login(client, "admin")

    async def queries() -> int:
        await client.get("/supervision?per_page=50")
        async with count_queries() as counter:
            response = await client.get("/supervision?per_page=50")
        assert response.status_code == 200
        return counter.count

    for i in range(2):
        sup = await _based(w, f"督导{i}", "county_a", tags=("儿童保护", f"标签{i}"))
        await Assignment.create(supervisor=sup, station=w["stations"][1], start_on=date(2025, 1, 1), is_primary=False)
    few = await queries()
    for i in range(2, 29):
        sup = await _based(w, f"督导{i}", "county_b", tags=("社区治理", f"标签{i}"))
        await Assignment.create(supervisor=sup, station=w["stations"][2], start_on=date(2025, 1, 1), is_primary=False)
    assert await queries() == few
