from talent.core.pagination import ListParams
from talent.places import selectors
from talent.places.models import StationTier
from tests.factories import world
from tests.places.helpers import scope_of


async def _codes(scope) -> list[str]:
    page = await selectors.station_list(scope=scope, params=ListParams())
    return [s["code"] for s in page.items]


async def test_a_county_bureau_does_not_see_the_other_countys_stations(db):
    w = await world()
    scope = await scope_of(w["users"]["bureau"])
    assert await _codes(scope) == ["S1", "S2"]
    assert await selectors.station_for_code(scope=scope, code="S3") is None
    assert (await selectors.station_for_code(scope=scope, code="S1")).id == w["stations"][0].id
    # A list's station filter names its station only when the viewer may see it.
    assert await selectors.station_name_for_code(scope=scope, code="S1") == "社工站1"
    assert await selectors.station_name_for_code(scope=scope, code="S3") == ""
    assert await selectors.station_name_for_code(scope=scope, code="") == ""
    assert [r["code"] for r in await selectors.station_suggest(scope=scope, term="S")] == ["S1", "S2"]


async def test_a_city_bureau_sees_both_counties_and_admin_sees_everything(db):
    w = await world()
    assert await _codes(await scope_of(w["users"]["citybureau"])) == ["S1", "S2", "S3", "S4"]
    assert await _codes(await scope_of(w["users"]["admin"])) == ["S1", "S2", "S3", "S4"]


async def test_hr_sees_only_its_own_organisations_stations_and_the_organisation_itself(db):
    w = await world()
    scope = await scope_of(w["users"]["hr"])
    assert await _codes(scope) == ["S1", "S2"]
    assert await selectors.station_for_code(scope=scope, code="S4") is None
    orgs = await selectors.organisation_list(scope=scope, params=ListParams())
    assert [(o["name"], o["station_count"]) for o in orgs.items] == [("玄武社工服务中心", 2)]
    assert await selectors.organisation_for_name(scope=scope, name="秦淮社工服务中心") is None
    # HR is given no regions to browse; suggestions are empty rather than an error.
    assert await selectors.region_for_code(scope=scope, code="320102001") is None
    assert await selectors.region_suggest(scope=scope, term="32") == []


async def test_a_supervisor_sees_only_assigned_stations(db):
    w = await world()
    assert await _codes(await scope_of(w["users"]["supervisor"])) == ["S1"]


async def test_regions_are_limited_to_the_bureaus_subtree(db):
    w = await world()
    scope = await scope_of(w["users"]["bureau"])
    page = await selectors.region_list(scope=scope, params=ListParams())
    assert [r["code"] for r in page.items] == ["320102", "320102001"]
    assert await selectors.region_for_code(scope=scope, code="320104001") is None
    assert (await selectors.region_for_code(scope=scope, code="320102001")).id == w["regions"]["street_a"].id
    township = await selectors.township_suggest(scope=scope, term="")
    assert [r["code"] for r in township] == ["320102001"]


async def test_a_region_page_counts_stations_in_its_whole_subtree(db):
    w = await world()
    scope = await scope_of(w["users"]["citybureau"])
    city = await selectors.region_get(scope=scope, region_id=w["regions"]["city"].id)
    detail = await selectors.region_detail(scope=scope, region=city)
    # 2 stations under 320102001 + 2 under 320104001
    assert detail["station_count"] == 4
    assert [c.code for c in detail["children"]] == ["320102", "320104"]
    # The province is above the city bureau: shown in the breadcrumb but not as a link.
    assert [(a.code, visible) for a, visible in detail["ancestors"]] == [("320000", False)]


async def test_a_bureau_sees_national_ancestor_and_own_tiers_but_not_a_sibling_countys(db):
    w = await world()
    await StationTier.create(name="市级", region=w["regions"]["city"])
    await StationTier.create(name="玄武", region=w["regions"]["county_a"])
    await StationTier.create(name="秦淮", region=w["regions"]["county_b"])
    page = await selectors.tier_list(scope=await scope_of(w["users"]["bureau"]), params=ListParams())
    assert sorted(t["name"] for t in page.items) == sorted(["2.0", "市级", "玄武"])


