"""An admin sees on the account page that sign-ins to an account are being throttled, and can clear its failed
sign-ins (audited, confirmed, CSRF-protected) so every address may try again at once."""

from datetime import UTC, datetime

import httpx

from talent.accounts.models import LoginAttempt
from talent.audit.models import AuditEntry
from tests.conftest import PASSWORD, login, post
from tests.factories import world


def client_from(app, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", follow_redirects=False)


async def test_the_account_page_shows_the_failed_sign_ins_and_the_addresses_refused_for_it(client):
    w = await world()
    now = datetime.now(UTC)
    for ip in ["10.0.0.2"] * 5 + ["10.0.0.3"]:
        await LoginAttempt.create(username="hr", ip=ip, at=now)
    await login(client, "admin")
    page = await client.get(f"/admin/users/{w['users']['hr'].id}")
    assert page.status_code == 200
    assert "Failed in the last 15 minutes" in page.text
    assert "10.0.0.2" in page.text and "10.0.0.3" in page.text
    rows = {ip: page.text.split(ip, 1)[1].split("</tr>", 1)[0] for ip in ("10.0.0.2", "10.0.0.3")}
    assert ">Refused<" in rows["10.0.0.2"] and ">Refused<" not in rows["10.0.0.3"]
    assert "Slowed down: an address that failed waits 4 seconds after the latest failure." in page.text
    assert 'action="/admin/users/{}/unlock"'.format(w["users"]["hr"].id) in page.text
    assert "hx-confirm=" in page.text.split('id="unlock-form"')[1].split("</form>")[0]


async def test_an_account_without_failed_sign_ins_offers_no_unlock(client):
    w = await world()
    await login(client, "admin")
    page = await client.get(f"/admin/users/{w['users']['hr'].id}")
    assert "No failed sign-ins in the last 15 minutes." in page.text
    assert "/unlock" not in page.text


async def test_an_admin_unlocks_an_account_and_the_refused_address_signs_in_again(client, app):
    w = await world()
    hr = w["users"]["hr"]
    async with client_from(app, "10.0.0.2") as user:
        for _ in range(5):
            await post(user, "/login", {"username": "hr", "password": "wrong-password"})
        refused = await post(user, "/login", {"username": "hr", "password": PASSWORD})
        assert refused.status_code == 422 and "Too many failed sign-ins" in refused.text

        await login(client, "admin")
        response = await post(client, f"/admin/users/{hr.id}/unlock")
        assert response.status_code == 303 and response.headers["location"] == f"/admin/users/{hr.id}"
        assert not await LoginAttempt.filter(username="hr").exists()
        entry = await AuditEntry.get(entity="user", action="unlock", entity_id=str(hr.id))
        assert entry.actor_name == "admin" and entry.after == {"failed_sign_ins_cleared": 5}
        page = await client.get(f"/admin/users/{hr.id}")
        assert "Failed sign-ins cleared: 5. The account can sign in again from every address." in page.text

        await login(user, "hr")


async def test_unlocking_needs_the_csrf_token_and_an_admin(client):
    w = await world()
    hr = w["users"]["hr"]
    await LoginAttempt.create(username="hr", ip="10.0.0.2", at=datetime.now(UTC))
    await login(client, "admin")
    assert (await client.post(f"/admin/users/{hr.id}/unlock")).status_code == 403
    await login(client, "bureau")
    assert (await post(client, f"/admin/users/{hr.id}/unlock")).status_code == 403
    assert await LoginAttempt.filter(username="hr").count() == 1
    assert not await AuditEntry.filter(action="unlock").exists()
