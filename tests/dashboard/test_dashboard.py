import html
import re
from datetime import date, timedelta

import pytest

from talent.accounts.selectors import scope_for
from talent.certification.models import Certificate
from talent.core.clock import local_today
from talent.dashboard.selectors import dashboard_figures
from talent.people.models import EmploymentSpell
from talent.places.models import CertLevel
from tests.conftest import login, text_of
from tests.factories import world
from tests.querycount import count_queries


async def test_the_county_bureau_figures_count_only_its_own_stations_and_workers(db):
    w = await world()
    today = local_today()
    # County A has S1 and S2 with W1 and W2 (full-time since 2022). W1 holds a certificate; W2 left 10 days ago;
    # W3 at S3 (county B) is certified too but outside the scope.
    await Certificate.create(
        worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=date(2023, 6, 1)
    )
    await Certificate.create(
        worker=w["workers"][2], level=CertLevel.ASSISTANT, number="C3", obtained_on=date(2023, 6, 1)
    )
    await EmploymentSpell.filter(worker=w["workers"][1]).update(
        end_on=today - timedelta(days=10), exit_type="voluntary", exit_reason="pay"
    )
    user = w["users"]["bureau"]
    await user.fetch_related("region")
    figures = await dashboard_figures(scope=await scope_for(user, today=today), today=today)
    # stations: S1, S2 → 2; headcount: W1 only → 1; certified: W1 → 1; exits in 12 months: W2 → 1.
    assert figures == {"stations": 2, "headcount": 1, "certified": 1, "exits_12m": 1}


async def test_the_dashboard_page_shows_the_rate_and_costs_the_same_queries_for_any_size(client):
    w = await world()
    await login(client, "admin")
    async with count_queries() as few:
        response = await client.get("/")
    assert response.status_code == 200
    # Admin sees 4 full-time workers, none certified: the rate reads 0.0%.
    assert "0.0%" in response.text
    for i in range(20):
        await EmploymentSpell.create(
            worker=w["workers"][i % 4],
            station=w["stations"][i % 4],
            start_on=date(2010 + i % 5, 1, 1),
            end_on=date(2010 + i % 5, 6, 1),
        )
    async with count_queries() as many:
        await client.get("/")
    assert few.count == many.count


CARD = re.compile(
    r'<a class="card h-100 text-decoration-none" href="([^"]+)">.*?<div class="stat">([\d,]+)</div>', re.S
)
ATTENTION = re.compile(r'<a href="(/reports/list/\w+\?[^"]+)">[^<]+</a>: <strong class="attention-\w+">(\d+)</strong>')
TOTAL = re.compile(r"–[\d,]+ of ([\d,]+)")


async def _list_total(client, href: str) -> int:
    text = (await client.get(html.unescape(href))).text
    match = TOTAL.search(text)
    return int(match.group(1).replace(",", "")) if match else 0


@pytest.mark.parametrize("username", ["admin", "citybureau", "bureau", "hr", "supervisor"])
async def test_every_card_opens_a_list_of_exactly_the_rows_it_counts(client, username):
    from tests.analytics.data import build

    w = await build()
    today = local_today()
    # Recent events so that every card counts something: W1 certified; W5's twin left last month.
    await Certificate.create(
        worker=w["workers"][0], level=CertLevel.ASSISTANT, number="C1", obtained_on=date(2023, 6, 1)
    )
    await EmploymentSpell.filter(worker=w["workers"][3], end_on=None).update(
        end_on=today - timedelta(days=30), exit_type="voluntary", exit_reason="pay"
    )
    await login(client, username)
    page = (await client.get("/")).text
    cards = CARD.findall(page)
    assert len(cards) == 4
    for href, number in cards:
        assert await _list_total(client, href) == int(number.replace(",", "")), href
    # The registration headings open the certificates they count, too (W1's certificate, never registered, has
    # lapsed: W1 works at S1, in every scope here).
    headings = ATTENTION.findall(page)
    assert len(headings) == 4
    for href, number in headings:
        assert await _list_total(client, href) == int(number), href


async def test_a_city_bureau_sees_its_counties_and_a_county_bureau_its_townships(client):
    from tests.analytics.data import build

    await build()
    await login(client, "citybureau")
    city = text_of((await client.get("/")).text)
    assert "By County / district" in city and "玄武区" in city and "秦淮区" in city
    await login(client, "bureau")
    county = text_of((await client.get("/")).text)
    assert (
        "By Township / street" in county and "梅园新村街道" in county and "玄武区" not in county.split("By Township")[1]
    )
