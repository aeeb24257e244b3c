from tests.conftest import PASSWORD, login, post
from tests.factories import world


async def test_signing_in_rotates_the_session_and_sets_safe_cookies(client):
    await world()
    await login(client, "hr")
    first = client.cookies.get("talent_session")
    response = await login(client, "hr")
    cookie = response.headers["set-cookie"]
    second = client.cookies.get("talent_session")
    assert second and second != first
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    dash = await client.get("/")
    assert dash.status_code == 200
    assert "Dashboard" in dash.text
    # The session that existed before signing in again no longer works.
    client.cookies.set("talent_session", first)
    assert (await client.get("/")).status_code == 303


async def test_a_wrong_password_rerenders_the_form_with_422_and_keeps_the_username(client):
    await world()
    response = await post(client, "/login", {"username": "hr", "password": "wrong-password"})
    assert response.status_code == 422
    assert "Wrong username or password." in response.text
    assert 'value="hr"' in response.text


async def test_repeated_failures_from_one_address_refuse_it_for_that_account_even_with_the_right_password(client):
    await world()
    # Default: 5 failures per account from one address per 15 minutes; the sixth attempt from that address is
    # refused even if correct (other addresses: tests/accounts/test_throttling.py).
    for _ in range(5):
        await post(client, "/login", {"username": "hr", "password": "wrong-password"})
    response = await post(client, "/login", {"username": "hr", "password": PASSWORD})
    assert response.status_code == 422
    assert "Too many failed sign-ins" in response.text


async def test_logout_revokes_the_server_side_session(client):
    await world()
    await login(client, "hr")
    token = client.cookies.get("talent_session")
    await post(client, "/logout")
    client.cookies.set("talent_session", token)
    response = await client.get("/")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_anonymous_visitors_are_sent_to_login_with_next(client):
    response = await client.get("/me?tab=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fme%3Ftab%3Dx"


async def test_a_post_without_the_csrf_token_is_refused(client):
    await world()
    await client.get("/login")
    response = await client.post("/login", data={"username": "hr", "password": PASSWORD})
    assert response.status_code == 403


async def test_pages_carry_security_headers(client):
    response = await client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


async def test_housekeeping_drops_expired_sessions_and_old_failed_sign_ins_only(db):
    from datetime import UTC, datetime, timedelta

    from talent.accounts.models import LoginAttempt, Session
    from talent.accounts.services import session_create, sessions_purge

    w = await world()
    await session_create(user=w["users"]["hr"], ip="1.2.3.4", user_agent="test")  # live
    await session_create(user=w["users"]["bureau"], ip="1.2.3.4", user_agent="test")  # made to expire below
    await Session.filter(user__username="bureau").update(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    now = datetime.now(UTC)
    await LoginAttempt.create(username="hr", ip="1.2.3.4", at=now - timedelta(minutes=16))  # outside the 15-min window
    await LoginAttempt.create(username="hr", ip="1.2.3.4", at=now - timedelta(minutes=5))  # still counts
    assert await sessions_purge(now=now) == {"sessions": 1, "login_attempts": 1}
    assert await Session.filter(user__username="hr").count() == 1
    assert await LoginAttempt.all().count() == 1
