"""Stored markup never comes back as markup.

The small demo is loaded, then every free-text column of every table (names, titles, notes, stems, summaries,
file names, … — everything but keys, codes the program branches on, hashes and paths) is prefixed with markup
that carries an htmx attribute. Then each demo account crawls every page it can reach from its navigation, as a
full page and as the htmx fragment, and no response may contain that markup unescaped: htmx would process the
`hx-get` of a stored name on an administrator's page, with the administrator's CSRF header.
"""

import re
from collections import defaultdict
from datetime import date
from html import unescape
from urllib.parse import urlsplit

import pytest
from tortoise import Tortoise, fields
from tortoise.fields.data import CharEnumFieldInstance

from talent.demo import load_demo
from tests.web.test_route_walk import all_routes

# The quote and bracket also catch a break-out of an attribute value; 14 characters fit most columns.
MARKUP = '"><x hx-get=/>'
RAW = "<x hx-get=/>"
TODAY = date(2026, 11, 27)
USERS = ["admin", "bureau", "citybureau", "hr", "supervisor", "worker"]
URLS_PER_ROUTE = 2
# Entry points no page links to yet (the administration home will).
START = ["/admin/exams", "/imports/jobs/1", "/imports/jobs/2", "/imports/jobs/1/progress"]

# Columns that are not free text: keys and codes the program looks things up or branches by, hashes, stored
# paths, secrets. Markup cannot be typed into these (forms and imports validate them) and poisoning them would
# only break the demo's links, not test escaping.
NOT_TEXT = {
    ("login_attempts", "username"),
    ("login_attempts", "ip"),
    ("sessions", "id"),
    ("users", "username"),
    ("users", "password_hash"),
    ("users", "locale"),
    ("audit_entries", "action"),
    ("audit_entries", "entity"),
    ("audit_entries", "entity_id"),
    ("regions", "code"),
    ("workers", "id_number"),
    ("workers", "phone"),
    ("organisations", "phone"),
    ("exam_subjects", "code"),
    ("examprep_questions", "subject"),
    ("examprep_attempts", "subject"),
    ("examprep_question_versions", "answer"),
    ("import_jobs", "kind"),
    ("notifications", "kind"),
    ("notifications", "dedupe_key"),
    ("course_certificates", "code"),
    ("course_material_versions", "content_type"),
    ("ce_credits", "evidence_type"),
}
NOT_TEXT_SUFFIXES = ("path", "sha256")


def _text_columns() -> list[tuple[str, str, int | None, bool]]:
    """(table, column, max length or None, unique) of every free-text column."""
    out = []
    for models in Tortoise.apps.values():
        for model in models.values():
            table = model._meta.db_table
            for name, field in model._meta.fields_map.items():
                text = isinstance(field, fields.CharField | fields.TextField)
                if not text or isinstance(field, CharEnumFieldInstance):
                    continue
                column = field.source_field or name
                if (table, column) in NOT_TEXT or column.endswith(NOT_TEXT_SUFFIXES):
                    continue
                out.append((table, column, getattr(field, "max_length", None), bool(field.unique)))
    return out


async def _poison() -> list[str]:
    conn = Tortoise.get_connection("default")
    poisoned = []
    for table, column, max_length, unique in _text_columns():
        if max_length is not None:
            rows = await conn.execute_query_dict(f'SELECT MAX(LENGTH("{column}")) AS n FROM "{table}"')
            longest = rows[0]["n"] or 0
            if max_length < len(MARKUP) or (unique and longest + len(MARKUP) > max_length):
                continue
            value = f"SUBSTR('{MARKUP}' || \"{column}\", 1, {max_length})"
        else:
            value = f"'{MARKUP}' || \"{column}\""
        await conn.execute_script(f'UPDATE "{table}" SET "{column}" = {value}')
        poisoned.append(f"{table}.{column}")
    return poisoned


_LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')


def _links(html: str) -> list[str]:
    return [unescape(m) for m in _LINK.findall(html)]


def _patterns(app) -> list[tuple[re.Pattern, str]]:
    """GET route templates as regexes, literal ones first (so /workers/new is not taken for /workers/{id})."""
    paths = sorted({p for m, p in all_routes(app) if m == "GET"}, key=lambda p: (p.count("{"), p))
    return [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(p)) + "$"), p) for p in paths]


def _route_of(patterns, url: str) -> str | None:
    path = urlsplit(url).path
    return next((template for regex, template in patterns if regex.match(path)), None)


def _skip(url: str) -> bool:
    path = urlsplit(url).path
    # Not HTML (spreadsheets, files, PDFs) or ends the session.
    return path.startswith(("/static", "/logout")) or path.endswith(
        ("/export", "/download", "/pdf", "/template", "/evidence", ".csv")
    ) or re.search(r"/materials/[^/]+$", path) is not None


