"""The worker and certificate lists at scale: the same number of queries on small and larger data whatever the
sort, filter or depth; "since" read for the rows shown only; the pager's cursor links walk every row once and
match the old numbered pages (which still answer); the bureau scope is a range, not a LIKE."""

import html
import re
from datetime import date, timedelta

import pytest

from talent.accounts.selectors import scope_for
from talent.certification import services as cert_services
from talent.certification.models import Certificate
from talent.core.clock import local_today
from talent.core.pagination import ListParams
from talent.people import selectors
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries

WORKER_URLS = [
    "/workers",
    "/workers?sort=-name",
    "/workers?sort=start",
    "/workers?status=all&sort=-start",
    "/workers?page=2&per_page=2",
    "/workers?q=W",
    "/workers?status=left",
]
CERTIFICATE_URLS = [
    "/certificates",
    "/certificates?level=none",
    "/certificates?sort=-expires",
    "/certificates?sort=level&page=2&per_page=2",
    "/certificates?status=none&sort=-name",
]


@pytest.fixture
async def w(db):
    data = await world()
    await cert_services.catalogue_seed()
    # W1 also left an earlier spell (so the "left" filter and blanks have rows) — W2 has a second, later active spell.
    left = await Worker.create(worker_no="L1", name="离职者", phone="13800000000")
    await EmploymentSpell.create(
        worker=left, station=data["stations"][0], start_on=date(2020, 1, 1), end_on=date(2021, 1, 1)
    )
    await EmploymentSpell.create(worker=data["workers"][1], station=data["stations"][1], start_on=date(2024, 3, 1))
    await Certificate.create(worker=data["workers"][0], level="assistant", number="A-1", obtained_on=date(2023, 1, 1))
    return data


async def _grow(w, n: int) -> None:
    """n more workers at S1 and S3, started on different days (every fifth has left), every third certified."""
    for i in range(n):
        worker = await Worker.create(worker_no=f"G{i:03d}", name=f"增{i}", phone="13800000000")
        station = w["stations"][0 if i % 2 else 2]
        start = date(2021, 1, 1) + timedelta(days=37 * i)
        end = date(2025, 1, 1) if i % 5 == 0 else None
        await EmploymentSpell.create(worker=worker, station=station, start_on=start, end_on=end)
        if i % 3 == 0:
            await Certificate.create(
                worker=worker,
                level="intermediate",
                number=f"I-{i}",
                obtained_on=date(2023, 1, 1),
                registered_on=date(2024, 1, 1),
                registration_expires_on=date(2027, 1, 1) + timedelta(days=i),
            )


