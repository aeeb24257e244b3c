"""The APIRouter every domain's router is made of: a request whose path starts with none of the router's route paths'
first segments skips the router at once.

Since FastAPI 0.137 an included router is matched by walking every one of its routes (and those of the routers
included before it) for each request; with 27 routers a page late in the list (/notifications, /audit) spent up to
0.75 ms in matching alone, about a fifth of a small list's time on the server. fastapi#16159 would skip a router by
its include prefix, but most of ours have none (their routes name their own section, e.g. /pay and
/api/v1/reports/pay-compliance in one router), so the test here is the path's first segment among the routes' first
segments. A router with a route whose first segment is a parameter is always walked."""

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


def _head(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


class Router(APIRouter):
    _heads: frozenset[str] | None
    _heads_of: int = -1  # how many routes the heads were read from (routes are added at import, before any request)

    def heads(self) -> frozenset[str] | None:
        """The first segments of the router's paths, or None when one of them is a parameter (or a route has no
        path)."""
        if self._heads_of != len(self.routes):
            paths = [getattr(route, "path", None) for route in self.routes]
            heads = {_head(path) for path in paths if path is not None}
            literal = None not in paths and not any(head.startswith("{") for head in heads)
            self._heads = frozenset(heads) if literal else None
            self._heads_of = len(self.routes)
        return self._heads

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        heads = self.heads()
        if heads is not None and _head(get_route_path(scope)) not in heads:
            return Match.NONE, {}
        return super().matches(scope)
