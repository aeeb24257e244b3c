"""Security headers and CSRF: one mechanism each, applied to every route."""

import base64
import hashlib
import hmac
import re
import secrets
from urllib.parse import unquote_to_bytes

from fastapi import HTTPException, Request
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from talent.core.i18n import LOCALES, negotiate, set_locale
from talent.core.memo import request_memo
from talent.settings import get_settings

CSRF_COOKIE = "talent_csrf"
LANG_COOKIE = "talent_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# The session cookie's name (talent.web.auth reads it); here only to key the CSRF token and the body limit.
SESSION_COOKIE = "talent_session"
# Room for the other fields and the multipart framing around the largest file.
UPLOAD_OVERHEAD_BYTES = 1024 * 1024

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class BodyTooLarge(Exception):
    """A request body went over its limit while it was being read."""


class InvalidText(Exception):
    """A form body that is not UTF-8 text."""


def body_limit(scope: Scope, cookies: dict[str, str]) -> int:
    """The most bytes a request body may have, decided from its headers before any of it is read.

    Only signed-in users send files (imports, materials, CE evidence): a multipart body of a request with a
    session cookie may carry the largest upload; any other body is a form of a few fields.
    """
    settings = get_settings()
    if SESSION_COOKIE not in cookies:
        return settings.anonymous_body_max_bytes
    if (_header(scope, b"content-type") or "").startswith("multipart/form-data"):
        return max(settings.import_max_bytes, settings.upload_max_bytes) + UPLOAD_OVERHEAD_BYTES
    return settings.form_body_max_bytes


def csrf_token_for(cookies: dict[str, str]) -> str | None:
    """The CSRF token this visitor's forms must carry.

    Signed in: an HMAC keyed by the session's id (the SHA-256 of the session cookie, which only the server
    and the browser know), so the token changes whenever the session does, at sign-in above all, and a token
    planted from elsewhere cannot match. Before sign-in: the random value of the CSRF cookie (double submit).
    """
    session_token = cookies.get(SESSION_COOKIE)
    if session_token:
        key = hashlib.sha256(session_token.encode()).hexdigest().encode()
        return base64.urlsafe_b64encode(hmac.new(key, b"talent-csrf-v1", hashlib.sha256).digest()).decode().rstrip("=")
    return cookies.get(CSRF_COOKIE) or None


class WebMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware), so the ContextVar it sets is seen by the whole request.

    For every HTTP request it: picks the locale from the language cookie or Accept-Language (the
    auth dependency later prefers the user's own setting); makes sure the visitor has a CSRF cookie and
    works out the CSRF token; limits the request body while it streams in (Content-Length may be absent or
    lie); opens a memo for a reading request's repeated reads (talent.core.memo); and adds the security and
    caching headers to the response.
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
        # The token the request's own cookies vouch for (what an unsafe request must echo), and the one pages
        # rendered now carry (a first visit gets a fresh CSRF cookie with this response).
        state["csrf_expected"] = csrf_token_for(cookies)
        new_token = None
        if not cookies.get(CSRF_COOKIE):
            new_token = secrets.token_urlsafe(32)
        state["csrf"] = csrf_token_for({**cookies, CSRF_COOKIE: new_token} if new_token else cookies)
        # Pages of signed-in users hold personal data: no shared or browser cache may keep them. Static files
        # are the same for everyone and are cached.
        no_store = not scope["path"].startswith("/static/")

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
                if no_store:
                    extra[b"cache-control"] = b"private, no-store"
                if self.https:
                    extra[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
                headers += [(k, v) for k, v in extra.items() if k not in present]
                if new_token:
                    secure = "; Secure" if self.https else ""
                    cookie = f"{CSRF_COOKIE}={new_token}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        limit = body_limit(scope, cookies)
        try:
            declared = int(_header(scope, b"content-length") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            await _refuse(send_with_headers, 413)
            return
        urlencoded = (_header(scope, b"content-type") or "").startswith("application/x-www-form-urlencoded")
        received = bytearray() if urlencoded else None
        size = 0
        refused: int | None = None

        async def checked_receive() -> Message:
            nonlocal size, refused
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    refused = 413
                    raise BodyTooLarge()
                if received is not None:
                    received.extend(chunk)
                    if not message.get("more_body", False) and not urlencoded_is_utf8(bytes(received)):
                        refused = 400
                        raise InvalidText()
            return message

        async def send_or_refuse(message: Message) -> None:
            # Whatever the app made of the refused body (FastAPI turns a failed form parse into a 400), the
            # answer is the refusal.
            if refused is None:
                await send_with_headers(message)
            elif message["type"] == "http.response.start":
                await _refuse(send_with_headers, refused)

        if scope["method"] in ("GET", "HEAD"):
            with request_memo():
                await self.app(scope, checked_receive, send_or_refuse)
        else:
            await self.app(scope, checked_receive, send_or_refuse)


def _strict_decode(src: bytes | bytearray, codec: str) -> str:
    try:
        return bytes(src).decode(codec)
    except (UnicodeDecodeError, LookupError):
        raise InvalidText() from None


def refuse_undecodable_multipart() -> None:
    """Starlette decodes a multipart text field (and a file name) that is not valid in its charset as Latin-1,
    storing mojibake without a word; make it refuse instead. Its decoder is a private function, so
    tests/web/test_hardening.py checks that a bad field is still refused after any upgrade."""
    from starlette import formparsers

    formparsers._user_safe_decode = _strict_decode


def urlencoded_is_utf8(body: bytes) -> bool:
    """A browser percent-encodes every non-ASCII byte of a form and encodes text as UTF-8. Starlette reads raw
    bytes as Latin-1 and bad escapes as U+FFFD, so either would be stored as mojibake: refuse them instead."""
    if not body.isascii():
        return False
    try:
        for pair in body.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_REFUSALS = {413: b"Request body too large", 400: b"The form was not sent as UTF-8 text"}


async def _refuse(send: Send, status: int) -> None:
    body = _REFUSALS[status]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
    """Global dependency: every unsafe request must carry the visitor's CSRF token in a header or form field.

    No request is exempt: an Authorization header proves nothing until an API token has been verified (API
    tokens, when they come, are checked before this and only for the API's GETs). A request without any
    CSRF cookie cannot match, so it is refused before its body is read.
    """
    if request.method in SAFE_METHODS:
        return
    expected = request.state.csrf_expected
    if not expected:
        raise CsrfError()
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form()
            except (BodyTooLarge, InvalidText):
                raise
            except Exception:  # noqa: BLE001 — a malformed body is just a failed check
                form = {}
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(expected, sent):
        raise CsrfError()


# Control characters (PostgreSQL refuses NUL outright), and U+FFFD: what an escape that is not UTF-8 decodes to.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


async def reject_control_characters(request: Request) -> None:
    """Global dependency: no query value may carry control characters or undecodable bytes."""
    for value in request.query_params.values():
        if _CONTROL.search(value):
            raise HTTPException(status_code=400)
