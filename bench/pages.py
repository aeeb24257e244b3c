"""Benchmark: the worker and certificate lists, their sorts, a deep page, a search, a filter and both exports, signed
in as each demo role, through the ASGI app in this process (so the time is the server's), on the database given by
TALENT_DATABASE_URL (or --url).

    TALENT_DATABASE_URL=sqlite:///path/county.sqlite3 .venv/bin/python bench/pages.py [--repeat 3] [--deep 1000]

The database must hold a demo (`talent migrate && talent demo --scale county`; the demo accounts' password is
talent.demo.DEMO_PASSWORD). Each measurement is the best of --repeat runs after one warm-up run. Printed per page:
the role, the URL, the status, the server time, the number of SQL statements, and the bytes sent. A role that may
not open a page shows its 403 (or redirect), which is part of the picture. Don't run it on the national demo on a
shared machine: some of these pages take minutes there before issue 11.
"""

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from talent.db import tortoise_config  # noqa: E402
from tests.querycount import count_queries  # noqa: E402

ROLES = ("admin", "citybureau", "bureau", "hr", "supervisor")


def pages(deep: int) -> list[str]:
    return [
        "/workers",
        "/workers?sort=-name",
        "/workers?sort=start",
        f"/workers?page={deep}",
        f"/workers?page={deep}&sort=start",
        "/workers?q=W32",
        "/certificates",
        "/certificates?level=none",
        f"/certificates?page={deep}&sort=-expires",
        "/workers/export?format=csv",
        "/certificates/export?format=csv",
    ]


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> bool:
    from talent.web.security import csrf_token_for

    await client.get("/login")
    token = csrf_token_for({c.name: c.value for c in client.cookies.jar}) or ""
    response = await client.post("/login", data={"csrf_token": token, "username": username, "password": password})
    return response.status_code == 303


async def measure(client: httpx.AsyncClient, url: str, repeat: int) -> tuple[int, float, int, int]:
    await client.get(url)  # warm-up (and the session's first touch)
    best, statements, status, size = float("inf"), 0, 0, 0
    for _ in range(repeat):
        async with count_queries() as counter:
            start = time.perf_counter()
            response = await client.get(url)
            elapsed = time.perf_counter() - start
        status, size = response.status_code, len(response.content)
        if elapsed < best:
            best, statements = elapsed, counter.count
    return status, best, statements, size


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TALENT_DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--deep", type=int, default=1000)
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    if not args.url:
        parser.error("set TALENT_DATABASE_URL or --url")
    await Tortoise.init(config=tortoise_config(args.url))
    from talent.app import create_app
    from talent.demo import DEMO_PASSWORD

    app = create_app(manage_db=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    print(f"{'role':<11} {'page':<42} {'status':>6} {'seconds':>8} {'queries':>7} {'bytes':>9}")
    try:
        for role in args.roles.split(","):
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                if not await sign_in(client, role, DEMO_PASSWORD):
                    print(f"{role:<11} (cannot sign in: no such demo account?)")
                    continue
                for url in pages(args.deep):
                    status, seconds, queries, size = await measure(client, url, args.repeat)
                    print(f"{role:<11} {url:<42} {status:>6} {seconds:>8.3f} {queries:>7} {size:>9}", flush=True)
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main())
