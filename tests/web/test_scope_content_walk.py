"""The scope walk, by content: nothing out of a role's scope may appear in anything the role can fetch.

tests/web/test_route_walk.py checks status codes. This walk seeds sentinel records outside each role's
scope (tests/web/sentinels.py: workers, certificates, CE credits, exam results, stations, organisations,
tiers, regions, courses, questions, import jobs, notifications, audit rows, each with a unique marker) and
then, signed in as each non-admin role, GETs every GET route of the app:

- with path parameters of in-scope records (and W1 / a transferred worker on the worker routes), as a full
  page and as an htmx fragment (`HX-Request: true`);
- every list, export and suggestion list again with a search that matches every sentinel (`q=zqxsnt`),
  and with the filters that widen a list (status=all, drafts, a subject, a station, csv as well as xlsx …);
- every id-taking route with the ids of the sentinel records themselves (and mixed: an in-scope parent
  with a sentinel child), which must answer 403 or 404;
- and a few writes whose answers (or the pages after them) could draw on a sentinel: the editors' import
  dry runs of small files naming sentinel records by their keys (never confirmed), bulk enrolment of
  sentinel workers and attendance/withdrawal of their enrolments; the worker's practice answer to an
  out-of-reach question, mock exams of subjects only sentinel questions have, enrolling in hidden courses.
  What the walk typed itself (a station code filter, a worker number in a file) is not counted as a leak
  on the answer to that request.

Every response body (xlsx exports decoded to their cell text, CSV, HTML, JSON, headers) must contain no
marker of a record outside the role's scope (case-insensitive). All leaks are collected and reported at
the end as (role, url, marker). A positive control walks as the admin (who sees everything) and signs in as
the owners of the other users' notifications and import jobs, and requires every marker to be found, so
a marker that nothing can display, or a broken decoder, cannot make the walk pass vacuously.
"""

import csv
import io
import re
import time
from collections import defaultdict
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from talent.core.access import Role
from talent.imports import framework
from tests.conftest import ensure_csrf
from tests.factories import world
from tests.web.sentinels import TOKEN, WALKED_ROLES, Seeded, seed
from tests.web.test_route_walk import _login_as, fill

# Path parameters that name a record (the sentinel walk fills these with sentinel ids).
RECORD_PARAMS = (
    "region_id", "organisation_id", "tier_id", "station_id", "worker_id", "spell_id", "user_id", "certificate_id",
    "credit_id", "attempt_id", "course_id", "lesson_id", "material_id", "version_id", "session_id", "question_id",
    "job_id", "worker_no", "supervisor_id", "cohort_id", "member_id",
)  # fmt: skip
# GET routes outside the OpenAPI description.
EXTRA_GETS = ("/openapi.json", "/docs")
DOWNLOAD_SUFFIXES = ("/export", ".xlsx", ".csv", "/pdf", "/download", "/evidence")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def storage(storage_dir):
    """Uploads of the import probes go to the test's own directory (tests/conftest.py), never to var/storage."""
    return storage_dir


def get_routes(app) -> dict[str, list[str]]:
    """Every GET path of the app with its query parameter names, from app.openapi()."""
    routes = {}
    for path, operations in app.openapi()["paths"].items():
        if "get" in operations:
            routes[path] = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
    return routes


def _params(path: str) -> list[str]:
    return [m.split(":")[0] for m in re.findall(r"\{([^}]+)\}", path)]


def route_ids(path: str, ids: dict) -> dict:
    """The ids as the route reads them: /courses/certificates/{certificate_id} is a completion certificate, not a
    national one; /supervision/sessions/{session_id} a supervision session, not a classroom one."""
    if path.startswith("/courses/certificates/"):
        ids = {**ids, "certificate_id": ids.get("completion_id", 999999)}
    if path.startswith("/supervision/sessions/"):
        ids = {**ids, "session_id": ids.get("supervision_session_id", 999999)}
    return ids


def fill_path(path: str, ids: dict) -> str:
    return fill(path, route_ids(path, ids))


def _is_download(path: str) -> bool:
    return path.endswith(DOWNLOAD_SUFFIXES)


def body_text(response) -> str:
    """The response as lower-case text: xlsx cells, or the decoded body, plus every header."""
    content = response.content
    if content[:2] == b"PK":
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        cells = []
        for sheet in workbook.worksheets:
            cells.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells.extend(str(v) for v in row if v is not None)
        workbook.close()
        text = "\n".join(cells)
    elif content[:5] == b"%PDF-":
        text = content.decode("latin-1")
    else:
        text = content.decode("utf-8", errors="replace")
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return (text + "\n" + headers).lower()


