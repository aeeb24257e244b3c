"""Benchmark: pages whose figures are computed after a change (talent.figures), visited by several people at once.
Signed in as each --roles account (each on a client of its own), the figure store emptied first (as after a
change), --at-once visits of the same page start together through the ASGI app in this process (as bench/pages.py
does), on the database given by TALENT_DATABASE_URL (or --url). Prints per page: one visit alone (the figures
computed), the visits at once (the wall time until the last one ends), the ratio of the two (goal: near 1, one
computation shared by every visit; about the number of visits when each computes the figures itself), and the
statements each run sent.

    TALENT_DATABASE_URL=postgres://…/national .venv/bin/python bench/figures.py [--at-once 4] [--repeat 2]
        [--paths /reports,/] [--roles admin] [--after pay_salary_records,ce_credits]

With --after TABLES it measures instead the visit that follows a change to one row of each table (the row's id set
to itself: the triggers count it as a change), the figures stored before it: the seconds and statements of that
visit (one statement and the session's when the page's figures do not read the table, its whole computation when
they do).

Emptying the figure store and signing in write to the database: run it on a demo database of its own.
"""

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from pages import app_client, sign_in  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from tests.querycount import count_queries  # noqa: E402

PATHS = ("/reports", "/reports/yearly", "/")


async def _cold(clients: list[httpx.AsyncClient], path: str) -> tuple[float, int, set[int]]:
    """Every client visits `path` at once, the figure store emptied first: (wall seconds, statements, statuses)."""
    from talent.figures.models import FigureCache

    await FigureCache.all().delete()
    async with count_queries() as counter:
        start = time.perf_counter()
        responses = await asyncio.gather(*(client.get(path) for client in clients))
        seconds = time.perf_counter() - start
    return seconds, counter.count, {r.status_code for r in responses}


async def _after_change(client: httpx.AsyncClient, path: str, table: str) -> tuple[float, int, int]:
    """One visit of `path` after a change to `table`, its figures stored before: (seconds, statements, status)."""
    from tortoise.connection import get_connection

    await client.get(path)
    await get_connection("default").execute_script(
        f'UPDATE "{table}" SET id = id WHERE id = (SELECT MIN(id) FROM "{table}")'
    )
    async with count_queries() as counter:
        start = time.perf_counter()
        response = await client.get(path)
        seconds = time.perf_counter() - start
    return seconds, counter.count, response.status_code


async def run_after(url: str, paths: list[str], roles: list[str], tables: list[str], repeat: int) -> None:
    from talent.demo import DEMO_PASSWORD

    transport = await app_client(url)
    print(f"{'role':<10} {'page':<18} {'after a change to':<22} {'seconds':>8} {'statements':>10}")
    try:
        for role in roles:
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=None) as client:
                if not await sign_in(client, role, DEMO_PASSWORD):
                    raise SystemExit(f"cannot sign in as {role}")
                for path in paths:
                    for table in tables:
                        runs = [await _after_change(client, path, table) for _ in range(repeat)]
                        seconds, count, status = min(runs)
                        print(f"{role:<10} {path:<18} {table:<22} {seconds:8.3f} {count:>10}  [{status}]")
    finally:
        await Tortoise.close_connections()


async def run(url: str, paths: list[str], roles: list[str], at_once: int, repeat: int) -> None:
    from talent.demo import DEMO_PASSWORD

    transport = await app_client(url)
    head = f"{'role':<10} {'page':<18} {'alone s':>8} {'at once s':>10} {'ratio':>6} {'statements':>16}"
    print(f"{head}  ({at_once} at once)")
    try:
        for role in roles:
            clients = [
                httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=None) for _ in range(at_once)
            ]
            for client in clients:
                if not await sign_in(client, role, DEMO_PASSWORD):
                    raise SystemExit(f"cannot sign in as {role}")
            for path in paths:
                await clients[0].get(path)  # the templates and the statements' first runs
                alone = [await _cold(clients[:1], path) for _ in range(repeat)]
                together = [await _cold(clients, path) for _ in range(repeat)]
                one, many = min(a[0] for a in alone), min(t[0] for t in together)
                statuses = set().union(*(a[2] for a in alone), *(t[2] for t in together))
                counts = f"{alone[0][1]} / {together[0][1]}"
                line = f"{role:<10} {path:<18} {one:8.2f} {many:10.2f} {many / one:6.2f} {counts:>16}"
                print(f"{line}  {sorted(statuses)}")
            for client in clients:
                await client.aclose()
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TALENT_DATABASE_URL", ""))
    parser.add_argument("--at-once", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each (the best is printed)")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--roles", default="admin")
    parser.add_argument("--after", default="", help="tables: measure the visit after a change to each")
    args = parser.parse_args()
    if not args.url:
        raise SystemExit("give --url or TALENT_DATABASE_URL")
    if args.after:
        tables = args.after.split(",")
        asyncio.run(run_after(args.url, args.paths.split(","), args.roles.split(","), tables, args.repeat))
        return
    asyncio.run(run(args.url, args.paths.split(","), args.roles.split(","), args.at_once, args.repeat))


if __name__ == "__main__":
    main()
