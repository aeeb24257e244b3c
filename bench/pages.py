"""Benchmark: every page of the navigation, signed in as each demo role, with each of its sorts and filters, a search,
a deep page (by number, then the pager's cursor from there) and its exports, through the ASGI app in this process (the
time is the app's, from the ASGI call to its return, not the test client's round trip), on the database given by
TALENT_DATABASE_URL (or --url).

    TALENT_DATABASE_URL=sqlite:///path/county.sqlite3 .venv/bin/python bench/pages.py [--repeat 3] [--deep 1000]
        [--roles admin,hr] [--scale-compare sqlite:///path/small.sqlite3] [--markdown pages|all] [--json out.json]
    .venv/bin/python bench/pages.py --load out.json [--markdown all]

The database must hold a demo (`talent migrate && talent demo --scale county`; the demo accounts' password is
talent.demo.DEMO_PASSWORD). The pages are found, not listed: the navigation the role's permissions open
(talent.web.nav.NAV) and the lists one click under it (SUBPAGES), then on each page what its own HTML offers (sort
headers; the search form's selects, checkboxes, number inputs and pickers; the export links; the pager's "next").
Each measurement is the best of --repeat runs after one warm-up run (with --slow S, a URL whose first visit takes
over S seconds is measured by that visit alone, and its statement count is that visit's on both databases; with
--warm N, N more visits after the warm-up are not measured: N ≥ 5 runs every statement past PostgreSQL's five runs
of a prepared statement, as on a list a user keeps visiting). The stored figures of each database (talent.figures)
are emptied before it is measured or counted, so that a first visit computes them on both.

Printed per URL: the role, the status, the first visit's time (the warm-up: a page that keeps its figures under the data
version computes them then, talent.figures), the server time (the best visit after it), the part of it during which some
SQL statement was running (sql_clock), the number of SQL statements (with --scale-compare, also the count on the second
database: the goal is that they are equal), and for a list the time of its hand-written twin (bench/pages_sql.py: the
same rows, same order, same page, plus the total the pager shows), the ratio page / twin (goal ≤ 1.5) and the SQL ratio
(the page's SQL time / twin: what the ratio tends to when the data dwarfs the request's fixed cost). The twin's row ids
are checked against the ids the page links to ("ok"), or the number of rows ("n ok"), or the pager's total ("total ok").
An export of a list with a twin is compared with that twin run for every row of the filtered list in one statement and
written by the same writer in the same format (its columns are the list's, not every column of the file); its row check
compares the file's rows ("n ok"). Pages that are not lists print "-". --paths and --kinds measure a part.

Don't run it on the national demo on a shared machine without --roles: some pages take long there.
"""

import argparse
import asyncio
import csv
import functools
import io
import json
import os
import re
import sys
import time
import zipfile
from contextlib import aclosing, asynccontextmanager
from dataclasses import asdict, dataclass, field
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from talent.core.collector import tuned_collector  # noqa: E402
from talent.db import tortoise_config  # noqa: E402
from talent.settings import get_settings  # noqa: E402
from tests.querycount import count_queries  # noqa: E402

ROLES = ("admin", "provincebureau", "citybureau", "bureau", "hr", "supervisor", "worker")
# A search term per list that matches some rows of the demo (else "a").
SEARCH = {
    "/workers": "W32",
    "/certificates": "W32",
    "/stations": "1",
    "/audit": "worker",
    "/admin/users": "hr",
}
# Lists one click under a navigation entry (its own sub-navigation), benched like the entries themselves when the
# role may open them.
SUBPAGES = (
    "/admin/users",
    "/stations/organisations",
    "/stations/tiers",
    "/supervision/coverage",
    "/supervision/coverage/uncovered",
    "/supervision/sessions",
    "/pay/retention",
    "/reports/yearly",
    "/notifications",
)
OPTIONS_PER_FILTER = 2
NUMBER = 90  # the value tried in a number filter (the certificates' "expiring within N days")
PICK_TERMS = ("ST", "社", "1", "a")  # typed into a picker until it suggests something (station codes, names)


