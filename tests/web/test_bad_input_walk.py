"""No request answers 500, whatever it carries: every GET route is called with hostile values in each of its
path and query parameters, and every POST route with hostile values in every form field it names."""

import re
from urllib.parse import quote

from tests.conftest import login, post
from tests.factories import world

NASTY = [
    "",
    "0",
    "-1",
    "99999999999999999999999",
    "1e309",
    "abc",
    "'; DROP TABLE workers; --",
    "%00",
    "\x00",
    "../../etc/passwd",
    "中文名称",
    "<script>alert(1)</script>",
    "x" * 5000,
    "2023-02-30",
    "NaN",
]


def _operations(app):
    for path, operations in app.openapi()["paths"].items():
        for method, op in operations.items():
            params = [(p["in"], p["name"]) for p in op.get("parameters", [])]
            yield method.upper(), path, params


async def test_hostile_path_and_query_values_never_cause_a_server_error(app, client):
    await world()
    await login(client, "admin")
    failures = []
    for method, path, params in _operations(app):
        if method != "GET":
            continue
        path_names = [n for where, n in params if where == "path"]
        query_names = [n for where, n in params if where == "query"]
        for value in NASTY:
            url = path
            for name in path_names:
                url = url.replace("{" + name + "}", quote(value, safe="") or "x")
            response = await client.get(url, params={n: value for n in query_names})
            if response.status_code >= 500:
                failures.append((url, value[:20], response.status_code))
    assert not failures, failures[:10]


async def test_hostile_form_values_never_cause_a_server_error(app, client):
    w = await world()
    await login(client, "admin")
    ids = {
        "region_id": w["regions"]["street_a"].id,
        "station_id": w["stations"][0].id,
        "worker_id": w["workers"][0].id,
        "organisation_id": w["orgs"][0].id,
        "tier_id": w["tier"].id,
        "user_id": w["users"]["hr"].id,
    }
    failures = []
    fields = [
        "name",
        "code",
        "parent_code",
        "region_code",
        "station_code",
        "worker_no",
        "start_on",
        "end_on",
        "birth_date",
        "opened_on",
        "exit_type",
        "exit_reason",
        "level",
        "gender",
        "education",
        "source",
        "min_fulltime",
        "min_certified",
        "max_age",
        "username",
        "password",
        "role",
        "organisation",
        "tier",
        "tier_id",
        "full_time",
        "id_number",
        "phone",
        "locale",
        "next",
        "q",
    ]
    for method, path, _params in _operations(app):
        if method != "POST" or path in ("/logout",) or path.endswith("/revoke"):
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
        for value in NASTY[:8] + NASTY[10:]:
            response = await post(client, url, {f: value for f in fields})
            if response.status_code >= 500:
                failures.append((url, value[:20], response.status_code))
    assert not failures, failures[:10]