class Walk:
    """One signed-in client walking URLs; records leaks, status failures, markers found, requests made."""

    def __init__(self, client, role: str, seeded: Seeded, *, check: bool = True):
        self.client = client
        self.role = role
        self.seeded = seeded
        self.check = check  # False: the admin control, which only records what it finds
        self.leaks: list[tuple] = []
        self.status_failures: list[tuple] = []
        self.found: dict[str, str] = {}
        self.requests = 0
        self.urls: set[str] = set()
        self.errors: list[tuple] = []
        self.routes_hit: set[str] = set()  # route paths at least one request went to
        self.routes_ok: set[str] = set()  # … and those that answered 2xx at least once

    async def get(self, path: str, url: str, *, htmx: bool = False, sent: tuple[str, ...] = (), data=None):
        """GET `url` (POST `data` when given, with the CSRF token) and check the answer for markers."""
        self.requests += 1
        self.urls.add(url)
        try:
            if data is None:
                response = await self.client.get(url, headers=HTMX if htmx else None)
            else:
                token = await ensure_csrf(self.client)
                response = await self.client.post(
                    url, data={"csrf_token": token, **data}, headers=HTMX if htmx else None
                )
        except Exception as exc:  # noqa: BLE001 — an unhandled error is reported with the rest, not the first only
            self.errors.append((self.role, url, repr(exc)[:200]))
            return None
        if response.status_code >= 500:
            self.errors.append((self.role, url, response.status_code))
        if data is None:
            self.routes_hit.add(path)
            if 200 <= response.status_code < 300:
                self.routes_ok.add(path)
        text = body_text(response)
        typed = [v.lower() for v in sent]
        for marker in self.seeded.markers:
            needle = marker.text.lower()
            if needle not in text:
                continue
            self.found.setdefault(marker.text, url)
            if not self.check or not marker.applies(self.role, path):
                continue
            if any(needle in value for value in typed):
                continue  # the walk typed this value itself (a filter echoed back is not a leak)
            label = ("POST " if data is not None else "") + url + (" [htmx]" if htmx else "")
            self.leaks.append((self.role, label, marker.text, marker.group, marker.kind))
        return response

    async def visit(self, path: str, url: str, query: dict | None = None, sent: tuple[str, ...] = ()):
        full = url + ("?" + urlencode(query) if query else "")
        sent = sent + tuple(str(v) for v in (query or {}).values())
        response = await self.get(path, full, sent=sent)
        if not _is_download(path):
            await self.get(path, full, htmx=True, sent=sent)
        return response


def query_variants(path: str, qparams: list[str], seeded: Seeded) -> list[dict]:
    """The query strings a route is walked with: none, a search for every sentinel, and widening filters."""
    variants: list[dict] = [{}]
    search = "q" in qparams or path.endswith("/suggest")
    if search:
        variants.append({"q": TOKEN})
    if path == "/workers/suggest":
        variants.append({"worker_no": TOKEN})
    elif "worker_no" in qparams:
        variants += [{"worker_no": wno} for wno in seeded.worker_nos.values()]
    if path == "/regions/suggest":
        variants += [{"level": "township"}, {"level": "township", "q": TOKEN}]
    if path.startswith("/workers") and "status" in qparams:
        variants += [{"status": "all"}, {"status": "all", "q": TOKEN}, {"status": "left", "q": TOKEN}]
    if path == "/courses":
        variants += [
            {"status": "draft"},
            {"status": "draft", "q": TOKEN},
            {"status": "published", "q": TOKEN},
            {"region": seeded.region_codes["FAR_COUNTY"]},
            {"region": "320104"},
        ]
    if "station" in qparams:
        for code in seeded.station_codes.values():
            variants.append({"station": code, **({"status": "all"} if path.startswith("/workers") else {})})
    if "subject" in qparams:
        subjects = seeded.subjects if path == "/exam-prep/practice" else ["S-SW", "I-FG"]
        variants += [{"subject": code} for code in subjects]
        if search:
            variants += [{"subject": code, "q": TOKEN} for code in ("S-SW", "I-FG")]
    if "mine" in qparams:
        variants.append({"mine": "1", "q": TOKEN})
    if "entity_id" in qparams:
        variants += [{"entity": "worker", "entity_id": str(i)} for i in seeded.worker_ids.values()]
    if "unread" in qparams:
        variants.append({"unread": "1"})
    if path == "/certificates/pass-rates":
        variants += [
            {"region": seeded.region_codes["FAR"]},
            {"region": seeded.region_codes["NEAR"]},
            {"region": "320104"},
        ]
    if path.startswith("/stations") and "organisation" in qparams:
        far, near = seeded.sentinel_ids["FAR"], seeded.sentinel_ids["NEAR"]
        variants += [
            {"organisation": str(far["organisation_id"])},
            {"organisation": str(near["organisation_id"])},
            {"tier": str(far["tier_id"])},
            {"tier": str(near["tier_id"])},
        ]
    if path == "/regions/new":
        variants.append({"parent": seeded.region_codes["FAR"]})
    if "level" in qparams and path.startswith("/regions") and path != "/regions/suggest":
        variants.append({"level": "township", **({"q": TOKEN} if search else {})})
    if "format" in qparams:
        variants = [v for base in variants for v in (base, {**base, "format": "csv"})]
    return variants


