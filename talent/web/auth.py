"""Who is asking: the session cookie → user → scope, as Annotated FastAPI dependencies."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from talent.accounts import selectors, services, tokens
from talent.accounts.models import User
from talent.core.access import Permission, Role, Scope, can
from talent.core.clock import local_today
from talent.core.i18n import set_locale
from talent.web.errors import Forbidden, NotAuthenticated
from talent.web.security import SESSION_COOKIE


@dataclass
class Viewer:
    user: User
    session_id: str
    scope: Scope

    @property
    def role(self) -> Role:
        return self.user.role

    def can(self, permission: Permission | str) -> bool:
        return can(self.user.role, permission)


async def optional_viewer(request: Request) -> Viewer | None:
    if hasattr(request.state, "viewer"):
        return request.state.viewer
    request.state.viewer = None
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    session_id = services.token_key(token)
    today = local_today()  # one day for the session's reach and the scope
    live = await selectors.session_get(session_id=session_id, now=services.now_utc(), today=today)
    if live is None:
        return None
    await services.session_touch(session=live.session)
    user = live.user
    if user.locale:
        set_locale(user.locale)
    scope = await selectors.scope_for(user, today=today, reach=live.reach)
    viewer = Viewer(user=user, session_id=session_id, scope=scope)
    request.state.viewer = viewer
    return viewer


async def require_viewer(viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> Viewer:
    if viewer is None:
        raise NotAuthenticated()
    return viewer


CurrentViewer = Annotated[Viewer, Depends(require_viewer)]
MaybeViewer = Annotated[Viewer | None, Depends(optional_viewer)]


def allowed(permission: Permission):
    """A dependency that admits the roles the permission table gives `permission` (others get 403)."""

    async def check(viewer: CurrentViewer) -> Viewer:
        if not viewer.can(permission):
            raise Forbidden()
        return viewer

    return Depends(check)


def Allowed(permission: Permission):  # noqa: N802 — reads as a type in signatures: viewer: Allowed(P.X)
    return Annotated[Viewer, allowed(permission)]


async def api_viewer(request: Request) -> Viewer | None:
    """The JSON API's caller: the signed-in session, or else the owner of a personal API token sent as
    `Authorization: Bearer …`. A token is read here only, and only for a GET under /api/v1/: it never signs
    anyone in to a page or a form, and never stands in for the CSRF token (unsafe requests are checked before)."""
    viewer = await optional_viewer(request)
    if viewer is not None:
        return viewer
    if request.method != "GET" or not request.url.path.startswith("/api/v1/"):
        return None
    scheme, _sep, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    user = await tokens.api_token_owner(secret=secret.strip())
    if user is None:
        return None
    if user.locale:
        set_locale(user.locale)
    return Viewer(user=user, session_id="", scope=await selectors.scope_for(user, today=local_today()))


def api_allowed(permission: Permission):
    async def check(viewer: Annotated[Viewer | None, Depends(api_viewer)]) -> Viewer:
        if viewer is None:
            raise NotAuthenticated()
        if not viewer.can(permission):
            raise Forbidden()
        return viewer

    return Depends(check)


def ApiAllowed(permission: Permission):  # noqa: N802 — as Allowed, for the JSON API (session or API token)
    return Annotated[Viewer, api_allowed(permission)]
