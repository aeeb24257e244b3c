"""Benchmark: the list exports' downloads, signed in as admin, through the ASGI app in this process (as bench/pages.py
does), on the database given by TALENT_DATABASE_URL (or --url). Prints per export the best of --repeat runs after a
warm-up: seconds, the part spent in SQL (the execute methods tests/querycount.py counts; a streamed statement counts
its opening, not its fetches), the number of SQL statements, the rows written and the file's size.

    TALENT_DATABASE_URL=sqlite:///path/national.sqlite3 .venv/bin/python bench/exports.py [--repeat 2]
        [--paths /workers/export?format=csv,...] [--save DIR]

--save writes each file to DIR (named after its address), to compare two versions' files.

Signing in writes a session: run it on a copy of a shared demo database, not on the database itself.
"""

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from pages import SERVER_CLOCK, app_client, sign_in, sql_clock  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from tests.querycount import count_queries  # noqa: E402

PATHS = ("/workers/export?format=csv", "/certificates/export?format=csv", "/stations/export?format=csv")


async def run(url: str, paths: list[str], repeat: int, role: str, save: str = "") -> None:
    from talent.demo import DEMO_PASSWORD

    transport = await app_client(url)
    try:
        headers = {"Accept-Language": "en"}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
            if not await sign_in(client, role, DEMO_PASSWORD):
                sys.exit(f"cannot sign in as {role}")
            print(f"{'url':<40} {'status':>6} {'seconds':>8} {'sql s':>7} {'stmts':>6} {'rows':>9} {'bytes':>11}")
            for path in paths:
                await client.get(path)  # warm-up
                best = None
                for _ in range(repeat):
                    async with count_queries() as counter, sql_clock() as clock:
                        response = await client.get(path)
                        elapsed = SERVER_CLOCK["seconds"]
                    if best is None or elapsed < best[0]:
                        best = (elapsed, clock["seconds"], counter.count, response)
                elapsed, sql, count, response = best
                if save:
                    name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_").replace("=", "-")
                    (Path(save) / name).write_bytes(response.content)
                rows = response.content.count(b"\n") - 1 if "csv" in response.headers.get("content-type", "") else "-"
                print(
                    f"{path:<40} {response.status_code:>6} {elapsed:>8.2f} {sql:>7.2f} {count:>6} {rows:>9} "
                    f"{len(response.content):>11}"
                )
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("TALENT_DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--role", default="admin")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--save", default="")
    args = parser.parse_args()
    if not args.url:
        sys.exit("give --url or TALENT_DATABASE_URL")
    if args.save:
        Path(args.save).mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args.url, args.paths.split(","), args.repeat, args.role, args.save))


if __name__ == "__main__":
    main()
