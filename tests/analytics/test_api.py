"""The JSON report API: the same numbers as the measures, the caller's scope, and personal API tokens that read
the API only (never a page, never a form, never instead of the CSRF token)."""

import re
from datetime import date

import httpx
import pytest

from talent.accounts.models import ApiToken
from talent.analytics.measures import TOTAL, turnover
from tests.analytics.data import area_of, build
from tests.conftest import login, post


async def test_certification_and_turnover_answer_the_worked_example(client, db):
    w = await build()
    await login(client, "citybureau")
    r = await client.get("/api/v1/reports/turnover", params={"from": "2024-06-15", "to": "2024-07-10"})
    assert r.status_code == 200
    body = r.json()
    # tests/analytics/test_turnover.py: 1 separation over an average headcount of 3.75.
    assert (body["separations"], body["voluntary"], body["involuntary"], body["average_headcount"]) == (1, 1, 0, 3.75)
    assert body["rate"] == pytest.approx(1 / 3.75)
    assert "average headcount" in body["formula"]
    city = await area_of(w, "citybureau")
    assert body["rate"] == (await turnover(city, date(2024, 6, 15), date(2024, 7, 10)))[TOTAL].rate
    r = await client.get("/api/v1/reports/certification", params={"on": "2024-06-30", "region": "320104"})
    # County B on 30 June: W2 W3 at S3 → headcount 2, nobody certified.
    assert r.json()["headcount"] == 2 and r.json()["rate"] == 0 and r.json()["region"]["code"] == "320104"


async def test_sibling_regions_sum_to_the_city_and_a_region_outside_the_scope_is_not_found(client, db):
    await build()
    await login(client, "citybureau")
    heads = []
    for code in ("", "320102", "320104"):
        r = await client.get("/api/v1/reports/certification", params={"on": "2024-08-01", "region": code})
        heads.append(r.json()["headcount"])
    # 1 August: county A W1 W4 W5 = 3, county B W2 = 1, city 4.
    assert heads == [4, 3, 1]
    await login(client, "bureau")
    assert (await client.get("/api/v1/reports/certification", params={"region": "320104"})).status_code == 404
    assert (await client.get("/api/v1/reports/certification", params={"region": "999999"})).status_code == 404
    r = await client.get("/api/v1/reports/certification", params={"on": "2024-08-01"})
    assert r.json()["headcount"] == 3 and r.json()["region"]["code"] == "320102"


async def test_retention_by_pay_compliance_answers_with_labels_and_the_page_shows_the_same_groups(client, db):
    await build()
    await login(client, "citybureau")
    r = await client.get("/api/v1/reports/retention", params={"on": "2024-12-31", "group_by": "pay"})
    body = r.json()
    # No published standard: the seven spells of tenure (three separations) are all "uncovered".
    assert body["group_by"] == "pay"
    assert [(g["group"], g["label"], g["at_risk"], g["events"]) for g in body["groups"]] == [
        ("uncovered", "No standard applies", 7, 3)
    ]
    page = await client.get("/reports", params={"on": "2024-12-31", "group": "pay"}, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "No standard applies" in page.text


async def test_bad_dates_are_refused_with_422(client, db):
    await build()
    await login(client, "citybureau")
    assert (await client.get("/api/v1/reports/certification", params={"on": "2024-13-01"})).status_code == 422
    r = await client.get("/api/v1/reports/turnover", params={"from": "2024-07-01", "to": "2024-06-01"})
    assert r.status_code == 422


async def test_every_report_answers_for_each_staff_role_and_a_worker_is_refused(client, db):
    await build()
    for username in ("admin", "citybureau", "bureau", "hr", "supervisor"):
        await login(client, username)
        for name in ("certification", "turnover", "retention", "staffing", "ce"):
            r = await client.get(f"/api/v1/reports/{name}", params={"on": "2024-06-30"})
            assert r.status_code == 200, (username, name)
            assert r.json()["formula"]
    await login(client, "worker")
    assert (await client.get("/api/v1/reports/certification")).status_code == 403


async def _create_token(client) -> str:
    r = await post(client, "/me/tokens", {"name": "spreadsheet"})
    assert r.status_code == 201
    match = re.search(r'id="new-token">(tal_[A-Za-z0-9_\-]+)<', r.text)
    assert match
    return match.group(1)


async def test_a_token_is_shown_once_stored_hashed_and_reads_the_api_as_its_owner(client, app, db):
    await build()
    await login(client, "bureau")
    secret = await _create_token(client)
    token = await ApiToken.get(name="spreadsheet")
    assert secret not in (token.token_hash, token.prefix) and len(token.token_hash) == 64
    # The list shows its first characters only.
    page = (await client.get("/me")).text
    assert token.prefix in page and secret not in page
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        bearer = {"Authorization": f"Bearer {secret}"}
        r = await other.get("/api/v1/reports/certification", params={"on": "2024-08-01"}, headers=bearer)
        # As the county A bureau: 3 workers, region 320102; county B stays out of reach.
        assert r.status_code == 200 and r.json()["headcount"] == 3
        assert (await other.get("/api/v1/reports/ce", params={"region": "320104"}, headers=bearer)).status_code == 404
        # Not a page, not /me, not the docs.
        for url in ("/reports", "/me", "/", "/workers"):
            assert (await other.get(url, headers=bearer)).status_code == 303, url
        # Not a form: no CSRF token, no session → refused, nothing created.
        r = await other.post("/me/tokens", data={"name": "x"}, headers=bearer)
        assert r.status_code == 403
        assert await ApiToken.filter(name="x").count() == 0
        # A wrong or revoked token answers 401.
        assert (await other.get("/api/v1/reports/ce", headers={"Authorization": "Bearer tal_nope"})).status_code == 401
        r = await post(client, f"/me/tokens/{token.id}/revoke")
        assert r.status_code == 303
        assert (await other.get("/api/v1/reports/ce", headers=bearer)).status_code == 401


async def test_a_token_cannot_be_revoked_by_another_user(client, db):
    await build()
    await login(client, "bureau")
    await _create_token(client)
    token = await ApiToken.get(name="spreadsheet")
    await login(client, "hr")
    assert (await post(client, f"/me/tokens/{token.id}/revoke")).status_code == 404
    assert (await ApiToken.get(id=token.id)).revoked_at is None


async def test_a_token_needs_a_name(client, db):
    await build()
    await login(client, "hr")
    r = await post(client, "/me/tokens", {"name": " "})
    assert r.status_code == 422 and await ApiToken.all().count() == 0
