"""The main menu: the sections the viewer may open, the one the page is in marked, in the reader's language. It is
rendered once per set of sections, marked section and language (templating.nav_sections), so these follow one
account through several pages, languages and accounts that share a role."""

import re

import httpx

from talent.accounts import services as account_services
from talent.core.access import Role
from tests.conftest import PASSWORD, login
from tests.factories import world

ZH = {"accept-language": "zh-CN,zh;q=0.9"}
MENU = re.compile(r'<ul class="navbar-nav me-auto" id="nav-sections">.*?\n</ul>', re.S)
CURRENT = re.compile(r'class="[^"]*active" aria-current="page" href="([^"]+)"')


def menu_of(html: str) -> str:
    found = MENU.search(html)
    assert found, "no menu on the page"
    return found[0]


async def test_the_menu_marks_the_section_of_each_page_in_the_readers_language(client):
    await world()
    await login(client, "citybureau")
    workers = menu_of((await client.get("/workers")).text)
    certificates = menu_of((await client.get("/certificates")).text)
    worker_record = menu_of((await client.get("/workers?q=nobody")).text)
    assert CURRENT.findall(workers) == ["/workers"]
    assert CURRENT.findall(certificates) == ["/certificates"]
    assert worker_record == workers  # the same section: the same menu
    chinese = menu_of((await client.get("/workers", headers=ZH)).text)
    assert CURRENT.findall(chinese) == ["/workers"]
    assert ">社工</a>" in chinese and ">Workers</a>" in workers and "Workers" not in chinese


async def test_each_worker_menu_links_to_their_own_record(app):
    w = await world()
    other = w["workers"][1]
    await account_services.user_create(
        actor=None, username="worker2", password=PASSWORD, role=Role.WORKER, worker_id=other.id
    )
    menus = {}
    for username in ("worker", "worker2"):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)), base_url="http://testserver"
        ) as client:
            await login(client, username)
            menus[username] = menu_of((await client.get("/courses/my")).text)
    assert f'href="/workers/{w["workers"][0].id}"' in menus["worker"]
    assert f'href="/workers/{other.id}"' in menus["worker2"]
    assert f'href="/workers/{other.id}"' not in menus["worker"]
