"""Request-level protections: bodies limited while they stream, the CSRF token bound to the session, no CSRF
bypass by header, no caching of personal pages, the API description for signed-in users only, and text that is
refused rather than stored garbled or invisible."""

import httpx
import pytest

from talent.places.models import Region, StationTier
from talent.settings import get_settings
from tests.conftest import csrf_of, ensure_csrf, login, post
from tests.factories import world


async def _chunks(data: bytes, size: int = 16 * 1024, seen: list | None = None):
    for start in range(0, len(data), size):
        if seen is not None:
            seen.append(start)
        yield data[start : start + size]


# ── bodies ───────────────────────────────────────────────────────────────────────────────────────


async def test_a_chunked_sign_in_body_without_length_is_cut_off_at_the_anonymous_limit(client):
    await ensure_csrf(client)
    limit = get_settings().anonymous_body_max_bytes
    body = b"username=x&password=" + b"a" * (limit * 4)
    seen: list[int] = []
    response = await client.post(
        "/login",
        content=_chunks(body, seen=seen),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "content-length" not in response.request.headers  # really streamed
    # Reading stopped at the limit: at most one chunk past it was taken from the client.
    assert len(seen) * 16 * 1024 <= limit + 2 * 16 * 1024


async def test_a_signed_in_form_post_over_the_form_limit_is_refused_while_streaming(client):
    await world()
    await login(client, "admin")
    limit = get_settings().form_body_max_bytes
    # Fields under Starlette's own 1 MiB per-field cap, together over the limit.
    field = b"a" * (900 * 1024)
    fields = b"".join(b"&name=" + field for _ in range(limit // len(field) + 1))
    body = f"csrf_token={csrf_of(client)}".encode() + fields
    response = await client.post(
        "/stations/tiers", content=_chunks(body), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert not await StationTier.filter(name__startswith="aaa").exists()


async def test_an_unsafe_request_without_any_csrf_cookie_is_refused_before_its_body_is_read(app):
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as fresh:
        seen: list[int] = []
        response = await fresh.post(
            "/login",
            content=_chunks(b"username=x&password=y&csrf_token=z", seen=seen),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 403
    assert seen == []


# ── CSRF ─────────────────────────────────────────────────────────────────────────────────────────


async def test_the_csrf_token_changes_at_sign_in_and_the_bare_cookie_no_longer_passes(client):
    await world()
    before = await ensure_csrf(client)
    await login(client, "admin")
    after = csrf_of(client)
    assert after and after != before
    # The page carries the session's token, not the cookie's value.
    page = await client.get("/stations/tiers/new")
    assert after in page.text and before not in page.text
    # Echoing the cookie (the old double submit) is refused once signed in.
    refused = await client.post("/stations/tiers", data={"csrf_token": before, "name": "T"})
    assert refused.status_code == 403
    tier = {"name": "T", "min_fulltime": "1", "min_certified": "0"}
    accepted = await client.post("/stations/tiers", data={"csrf_token": after, **tier})
    assert accepted.status_code == 303, accepted.text[:300]


async def test_a_token_of_another_session_is_refused(app, client):
    await world()
    await login(client, "admin")
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await login(other, "hr")
        stolen = csrf_of(other)
    response = await client.post("/stations/tiers", data={"csrf_token": stolen, "name": "T", "min_fulltime": "1"})
    assert response.status_code == 403
    assert not await StationTier.filter(name="T").exists()


@pytest.mark.parametrize("with_cookies", [True, False])
async def test_an_authorization_header_does_not_skip_the_csrf_check(client, with_cookies):
    await world()
    if with_cookies:
        await login(client, "admin")
    else:
        client.cookies.clear()
    response = await client.post(
        "/stations/tiers",
        data={"name": "T", "min_fulltime": "1"},
        headers={"Authorization": "Bearer anything"},
    )
    assert response.status_code == 403
    assert not await StationTier.filter(name="T").exists()


# ── caching and the API description ─────────────────────────────────────────────────────────────


async def test_personal_pages_and_exports_are_never_cached_and_static_files_are(client):
    await world()
    await login(client, "hr")
    for url in ("/", "/workers", "/workers/export?fmt=csv", "/me"):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "private, no-store", url
    static = await client.get("/static/js/talent.js")
    assert "no-store" not in static.headers.get("cache-control", "")


@pytest.mark.parametrize("url", ["/docs", "/openapi.json"])
async def test_the_api_description_is_for_signed_in_users_only(client, url):
    await world()
    anonymous = await client.get(url)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await login(client, "worker")
    assert (await client.get(url)).status_code == 200


# ── text ─────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "raw_name",
    [b"%FF%FE", b"\xe5\xbc\xa0", b"%E5%BC"],
    ids=["invalid-escape", "raw-bytes-not-percent-encoded", "cut-multibyte-sequence"],
)
async def test_a_form_that_is_not_utf8_is_refused_not_stored_as_mojibake(client, raw_name):
    await world()
    await login(client, "admin")
    body = b"csrf_token=" + csrf_of(client).encode() + b"&name=" + raw_name + b"&min_fulltime=1"
    response = await client.post(
        "/stations/tiers", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert await StationTier.all().count() == 1  # the world's own tier only


async def test_a_multipart_form_field_that_is_not_utf8_is_refused(client):
    await world()
    await login(client, "admin")
    boundary = "talentboundary"
    parts = [("csrf_token", csrf_of(client).encode()), ("name", b"\xff\xfe\xe5\xbc"), ("min_fulltime", b"1")]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
            for name, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = await client.post(
        "/stations/tiers", content=body, headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 400
    assert await StationTier.all().count() == 1


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2067", "\ufeff"])
async def test_a_name_with_invisible_or_direction_override_characters_is_refused_with_a_message(client, char):
    await world()
    await login(client, "admin")
    response = await post(
        client,
        "/regions",
        {"code": "320105", "name": f"建邺{char}区", "level": "county", "parent_code": "320100"},
    )
    assert response.status_code == 422
    assert "invisible characters" in response.text
    assert not await Region.filter(code="320105").exists()
