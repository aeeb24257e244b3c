"""Benchmark: the pages of single records, which bench/pages.py (lists, their filters and exports) does not visit.
Signed in as each demo role, it opens every list of the navigation and the lists under it, follows the links to
records on each (two of each kind of address: /workers/7 and /workers/9 are one kind, /workers/7/edit another), and
from each record page the links to records on it, one of each kind; and measures each page as bench/pages.py does
(the best of --repeat visits after a warm-up, the server's time, its SQL statements).

    TALENT_DATABASE_URL=postgres://…/national .venv/bin/python bench/records.py [--roles admin,hr] [--repeat 3]
        [--slowest 40] [--json out.json]

The records are the demo's own, so the addresses differ between two demos: it compares no counts across scales.
Run on the national demo it finds the pages that read more than their record, the way a list of the country's
records is found by bench/pages.py: the first run (2026-12-06) found a worker's pay page computing the whole
country's workforce for one worker (the administrator's: 1.07 s), a course's learners and one course certificate
testing a province's whole reach (83 and 25 ms), a cohort's outcomes reading every spell of the country (SQLite:
256 ms), a station's compliance reading every certificate (SQLite: 62 ms) and a worker's pages reading a
province's reach for each statement (SQLite: 37–87 ms).
"""

import argparse
import asyncio
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from pages import ROLES, SUBPAGES, Result, app_client, measure, nav_paths, sign_in  # noqa: E402
from tortoise import Tortoise  # noqa: E402

# An address with a number in it: a record, or a page under one.
RECORD_LINK = re.compile(r'href="(/[^"#?]*\d[^"#]*)"')
# Links that download, sign out or act: not pages to measure.
SKIP = ("/static", "/logout", "export", "download", "/pdf", "/delete")


def kind_of(url: str) -> str:
    """The kind of address: its numbers replaced (/workers/7/edit → /workers/N/edit)."""
    return re.sub(r"\d+", "N", url)


def record_links(html: str, seen: set[str], per_kind: int) -> list[str]:
    """The links to records on a page not measured yet, at most `per_kind` of each kind."""
    kinds: dict[str, list[str]] = {}
    for url in RECORD_LINK.findall(html):
        if any(part in url for part in SKIP) or url in seen:
            continue
        found = kinds.setdefault(kind_of(url), [])
        if len(found) < per_kind and url not in found:
            found.append(url)
    return [url for found in kinds.values() for url in found]


async def run_role(client: httpx.AsyncClient, role: str, repeat: int) -> list[Result]:
    paths, _user = await nav_paths(role)
    lists = [*paths, *SUBPAGES]
    seen: set[str] = set()
    results: list[Result] = []

    async def visit(url: str) -> Result:
        seen.add(url)
        result = await measure(client, Result(role=role, kind="record", url=url), repeat)
        results.append(result)
        print(f"{role:<14} {result.status:>4} {result.seconds * 1000:9.1f} ms {result.queries:>4}  {url}", flush=True)
        return result

    for path in lists:
        listed = await client.get(path)
        if listed.status_code != 200:
            continue
        for url in record_links(listed.text, seen, per_kind=2):
            if url in seen:
                continue
            record = await visit(url)
            if record.status == 200 and record.html:
                for below in record_links(record.html, seen, per_kind=1):
                    if below not in seen:
                        await visit(below)
    return results


async def run(url: str, roles: list[str], repeat: int) -> list[Result]:
    from talent.demo import DEMO_PASSWORD

    transport = await app_client(url)
    results: list[Result] = []
    try:
        for role in roles:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench", headers={"Accept-Language": "en"}
            ) as client:
                if not await sign_in(client, role, DEMO_PASSWORD):
                    print(f"{role:<14} (cannot sign in: no such demo account?)")
                    continue
                results += await run_role(client, role, repeat)
    finally:
        await Tortoise.close_connections()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TALENT_DATABASE_URL", ""))
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slowest", type=int, default=40, help="how many of the slowest pages to list at the end")
    parser.add_argument("--largest", type=int, default=10, help="how many of the largest pages (bytes) to list")
    parser.add_argument(
        "--json", metavar="PATH", help="save every measurement (role, url, status, seconds, queries, size)"
    )
    args = parser.parse_args()
    if not args.url:
        parser.error("set TALENT_DATABASE_URL or --url")
    results = asyncio.run(run(args.url, args.roles.split(","), args.repeat))
    by_kind: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        by_kind.setdefault((r.role, kind_of(r.url)), []).append(r)
    print(f"\n{len(results)} record pages ({len(by_kind)} kinds by role); the slowest:")
    for r in sorted(results, key=lambda r: r.seconds, reverse=True)[: args.slowest]:
        print(f"  {r.seconds * 1000:9.1f} ms {r.queries:>4} statements  {r.role:<14} {r.url}  ({r.status})")
    # A page that grows with the country (a form offering every supervisor as a select's options) is slow to send
    # and to use before it is slow to compute: the largest are listed apart from the slowest.
    print("the largest:")
    for r in sorted(results, key=lambda r: r.size, reverse=True)[: args.largest]:
        print(f"  {r.size:>9,} bytes {r.seconds * 1000:9.1f} ms  {r.role:<14} {r.url}  ({r.status})")
    errors = [r for r in results if r.status >= 500]
    for r in errors:
        print(f"  server error: {r.role} {r.url}: {r.status}")
    if args.json:
        keys = ("role", "url", "status", "seconds", "queries", "size")
        rows = [{key: getattr(r, key) for key in keys} for r in results]
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
