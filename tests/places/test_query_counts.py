"""List pages send the same number of queries whatever the number of rows."""

from datetime import date

from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Organisation, Region, RegionLevel, Station, StationTier
from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries


async def _queries(client, url: str) -> int:
    await client.get(url)  # warm-up (session touch and the like happen once)
    async with count_queries() as counter:
        response = await client.get(url)
    assert response.status_code == 200
    return counter.count


async def _more_stations(w, n: int) -> None:
    street = w["regions"]["street_a"]
    for i in range(n):
        station = await Station.create(
            code=f"M{i:03}",
            name=f"加站{i}",
            region=street,
            region_path=street.path,
            organisation=w["orgs"][0],
            tier=w["tier"],
        )
        worker = await Worker.create(worker_no=f"MW{i:03}", name=f"加人{i}")
        await EmploymentSpell.create(worker=worker, station=station, start_on=date(2023, 1, 1), full_time=True)


async def test_the_station_list_query_count_is_the_same_with_2_and_30_stations(client):
    w = await world()
    await login(client, "hr")  # HR of organisation A sees S1 and S2
    few = await _queries(client, "/stations")
    await _more_stations(w, 28)
    many = await _queries(client, "/stations?per_page=50")
    assert few == many


async def test_the_region_list_query_count_is_the_same_with_few_and_many_regions(client):
    w = await world()
    await login(client, "bureau")  # sees 320102 and 320102001
    few = await _queries(client, "/regions")
    county = w["regions"]["county_a"]
    for i in range(28):
        code = f"320102{i + 100:03}"
        await Region.create(
            code=code,
            name=f"街道{i}",
            level=RegionLevel.TOWNSHIP,
            parent=county,
            path=county.path + code + "/",
            depth=3,
        )
    many = await _queries(client, "/regions?per_page=50")
    assert few == many


async def test_the_organisation_and_tier_lists_query_counts_do_not_grow_with_rows(client):
    w = await world()
    await login(client, "admin")
    orgs_few = await _queries(client, "/stations/organisations")
    tiers_few = await _queries(client, "/stations/tiers")
    for i in range(28):
        await Organisation.create(name=f"机构{i}", region=w["regions"]["county_a"])
        await StationTier.create(name=f"档{i}", region=w["regions"]["county_a"])
    await _more_stations(w, 5)
    assert await _queries(client, "/stations/organisations?per_page=50") == orgs_few
    assert await _queries(client, "/stations/tiers?per_page=50") == tiers_few
