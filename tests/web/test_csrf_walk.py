"""Every unsafe route refuses a request without the CSRF token, with a wrong one, and accepts the real one."""

from tests.conftest import csrf_of, login
from tests.factories import world
from tests.web.test_route_walk import _sides, all_routes, fill

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def unsafe_routes(app) -> list[tuple[str, str]]:
    return [(method, path) for method, path in all_routes(app) if method in UNSAFE]


async def test_every_unsafe_route_requires_the_csrf_token(app, client):
    w = await world()
    ids = (await _sides(w))["A"]
    await login(client, "admin")
    routes = unsafe_routes(app)
    assert routes, "no unsafe routes found"
    for method, path in routes:
        url = fill(path, ids)
        missing = await client.request(method, url, data={})
        assert missing.status_code == 403, (method, url, missing.status_code)
        wrong = await client.request(method, url, data={"csrf_token": "forged"})
        assert wrong.status_code == 403, (method, url, wrong.status_code)
        header = await client.request(method, url, headers={"X-CSRF-Token": "forged"})
        assert header.status_code == 403, (method, url, header.status_code)


async def test_the_real_token_passes_the_check_on_every_unsafe_route(app, client):
    w = await world()
    ids = (await _sides(w))["A"]
    await login(client, "admin")
    token = csrf_of(client)
    for method, path in unsafe_routes(app):
        if path in ("/logout",) or path.endswith("/revoke"):
            continue
        url = fill(path, ids)
        response = await client.request(method, url, headers={"X-CSRF-Token": token})
        # Without form data most routes answer 422 (invalid form) or redirect; never the CSRF refusal.
        assert response.status_code != 403 or "expired" not in response.text, (method, url)
        assert response.status_code < 500, (method, url, response.status_code)
