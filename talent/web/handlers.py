"""The handlers that turn every failure into a friendly page (or a JSON answer under /api/)."""

import logging
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from tortoise.exceptions import DoesNotExist, IntegrityError

from talent.web.errors import Forbidden, NotAuthenticated
from talent.web.security import BodyTooLarge, CsrfError, InvalidText
from talent.web.templating import is_htmx, render_error

log = logging.getLogger("talent")


def install_error_handlers(app) -> None:
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        target = "/login"
        if request.method == "GET":
            nxt = request.url.path + (("?" + request.url.query) if request.url.query else "")
            if nxt != "/":
                target += "?next=" + quote(nxt, safe="")
        if request.url.path.startswith("/api/"):
            return render_error(request, 401)
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return render_error(request, exc.status_code, headers=getattr(exc, "headers", None))

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        # A path id that is not a number is a record that does not exist.
        if any(err.get("loc", [None])[0] == "path" for err in exc.errors()):
            return render_error(request, 404)
        return render_error(request, 422)

    async def missing(request: Request, exc: DoesNotExist) -> Response:
        return render_error(request, 404)

    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return render_error(request, 403)

    async def csrf_failed(request: Request, exc: CsrfError) -> Response:
        return render_error(request, 403, csrf=True)

    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return render_error(request, 413)

    async def invalid_text(request: Request, exc: InvalidText) -> Response:
        return render_error(request, 400)

    async def integrity(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
        return render_error(request, 409)

    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render_error(request, 500)

    app.add_exception_handler(NotAuthenticated, not_authenticated)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(DoesNotExist, missing)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(CsrfError, csrf_failed)
    app.add_exception_handler(BodyTooLarge, too_large)
    app.add_exception_handler(InvalidText, invalid_text)
    app.add_exception_handler(IntegrityError, integrity)
    app.add_exception_handler(Exception, crashed)
