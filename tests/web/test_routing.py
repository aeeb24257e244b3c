"""A router is walked only for the requests whose path could be one of its routes' (talent.web.routing)."""

import pytest
from fastapi import APIRouter, FastAPI
from starlette.routing import Match

from talent.web.routing import Router
from tests.conftest import login
from tests.factories import world


def _scope(path: str, method: str = "GET") -> dict:
    return {"type": "http", "path": path, "method": method, "root_path": "", "headers": [], "query_string": b""}


def _pay_router() -> Router:
    router = Router()

    @router.get("/pay")
    async def pay():
        return {}

    @router.get("/api/v1/reports/pay-compliance")
    async def compliance():
        return {}

    return router


def test_a_router_knows_the_first_segments_of_its_paths():
    assert _pay_router().heads() == {"pay", "api"}


def test_a_request_outside_those_segments_skips_the_router_without_walking_its_routes(monkeypatch):
    router = _pay_router()

    def walked(self, scope):
        raise AssertionError("walked")

    monkeypatch.setattr(APIRouter, "matches", walked)
    assert router.matches(_scope("/workers")) == (Match.NONE, {})
    assert router.matches(_scope("/payroll/x")) == (Match.NONE, {})  # a segment, not a string prefix
    with pytest.raises(AssertionError, match="walked"):
        router.matches(_scope("/pay"))


def test_a_router_with_a_parameter_first_is_always_walked():
    router = Router()

    @router.get("/{anything}")
    async def anything(anything: str):
        return {}

    assert router.heads() is None


def test_a_route_added_later_is_matched():
    router = _pay_router()
    assert router.heads() == {"pay", "api"}

    @router.get("/late")
    async def late():
        return {}

    assert router.heads() == {"pay", "api", "late"}


async def test_the_app_still_answers_each_route_and_tells_404_from_405():
    import httpx

    app = FastAPI()
    app.include_router(_pay_router())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/pay")).status_code == 200
        assert (await client.get("/api/v1/reports/pay-compliance")).status_code == 200
        assert (await client.get("/workers")).status_code == 404
        assert (await client.post("/pay")).status_code == 405


def test_every_router_the_app_includes_skips_what_it_cannot_match(app):
    # A plain APIRouter (or a router included inside another) is walked for every request that reaches it.
    included = [route for route in app.router.routes if hasattr(route, "original_router")]
    assert len(included) > 20
    plain = [route.original_router for route in included if not isinstance(route.original_router, Router)]
    assert plain == []
    walked = [router for router in (route.original_router for route in included) if router.heads() is None]
    assert walked == []


async def test_a_late_section_of_the_app_is_still_reached(client):
    await world()
    await login(client, "admin")
    response = await client.get("/notifications")
    assert response.status_code == 200
    assert (await client.get("/no-such-section")).status_code == 404
