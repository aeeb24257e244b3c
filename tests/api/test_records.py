"""The JSON API's record endpoints answer with the domains' read models, inside the caller's scope, with the
same numbers as the pages."""

from datetime import date

from talent.certification.models import Certificate
from talent.imports.framework import get_kind
from talent.people.schemas import WorkerOut
from talent.places.schemas import StationOut
from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries


def test_a_worker_read_model_has_the_workers_kinds_columns_in_their_order():
    # An export row is the read model's values, so it re-imports unchanged.
    import talent.domains

    talent.domains.load()
    assert list(WorkerOut.model_fields) == [c.key for c in get_kind("workers").spec.columns]
    assert list(StationOut.model_fields) == [c.key for c in get_kind("stations").spec.columns]


async def test_a_county_bureau_lists_only_its_workers_with_their_stations(client):
    await world()
    await login(client, "bureau")
    body = (await client.get("/api/v1/workers")).json()
    # W1 and W2 work at S1 and S2 in county A; W3 and W4 are in county B.
    assert [(w["worker_no"], w["stations"]) for w in body["items"]] == [("W1", ["S1"]), ("W2", ["S2"])]
    assert body["total"] == 2 and body["pages"] == 1
    assert "工作者3" not in (await client.get("/api/v1/workers?q=工作者")).text


async def test_a_worker_outside_the_scope_is_not_found_and_says_nothing_of_them(client):
    await world()
    await login(client, "bureau")
    assert (await client.get("/api/v1/workers/W1")).json()["name"] == "工作者1"
    response = await client.get("/api/v1/workers/W3")
    assert response.status_code == 404 and "工作者3" not in response.text


async def test_phone_and_id_number_are_masked_unless_the_caller_may_see_them(client):
    await world()
    await login(client, "hr")
    assert (await client.get("/api/v1/workers/W1")).json()["phone"] == "13812345678"
    client.cookies.clear()
    await login(client, "supervisor")
    body = (await client.get("/api/v1/workers/W1")).json()
    # mask_phone keeps 3 + 4 digits, mask_id 4 + 4 characters.
    assert (body["phone"], body["id_number"]) == ("138****5678", "3201**********1234")


async def test_a_worker_may_not_list_workers(client):
    await world()
    await login(client, "worker")
    assert (await client.get("/api/v1/workers")).status_code == 403


async def test_stations_and_regions_are_those_of_the_scope(client):
    await world()
    await login(client, "bureau")
    stations = (await client.get("/api/v1/stations")).json()["items"]
    assert [(s["code"], s["region_code"], s["organisation"]) for s in stations] == [
        ("S1", "320102001", "玄武社工服务中心"),
        ("S2", "320102001", "玄武社工服务中心"),
    ]
    regions = (await client.get("/api/v1/regions")).json()["items"]
    # The county's own parent (the city) is out of its reach, but named by its code as the regions kind names it.
    assert regions == [
        {"code": "320102", "name": "玄武区", "level": "county", "parent_code": "320100"},
        {"code": "320102001", "name": "梅园新村街道", "level": "township", "parent_code": "320102"},
    ]


async def test_certificate_standing_is_the_rows_of_the_certificates_page(client):
    w = await world()
    await Certificate.create(worker=w["workers"][0], level="assistant", number="A-API-1", obtained_on=date(2023, 6, 1))
    await login(client, "hr")
    items = (await client.get("/api/v1/certificates?q=W1")).json()["items"]
    assert [(i["worker_no"], i["cert_level"], i["cert_number"]) for i in items] == [("W1", "assistant", "A-API-1")]
    page = await client.get("/certificates?q=W1")
    assert "A-API-1" in page.text and items[0]["cert_status"] in page.text


async def test_the_workers_list_costs_the_same_queries_for_2_and_40_workers(client):
    from tests.courses.helpers import more_workers

    w = await world()
    await login(client, "bureau")
    async with count_queries() as few:
        await client.get("/api/v1/workers?per_page=100")
    await more_workers(w["stations"][0], 38)
    async with count_queries() as many:
        body = (await client.get("/api/v1/workers?per_page=100")).json()
    assert body["total"] == 40 and many.count == few.count


async def test_control_characters_in_a_worker_number_or_a_search_are_no_error(client):
    await world()
    await login(client, "bureau")
    assert (await client.get("/api/v1/workers/W1%00")).status_code == 404
    search = await client.get("/api/v1/workers?q=W1%00")
    # Refused as bad input by the request guard, or searched without the NUL: never a server error.
    assert search.status_code in (200, 400, 422)
    if search.status_code == 200:
        assert [w["worker_no"] for w in search.json()["items"]] == ["W1"]
