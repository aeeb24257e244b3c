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
from talent.notifications.models import Notification
from talent.people.models import EmploymentSpell
from talent.places.models import CertLevel, StationTier
from tests.conftest import PASSWORD, csrf_of, ensure_csrf
from tests.factories import world

PUBLIC = {"/login", "/logout", "/language", "/healthz"}
PUBLIC_PREFIXES = ("/verify/",)
ROLES = ["admin", "bureau", "hr", "supervisor", "worker"]


def all_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, read from its OpenAPI description (which lists included routers)."""
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in sorted(operations)
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    ]


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
    return {
        "A": {
            "region_id": w["regions"]["street_a"].id,
            "organisation_id": w["orgs"][0].id,
            "tier_id": w["tier"].id,
            "station_id": w["stations"][0].id,
            "worker_id": w["workers"][0].id,
            "spell_id": spell_a.id,
            "user_id": w["users"]["hr"].id,
            "certificate_id": cert_a.id,
            "credit_id": credit_a.id,
            "attempt_id": attempts[0].id,
            "notification_id": note_a.id,
        },
        "B": {
            "region_id": w["regions"]["street_b"].id,
            "organisation_id": w["orgs"][1].id,
            "tier_id": tier_b.id,
            "station_id": w["stations"][2].id,
            "worker_id": w["workers"][2].id,
            "spell_id": spell_b.id,
            "user_id": w["users"]["hr"].id,
            "certificate_id": cert_b.id,
            "credit_id": credit_b.id,
            "attempt_id": attempts[1].id,
            "notification_id": note_b.id,
        },
    }


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
    for method, path in all_routes(app):
        url = fill(path, sides["A"])
        response = await _request(client, method, url)
        assert response.status_code != 500, (method, url)
        if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
            continue
        assert response.status_code in (303, 401), (method, url, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login"), (method, url)


@pytest.mark.parametrize("role", ROLES)
async def test_every_route_answers_without_error_and_hides_other_scopes(app, client, role):
    w = await world()
    sides = await _sides(w)
    await _login_as(client, role)
    failures = []
    for method, path in all_routes(app):
        if path in ("/logout",) or path.endswith("/revoke"):
            continue  # signing out mid-walk would end the walk
        for side in ("A", "B"):
            url = fill(path, sides[side])
            response = await _request(client, method, url)
            if response.status_code >= 500:
                failures.append((method, url, side, response.status_code))
            if role != "admin" and side == "B" and "{" in path and path not in PUBLIC:
                if response.status_code not in (403, 404):
                    failures.append((method, url, side, response.status_code))
    assert not failures, failures
    assert csrf_of(client)


async def test_a_role_walk_covers_a_meaningful_number_of_routes(app):
    # Guards against the walk silently covering nothing if routing changes.
    assert len(all_routes(app)) >= 10
