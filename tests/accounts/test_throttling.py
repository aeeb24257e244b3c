"""Sign-in throttling never locks the account itself: one address is refused for one account, one address is
refused for all accounts when it sprays, and the account as a whole is only slowed down, for addresses that
failed for it."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from talent.accounts.models import LoginAttempt
from talent.accounts.services import LoginError, login_authenticate
from tests.conftest import PASSWORD, login, post
from tests.factories import world

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def client_from(app, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", follow_redirects=False)


async def fail(client: httpx.AsyncClient, username: str = "hr") -> httpx.Response:
    return await post(client, "/login", {"username": username, "password": "wrong-password"})


async def failures_at(at: datetime, *ips: str, username: str = "hr") -> None:
    for ip in ips:
        await LoginAttempt.create(username=username, ip=ip, at=at)


async def test_five_failures_from_one_address_refuse_that_address_while_the_real_user_signs_in_from_another(
    client, app
):
    await world()
    async with client_from(app, "10.0.0.2") as attacker:
        for _ in range(5):
            assert "Wrong username or password." in (await fail(attacker)).text
        refused = await post(attacker, "/login", {"username": "hr", "password": PASSWORD})
        assert refused.status_code == 422
        assert "Too many failed sign-ins. Wait 15 minutes and try again." in refused.text
        # The address is refused for this account only: it may still sign in to another one.
        await login(attacker, "bureau")
    await login(client, "hr")


async def test_the_right_password_from_a_fresh_address_gets_in_while_an_attacker_hammers_the_account(client, app):
    await world()
    attackers = [client_from(app, f"10.0.0.{n}") for n in range(2, 6)]
    refusals = []
    for attacker in attackers:
        for _ in range(6):
            response = await fail(attacker)
            assert response.status_code == 422
            refusals.append(response.text)
    # Past five failures the account is slowed down for the attacking addresses, even with the right password…
    assert any("Too many failed sign-ins for this account. Try again in" in text for text in refusals)
    slowed = await post(attackers[0], "/login", {"username": "hr", "password": PASSWORD})
    assert slowed.status_code == 422 and "Too many failed sign-ins" in slowed.text
    # …but never locked: the real user, from an address that has not failed, signs in at once.
    await login(client, "hr")
    assert (await client.get("/")).status_code == 200
    for attacker in attackers:
        await attacker.aclose()


async def test_the_slowdown_wait_doubles_with_each_further_failure_and_ends_exactly_when_due(db):
    w = await world()
    # Five failures for the account, one of them from the attacker's address: the next attempt from it waits
    # 2 seconds after the latest failure.
    await failures_at(T0, "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6")
    with pytest.raises(LoginError, match=r"Try again in 1 seconds\."):
        await login_authenticate(username="hr", password=PASSWORD, ip="10.0.0.2", now=T0 + timedelta(seconds=1))
    # A refused attempt is not a failure: it did not check the password.
    assert await LoginAttempt.filter(username="hr").count() == 5
    # An address that has not failed for the account is not slowed.
    user = await login_authenticate(username="hr", password=PASSWORD, ip="10.0.0.9", now=T0 + timedelta(seconds=1))
    assert user.id == w["users"]["hr"].id
    # Exactly when the wait ends the password is checked again; this sixth failure doubles the wait to 4 s.
    due = T0 + timedelta(seconds=2)
    with pytest.raises(LoginError, match="Wrong username or password."):
        await login_authenticate(username="hr", password="wrong-password", ip="10.0.0.2", now=due)
    with pytest.raises(LoginError, match=r"Try again in 1 seconds\."):
        await login_authenticate(
            username="hr", password=PASSWORD, ip="10.0.0.2", now=due + timedelta(seconds=3, milliseconds=500)
        )
    user = await login_authenticate(username="hr", password=PASSWORD, ip="10.0.0.2", now=due + timedelta(seconds=4))
    assert user.id == w["users"]["hr"].id


async def test_the_slowdown_wait_stops_growing_at_its_cap(db):
    await world()
    # 20 failures: 2 s doubled 15 times would be hours; the cap keeps it at 60 s.
    await failures_at(T0, *[f"10.0.1.{n}" for n in range(19)], "10.0.0.2")
    with pytest.raises(LoginError, match=r"Try again in 60 seconds\."):
        await login_authenticate(username="hr", password=PASSWORD, ip="10.0.0.2", now=T0)
    assert await login_authenticate(username="hr", password=PASSWORD, ip="10.0.0.2", now=T0 + timedelta(seconds=60))


async def test_an_address_refused_for_an_account_is_let_in_exactly_when_the_window_ends(db):
    await world()
    await failures_at(T0, *["10.0.0.2"] * 5)
    with pytest.raises(LoginError, match="Wait 5 minutes"):
        await login_authenticate(username="hr", password=PASSWORD, ip="10.0.0.2", now=T0 + timedelta(minutes=10))
    with pytest.raises(LoginError, match="Wait 1 minutes"):
        await login_authenticate(
            username="hr", password=PASSWORD, ip="10.0.0.2", now=T0 + timedelta(minutes=15, seconds=-1)
        )
    user = await login_authenticate(username="hr", password=PASSWORD, ip="10.0.0.2", now=T0 + timedelta(minutes=15))
    assert user.username == "hr"


async def test_an_address_that_sprays_many_accounts_is_refused_for_every_account_but_others_are_not(client, app):
    await world()
    now = datetime.now(UTC)
    for n in range(30):
        await LoginAttempt.create(username=f"guess{n}", ip="10.0.0.7", at=now)
    async with client_from(app, "10.0.0.7") as sprayer:
        refused = await post(sprayer, "/login", {"username": "hr", "password": PASSWORD})
        assert refused.status_code == 422 and "Too many failed sign-ins. Wait" in refused.text
    await login(client, "hr")


async def test_signing_in_clears_only_the_failures_from_that_address(client, app):
    await world()
    async with client_from(app, "10.0.0.2") as attacker:
        for _ in range(3):
            await fail(attacker)
    await fail(client)
    await login(client, "hr")
    # The user's own typo is forgotten; the attacker's failures still count against the attacker.
    assert await LoginAttempt.filter(username="hr").values_list("ip", flat=True) == ["10.0.0.2"] * 3
