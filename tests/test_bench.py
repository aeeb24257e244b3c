"""The benches still run against the code: they are run by hand on large data, so a selector one of them calls that
changed shape went unseen until the next run (f69b55c removed workforce.staffing, which bench/reports.py called: the
next session's run stopped with an AttributeError)."""

import contextlib
import importlib.util
import io
import re
from datetime import date
from pathlib import Path

from tortoise.connection import get_connection

from talent.demo import load_demo

BENCH = Path(__file__).resolve().parent.parent / "bench"
TODAY = date(2026, 11, 27)
# A measure's line: area, name, selector ms, raw SQL ms, ratio, then whether the two answers are equal.
MEASURE = re.compile(r"^(\S+)\s+(.+?)\s+[\d.]+\s+[\d.]+\s+[\d.inf]+\s+(yes|NO)$", re.M)


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_every_report_measure_of_the_bench_runs_and_equals_its_hand_written_twin_on_the_small_demo(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    bench = _bench("reports")
    conn = get_connection("default")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for label, scope, area in await bench.areas(["bureau", "citybureau", "admin"], TODAY):
            await bench.bench_area(conn, conn.capabilities.dialect == "postgres", label, scope, area, TODAY, 1, "")
    text = out.getvalue()
    measures = MEASURE.findall(text)
    unequal = [(area, name) for area, name, equal in measures if equal != "yes"]
    assert unequal == [], text
    # Every twin of the bench, for each of the four areas (county, city, country, and the county's first township),
    # less the ones that apply to an area with child regions only or without them only.
    names = {name for _area, name, _equal in measures}
    assert len(names) == len(bench.twins()) and {area for area, *_ in measures} == {"county", "city", "all", "township"}
    assert "yearly pdf+xlsx" in text


async def test_the_figures_bench_measures_the_visit_after_a_change(client, db):
    from tests.conftest import login
    from tests.factories import world

    await world()
    await login(client, "admin")
    bench = _bench("figures")
    # The dashboard does not read the workers' records: the visit after a change to one reads its stored figures
    # (the session's statement and the version's); it reads the stations, so a change there computes them again.
    _seconds, served, status = await bench._after_change(client, "/", "workers")
    _seconds, computed, _status = await bench._after_change(client, "/", "stations")
    assert status == 200 and served == 2 and computed > served


async def test_the_records_bench_follows_the_lists_to_their_records_and_measures_each_once(client, db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    bench = _bench("records")
    from talent.demo import DEMO_PASSWORD

    assert await bench.sign_in(client, "citybureau", DEMO_PASSWORD)
    with contextlib.redirect_stdout(io.StringIO()):
        results = await bench.run_role(client, "citybureau", repeat=1)
    urls = [r.url for r in results]
    kinds = {bench.kind_of(url) for url in urls}
    # A worker's page, a station's and a cohort's, each measured once, and no server error among them.
    assert {"/workers/N", "/stations/N", "/cohorts/N"} <= kinds, sorted(kinds)
    assert len(urls) == len(set(urls)) and all(r.status < 500 and r.queries > 0 for r in results)


async def test_the_pages_bench_counts_time_in_sql_once_while_statements_overlap_and_counts_streamed_batches(
    monkeypatch,
):
    import asyncio

    import tests.querycount
    from talent.core import export

    bench = _bench("pages")
    now = [0.0]
    monkeypatch.setattr(bench.time, "perf_counter", lambda: now[0])
    release = {name: asyncio.Event() for name in ("a", "b")}

    class Client:
        async def execute_query(self, query, values=None):
            await release[query].wait()

    async def batches(db, sql, params, size):
        for _ in range(2):
            now[0] += 1  # each batch takes a second to arrive
            yield [1] * size

    execute_query = Client.__dict__["execute_query"]
    monkeypatch.setattr(tests.querycount, "_CLASSES", (Client,))
    monkeypatch.setattr(export, "cursor_records", batches)
    async with bench.sql_clock() as clock:
        # Statement a runs from 0 to 2, statement b from 1 to 3: SQL was running for 3 seconds, not 2 + 2.
        first = asyncio.create_task(Client().execute_query("a"))
        await asyncio.sleep(0)
        now[0] = 1
        second = asyncio.create_task(Client().execute_query("b"))
        await asyncio.sleep(0)
        now[0] = 2
        release["a"].set()
        await first
        now[0] = 3
        release["b"].set()
        await second
        # Two batches of a second each, and ten seconds of writing the file between them that are not SQL's.
        async for _batch in export.cursor_records(None, "SELECT", [], 2):
            now[0] += 10
    assert clock["seconds"] == 3 + 2
    assert export.cursor_records is batches and Client.__dict__["execute_query"] is execute_query