def _kinds_for(role: str) -> list[str]:
    names = [k.name for k in framework.kinds_for(Role("bureau" if role == "citybureau" else role))]
    return names or ["workers"]


async def walk_in_scope(walk: Walk, app, ids: dict) -> set[str]:
    """Every GET route with in-scope ids and every query variant; returns the route paths visited."""
    routes = get_routes(app)
    visited = set()
    for path, qparams in routes.items():
        names = _params(path)
        id_sets = [ids] + [
            {**ids, **part} for part in walk.seeded.extra.get(walk.role, []) if next(iter(part)) in names
        ]
        if "subject" in names:
            id_sets = [{**i, "subject": code} for i in id_sets for code in walk.seeded.subjects]
        if "kind" in names:
            id_sets = [{**i, "kind": name} for i in id_sets for name in _kinds_for(walk.role)]
        for id_set in id_sets:
            url = fill_path(path, id_set)
            for query in query_variants(path, qparams, walk.seeded):
                await walk.visit(path, url, query)
        visited.add(path)
    for url in EXTRA_GETS:
        await walk.visit(url, url)
    return visited


async def walk_sentinel_ids(walk: Walk, app, ids: dict, groups: list[str], *, expect_hidden: bool = True) -> int:
    """Every id-taking GET route with the ids of out-of-scope sentinel records: all of them, and (for routes
    with two or more ids) an in-scope first id with sentinel ids after it. Returns the requests made."""
    made = 0
    for path in get_routes(app):
        names = [n for n in _params(path) if n in RECORD_PARAMS]
        if not names or path.startswith("/verify/"):
            continue
        for group in groups:
            gids = route_ids(path, walk.seeded.sentinel_ids[group])
            if path.startswith("/supervision/sessions/") and "supervision_session_id" not in gids:
                continue
            if not any(n in gids for n in names):
                continue
            sentinel_only = {**ids, **{n: gids.get(n, 999999) for n in names}}
            fills = [sentinel_only]
            if len(names) > 1:
                fills.append({**ids, **{n: gids.get(n, 999999) for n in names[1:]}})
            for values in fills:
                url = fill(path, values)
                response = await walk.get(path, url)
                made += 1
                if expect_hidden and response is not None and response.status_code not in (403, 404):
                    walk.status_failures.append((walk.role, url, group, response.status_code))
    return made


async def worker_probes(walk: Walk) -> int:
    """The worker's own actions that could draw on questions out of reach: answer the FAR question (its id and
    version as a page would post them) and start mock exams of the subjects only sentinel questions have; a
    started mock's paper is then opened. Returns the requests made."""
    probe = walk.seeded.probe
    before = walk.requests
    url = f"/exam-prep/practice/{probe['far_question_id']}"
    response = await walk.get(url, url, data={"version": str(probe["far_version_id"]), "choice": "A"})
    if response is not None and response.status_code not in (403, 404):
        walk.status_failures.append((walk.role, "POST " + url, "FAR", response.status_code))
    for subject in probe["mock_subjects"]:
        response = await walk.get("/exam-prep/mock", "/exam-prep/mock", data={"subject": subject})
        if response is not None and response.status_code == 303:
            target = response.headers["location"]
            await walk.get("/exam-prep/mock/{attempt_id}", target)
    for group, course_id in probe["hidden_courses"].items():
        url = f"/courses/{course_id}/enrol"
        response = await walk.get(url, url, data={})
        if response is not None and response.status_code not in (403, 404):
            walk.status_failures.append((walk.role, "POST " + url, group, response.status_code))
    return walk.requests - before


