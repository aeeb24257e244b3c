"""Jinja2 set-up and render(): the same URL returns the full page, or its fragment to htmx."""

import json
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import JSONResponse, RedirectResponse, Response

from talent.core import i18n
from talent.core.i18n import gettext as _
from talent.core.i18n import lazy
from talent.core.masking import mask_id, mask_phone
from talent.web.labels import account_scope, action_label, entity_label, label
from talent.web.markdown import render_markdown
from talent.web.nav import menu_entries, nav_items, nav_state

ROOT = Path(__file__).resolve().parent.parent.parent
FLASH_COOKIE = "talent_flash"

# What a plain dict answers to as an attribute: its methods, never its keys (dict instances have no other).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class Template(jinja2.Template):
    """Jinja's template, without reading its globals through their ChainMap in Python where they are the
    environment's alone (no template here has globals of its own: the map before the environment's is empty).

    Each context a render makes (the page's, each include's: about seven a page) copied the globals key by key
    through ChainMap.__getitem__ (13 µs), and each {% import %} (five to seven a page) subtracted the ChainMap's keys
    from the importer's, one ChainMap lookup per global (13 µs). Both are done on the environment's dict instead, in
    C, with the same result (under 1 µs); a template with globals of its own takes Jinja's path."""

    def _environment_globals(self) -> dict | None:
        """The environment's globals when they are this template's whole globals, else None."""
        maps = getattr(self.globals, "maps", None)
        if maps is not None and len(maps) == 2 and not maps[0] and maps[1] is self.environment.globals:
            return maps[1]
        return None

    def new_context(self, vars=None, shared=False, locals=None) -> jinja2.runtime.Context:
        plain = self._environment_globals()
        if plain is None:
            return super().new_context(vars, shared, locals)
        return jinja2.runtime.new_context(self.environment, self.name, self.blocks, vars, shared, plain, locals)

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> jinja2.environment.TemplateModule:
        plain = self._environment_globals()
        if ctx is not None and plain is not None and not ctx.globals_keys - plain.keys():
            ctx = None  # nothing the cached module lacks: Jinja's path would return it
        return super()._get_default_module(ctx)


class Environment(jinja2.Environment):
    """Jinja's environment, reading `row.name` from a plain dict by its key without first failing to find the
    attribute: Jinja's getattr tries the attribute first and catches the AttributeError, about a microsecond a
    cell, and list rows are dicts (selectors return values). The same value as Jinja's for every name: a name a
    dict has as an attribute (`items`, `get`) is read as Jinja reads it, which finds the method first.

    Any other object is read as Jinja's Environment.getattr reads it, written out here rather than called through
    super(): a list of twenty workers reads about 430 attributes of models (300 → 115 ns each, timeit)."""

    template_class = Template

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        # jinja2.Environment.getattr, as of Jinja 3.1.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


env = Environment(
    loader=jinja2.FileSystemLoader(str(ROOT / "templates")),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    # A template is compiled once per process; `talent serve --reload` restarts the server when one changes.
    # (Checking every template's file on each render cost about twenty stat calls a page.)
    auto_reload=False,
    # Every template kept in a plain dict: the app has about two hundred. Jinja's default, an LRU of 400, moved the
    # key to the end of its queue on each lookup, searching the queue (4.6 µs a lookup where pages alternate between
    # ten templates, 0.35 µs in a dict; a page looks up one for each include and import).
    cache_size=-1,
)
templates = Jinja2Templates(env=env)
env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)


def _template_gettext(__string: str, **variables) -> Markup:
    """`_()` in templates, as the i18n extension's newstyle gettext does it (the translation is markup, the
    variables are escaped into it, and the text is always a format string) without its two context-passing
    calls around each message: a page says `_()` thirty to a hundred times."""
    if variables:
        return Markup(i18n.gettext(__string)) % variables
    return _template_message(__string, i18n.get_locale())


@lru_cache(maxsize=8192)
def _template_message(message: str, _locale: str) -> Markup:
    """A message without variables as `_()` gives it, made once per locale (the catalogs are fixed while the app
    runs): most of a page's messages are labels without variables."""
    return Markup(i18n.gettext(message)) % {}


env.globals["_"] = _template_gettext
env.globals.update(
    account_scope=account_scope,
    colon=i18n.colon,
    format_local=i18n.format_local,
    get_locale=i18n.get_locale,
    localised=i18n.localised,
    LOCALES=i18n.LOCALES,
    LOCALE_NAMES=i18n.LOCALE_NAMES,
)


# The request's CSRF token for the form macros (macros/ui.html): they are imported without the page's context, so
# that Jinja builds them once per process instead of at each import on each render (8.6 % of a list page's time,
# py-spy), and read the token here; render() sets it around the rendering.
_CSRF_TOKEN: ContextVar[str] = ContextVar("csrf_token", default="")
env.globals["request_csrf_token"] = _CSRF_TOKEN.get

env.filters["mask_phone"] = mask_phone
env.filters["mask_id"] = mask_id
# Filters, not globals: Jinja calls a global through context.call, which costs about 1.3 µs more a call than a
# filter; the administrator's national report writes some 2,500 numbers (4.6 against 1.8 ms, timeit).
env.filters["format_date"] = i18n.format_date
env.filters["format_number"] = i18n.format_number
# A filter where the pay pages each defined a macro: a list of pay changes wrote eight amounts a row (a macro call
# costs about 5 µs, a filter about 1).
env.filters["format_money"] = i18n.format_money
env.filters["format_percent"] = i18n.format_percent