async def _counts(client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        async with count_queries() as counter:
            response = await client.get(url)
        assert response.status_code == 200, url
        counts[url] = counter.count
    return counts


@pytest.mark.parametrize("username", ["admin", "citybureau", "hr"])
async def test_the_lists_cost_the_same_queries_on_small_and_larger_data(client, w, username):
    await login(client, username)
    small = await _counts(client, WORKER_URLS + CERTIFICATE_URLS)
    await _grow(w, 60)
    assert await _counts(client, WORKER_URLS + CERTIFICATE_URLS) == small
    # The worker list: count and page with its rows' current spells (and the session's reads), whatever the sort.
    assert small["/workers"] == small["/workers?sort=start"] == small["/workers?page=2&per_page=2"]


async def test_since_is_the_start_of_the_latest_active_spell_of_each_row_shown(w):
    # W2 holds S2 since 2022-01-01 and again since 2024-03-01 → since 2024-03-01; W1 since 2022-01-01; L1 has
    # no active spell → no since.
    scope = await scope_for(w["users"]["admin"], today=date(2026, 1, 1))
    page = await selectors.worker_list(scope=scope, params=ListParams(), today=date(2026, 1, 1), status="all")
    since = {worker.worker_no: worker.since for worker in page.items}
    assert since == {
        "L1": None,
        "W1": date(2022, 1, 1),
        "W2": date(2024, 3, 1),
        "W3": date(2022, 1, 1),
        "W4": date(2022, 1, 1),
    }


async def test_the_page_statement_carries_each_rows_current_spells_in_scope_latest_first(w):
    # W2 holds S2 since 2022-01-01 and since 2024-03-01; a third spell at S3 (organisation B) also starts 2024-03-01
    # and was created last, so it comes first of the two that day. L1's only spell ended. The administrator sees
    # all three of W2's; HR of organisation A only the two at S2. The list costs the count and the page alone.
    s3 = w["stations"][2]
    s3.name = '站"3\\'  # JSON's quote and backslash come back as written
    await s3.save()
    await EmploymentSpell.create(worker=w["workers"][1], station=s3, start_on=date(2024, 3, 1))
    shown = {}
    for username in ("admin", "hr"):
        scope = await scope_for(w["users"][username], today=date(2026, 1, 1))
        async with count_queries() as counter:
            page = await selectors.worker_list(scope=scope, params=ListParams(), today=date(2026, 1, 1), status="all")
        assert counter.count == 2, counter.statements
        shown[username] = {
            x.worker_no: [(s.start_on, s.station.code, s.station.name) for s in x.current] for x in page.items
        }
    assert shown["admin"]["W2"] == [
        (date(2024, 3, 1), "S3", '站"3\\'),
        (date(2024, 3, 1), "S2", "社工站2"),
        (date(2022, 1, 1), "S2", "社工站2"),
    ]
    assert shown["hr"]["W2"] == [(date(2024, 3, 1), "S2", "社工站2"), (date(2022, 1, 1), "S2", "社工站2")]
    assert shown["admin"]["L1"] == shown["hr"]["L1"] == []


async def test_sorting_by_since_puts_the_latest_start_first_descending(w):
    scope = await scope_for(w["users"]["admin"], today=date(2026, 1, 1))
    params = ListParams(sort="-start")
    page = await selectors.worker_list(scope=scope, params=params, today=date(2026, 1, 1))
    # Active only: W2 (2024-03-01), then W1, W3, W4 (2022-01-01) by id descending: W4, W3, W1.
    assert [worker.worker_no for worker in page.items] == ["W2", "W4", "W3", "W1"]


ROW = {
    "/workers": re.compile(r'<td class="text-nowrap"><a href="/workers/\d+">([^<]+)</a>'),
    "/certificates": re.compile(r'<td class="text-nowrap"><a href="/certificates/workers/\d+">([^<]+)</a>'),
}
# An enabled pager link (a disabled one sits in `page-item disabled`).
NEXT = re.compile(r'<li class="page-item">\s*<a class="page-link" rel="next" href="([^"]+)"')
PREV = re.compile(r'<li class="page-item">\s*<a class="page-link" rel="prev" href="([^"]+)"')


async def _rows(client, path: str, query: str) -> tuple[list[str], str | None, str | None]:
    response = await client.get(path + query)
    assert response.status_code == 200, query
    text = response.text
    nxt = [html.unescape(u) for u in NEXT.findall(text)]
    prv = [html.unescape(u) for u in PREV.findall(text)]
    return ROW[path].findall(text), (nxt[0] if nxt else None), (prv[0] if prv else None)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/workers", "?status=all&sort=start&per_page=7"),
        ("/workers", "?status=all&sort=-start&per_page=7"),
        ("/workers", "?sort=-name&per_page=7"),
        ("/certificates", "?sort=-expires&per_page=7"),
        ("/certificates", "?sort=level&per_page=7"),
    ],
)
async def test_the_pagers_links_walk_every_row_once_as_the_numbered_pages_do(client, w, path, query):
    await _grow(w, 40)
    await login(client, "admin")
    walked, link, pages = [], query, 0
    while link is not None:
        rows, link, _prev = await _rows(client, path, link)
        assert link is None or "after=" in link, link
        walked.append(rows)
        pages += 1
    numbered = [(await _rows(client, path, f"{query}&page={n}"))[0] for n in range(1, pages + 1)]
    assert walked == numbered
    everyone = [no for rows in walked for no in rows]
    assert len(everyone) == len(set(everyone)) and len(everyone) > 7 * 4
    # And back from the last page by the "previous" links.
    link, back = _prev, [walked[-1]]
    while link is not None:
        assert "before=" in link, link
        rows, _next, link = await _rows(client, path, link)
        back.insert(0, rows)
    assert back == walked


async def test_an_old_deep_page_link_still_answers_with_the_last_page(client, w):
    await login(client, "admin")
    # 4 active workers at 25 a page: page 1000 answers page 1 of 1.
    response = await client.get("/workers?page=1000&sort=start")
    assert response.status_code == 200
    assert sorted(ROW["/workers"].findall(response.text)) == ["W1", "W2", "W3", "W4"]


