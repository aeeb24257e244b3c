"""talent.web.pages: a list's form options are read for a whole page only; htmx swaps the results alone."""

import pytest

from tests.conftest import login
from tests.factories import world
from tests.querycount import count_queries

HTMX = {"HX-Request": "true"}

# (account, list, the id of the filter whose options come from the database)
LISTS = [
    ("hr", "/stations", "tier"),
    ("bureau", "/supervision", "expertise"),
    ("admin", "/courses", "region"),
    ("admin", "/exam-prep/bank", "subject"),
]


@pytest.mark.parametrize(("user", "url", "select"), LISTS)
async def test_a_sort_page_or_filter_asked_by_htmx_skips_the_reads_of_the_form_it_keeps(client, user, url, select):
    await world()
    await login(client, user)
    await client.get(url)  # warm-up (session touch and the like happen once)
    async with count_queries() as whole:
        page = await client.get(url)
    async with count_queries() as fragment:
        results = await client.get(url, headers=HTMX)
    assert page.status_code == results.status_code == 200
    assert f'id="{select}"' in page.text and f'id="{select}"' not in results.text
    # The fragment's statements are the page's, less the options' read(s).
    added = [sql for sql in whole.statements if sql not in fragment.statements]
    assert added and fragment.count == whole.count - len(added)


def _request(htmx: bool):
    from starlette.requests import Request

    headers = [(b"hx-request", b"true")] if htmx else []
    return Request({"type": "http", "method": "GET", "path": "/x", "headers": headers, "query_string": b""})


async def test_a_whole_page_reads_its_form_options_at_once_and_a_results_swap_by_htmx_reads_none(db, is_postgres):
    from talent.web.pages import form_options
    from tests.core.test_concurrency import overlap_probe

    state, (_three, one, two, _five) = overlap_probe()
    assert await form_options(_request(htmx=False), first=one, second=two) == {"first": 1, "second": 2}
    # PostgreSQL: two at a time (gather_reads); SQLite's one connection in turn.
    assert state["most"] == (2 if is_postgres else 1)
    # htmx keeps the form: nothing is read.
    state["most"] = 0
    assert await form_options(_request(htmx=True), first=one) == {}
    assert state["most"] == 0
