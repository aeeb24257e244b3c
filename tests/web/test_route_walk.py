"""Walk every registered route as every role, with ids inside and outside the role's scope.

Invariants checked for each (route, role, side):
- nothing ever answers 500;
- anonymous visitors reach only the public routes; everything else sends them to /login;
- with ids of the other county/organisation (side B), no non-admin role gets a success (2xx/3xx):
  it must be 403 (role not allowed) or 404 (out of scope).
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from courses.examprep.models import MockAttempt
from talent.certification.models import CeCredit, Certificate
from talent.cohorts.models import Cohort, CohortMember, Milestone
from talent.notifications.models import Notification
from talent.people.models import EmploymentSpell
from talent.places.models import CertLevel, StationTier
from talent.supervision.models import Assignment, SupervisionSession, Supervisor
from tests.conftest import PASSWORD, csrf_of, ensure_csrf
from tests.factories import world

PUBLIC = {"/login", "/logout", "/language", "/healthz"}
PUBLIC_PREFIXES = ("/verify/",)
ROLES = ["admin", "bureau", "hr", "supervisor", "worker"]
# Served, but left out of the OpenAPI description on purpose (talent/web/docs.py: the description itself and
# its viewer). Walked all the same.
NOT_IN_SCHEMA = {("GET", "/docs"), ("GET", "/openapi.json")}
# These end (or may end) the walker's session; a role walk takes them last and signs in again after each.
SESSION_ENDING = ("/logout", "/me/sessions/revoke")


def all_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) the walk visits: the OpenAPI description (which lists included routers), and the
    routes kept out of it on purpose."""
    described = [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in sorted(operations)
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    ]
    return described + sorted(NOT_IN_SCHEMA - set(described))


def served_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, read from its router — independently of the OpenAPI description —
    without the static files mount (and HEAD, which Starlette answers for every GET)."""
    from fastapi.routing import iter_route_contexts
    from starlette.routing import Mount

    served = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            continue
        served += [(method, route.path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return served


def _walk_order(routes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The routes with those that end the session last."""
    return sorted(routes, key=lambda route: route[1] in SESSION_ENDING)


