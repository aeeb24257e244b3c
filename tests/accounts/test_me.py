from talent.accounts.models import Session, User
from talent.audit.models import AuditEntry
from tests.conftest import PASSWORD, login, post
from tests.factories import world


async def test_the_profile_page_lists_the_signed_in_sessions(client):
    await world()
    await login(client, "hr")
    response = await client.get("/me")
    assert response.status_code == 200
    assert "this session" in response.text


async def test_changing_the_password_signs_out_other_sessions_but_keeps_this_one(client, app):
    import httpx

    await world()
    await login(client, "hr")
    other = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    await login(other, "hr")
    assert await Session.filter(user__username="hr").count() == 2

    response = await post(
        client, "/me/password", {"current": PASSWORD, "new": "a-new-password-1", "confirm": "a-new-password-1"}
    )
    assert response.status_code == 303
    assert await Session.filter(user__username="hr").count() == 1
    assert (await client.get("/me")).status_code == 200
    assert (await other.get("/me")).status_code == 303
    assert await AuditEntry.filter(entity="user", action="password").count() == 1
    await other.aclose()


async def test_a_wrong_current_password_or_a_short_new_one_is_refused_with_422(client):
    await world()
    await login(client, "hr")
    wrong = await post(
        client, "/me/password", {"current": "nope-nope-nope", "new": "long-enough-1", "confirm": "long-enough-1"}
    )
    assert wrong.status_code == 422 and "The current password is wrong." in wrong.text
    short = await post(client, "/me/password", {"current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 422 and "Use at least 10 characters." in short.text
    differ = await post(
        client, "/me/password", {"current": PASSWORD, "new": "long-enough-1", "confirm": "long-enough-2"}
    )
    assert differ.status_code == 422 and "The two new passwords differ." in differ.text
    user = await User.get(username="hr")
    assert user.password_changed_at is None


async def test_sign_out_everywhere_else_revokes_every_other_session(client, app):
    import httpx

    await world()
    others = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") for _ in range(2)]
    for c in others:
        await login(c, "bureau")
    await login(client, "bureau")
    response = await post(client, "/me/sessions/revoke")
    assert response.status_code == 303
    assert await Session.filter(user__username="bureau").count() == 1
    for c in others:
        assert (await c.get("/")).status_code == 303
        await c.aclose()


async def test_the_language_switch_stores_the_users_choice(client):
    await world()
    await login(client, "hr")
    response = await post(client, "/language", {"locale": "zh_CN", "next": "/me"})
    assert response.status_code == 303 and response.headers["location"] == "/me"
    assert (await User.get(username="hr")).locale == "zh_CN"
    assert 'lang="zh-CN"' in (await client.get("/me")).text


async def test_the_language_switch_never_redirects_off_site(client):
    response = await post(client, "/language", {"locale": "en", "next": "//evil.example/"})
    assert response.headers["location"] == "/"


async def test_a_user_sets_their_email_address_on_the_profile_page_and_the_change_is_audited(client):
    await world()
    await login(client, "hr")
    page = await client.get("/me")
    assert 'id="email-form"' in page.text and 'name="email"' in page.text
    response = await post(client, "/me/email", {"email": "  HR.Office@Example.ORG "})
    assert response.status_code == 303 and response.headers["location"] == "/me"
    # Trimmed, the domain lower-cased (the mailbox name kept as typed).
    assert (await User.get(username="hr")).email == "HR.Office@example.org"
    entry = await AuditEntry.get(entity="user", action="update")
    assert entry.before == {"email": ""} and entry.after == {"email": "HR.Office@example.org"}
    assert "HR.Office@example.org" in (await client.get("/me")).text
    # Emptying it turns e-mail off again.
    assert (await post(client, "/me/email", {"email": ""})).status_code == 303
    assert (await User.get(username="hr")).email == ""


async def test_an_invalid_email_address_is_refused_with_422_and_nothing_is_saved(client):
    await world()
    await login(client, "hr")
    await post(client, "/me/email", {"email": "hr@example.org"})
    entries = await AuditEntry.filter(entity="user", action="update").count()
    cases = {
        "not-an-address": "Enter a valid e-mail address",
        "hr@localhost": "Enter a valid e-mail address",
        "两@example.org": "Enter a valid e-mail address",  # a non-ASCII mailbox name needs SMTPUTF8
        "a" * 250 + "@example.org": "At most 254 characters.",
    }
    for bad, error in cases.items():
        response = await post(client, "/me/email", {"email": bad}, headers={"HX-Request": "true"})
        assert response.status_code == 422 and error in response.text, bad
        assert "<html" not in response.text and 'id="email-form"' in response.text
        assert (await User.get(username="hr")).email == "hr@example.org"
    assert await AuditEntry.filter(entity="user", action="update").count() == entries