def is_htmx(request: Request) -> bool:
    """A fragment is wanted for htmx requests, but not for history restores or full-body swaps."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-history-restore-request") != "true"
        and headers.get("hx-request-type") != "full"
    )


def flash(response: Response, message: str, level: str = "success") -> Response:
    """Queue a message for the next full page, in a short-lived cookie (no server state needed)."""
    response.set_cookie(
        FLASH_COOKIE,
        quote(json.dumps([[level, message]], ensure_ascii=False)),
        max_age=60,
        httponly=True,
        samesite="lax",
        path="/",
    )
    return response


def _take_flashes(request: Request) -> list[tuple[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        items = json.loads(unquote(raw))
        return [(str(level), str(text)) for level, text in items][:5]
    except (ValueError, TypeError):
        return []


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render `template`, or `fragment` when htmx asks; `template` must include `fragment`."""
    use_fragment = fragment is not None and is_htmx(request)
    ctx: dict[str, Any] = {
        "request": request,
        "viewer": getattr(request.state, "viewer", None),
        "csrf_token": getattr(request.state, "csrf", ""),
        "flashes": [] if use_fragment else _take_flashes(request),
    }
    ctx.update(context or {})
    token = _CSRF_TOKEN.set(ctx["csrf_token"])
    try:
        response = templates.TemplateResponse(
            request, fragment if use_fragment else template, ctx, status_code=status_code, headers=headers
        )
    finally:
        _CSRF_TOKEN.reset(token)
    if ctx["flashes"]:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def form_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200, *, fragment: str | None = None
) -> Response:
    """A page around a form: `template` whole, or to htmx the form alone, the fragment `_<name>` beside the
    template (`fragment` when it is named otherwise); 422 when a posted form is shown again with its errors."""
    if fragment is None:
        folder, slash, name = template.rpartition("/")
        fragment = f"{folder}{slash}_{name}"
    return render(request, template, context, fragment=fragment, status_code=status_code)


ERROR_TITLES = {
    400: lazy("Bad request"),
    401: lazy("Please sign in"),
    403: lazy("Not allowed"),
    404: lazy("Not found"),
    405: lazy("Not allowed"),
    409: lazy("Conflict"),
    413: lazy("Too large"),
    422: lazy("Check your input"),
    429: lazy("Too many requests"),
    500: lazy("Something went wrong"),
}


def render_error(request: Request, status: int, *, headers=None, csrf: bool = False) -> Response:
    title = ERROR_TITLES.get(status, ERROR_TITLES[400] if status < 500 else ERROR_TITLES[500])
    messages = {
        401: _("Please sign in."),
        403: _("Your form expired. Reload the page and try again.") if csrf else _("You may not do this."),
        404: _("There is nothing here, or you may not see it."),
        405: _("This address does not accept that kind of request."),
        409: _("This change conflicts with existing data; nothing was saved."),
        422: _("Some of what was sent is not valid."),
        500: _("The error has been logged. Please try again later."),
    }
    message = messages.get(status, title.tr())
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return render(
        request,
        "errors/page.html",
        {"status": status, "title": title.tr(), "message": message},
        fragment="errors/_error.html",
        status_code=status,
        headers=headers,
    )


def see_other(request: Request, url: str) -> Response:
    """Redirect after a successful post; htmx gets HX-Redirect so it loads the page, not swaps it."""

    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def safe_next(url: str | None, default: str = "/") -> str:
    """Only a path of this site is followed after sign-in, never another site.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/\t/evil.example" or
    "/\\evil.example" would leave the site; CR/LF would split the response's headers. A path with any
    whitespace, control or invisible character, or a backslash, is refused whole rather than cleaned.
    """
    if not url or not url.startswith("/") or url.startswith("//"):
        return default
    if any(ch == "\\" or ch.isspace() or not ch.isprintable() for ch in url):
        return default
    return url


@jinja2.pass_context
def _can(context, permission: str) -> bool:
    """`{% if can("workers.edit") %}` in templates: the permission table, for the page's viewer."""
    viewer = context.get("viewer")
    return viewer is not None and viewer.can(permission)


env.globals["can"] = _can


@lru_cache(maxsize=512)
def _nav_sections(allowed: tuple, active: str | None, _locale: str) -> Markup:
    return Markup(env.get_template("_nav_sections.html").render(entries=menu_entries(allowed, active)))


def nav_sections(viewer, path: str) -> Markup:
    """The main menu's sections (templates/_nav_sections.html), rendered once per set of entries the viewer may
    open, section the path is in, and locale: they are the same on every page of a section for every account of a
    role (one key per worker, whose "My record" names their own), where each page rendered them again (about 5 % of
    a list page's time in the server, cProfile)."""
    if viewer is None:
        return Markup("")
    return _nav_sections(*nav_state(viewer, path), i18n.get_locale())


env.globals["nav_items"] = nav_items
env.globals["nav_sections"] = nav_sections
env.filters["label"] = label
env.filters["entity_label"] = entity_label
env.filters["action_label"] = action_label
# User-written text (course descriptions, lessons): sanitised, and shown inside hx-ignore.
env.filters["markdown"] = render_markdown
