"""A read asked twice within one reading request is computed once (talent.core.memo); a request that writes, and
code outside a request, compute every time."""

import asyncio

from courses.catalog.access import station_paths
from talent.core.access import Role, Scope
from talent.core.clock import local_today
from talent.core.memo import once, request_memo
from talent.web.security import WebMiddleware
from tests.analytics.data import build
from tests.analytics.test_pages import PERIOD
from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries


async def test_once_computes_a_key_once_within_a_memo_and_every_time_outside_one():
    calls = []

    async def compute():
        calls.append(1)
        return len(calls)

    assert [await once("k", compute), await once("k", compute)] == [1, 2]
    with request_memo():
        assert [await once("k", compute), await once("k", compute), await once("other", compute)] == [3, 3, 4]
    with request_memo():  # the next request starts empty
        assert await once("k", compute) == 5


async def test_the_middleware_keeps_a_memo_for_a_get_and_none_for_a_post():
    computed: list[str] = []

    async def app(scope, receive, send):
        for _ in range(2):
            await once("question", lambda: _note(computed, scope["method"]))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    for method in ("GET", "POST"):
        scope = {"type": "http", "method": method, "path": "/", "headers": [], "query_string": b""}
        await WebMiddleware(app)(scope, receive, send)
    assert computed == ["GET", "POST", "POST"]


async def _note(computed: list[str], method: str) -> None:
    computed.append(method)


async def _statements_of_a_visit(client, role: str, url: str) -> list[str]:
    await world()
    await login(client, role)
    async with count_queries() as counter:
        assert (await client.get(url)).status_code == 200
    return counter.statements


async def test_an_hrs_course_list_reads_its_station_paths_once(client):
    statements = await _statements_of_a_visit(client, "hr", "/courses")
    # The list and its filters both ask for the courses the viewer reaches: the stations' paths are read once.
    assert sum('DISTINCT "region_path"' in sql for sql in statements) == 1


async def test_station_paths_outside_a_request_read_the_stations_each_time(db):
    w = await world()
    scope = Scope(user_id=1, role=Role.HR, organisation_id=w["orgs"][0].id)
    async with count_queries() as counter:
        first = await station_paths(scope, local_today())
        second = await station_paths(scope, local_today())
    assert first == second == [w["regions"]["street_a"].path] and counter.count == 2


async def test_a_report_export_reads_the_bureaus_child_regions_once(client):
    await build()
    await login(client, "citybureau")
    async with count_queries() as counter:
        r = await client.get("/reports/children/export", params={**PERIOD, "format": "csv"})
    assert r.status_code == 200 and "玄武区" in r.content.decode("utf-8-sig")
    # Whether the city has districts, then their rows: both ask for its child regions, read once.
    assert sum('"parent_id"=' in sql and 'FROM "regions"' in sql for sql in counter.statements) == 1


async def test_a_key_asked_again_while_its_first_reading_runs_waits_for_that_reading():
    # Two panels of a page gathered at once ask the same question: one reading, whichever asks first.
    calls = []

    async def compute():
        calls.append(1)
        await asyncio.sleep(0)  # still reading when the second asks
        return len(calls)

    with request_memo():
        assert await asyncio.gather(once("k", compute), once("k", compute)) == [1, 1]
    assert calls == [1]


async def test_a_workers_home_reads_the_certification_catalogue_once(client):
    # Its certificate panel asks for the certification rules, its CE panel for the CE caps: both are the catalogue's,
    # read once (the panels are gathered on PostgreSQL, in turn on SQLite: either way one reading).
    statements = await _statements_of_a_visit(client, "worker", "/")
    assert sum("FROM ce_credit_rules" in sql for sql in statements) == 1
