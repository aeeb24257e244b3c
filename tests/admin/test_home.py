"""The administration home links every area an administrator looks after, and each link opens."""

from talent.admin.router import ADMIN_AREAS
from tests.conftest import login
from tests.factories import world


async def test_the_admin_home_links_every_admin_area_and_each_opens(client):
    await world()
    await login(client, "admin")
    page = await client.get("/admin")
    assert page.status_code == 200
    for href, _title, _text, _permission in ADMIN_AREAS:
        assert f'href="{href}"' in page.text, href
        assert (await client.get(href)).status_code == 200, href


async def test_a_bureau_may_not_open_the_admin_home(client):
    await world()
    await login(client, "bureau")
    assert (await client.get("/admin")).status_code == 403
