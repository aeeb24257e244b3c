"""A page sends the same statements whatever it holds: an empty page of a list asks what a full one asks (its
related rows and counts for no ids), and a worker's certificates cost the same with none or several registered.
The goal of the national-scale work is that statement counts do not depend on the data (bench/pages.py
--scale-compare compares every URL on the small and the national demo); these are the shapes that had differed."""

from datetime import date
from decimal import Decimal

import pytest

from talent.certification.models import CeCredit, Certificate
from talent.supervision.models import SupervisorExpertise
from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries


async def _statements(client, url: str) -> tuple[int, str]:
    await client.get(url)  # warm-up: the session's touch and the like happen once
    async with count_queries() as counter:
        response = await client.get(url)
    assert response.status_code == 200, url
    return counter.count, response.text


# (role, path with a search that finds rows, the text of a row it shows, the same path finding none)
LISTS = [
    ("admin", "/workers?q=W1", "工作者1"),
    ("admin", "/workers?station=S1", "工作者1"),
    ("citybureau", "/certificates?q=W1", "工作者1"),
    ("hr", "/certificates?station=S1", "工作者1"),
    ("admin", "/stations?q=S1", "社工站1"),
    ("citybureau", "/stations/organisations?q=玄武", "玄武社工服务中心"),
    ("admin", "/supervision?q=督导甲", "督导甲"),
    ("admin", "/supervision?expertise=儿童保护", "督导甲"),
]


@pytest.mark.parametrize(("role", "full", "shown"), LISTS)
async def test_an_empty_page_of_a_list_sends_the_statements_of_a_full_one(client, role, full, shown):
    w = await world()
    supervisor = w["users"]["supervisor"]
    await SupervisorExpertise.create(supervisor_id=(await supervisor.supervisor).id, tag="儿童保护")
    await login(client, role)
    found, html = await _statements(client, full)
    assert shown in html  # the full page shows its row
    empty = full.replace("W1", "无此人").replace("S1", "S9").replace("玄武", "无此机构")
    empty = empty.replace("督导甲", "无此督导").replace("儿童保护", "无此专长")
    none, html = await _statements(client, empty)
    assert shown not in html
    assert none == found


async def test_a_workers_certificates_cost_the_same_statements_with_none_or_two_registered(client):
    w = await world()
    await login(client, "admin")
    worker = w["workers"][0]
    url = f"/certificates/workers/{worker.id}"
    without, _ = await _statements(client, url)
    for level, day in (("assistant", date(2021, 3, 1)), ("intermediate", date(2024, 3, 1))):
        await Certificate.create(worker=worker, level=level, number=f"N-{level}", obtained_on=day, registered_on=day)
    await CeCredit.create(worker=worker, hours=Decimal("12.5"), source="course", earned_on=date(2024, 5, 1))
    with_two, html = await _statements(client, url)
    assert "N-intermediate" in html and "N-assistant" in html and "12.5" in html
    assert with_two == without
