from tests.conftest import login
from tests.factories import world


async def test_every_places_page_renders_for_an_admin(client):
    w = await world()
    await login(client, "admin")
    for url in [
        "/regions",
        "/regions?level=county&q=32&sort=-name",
        f"/regions/{w['regions']['city'].id}",
        "/regions/new?parent=320100",
        f"/regions/{w['regions']['city'].id}/edit",
        "/regions/suggest?q=32",
        "/regions/suggest?region_code=玄&level=township",
        "/stations/organisations",
        "/stations/organisations?sort=-region",
        f"/stations/organisations/{w['orgs'][0].id}",
        f"/stations/organisations/{w['orgs'][0].id}/edit",
        "/stations/organisations/new",
        "/stations/organisations/suggest?q=玄",
        "/stations/tiers",
        "/stations/tiers/new",
        f"/stations/tiers/{w['tier'].id}",
        f"/stations/tiers/{w['tier'].id}/edit",
        "/stations",
        "/stations?sort=-tier&q=S",
        f"/stations?tier={w['tier'].id}&organisation={w['orgs'][0].id}",
        "/stations/new",
        f"/stations/{w['stations'][0].id}",
        f"/stations/{w['stations'][0].id}/edit",
        "/stations/suggest?q=S",
    ]:
        r = await client.get(url)
        assert r.status_code == 200, (url, r.text[-2000:])