async def learner_probes(walk: Walk) -> int:
    """Staff actions on learners that name a sentinel: bulk-enrol sentinel workers (by number, by station) on an
    empty in-scope course, mark a sentinel's enrolment present, withdraw it. All must be refused without
    saying more than what was typed; the learner pages afterwards must still show no sentinel."""
    probe, seeded = walk.seeded.probe, walk.seeded
    hidden = set(seeded.hidden_groups[walk.role])
    before = walk.requests
    empty = probe["empty_course_id"]
    for group in sorted(hidden & set(seeded.worker_nos)):
        wno = seeded.worker_nos[group]
        await walk.get("/courses/{course_id}/enrolments", f"/courses/{empty}/enrolments", data={"worker_nos": wno},
                       sent=(wno,))  # fmt: skip
    for group in sorted(hidden & set(seeded.all_station_codes)):
        code = seeded.all_station_codes[group]
        await walk.get("/courses/{course_id}/enrolments", f"/courses/{empty}/enrolments",
                       data={"station_code": code}, sent=(code,))  # fmt: skip
    course, session = probe["course_id"], probe["session_id"]
    for group in sorted(hidden & set(probe["ca_enrolments"])):
        enrolment = probe["ca_enrolments"][group]
        # As htmx, a refused attendance mark answers 404 (a plain post would redirect either way).
        for url, data, htmx in (
            (f"/courses/{course}/sessions/{session}/attendance/{enrolment}", {"present": "1"}, True),
            (f"/courses/{course}/enrolments/{enrolment}/withdraw", {}, False),
        ):
            response = await walk.get(url, url, data=data, htmx=htmx)
            if response is not None and response.status_code not in (403, 404):
                walk.status_failures.append((walk.role, "POST " + url, group, response.status_code))
    for url in (
        f"/courses/{empty}/enrolments",
        f"/courses/{empty}/enrolments?q={TOKEN}",
        f"/courses/{course}/enrolments?q={TOKEN}",
        f"/courses/{course}/sessions/{session}",
    ):
        await walk.visit(url.split("?")[0], url)
    return walk.requests - before


def import_probe_files(seeded: Seeded) -> list[tuple[str, str, list[list[str]]]]:
    """(kind, group, rows): one small file per sentinel that names it by its natural key, so a dry run that
    looks it up could show more of it (its name, station, certificate) than the key the user typed."""
    files = []
    for group, wno in seeded.worker_nos.items():
        files += [
            ("workers", group, [["worker_no", "name"], [wno, "Probe person"]]),
            ("employment", group, [["worker_no", "station_code", "start_on"], [wno, "S1", "2024-02-01"]]),
            ("exam_results", group, [["worker_no", "year", "subject", "score"], [wno, "2024", "A-ZH", "70"]]),
            (
                "certificates",
                group,
                [
                    ["worker_no", "level", "number", "obtained_on"],
                    [wno, "intermediate", f"PROBE-{group}", "2024-01-01"],
                ],
            ),
            (
                "certificates",
                group,
                [
                    ["worker_no", "level", "number", "obtained_on"],
                    ["W1", "intermediate", seeded.cert_numbers[group], "2024-01-01"],
                ],
            ),
        ]
    for group, code in seeded.all_station_codes.items():
        files += [
            ("employment", group, [["worker_no", "station_code", "start_on"], ["W1", code, "2024-02-01"]]),
            ("stations", group, [["code", "name", "region_code"], [code, "Probe station", "320102001"]]),
        ]
    # In-scope workers whose other spell is out of scope: a new spell overlapping it must not name its station.
    files += [
        ("employment", "MOVED", [["worker_no", "station_code", "start_on"], ["MOVED1", "S1", "2024-02-01"]]),
        ("employment", "PAST", [["worker_no", "station_code", "start_on"], ["W1", "S2", "2020-06-01"]]),
    ]
    for group, (code, parent) in seeded.region_rows.items():
        files.append(
            ("regions", group, [["code", "name", "level", "parent_code"], [code, "Probe region", "township", parent]])
        )
    return files


async def import_probes(walk: Walk) -> int:
    """Upload each probe file (dry run only, never confirmed) and read its job page, progress, problems CSV."""
    before = walk.requests
    allowed = set(_kinds_for(walk.role))
    for kind, group, rows in import_probe_files(walk.seeded):
        if kind not in allowed:
            continue
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        typed = tuple(cell for row in rows for cell in row)
        token = await ensure_csrf(walk.client)
        url = f"/imports/{kind}"
        walk.requests += 1
        try:
            response = await walk.client.post(
                url, data={"csrf_token": token}, files={"file": ("probe.csv", buffer.getvalue().encode(), "text/csv")}
            )
        except Exception as exc:  # noqa: BLE001
            walk.errors.append((walk.role, f"POST {url} ({group})", repr(exc)[:200]))
            continue
        if response.status_code != 303:
            walk.errors.append((walk.role, f"POST {url} ({group})", response.status_code))
            continue
        job = response.headers["location"]
        await walk.visit("/imports/jobs/{job_id}", job, sent=typed)
        await walk.get("/imports/jobs/{job_id}/progress", job + "/progress", sent=typed)
        await walk.get("/imports/jobs/{job_id}/errors.csv", job + "/errors.csv", sent=typed)
    return walk.requests - before


