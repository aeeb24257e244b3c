"""Security headers and CSRF: one mechanism each, applied to every route."""

import re
import secrets

from fastapi import HTTPException, Request
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from talent.settings import get_settings
from talent.web.i18n import LOCALES, negotiate, set_locale

CSRF_COOKIE = "talent_csrf"
LANG_COOKIE = "talent_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class WebMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware), so the ContextVar it sets is seen by the whole request.

    For every HTTP request it: picks the locale from the language cookie or Accept-Language (the
    auth dependency later prefers the user's own setting); makes sure the visitor has a CSRF cookie;
    and adds the security headers to the response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        settings = get_settings()
        self.https = settings.https
        self.default_locale = settings.default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        lang = cookies.get(LANG_COOKIE)
        if lang not in LOCALES:
            lang = negotiate(_header(scope, b"accept-language"), self.default_locale)
        set_locale(lang)
        state = scope.setdefault("state", {})
        new_token = None
        if not cookies.get(CSRF_COOKIE):
            new_token = secrets.token_urlsafe(32)
        state["csrf"] = cookies.get(CSRF_COOKIE) or new_token

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _v in headers}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"DENY",
                    b"referrer-policy": b"same-origin",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                    b"cross-origin-opener-policy": b"same-origin",
                }
                if self.https:
                    extra[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
                headers += [(k, v) for k, v in extra.items() if k not in present]
                if new_token:
                    secure = "; Secure" if self.https else ""
                    cookie = f"{CSRF_COOKIE}={new_token}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookies(scope: Scope) -> dict[str, str]:
    raw = _header(scope, b"cookie")
    return cookie_parser(raw) if raw else {}


class CsrfError(Exception):
    pass


def csrf_token(request: Request) -> str:
    return request.state.csrf


async def csrf_protect(request: Request) -> None:
    """Global dependency: every unsafe request must echo the cookie in a form field or header.

    Requests authenticated only by a Bearer API token carry no cookie, so they are not forgeable
    by another site and are exempt.
    """
    if request.method in SAFE_METHODS:
        return
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and not request.cookies:
        return
    expected = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        # An oversized body is refused before anything parses (and spools) it.
        settings = get_settings()
        limit = max(settings.import_max_bytes, settings.upload_max_bytes) + 1024 * 1024
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > limit:
            raise HTTPException(status_code=413)
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form()
            except Exception:  # noqa: BLE001 — a malformed body is just a failed check
                form = {}
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise CsrfError()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


async def reject_control_characters(request: Request) -> None:
    """Global dependency: no query value may carry control characters (PostgreSQL refuses NUL outright)."""
    for value in request.query_params.values():
        if _CONTROL.search(value):
            raise HTTPException(status_code=400)