async def test_a_jurisdictions_organisations_sorted_by_region_are_read_beside_their_total(db, monkeypatch):
    # A jurisdiction's few organisations: sorted by their region's name, each one's region is probed and the page
    # read at once with the count (paginate's related_by_probe); the administrator's, the country's, wait for it.
    from talent.core import pagination
    from tests.querycount import count_queries

    w = await world()
    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    for role, together in (("citybureau", [2]), ("admin", [])):
        gathered.clear()
        async with count_queries() as counted:
            page = await selectors.organisation_list(
                scope=await scope_of(w["users"][role]), params=ListParams(sort="-region")
            )
        # By their regions' names, descending: 秦淮区 before 玄武区 (the opposite of the list's default, by name).
        assert [o["name"] for o in page.items] == ["秦淮社工服务中心", "玄武社工服务中心"] and page.total == 2, role
        assert gathered == together, role
        # Both probe here (the administrator's two organisations are under PROBED_SORT_MAX_ROWS), but the
        # administrator's only once its total is read.
        assert any("ORDER BY (SELECT" in sql for sql in counted.statements), role


async def test_an_organisation_operating_two_stations_is_listed_once(db):
    w = await world()
    page = await selectors.organisation_list(scope=await scope_of(w["users"]["citybureau"]), params=ListParams())
    assert [(o["name"], o["station_count"]) for o in page.items] == [("玄武社工服务中心", 2), ("秦淮社工服务中心", 2)]
    assert page.total == 2


async def test_organisations_are_counted_in_the_pages_own_statement_for_its_rows(db):
    from tests.querycount import count_queries

    w = await world()
    for role in ("citybureau", "admin"):
        scope = await scope_of(w["users"][role])
        async with count_queries() as counted:
            page = await selectors.organisation_list(scope=scope, params=ListParams(per_page=1))
        # The total and the page, which counts the stations in scope of its one organisation (paginate's shown).
        assert counted.count == 2, (role, counted.statements)
        assert [(o["name"], o["station_count"]) for o in page.items] == [("玄武社工服务中心", 2)], role
        assert page.total == 2, role


async def test_a_stations_page_counts_each_stations_current_full_time_workers_in_its_own_statement(db):
    from datetime import date

    from talent.people.models import EmploymentSpell, Worker
    from talent.staffing.selectors import headcount_column
    from tests.querycount import count_queries

    w = await world()
    s1, s2 = w["stations"][:2]
    # tests.factories.world: W1–W4 full-time at S1–S4 since 2022. At S1 a second worker full-time with two spells (a
    # worker counts once) and a third whose spell ended; at S2 one part-time: S1 2, S2 1, S3 1, S4 1 on 2026-12-01.
    second, gone, part = [await Worker.create(worker_no=f"X{i}", name=f"另{i}") for i in range(3)]
    for start in (date(2023, 1, 1), date(2024, 1, 1)):
        await EmploymentSpell.create(worker=second, station=s1, start_on=start, full_time=True)
    await EmploymentSpell.create(worker=gone, station=s1, start_on=date(2022, 1, 1), end_on=date(2026, 11, 30))
    await EmploymentSpell.create(worker=part, station=s2, start_on=date(2022, 1, 1), full_time=False)
    scope = await scope_of(w["users"]["admin"])
    async with count_queries() as counted:
        page = await selectors.station_list(
            scope=scope, params=ListParams(), shown={"headcount": headcount_column(today=date(2026, 12, 1))}
        )
    assert {s["code"]: s["headcount"] for s in page.items} == {"S1": 2, "S2": 1, "S3": 1, "S4": 1}
    # The total and the page, which counts them; the day written in, not bound.
    assert counted.count == 2 and "2026-12-01" in counted.statements[-1]
