"""The help page: each role reads its own guide, in both languages, reachable from the account menu, and every
link it gives opens a page that role may see."""

import re

import pytest

from talent.core.access import Role
from talent.help.guides import GUIDES
from tests.conftest import login, text_of
from tests.factories import world

ZH = {"accept-language": "zh-CN,zh;q=0.9"}
LINK = re.compile(r'<a class="btn btn-outline-primary btn-sm" href="([^"]+)">')


async def test_every_role_has_a_guide_with_steps_and_links():
    assert set(GUIDES) == set(Role)
    for guide in GUIDES.values():
        assert guide.jobs and all(job.steps and job.links for job in guide.jobs)


@pytest.mark.parametrize(
    ("username", "heading", "job"),
    [
        ("worker", "Social worker", "Prepare for the exam"),
        ("bureau", "Civil-affairs bureau", "Set pay standards and check compliance"),
        ("hr", "HR", "Record salaries"),
        ("supervisor", "Supervisor", "Record supervision sessions"),
        ("admin", "Administrator", "Manage accounts"),
    ],
)
async def test_each_role_reads_its_own_help_and_every_link_opens(client, username, heading, job):
    w = await world()
    await login(client, username)
    response = await client.get("/help")
    assert response.status_code == 200
    page = text_of(response.text)
    assert f"Help {heading}" in page and job in page
    # Another role's job is not on this page.
    others = {"worker": "Manage accounts", "admin": "Prepare for the exam"}
    assert others.get(username, "Prepare for the exam") not in page
    links = LINK.findall(response.text)
    assert links
    for href in links:
        assert (await client.get(href)).status_code == 200, href
    if username == "worker":
        # The worker's own record and certificates, by their id.
        assert f"/workers/{w['workers'][0].id}" in links and f"/certificates/workers/{w['workers'][0].id}" in links


async def test_the_help_page_is_in_chinese_for_a_chinese_reader_and_linked_from_the_account_menu(client):
    await world()
    await login(client, "worker")
    home = await client.get("/", headers=ZH)
    assert 'href="/help" id="nav-help">帮助</a>' in home.text
    page = text_of((await client.get("/help", headers=ZH)).text)
    assert "帮助" in page and "备考" in page and "Prepare for the exam" not in page


async def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = await client.get("/help")
    assert response.status_code in (303, 401)