async def test_a_bureaus_lists_read_its_region_as_a_range_without_like(client, w):
    await login(client, "citybureau")
    for url in ("/workers", "/certificates"):
        async with count_queries() as counter:
            assert (await client.get(url)).status_code == 200
        sql = " ".join(counter.statements).upper()
        assert "LIKE" not in sql and 'PATH" AS VARCHAR' not in sql, url
        assert '"REGION_PATH">=' in sql.replace(" ", ""), url


@pytest.mark.parametrize(
    ("username", "urls"),
    [
        (
            "citybureau",
            (
                "/workers",
                "/workers?sort=start",
                "/workers?source=incubated",
                "/stations",
                "/stations?kind=township_station",
                "/regions",
                "/regions?level=city",
                "/pay/standards",
                "/pay/standards?status=draft",
                "/cohorts?kind=internal_incubation",
                "/stations/tiers",
                "/supervision/ce-rules",
                "/certificates/ce-rules",
            ),
        ),
        ("hr", ("/workers", "/stations", "/cohorts")),
        ("supervisor", ("/workers", "/stations")),
    ],
)
async def test_the_lists_write_the_scope_day_and_page_size_into_the_statement_and_bind_the_search(
    client, w, username, urls
):
    # A list filtered by nothing but the viewer's scope (a bureau's path, HR's organisation, a supervisor's stations),
    # the day and the codes of its filters (a kind, a source, a level, a status: checked against their Enum) has no
    # parameter, so PostgreSQL plans it once per connection (talent.core.sql.literal_date, literal_code); what the
    # request typed is still bound, never written in.
    await login(client, username)
    for url in urls:
        async with count_queries() as counter:
            assert (await client.get(url)).status_code == 200
        # The session's statement first; the count and the page next (the rows by the page's ids bind those ids).
        count, page = counter.params[1:3]
        assert (count or []) == [] and (page or []) == [], url
    async with count_queries() as counter:
        assert (await client.get("/workers?q=O'Brien")).status_code == 200
    # The count and the page search by LIKE: the term bound in each, never in their text.
    searching = [
        (sql, params) for sql, params in zip(counter.statements, counter.params, strict=True) if "LIKE" in sql.upper()
    ]
    assert len(searching) == 2
    for sql, params in searching:
        assert "%O'Brien%" in params and "Brien" not in sql
    texts = " ".join(counter.statements)
    assert f"'{local_today().isoformat()}'" in texts and "LIMIT 25" in texts


@pytest.mark.parametrize("username", ["hr", "citybureau", "supervisor"])
async def test_a_station_filter_reads_the_spells_once_with_the_code_among_the_scopes_stations(client, w, username):
    # The station's code goes into the subquery of the stations in scope (people.access.spells_at_q), and the spells
    # active at that station are the active filter too: no join of the spells to stations, no second subquery of
    # the active spells beside them (HR's count of one station's workers 1.13 → 0.52 ms, PostgreSQL, national demo).
    await login(client, username)
    for url in ("/workers?station=S1", "/certificates?station=S1"):
        async with count_queries() as counter:
            response = await client.get(url)
        assert response.status_code == 200 and "W1" in response.text, url
        counted = [sql for sql in counter.statements if sql.upper().startswith("SELECT COUNT(")]
        assert len(counted) == 1, url
        assert counted[0].count("employment_spells") == 1 and "JOIN" not in counted[0].upper(), (url, counted[0])


@pytest.mark.parametrize("path", ["/workers", "/certificates"])
async def test_a_station_filters_name_is_read_beside_the_lists_total(client, w, monkeypatch, path):
    # Its first page gathers the count, the rows and the station's name at once; a numbered page past it the count
    # and the name, before its rows. Without a station, nothing is read for one.
    from talent.core import pagination

    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    await login(client, "hr")
    for query, together in (("?station=S1", [3]), ("?station=S1&page=2&per_page=1", [2]), ("", [2])):
        gathered.clear()
        response = await client.get(path + query)
        assert response.status_code == 200 and "W1" in response.text, query
        note = re.search(r'id="station-picked" data-picked>([^<]*)</div>', response.text)
        assert note and note[1] == ("社工站1" if query else ""), query  # the picker names the station filtered by
        assert gathered == together, query
