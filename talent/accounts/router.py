from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from talent.accounts import selectors, services, tokens
from talent.accounts.forms import EMAIL_FIELDS, LOGIN_FIELDS, PASSWORD_FIELDS, TOKEN_FIELDS
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import LOCALES, set_locale
from talent.core.i18n import gettext as _
from talent.settings import get_settings
from talent.web.auth import SESSION_COOKIE, CurrentViewer, MaybeViewer
from talent.web.forms import Form as BoundForm
from talent.web.routing import Router
from talent.web.security import LANG_COOKIE
from talent.web.templating import flash, render, safe_next, see_other

router = Router(tags=["accounts"])


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
async def login_page(request: Request, viewer: MaybeViewer, next: str = "") -> Response:
    if viewer is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    form = BoundForm.initial(LOGIN_FIELDS)
    return render(request, "accounts/login.html", {"form": form, "next": safe_next(next, "")})


@router.post("/login")
async def login_submit(request: Request) -> Response:
    data = await request.form()
    form = BoundForm.bind(LOGIN_FIELDS, data)
    next_url = safe_next(str(data.get("next", "")), "/")
    if form.validate():
        try:
            user = await services.login_authenticate(
                username=form.cleaned["username"], password=form.cleaned["password"], ip=_client_ip(request)
            )
        except services.LoginError as exc:
            form.errors["__all__"] = exc.message
        else:
            old = request.cookies.get(SESSION_COOKIE)
            if old:
                await services.session_revoke(session_id=services.token_key(old))
            token = await services.session_create(
                user=user, ip=_client_ip(request), user_agent=request.headers.get("user-agent", "")
            )
            response = see_other(request, next_url)
            settings = get_settings()
            response.set_cookie(
                SESSION_COOKIE,
                token,
                httponly=True,
                samesite="lax",
                secure=settings.https,
                path="/",
                max_age=settings.session_days * 86400,
            )
            if user.locale:
                response.set_cookie(LANG_COOKIE, user.locale, samesite="lax", path="/", max_age=365 * 86400)
            return response
    form.data["password"] = ""
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url},
        fragment="accounts/_login_form.html",
        status_code=422,
    )


@router.post("/logout")
async def logout(request: Request, viewer: MaybeViewer) -> Response:
    if viewer is not None:
        await services.session_revoke(session_id=viewer.session_id)
    response = see_other(request, "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
async def language(
    request: Request, viewer: MaybeViewer, locale: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"
) -> Response:
    if locale not in LOCALES:
        locale = get_settings().default_locale
    if viewer is not None:
        await services.user_set_locale(user=viewer.user, locale=locale)
    set_locale(locale)
    response = see_other(request, safe_next(next))
    response.set_cookie(LANG_COOKIE, locale, samesite="lax", path="/", max_age=365 * 86400, secure=get_settings().https)
    return response


async def _me_context(viewer) -> dict:
    sessions = await selectors.own_sessions(scope=viewer.scope, now=services.now_utc())
    ctx = {"sessions": sessions, "current_session": viewer.session_id, "today": local_today()}
    if viewer.can(Permission.API_TOKENS):
        ctx["api_tokens"] = await tokens.own_api_tokens(user=viewer.user)
        ctx["token_form"] = BoundForm.initial(TOKEN_FIELDS)
    return ctx


async def me_page(request: Request, viewer, *, status_code: int = 200, **extra) -> Response:
    """The whole /me page (also what the token form answers: the new secret is shown there, once)."""
    ctx = await _me_context(viewer)
    ctx["form"] = BoundForm.initial(PASSWORD_FIELDS)
    ctx["email_form"] = BoundForm.initial(EMAIL_FIELDS, {"email": viewer.user.email})
    ctx.update(extra)
    return render(request, "accounts/me.html", ctx, status_code=status_code)


@router.get("/me")
async def me(request: Request, viewer: CurrentViewer) -> Response:
    return await me_page(request, viewer)


@router.post("/me/email")
async def me_email(request: Request, viewer: CurrentViewer) -> Response:
    form = await BoundForm.posted(EMAIL_FIELDS, request)
    if await form.run(
        lambda cleaned: services.user_email_set(actor=viewer.user, user=viewer.user, email=cleaned["email"] or "")
    ):
        return flash(see_other(request, "/me"), _("Your e-mail address was saved."))
    ctx = await _me_context(viewer)
    ctx.update(form=BoundForm.initial(PASSWORD_FIELDS), email_form=form)
    return render(request, "accounts/me.html", ctx, fragment="accounts/_email_form.html", status_code=422)


@router.post("/me/password")
async def me_password(request: Request, viewer: CurrentViewer) -> Response:
    form = BoundForm.bind(PASSWORD_FIELDS, await request.form())
    if form.validate():
        if form.cleaned["new"] != form.cleaned["confirm"]:
            form.add_error("confirm", _("The two new passwords differ."))
        else:
            try:
                await services.user_change_password(
                    user=viewer.user,
                    current=form.cleaned["current"],
                    new=form.cleaned["new"],
                    session_id=viewer.session_id,
                )
            except ServiceError as exc:
                form.add_error("new" if exc.field == "password" else exc.field, exc.message)
            else:
                return flash(see_other(request, "/me"), _("Your password was changed."))
    form.data = {k: "" for k in form.data}
    ctx = await _me_context(viewer)
    ctx["form"] = form
    ctx["email_form"] = BoundForm.initial(EMAIL_FIELDS, {"email": viewer.user.email})
    return render(request, "accounts/me.html", ctx, fragment="accounts/_password_form.html", status_code=422)


@router.post("/me/sessions/revoke")
async def me_revoke_sessions(request: Request, viewer: CurrentViewer) -> Response:
    count = await services.session_revoke_all(user=viewer.user, except_session_id=viewer.session_id)
    return flash(see_other(request, "/me"), _("Signed out of %(n)s other sessions.") % {"n": count})