def fill(path: str, ids: dict[str, int]) -> str:
    def sub(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        return str(ids.get(name, 999999))

    return re.sub(r"\{([^}]+)\}", sub, path)


async def _sides(w: dict) -> dict[str, dict[str, int]]:
    now = datetime.now(UTC)
    tier_b = await StationTier.create(name="B-only", region=w["regions"]["county_b"])
    spell_a = await EmploymentSpell.get(worker=w["workers"][0])
    spell_b = await EmploymentSpell.get(worker=w["workers"][2])
    cert_a = await Certificate.create(
        worker=w["workers"][0], level=CertLevel.ASSISTANT, number="WALK-A", obtained_on=date(2023, 6, 1)
    )
    cert_b = await Certificate.create(
        worker=w["workers"][2], level=CertLevel.ASSISTANT, number="WALK-B", obtained_on=date(2023, 6, 1)
    )
    # CE credits with evidence metadata but no stored file: the download answers 404 after the scope check.
    evidence = {"evidence_name": "walk.pdf", "evidence_size": 1, "evidence_sha256": "0" * 64}
    credit_a = await CeCredit.create(
        worker=w["workers"][0], hours=6, source="external", earned_on=date(2025, 5, 1), **evidence
    )
    credit_b = await CeCredit.create(
        worker=w["workers"][2], hours=6, source="external", earned_on=date(2025, 5, 1), **evidence
    )
    # A mock exam each (an empty paper will do: the walk is about who may open it).
    attempts = [
        await MockAttempt.create(
            worker=w["workers"][i],
            subject="A-ZH",
            seed=1,
            started_at=now,
            deadline_at=now + timedelta(hours=2),
            full_marks=0,
            pass_mark=0,
        )  # fmt: skip
        for i in (0, 2)
    ]
    # Side A's notification belongs to hr; side B's to the admin, so it is someone else's for every other role.
    note_a = await Notification.create(user=w["users"]["hr"], kind="walk", text="Walk", dedupe_key="walk-a")
    note_b = await Notification.create(user=w["users"]["admin"], kind="walk", text="Walk", dedupe_key="walk-b")
    supervision = await _supervision_sides(w)
    return {
        "A": {
            "region_id": w["regions"]["street_a"].id,
            "organisation_id": w["orgs"][0].id,
            "tier_id": w["tier"].id,
            "station_id": w["stations"][0].id,
            "worker_id": w["workers"][0].id,
            "worker_no": w["workers"][0].worker_no,
            "spell_id": spell_a.id,
            "user_id": w["users"]["hr"].id,
            "certificate_id": cert_a.id,
            "credit_id": credit_a.id,
            "attempt_id": attempts[0].id,
            "notification_id": note_a.id,
            **supervision["A"],
        },
        "B": {
            "region_id": w["regions"]["street_b"].id,
            "organisation_id": w["orgs"][1].id,
            "tier_id": tier_b.id,
            "station_id": w["stations"][2].id,
            "worker_id": w["workers"][2].id,
            "worker_no": w["workers"][2].worker_no,
            "spell_id": spell_b.id,
            "user_id": w["users"]["hr"].id,
            "certificate_id": cert_b.id,
            "credit_id": credit_b.id,
            "attempt_id": attempts[1].id,
            "notification_id": note_b.id,
            **supervision["B"],
        },
    }


async def _supervision_sides(w: dict) -> dict[str, dict[str, int]]:
    """Supervision and cohorts: side A is S1's supervisor (督导甲), their assignment and a session at S1, a county-A
    cohort whose member W1 they mentor, with a milestone; side B the same in county B (a supervisor based there)."""
    ids: dict[str, dict[str, int]] = {}
    for side, county, station, worker in (("A", "county_a", 0, 0), ("B", "county_b", 2, 2)):
        if side == "A":
            supervisor = await Supervisor.get(name="督导甲")
        else:
            supervisor = await Supervisor.create(name="县乙督导", region=w["regions"][county])
            await Assignment.create(supervisor=supervisor, station=w["stations"][station], start_on=date(2020, 1, 1))
        assignment = await Assignment.get(supervisor=supervisor, station=w["stations"][station])
        session = await SupervisionSession.create(
            supervisor=supervisor, station=w["stations"][station], held_on=date(2025, 5, 1), hours=2, format="group"
        )
        region = w["regions"][county]
        cohort = await Cohort.create(
            name=f"Walk {side}", kind="internal_incubation", region=region, region_path=region.path,
            start_on=date(2025, 1, 1), end_on=date(2030, 12, 31),
        )  # fmt: skip
        member = await CohortMember.create(
            cohort=cohort, worker=w["workers"][worker], mentor=supervisor, joined_on=date(2025, 1, 1)
        )
        milestone = await Milestone.create(cohort=cohort, kind="custom", title="Walk", due_on=date(2026, 1, 1))
        ids[side] = {
            "supervisor_id": supervisor.id,
            "assignment_id": assignment.id,
            "session_id": session.id,
            "cohort_id": cohort.id,
            "member_id": member.id,
            "milestone_id": milestone.id,
        }
    return ids


async def _request(client, method: str, url: str):
    token = await ensure_csrf(client)
    if method == "GET":
        return await client.get(url)
    return await client.request(method, url, data={"csrf_token": token})


async def _login_as(client, username: str) -> None:
    client.cookies.delete("talent_session")
    token = await ensure_csrf(client)
    r = await client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert r.status_code == 303, (username, r.status_code)


async def test_anonymous_visitors_reach_only_public_routes(app, client):
    w = await world()
    sides = await _sides(w)
    walked = []
    for method, path in all_routes(app):
        url = fill(path, sides["A"])
        response = await _request(client, method, url)
        walked.append((method, path))
        assert response.status_code != 500, (method, url)
        if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
            continue
        assert response.status_code in (303, 401), (method, url, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login"), (method, url)
    assert len(walked) == len(served_routes(app)) and sorted(walked) == sorted(served_routes(app))


@pytest.mark.parametrize("role", ROLES)
async def test_every_route_answers_without_error_and_hides_other_scopes(app, client, role):
    w = await world()
    sides = await _sides(w)
    await _login_as(client, role)
    failures = []
    walked = []
    for method, path in _walk_order(all_routes(app)):
        for side in ("A", "B"):
            url = fill(path, sides[side])
            response = await _request(client, method, url)
            if response.status_code >= 500:
                failures.append((method, url, side, response.status_code))
            if role != "admin" and side == "B" and "{" in path and path not in PUBLIC:
                if response.status_code not in (403, 404):
                    failures.append((method, url, side, response.status_code))
            if path in SESSION_ENDING:
                await _login_as(client, role)  # signed out (or revoked): sign in again and walk on
        walked.append((method, path))
    assert not failures, failures
    assert csrf_of(client)
    # Every route the app serves was walked, once: a route left out of the OpenAPI description, or skipped
    # here, shows up as a difference.
    assert len(walked) == len(served_routes(app)), set(served_routes(app)) ^ set(walked)
    assert sorted(walked) == sorted(served_routes(app))


async def test_the_walk_visits_every_route_the_app_serves(app):
    served = served_routes(app)
    # Guards against the walk silently covering nothing if routing changes.
    assert len(served) >= 10
    assert len(served) == len(set(served)), "a (method, path) is served twice"
    assert sorted(all_routes(app)) == sorted(served), set(all_routes(app)) ^ set(served)
    # The routes kept out of the description are served and really are left out of it.
    described = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert NOT_IN_SCHEMA <= set(served) and not NOT_IN_SCHEMA & described


async def test_a_route_left_out_of_the_description_is_noticed(app):
    # A route added with include_in_schema=False (and not named in NOT_IN_SCHEMA) is served but not walked.
    from fastapi import APIRouter

    hidden = APIRouter(include_in_schema=False)

    @hidden.get("/hidden-from-the-walk")
    async def hidden_page() -> dict:
        return {}

    app.include_router(hidden)
    assert ("GET", "/hidden-from-the-walk") in served_routes(app)
    assert ("GET", "/hidden-from-the-walk") not in all_routes(app)
    assert len(all_routes(app)) == len(served_routes(app)) - 1