class Links(HTMLParser):
    """What a page offers to click: sort headers, the search form (its selects and whether it has `q`), export links,
    the pager's next link, and the rows of its table (each row's first link to a record, `/thing/<id>`)."""

    def __init__(self) -> None:
        super().__init__()
        self.sorts: list[str] = []
        self.exports: list[str] = []
        self.next: str = ""
        self.search = False
        self.selects: dict[str, list[tuple[str, bool]]] = {}
        self.checks: list[tuple[str, str]] = []  # (name, value) of the search form's checkboxes
        self.numbers: list[str] = []  # its number inputs
        self.pickers: dict[str, str] = {}  # its pickers: name → the address suggesting values
        self.rows: list[int | None] = []
        self._in_form = self._in_tbody = False
        self._select = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("role") == "search":
            self._in_form = True
        elif tag == "input" and self._in_form and a.get("name"):
            self._input(a)
        elif tag == "select" and self._in_form and a.get("name"):
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append((a.get("value") or "", "selected" in a))
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self.rows.append(None)
        elif tag == "a" and a.get("href"):
            self._link(a)

    def _input(self, a: dict) -> None:
        name, kind = a["name"], a.get("type", "text")
        if name == "q":
            self.search = True
        elif kind == "checkbox":
            self.checks.append((name, a.get("value") or "1"))
        elif kind == "number":
            self.numbers.append(name)
        elif kind == "text" and a.get("hx-get"):
            self.pickers[name] = a["hx-get"]

    def _link(self, a: dict) -> None:
        href = a["href"]
        if "sort-link" in (a.get("class") or ""):
            self.sorts.append(href)
        elif a.get("rel") == "next":
            self.next = href
        elif "/export" in href and href.startswith("/"):
            self.exports.append(href)
        if self._in_tbody and self.rows and self.rows[-1] is None:
            match = re.fullmatch(r"/[\w/-]*?/(\d+)", urlsplit(href).path)
            if match:
                self.rows[-1] = int(match.group(1))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = ""
        elif tag == "tbody":
            self._in_tbody = False


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def pager_total(html: str) -> int:
    """The total the pager shows ("1–25 of 1,234"), 0 when the page has no pager."""
    match = re.search(r"\d[\d,]*–\d[\d,]* of (\d[\d,]*)", html)
    return int(match.group(1).replace(",", "")) if match else 0


def filled(html: str) -> bool:
    """Whether a page lists something: table rows or a pager's total (an empty list may send fewer statements,
    reading nothing for its rows, which is not the query count growing with the data)."""
    return bool(links_of(html).rows) or pager_total(html) > 0


def empty_note(r) -> str:
    if r.other_filled is None or r.filled == r.other_filled:
        return ""
    return " (empty here)" if not r.filled else " (empty there)"


def with_query(path: str, **params: str | int) -> str:
    return f"{path}?{urlencode(params)}"