def _report(leaks: list[tuple]) -> str:
    by_marker = defaultdict(list)
    for role, url, text, group, kind in leaks:
        by_marker[(role, group, kind, text)].append(url)
    lines = [f"{len(leaks)} leaks:"]
    for (role, group, kind, text), urls in sorted(by_marker.items()):
        lines.append(f"  [{role}] {group} {kind} {text!r} on {len(urls)} URLs, e.g. {urls[:4]}")
    return "\n".join(lines)


@pytest.mark.parametrize("role", WALKED_ROLES)
async def test_no_page_of_a_role_shows_anything_outside_its_scope(app, client, role):
    started = time.monotonic()
    w = await world()
    seeded = await seed(w)
    await _login_as(client, role)
    walk = Walk(client, role, seeded)
    visited = await walk_in_scope(walk, app, seeded.inscope[role])
    in_scope_requests = walk.requests
    sentinel_requests = await walk_sentinel_ids(walk, app, seeded.inscope[role], seeded.hidden_groups[role])
    probe_requests = await worker_probes(walk) if role == "worker" else 0
    if role in ("bureau", "citybureau", "hr"):
        probe_requests += await import_probes(walk)
        probe_requests += await learner_probes(walk)

    get_paths = set(get_routes(app))
    get_count = len(get_paths)
    hit = walk.routes_hit & get_paths
    print(
        f"\n[{role}] GET routes walked: {len(hit)} of {get_count} ({len(walk.routes_ok & get_paths)} answered 2xx); "
        f"requests: {walk.requests} "
        f"({in_scope_requests} in scope, {sentinel_requests} with sentinel ids, {probe_requests} for POST probes); "
        f"distinct URLs: {len(walk.urls)}; markers checked: {sum(1 for m in seeded.markers if role in m.hidden_from)}; "
        f"{time.monotonic() - started:.1f}s"
    )
    for leak in walk.leaks:
        print("LEAK", leak[:3], leak[3:])
    for failure in walk.status_failures:
        print("STATUS", failure)

    # The walk cannot silently cover nothing: a request went to every GET route of the app, the role's pages
    # did answer (a lost session would turn everything into redirects), and it is still signed in at the end.
    assert visited == get_paths
    assert len(hit) >= get_count, sorted(get_paths - hit)
    assert len(walk.routes_ok & get_paths) >= 10, sorted(walk.routes_ok)
    assert (await client.get("/me")).status_code == 200
    problems = []
    if walk.errors:
        problems.append(f"{len(walk.errors)} requests failed with a server error: {walk.errors}")
    if walk.leaks:
        problems.append(_report(walk.leaks))
    if walk.status_failures:
        problems.append(f"{len(walk.status_failures)} sentinel ids answered other than 403/404: {walk.status_failures}")
    assert not problems, "\n".join(problems)


async def test_every_marker_is_visible_to_someone_allowed_to_see_it(app, client):
    """Positive control: the admin (everything in scope) finds every marker; another user's notification and
    import job are found by their owners. So a marker that no page displays, a search that finds nothing or
    an export the decoder cannot read would fail here rather than pass the walk above vacuously."""
    w = await world()
    seeded = await seed(w)
    await _login_as(client, "admin")
    walk = Walk(client, "admin", seeded, check=False)
    await walk_in_scope(walk, app, seeded.inscope["admin"])
    await walk_sentinel_ids(walk, app, seeded.inscope["admin"], list(seeded.sentinel_ids), expect_hidden=False)
    for owner, group in seeded.owners.items():
        await _login_as(client, owner)
        job = seeded.sentinel_ids[group]["job_id"]
        for url in ("/imports", "/notifications", f"/imports/jobs/{job}", f"/imports/jobs/{job}/errors.csv"):
            await walk.get(url, url)
    assert not walk.errors, walk.errors
    missing = [(m.group, m.kind, m.text) for m in seeded.markers if m.text not in walk.found]
    assert not missing, missing
    # A leak names one record: no marker contains another one hidden from different roles.
    ambiguous = [
        (a.text, b.text)
        for a in seeded.markers
        for b in seeded.markers
        if a is not b and b.text.lower() in a.text.lower() and a.hidden_from != b.hidden_from
    ]
    assert not ambiguous, ambiguous
