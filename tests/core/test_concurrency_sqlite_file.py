"""Independent reads of a request run at once (talent.core.concurrency.gather_reads). On a SQLite file database (as
served) a gathered read's SELECTs run on read-only connections of their own (talent.sqlite_engine's readers); the
figures are those of the same reads in turn, and what a gathered read stores goes to the process's connection.
(The other tests run in ":memory:", whose one connection runs the reads in turn.)"""

from datetime import date

import pytest
from tortoise.transactions import in_transaction

from talent.accounts.models import User
from talent.accounts.selectors import scope_for
from talent.analytics.area import area_for
from talent.analytics.params import report_dates
from talent.analytics.reports import full_report
from talent.core.concurrency import gather_panels, gather_reads
from talent.core.pagination import ListParams
from talent.demo import load_demo
from talent.figures.models import FigureCache
from talent.pay.selectors import compliance_overview
from talent.settings import get_settings
from talent.sqlite_engine import Readers
from tests.conftest import PG_URL, file_database
from tests.core.test_concurrency import overlap_probe
from tests.querycount import count_queries

# SQLite's own path (as tests/exports/test_file_database.py).
pytestmark = pytest.mark.skipif(bool(PG_URL), reason="a SQLite file database")

TODAY = date(2026, 11, 27)


@pytest.fixture
async def file_db(tmp_path):
    async with file_database(tmp_path / "talent.sqlite3") as ctx:
        await load_demo(scale="small", seed=2026, today=TODAY)
        yield ctx


@pytest.fixture
def readers_taken(monkeypatch) -> list[int]:
    """How many times a reader was taken (for a download or a gathered read)."""
    taken: list[int] = []
    take = Readers.take

    async def counted(self):
        taken.append(1)
        return await take(self)

    monkeypatch.setattr(Readers, "take", counted)
    return taken


async def _admin():
    user = await User.get(username="admin").prefetch_related("region", "organisation")
    return await scope_for(user, today=TODAY)


async def test_reads_overlap_on_readers_at_most_limit_at_once(file_db, readers_taken):
    state, calls = overlap_probe()
    assert await gather_reads(calls, limit=2) == [3, 1, 2, 5]
    assert state["most"] == 2 and len(readers_taken) == 4


async def test_a_pages_panels_run_in_turn_on_the_process_connection_of_a_file_database(file_db, readers_taken):
    # Their statements take less than handing each to a reader connection's thread (core.concurrency.gather_panels).
    state, calls = overlap_probe()
    assert list((await gather_panels(dict(zip("abcd", calls, strict=True)))).values()) == [3, 1, 2, 5]
    assert state["most"] == 1 and readers_taken == []


async def test_a_report_on_a_sqlite_file_database_reads_its_parts_at_once_on_readers_with_the_same_figures(
    file_db, readers_taken, monkeypatch
):
    area = await area_for(await _admin())
    dates, _valid = report_dates(TODAY)
    async with count_queries() as at_once:
        together = await full_report(area, dates, "level")
    on_readers = len(readers_taken)
    monkeypatch.setattr(get_settings(), "read_concurrency", 1)
    async with count_queries() as one_by_one:
        in_turn = await full_report(area, dates, "level")
    # Every part's statements went to readers, the same statements as in turn, the same figures.
    assert on_readers > 0 and len(readers_taken) == on_readers
    assert sorted(at_once.statements) == sorted(one_by_one.statements)
    assert together == in_turn
    assert together["certification"]["headcount"] > 0


async def test_a_gathered_read_stores_what_it_computed_on_the_process_connection(file_db, readers_taken):
    # /pay's summary and page of rows, read at once, each kept under the data version (cached_rows): computed on
    # readers (read only), stored on the process's connection.
    summary, page = await compliance_overview(
        scope=await _admin(), on=TODAY, params=ListParams(), region=None, group_by="", status=""
    )
    assert readers_taken and await FigureCache.all().count() == 2
    assert page.total > 0 and summary is not None


async def test_inside_a_transaction_the_reads_run_in_turn_on_its_connection(file_db, readers_taken):
    async def count() -> int:
        return await User.all().count()

    accounts = await count()  # the demo's
    async with in_transaction():
        assert await gather_reads([count, count]) == [accounts, accounts]
    assert readers_taken == []
    assert await gather_reads([count, count]) == [accounts, accounts]
    assert len(readers_taken) == 2