async def variants(client: httpx.AsyncClient, path: str, html: str, deep: int, per_page: int) -> list[tuple[str, str]]:
    """(kind, URL) of every variant a page offers: its sorts; one URL per filter value (up to OPTIONS_PER_FILTER of
    each select), per checkbox, per number input (NUMBER) and per picker (the first value it suggests); a search; a
    deep page by number (the last but one when the list is shorter); and its exports. The cursor page follows from
    the deep page's response (see run_role)."""
    links = links_of(html)
    found = [("sort", urljoin(path, href)) for href in dict.fromkeys(links.sorts)]
    for name, options in links.selects.items():
        values = [value for value, selected in options if value and not selected][:OPTIONS_PER_FILTER]
        found += [("filter", with_query(path, **{name: value})) for value in values]
    found += [("filter", with_query(path, **{name: value})) for name, value in links.checks]
    found += [("filter", with_query(path, **{name: NUMBER})) for name in links.numbers]
    for name, suggest in links.pickers.items():
        if value := await suggested(client, suggest):
            found.append(("filter", with_query(path, **{name: value})))
    if links.search:
        found.append(("search", with_query(path, q=SEARCH.get(path, "a"))))
    pages = -(-pager_total(html) // per_page)
    if pages > 2:
        found.append(("deep", with_query(path, page=min(deep, pages - 1))))
    found += [("export", href) for href in dict.fromkeys(links.exports)]
    return found


async def suggested(client: httpx.AsyncClient, suggest: str) -> str:
    """The first value a picker's suggestions offer for one of PICK_TERMS ("" when none does)."""
    for text in PICK_TERMS:
        response = await client.get(with_query(suggest, q=text))
        if match := re.search(r'<option value="([^"]+)"', response.text):
            return html_unescape(match.group(1))
    return ""


@dataclass
class Result:
    role: str
    kind: str
    url: str
    status: int = 0
    seconds: float = 0.0
    queries: int = 0
    size: int = 0
    sql_seconds: float = 0.0  # of `seconds`, the time spent waiting on the database
    # The warm-up visit: for a page that keeps its figures under the data version (talent.figures), the visit that
    # computes them; `seconds` is then the visit that reads them back.
    first_seconds: float = 0.0
    once: bool = False  # measured on the first visit alone (--slow): its count is the first visit's too
    twin: float | None = None
    check: str = "-"
    other_queries: int | None = None
    pattern: str = ""  # a navigation entry's NAV address, when it names the account's own record
    filled: bool = False  # whether the page listed anything (a list's rows, a pager's total)
    other_filled: bool | None = None
    rows: int | None = None  # an export's data rows (the file's rows but its header)
    html: str = field(default="", repr=False)

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.twin if self.twin else None

    @property
    def sql_ratio(self) -> float | None:
        """The page's SQL time over the twin's: what the ratio tends to when the data dwarfs the request's fixed
        cost (session, templates), as on the national demo."""
        return self.sql_seconds / self.twin if self.twin else None


@asynccontextmanager
async def sql_clock():
    """The seconds during which at least one statement was running, in `clock["seconds"]`: from a database client's
    execute method being entered to its return (as tests/querycount.py counts them), and each batch of an export's
    streamed rows from being asked for to its arrival (a PostgreSQL server-side cursor's fetch, a SQLite RowStream's).

    The union of those intervals, not their sum: two statements gathered at once (core.concurrency.gather_panels)
    were each counted in full, so a page's time in SQL could exceed its own time; and the streamed batches, which
    are most of an export's reading, were not counted at all."""
    from talent.core import export
    from talent.sqlite_engine import RowStream
    from tests.querycount import _CLASSES, _METHODS

    clock = {"seconds": 0.0}
    running = {"count": 0, "since": 0.0}

    def enter() -> None:
        if running["count"] == 0:
            running["since"] = time.perf_counter()
        running["count"] += 1

    def leave() -> None:
        running["count"] -= 1
        if running["count"] == 0:
            clock["seconds"] += time.perf_counter() - running["since"]

    def timed(original):
        @functools.wraps(original)
        async def wrapper(*args, **kwargs):
            enter()
            try:
                return await original(*args, **kwargs)
            finally:
                leave()

        return wrapper

    cursor_records = export.cursor_records

    async def timed_cursor(*args):
        async with aclosing(cursor_records(*args)) as batches:
            while True:
                enter()
                try:
                    batch = await anext(batches)
                except StopAsyncIteration:
                    return
                finally:
                    leave()
                yield batch

    originals = [(RowStream, "fetch", RowStream.__dict__["fetch"])]
    for cls in _CLASSES:
        for name in _METHODS:
            if (original := cls.__dict__.get(name)) is not None:
                originals.append((cls, name, original))
    for cls, name, original in originals:
        setattr(cls, name, timed(original))
    export.cursor_records = timed_cursor
    try:
        yield clock
    finally:
        export.cursor_records = cursor_records
        for cls, name, original in originals:
            setattr(cls, name, original)


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> bool:
    from talent.web.security import csrf_token_for

    await client.get("/login")
    token = csrf_token_for({c.name: c.value for c in client.cookies.jar}) or ""
    response = await client.post("/login", data={"csrf_token": token, "username": username, "password": password})
    return response.status_code == 303


ROW_TAG = re.compile(rb"<row[ >/]")


def file_rows(response: httpx.Response) -> int | None:
    """The data rows of an exported file (its rows but the header): a CSV's records, or the `<row` elements of an
    XLSX's one sheet, read from its XML without loading a workbook."""
    kind = response.headers.get("content-type", "")
    if kind.startswith("text/csv"):
        return sum(1 for _ in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) - 1
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            sheet = next((n for n in book.namelist() if n.startswith("xl/worksheets/sheet")), None)
            if sheet is None:
                return None
            count, tail = 0, b""
            with book.open(sheet) as xml:
                # A tail shorter than the pattern carries no whole match: none is counted twice across chunks.
                while chunk := xml.read(1 << 20):
                    data = tail + chunk
                    count += len(ROW_TAG.findall(data))
                    tail = data[-4:]
            return count - 1
    return None


async def measure(client: httpx.AsyncClient, result: Result, repeat: int, slow: float = 0.0, warm: int = 0) -> Result:
    """The first visit (the warm-up), `warm` more visits not measured, then the best of `repeat` more; a first visit
    slower than `slow` seconds (when given) is the measurement itself (`once`): a whole country's export is not worth
    three runs. With `warm` ≥ 5 every statement has run more than five times, as on a list a user keeps visiting
    (PostgreSQL may then plan a prepared statement generically: talent.db asks for custom plans)."""
    best = float("inf")
    for visit in range(repeat + 1):
        if visit == 1:
            for _ in range(warm):
                await client.get(result.url)
        async with count_queries() as counter, sql_clock() as clock:
            response = await client.get(result.url)
            elapsed = SERVER_CLOCK["seconds"]
        if visit == 0:
            result.first_seconds = elapsed
            result.once = bool(slow) and elapsed > slow
            if not result.once:
                continue
        result.status, result.size = response.status_code, len(response.content)
        if elapsed < best:
            best, result.queries, result.sql_seconds = elapsed, counter.count, clock["seconds"]
            is_html = response.headers.get("content-type", "").startswith("text/html")
            result.html = response.text if is_html else ""
            result.filled = filled(result.html)
            if result.kind == "export" and response.status_code == 200:
                result.rows = file_rows(response)
        if result.once:
            break
    result.seconds = best
    return result


async def nav_paths(role: str) -> tuple[dict[str, str], object]:
    """The navigation's addresses the role opens (as the page's menu shows them, each with its NAV pattern, such as
    "/workers/{worker_id}"), and the demo account."""
    from talent.accounts.models import User
    from talent.core.access import can
    from talent.web.nav import NAV

    user = await User.get(username=role).prefetch_related("region")
    paths = {own_path(href, user): href for href, _label, permission, _menu in NAV if can(user.role, permission)}
    return paths, user


def own_path(pattern: str, user) -> str:
    return pattern.replace("{worker_id}", str(user.worker_id or 0))


async def run_role(client: httpx.AsyncClient, role: str, args, twins) -> list[Result]:
    """Every page the role's navigation opens, each followed by its variants."""
    from talent.settings import get_settings

    per_page = get_settings().page_size
    paths, user = await nav_paths(role)
    results: list[Result] = []
    only_paths = set(filter(None, args.paths.split(",")))
    kinds = set(filter(None, args.kinds.split(",")))
    for path in [*paths, *SUBPAGES]:
        if only_paths and path not in only_paths:
            continue
        landing = await measure(
            client, Result(role, "page", path, pattern=paths.get(path, "")), args.repeat, args.slow, args.warm
        )
        if path in SUBPAGES and path not in paths and landing.status != 200:
            continue  # a sub-page the role may not open: not part of its picture
        if not kinds or "page" in kinds:
            results.append(landing)
            report(await twins.check(user, landing), args)
        if landing.status != 200:
            continue
        for kind, url in await variants(client, path, landing.html, args.deep, per_page):
            if kinds and kind not in kinds and not (kind == "deep" and "cursor" in kinds):
                continue
            result = await measure(client, Result(role, kind, url), args.repeat, args.slow, args.warm)
            results.append(result)
            report(await twins.check(user, result), args)
            following = links_of(result.html).next if kind == "deep" else ""
            if following:
                cursor = await measure(
                    client, Result(role, "cursor", urljoin(path, following)), args.repeat, args.slow, args.warm
                )
                results.append(cursor)
                report(await twins.check(user, cursor), args)
    return results


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(result: Result, args) -> None:
    """One line per measured URL as it is measured (to stderr when the markdown table is stdout's)."""
    r = result
    print(
        f"{r.role:<10} {r.kind:<6} {r.url[:70]:<70} {r.status:>4} {r.first_seconds:>8.4f} {r.seconds:>8.4f}"
        f" {r.sql_seconds:>8.4f}"
        f" {r.queries:>4} {fmt(r.twin, '.4f'):>8} {fmt(r.ratio, '.2f'):>7} {fmt(r.sql_ratio, '.2f'):>7} {r.check}",
        file=sys.stderr if args.markdown else sys.stdout,
        flush=True,
    )


def markdown_all(results: list[Result], compare: bool) -> None:
    """One table row per measured URL and role."""
    head = ["role", "page", "status", "first visit ms", "ms", "SQL ms", "queries"]
    head += ["queries (2nd db)"] if compare else []
    head += ["twin ms", "ratio", "SQL ratio", "rows"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in results:
        cells = [r.role, f"`{r.url}`", str(r.status), f"{r.first_seconds * 1000:.1f}", f"{r.seconds * 1000:.1f}"]
        cells.append(f"{r.sql_seconds * 1000:.1f}")
        cells.append(str(r.queries))
        if compare:
            cells.append(other_cell(r))
        twin_ms = r.twin * 1000 if r.twin is not None else None
        cells += [fmt(twin_ms, ".1f"), fmt(r.ratio, ".2f"), fmt(r.sql_ratio, ".2f"), r.check]
        print("| " + " | ".join(cells) + " |")


def other_cell(r: Result) -> str:
    if r.other_queries is None:
        return "-"
    return f"**{r.other_queries}**" if r.other_queries != r.queries else str(r.other_queries)


def short(url: str, width: int = 48) -> str:
    """The query string of a URL (its path is the row's), cut to `width`."""
    query = urlsplit(url).query
    return "?" + (query if len(query) <= width else query[: width - 1] + "…") if query else "(bare)"


def span(values: list) -> str:
    values = sorted(set(values))
    return "-" if not values else str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def markdown_pages(results: list[Result], compare: bool) -> None:
    """One table row per page (its path), over every role and variant: the roles that opened it, how many URLs were
    measured, the slowest (and which), the query counts, the worst ratio to the twin and whether its rows agreed."""
    head = ["page", "roles", "URLs", "slowest ms", "slowest URL", "queries"]
    head += ["differs on 2nd db"] if compare else []
    head += ["worst ratio", "worst SQL ratio", "rows"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    by_path: dict[str, list[Result]] = {}
    for r in results:
        by_path.setdefault(urlsplit(r.url).path, []).append(r)
    for path, rows in by_path.items():
        slowest = max(rows, key=lambda r: r.seconds)
        roles = ", ".join(dict.fromkeys(r.role for r in rows if r.status == 200)) or "-"
        cells = [
            f"`{path}`",
            roles,
            str(len(rows)),
            f"{slowest.seconds * 1000:.0f}",
            f"`{short(slowest.url)}` ({slowest.role})",
        ]
        cells.append(span([r.queries for r in rows if r.status == 200]))
        if compare:
            differing = [r for r in rows if r.other_queries is not None and r.other_queries != r.queries]
            shown = [f"{r.role} `{short(r.url, 24)}` {r.queries}/{r.other_queries}{empty_note(r)}" for r in differing]
            cells.append("no" if not shown else f"{len(shown)}: " + ", ".join(shown[:2]) + (", …" if shown[2:] else ""))
        ratios = [r for r in rows if r.ratio is not None]
        worst = max(ratios, key=lambda r: r.ratio) if ratios else None
        cells.append(f"{worst.ratio:.2f}" if worst else "-")
        cells.append(fmt(max((r.sql_ratio for r in ratios), default=None), ".2f"))
        checks = [r.check for r in rows if r.twin is not None]
        cells.append("-" if not checks else "all agree" if not any(c.startswith("NO") for c in checks) else "DIFFER")
        print("| " + " | ".join(cells) + " |")


def summary(results: list[Result], compare: bool) -> None:
    ratios = sorted((r for r in results if r.ratio is not None), key=lambda r: r.ratio, reverse=True)
    print(
        f"\n{len(results)} pages; {len(ratios)} with a twin; worst ratios (server time, then SQL time, over the twin):"
    )
    for r in ratios[:10]:
        print(
            f"  {r.ratio:7.2f} {r.sql_ratio:7.2f}  {r.role:<10} {r.url}"
            f"  ({r.seconds:.4f}s, in SQL {r.sql_seconds:.4f}s, twin {r.twin:.4f}s, {r.check})"
        )
    mismatched = [r for r in results if r.check.startswith("NO")]
    for r in mismatched:
        print(f"  rows differ: {r.role} {r.url}: {r.check}")
    if compare:
        differing = [r for r in results if r.other_queries is not None and r.other_queries != r.queries]
        print(f"query counts differing between the two databases: {len(differing)}")
        for r in differing:
            print(f"  {r.role:<10} {r.url}  {r.queries} here, {r.other_queries} there{empty_note(r)}")


# The seconds the app spent on the last request: from the ASGI call to its return (the response's last byte sent).
# Timing the test client's round trip instead added its own work (building the request, the cookie jar, reading the
# response: 0.2–0.4 ms a request), which no server pays.
SERVER_CLOCK = {"seconds": 0.0}


def server_timed(app):
    async def timed_app(scope, receive, send):
        start = time.perf_counter()
        try:
            await app(scope, receive, send)
        finally:
            SERVER_CLOCK["seconds"] = time.perf_counter() - start

    return timed_app


async def empty_figure_store() -> None:
    """Empty the database's stored figures (talent.figures), so that a first visit computes them on each database
    measured: a URL measured by its first visit alone (--slow) is counted by its first visit on the second database
    too, which read the figures a run before had stored there (the administrator's /reports: 42 statements on the
    national demo, 2 on the small one, a difference of the stores, not of scale)."""
    from talent.figures.models import FigureCache

    await FigureCache.all().delete()


async def app_client(url: str):
    # A session's sign-in time is refreshed on its first request after settings.session_touch_minutes (one UPDATE):
    # a slow page, such as the whole audit log's export, made the next URL's statement count one higher on
    # whichever demo it happened to, a difference of timing, not of scale.
    os.environ.setdefault("TALENT_SESSION_TOUCH_MINUTES", str(7 * 24 * 60))
    get_settings.cache_clear()
    await Tortoise.init(config=tortoise_config(url))
    from talent.app import create_app

    app = create_app(manage_db=False)
    transport = httpx.ASGITransport(app=server_timed(app), client=("127.0.0.1", 50000))
    return transport


async def run(url: str, args, roles: list[str]) -> list[Result]:
    import pages_sql

    from talent.demo import DEMO_PASSWORD

    transport = await app_client(url)
    await empty_figure_store()
    twins = pages_sql.Twins(repeat=args.repeat)
    results: list[Result] = []
    # The garbage collector as `talent serve`'s lifespan sets it (create_app(manage_db=False) runs none).
    try:
        with tuned_collector(get_settings().gc_young_threshold):
            for role in roles:
                headers = {"Accept-Language": "en"}
                async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
                    if not await sign_in(client, role, DEMO_PASSWORD):
                        print(f"{role:<10} (cannot sign in: no such demo account?)")
                        continue
                    results += await run_role(client, role, args, twins)
    finally:
        await Tortoise.close_connections()
    return results


async def counts_on(url: str, results: list[Result]) -> None:
    """The query count of each measured URL on a second database (same roles, same URLs). A cursor page is the
    second database's own: the "next" link of its deep page (none when that list is too short there)."""
    from talent.demo import DEMO_PASSWORD

    transport = await app_client(url)
    await empty_figure_store()
    try:
        for role in dict.fromkeys(r.role for r in results):
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                if not await sign_in(client, role, DEMO_PASSWORD):
                    continue
                following = ""
                _paths, user = await nav_paths(role)
                for result in (r for r in results if r.role == role):
                    target = own_path(result.pattern, user) if "{" in result.pattern else result.url
                    if result.kind == "cursor":
                        if not following:
                            continue
                        target = urljoin(urlsplit(result.url).path, following)
                    if not result.once:  # counted as it was measured: the first visit, or one after it
                        await client.get(target)
                    async with count_queries() as counter:
                        response = await client.get(target)
                    result.other_queries = counter.count
                    result.other_filled = filled(response.text)
                    if result.kind == "deep":
                        following = links_of(response.text).next
    finally:
        await Tortoise.close_connections()


def loop_factory(name: str):
    """The event loop to measure on: "auto" is the one `talent serve` serves the app on, uvicorn's default choice
    (uvloop when it is installed, as uvicorn[standard] installs it; else asyncio's)."""
    if name == "auto":
        from uvicorn.loops.auto import auto_loop_factory

        return auto_loop_factory()
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.new_event_loop


def save(results: list[Result], path: str) -> None:
    rows = [{k: v for k, v in asdict(r).items() if k != "html"} for r in results]
    Path(path).write_text(json.dumps(rows, ensure_ascii=False, indent=1))


def load(path: str) -> list[Result]:
    return [Result(**row) for row in json.loads(Path(path).read_text())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TALENT_DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--deep", type=int, default=1000)
    parser.add_argument(
        "--slow", type=float, default=0.0, help="seconds: a first visit slower than this is measured once (0: never)"
    )
    parser.add_argument(
        "--warm", type=int, default=0, help="visits of each URL after the first and before those measured"
    )
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--paths", default="", help="only these navigation paths (comma-separated), e.g. /workers")
    parser.add_argument(
        "--kinds", default="", help="only these kinds of URL (comma-separated: page sort filter search deep export)"
    )
    parser.add_argument("--scale-compare", metavar="URL2", default="", help="a second database (the small demo)")
    parser.add_argument(
        "--markdown",
        choices=("pages", "all"),
        help="print a markdown table at the end: one row per page (path), or one per URL and role",
    )
    parser.add_argument(
        "--loop",
        choices=("auto", "asyncio", "uvloop"),
        default="asyncio",
        help="the event loop: asyncio's, or uvloop, or auto as `talent serve` runs the app (uvicorn's default: uvloop"
        " when installed). On three bureau and HR roles alternated twice, uvloop changed no figure beyond the runs'"
        " noise (within 1.5: 23 and 24 of 301 on asyncio's, 32 and 21 on uvloop; medians 4.13, 3.90 against 4.21,"
        " 4.20; the national demo on PostgreSQL)",
    )
    parser.add_argument("--json", metavar="PATH", help="save the results (to print their table later with --load)")
    parser.add_argument("--load", metavar="PATH", help="measure nothing: summarise the results saved with --json")
    args = parser.parse_args()
    if args.load:
        results = load(args.load)
        compare = any(r.other_queries is not None for r in results)
        (markdown_pages if args.markdown != "all" else markdown_all)(results, compare)
        summary(results, compare)
        return
    if not args.url:
        parser.error("set TALENT_DATABASE_URL or --url")
    print(
        f"{'role':<10} {'kind':<6} {'page':<70} {'code':>4} {'seconds':>8} {'in SQL':>8} {'stmt':>4} {'twin':>8}"
        f" {'ratio':>7} {'SQL rat':>7} rows",
        file=sys.stderr if args.markdown else sys.stdout,
    )
    with asyncio.Runner(loop_factory=loop_factory(args.loop)) as runner:
        results = runner.run(run(args.url, args, args.roles.split(",")))
        if args.scale_compare:
            runner.run(counts_on(args.scale_compare, results))
    if args.json:
        save(results, args.json)
    if args.markdown:
        (markdown_pages if args.markdown == "pages" else markdown_all)(results, bool(args.scale_compare))
    summary(results, bool(args.scale_compare))


if __name__ == "__main__":
    main()