async def _crawl(app, client, start: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Breadth-first over the links of every page reached, at most URLS_PER_ROUTE urls per route."""
    seen_urls: set[str] = set()
    per_route: dict[str, int] = defaultdict(int)
    leaks: list[tuple[str, str]] = []
    queue = list(start)
    patterns = _patterns(app)
    while queue:
        url = queue.pop(0)
        if url in seen_urls or _skip(url):
            continue
        seen_urls.add(url)
        route = _route_of(patterns, url)
        if route is None or per_route[route] >= URLS_PER_ROUTE:
            continue
        per_route[route] += 1
        for headers in ({}, {"HX-Request": "true"}):
            response = await client.get(url, headers=headers, follow_redirects=True)
            assert response.status_code < 500, (url, response.status_code)
            if RAW in response.text:
                at = response.text.index(RAW)
                leaks.append((url + (" (fragment)" if headers else ""), response.text[max(0, at - 120) : at + 40]))
            if not headers and "text/html" in response.headers.get("content-type", ""):
                queue.extend(link for link in _links(response.text) if link not in seen_urls)
    return dict(per_route), leaks


async def _what_the_demo_lacks() -> None:
    """Records the small demo has none of: an import job whose report quotes the file's cells (JSON, so the
    column poisoning cannot reach it), and a pass line with a note."""
    from talent.accounts.models import User
    from talent.imports.models import ImportJob, ImportStatus

    hr = await User.get(username="hr")
    cell = {"row": 2, "column": "name", "value": MARKUP, "reason": MARKUP}
    for status in (ImportStatus.INVALID, ImportStatus.VALID):
        await ImportJob.create(
            kind="workers",
            user=hr,
            file_name="workers.csv",
            file_sha256="0" * 64,
            status=status,
            report={
                "errors": [cell],
                "error_count": 1,
                "preview": {"headers": [MARKUP], "rows": [[MARKUP]]},
                "rows": 1,
                "counts": {"created": 1},
                "failure": MARKUP,
            },
        )


@pytest.fixture
async def poisoned(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    await _what_the_demo_lacks()
    return await _poison()


async def test_the_demo_has_markup_in_every_free_text_column_that_people_type(poisoned):
    # The columns a bureau, HR or a worker types into are among them (a guard against poisoning nothing).
    for column in (
        "station_tiers.name",
        "stations.name",
        "workers.name",
        "employment_spells.exit_note",
        "courses.title",
        "course_lessons.body",
        "examprep_question_versions.stem",
        "ce_credits.note",
        "users.display_name",
    ):
        assert column in poisoned


@pytest.mark.parametrize("username", USERS)
async def test_no_page_or_fragment_returns_stored_markup_unescaped(app, client, poisoned, username):
    await _login_as_demo(client, username)
    home = await client.get("/", follow_redirects=True)
    assert home.status_code == 200
    start = ["/", "/me", *START, *_links(home.text)]
    visited, leaks = await _crawl(app, client, start)
    assert not leaks, leaks[:10]
    # The crawl really went somewhere: every section in the navigation and pages below them.
    assert len(visited) >= 8, sorted(visited)


async def test_the_crawls_of_all_accounts_together_reach_every_page_route(app, client, poisoned):
    reached: set[str] = set()
    for username in USERS:
        client.cookies.clear()
        await _login_as_demo(client, username)
        home = await client.get("/", follow_redirects=True)
        visited, _leaks = await _crawl(app, client, ["/", "/me", *START, *_links(home.text)])
        reached |= set(visited)
    pages = {
        path
        for method, path in _get_routes(app)
        if not _skip(path) and not path.startswith(("/healthz", "/docs", "/openapi", "/login", "/verify"))
    }
    missing = sorted(pages - reached)
    # A few pages are reached only by a form post or a typed address; they are listed here so that a new page
    # that no link leads to is noticed (and, if it is right, added).
    assert missing == sorted(UNLINKED), "\n".join(missing)


# Reached by a typed address only (or by data the small demo has none of); each is visited by the walks in
# tests/web/test_route_walk.py and its package's tests.
UNLINKED = {
    "/certificates/workers/{worker_id}/certificates/{certificate_id}/register",  # no registration due in the demo
    "/courses/certificates/{certificate_id}",  # the demo issues no completion certificates
    "/courses/{course_id}/sessions/{session_id}",  # the demo has no classroom sessions
    "/admin/exams/pass-lines/{line_id}",  # the demo keeps the national pass lines (no regional ones)
    "/api/v1/reports/supervision-coverage",  # JSON answers, asked for by address (tests/cohorts/test_api.py)
    "/api/v1/reports/cohort-outcomes",
}


def _get_routes(app):
    return [(m, p) for m, p in all_routes(app) if m == "GET"]


async def _login_as_demo(client, username: str) -> None:
    from talent.demo import DEMO_PASSWORD
    from tests.conftest import ensure_csrf

    client.cookies.delete("talent_session")
    token = await ensure_csrf(client)
    r = await client.post("/login", data={"csrf_token": token, "username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 303, (username, r.status_code)


