"""Web helpers the four places routers share (regions, organisations, tiers, stations): lookup options, the one
form page, and resolving a typed region code."""

from fastapi import Request
from starlette.responses import Response

from talent.core.access import Scope
from talent.core.i18n import gettext as _
from talent.places import selectors
from talent.places.models import Region
from talent.web.forms import Form
from talent.web.templating import flash, render, see_other

LOOKUP_PARAMS = ("q", "parent_code", "region_code", "organisation", "station", "station_code")


def term(request: Request) -> str:
    """The typed text: `q`, or the value of the lookup input itself (htmx sends it under the input's name)."""
    params = request.query_params
    for name in LOOKUP_PARAMS:
        if params.get(name):
            return params[name].strip()[:100]
    return ""


def options(request: Request, rows: list[tuple[str, str]]) -> Response:
    return render(request, "places/_options.html", {"options": rows})


def form_page(request: Request, form: Form, *, title: str, action: str, back: str, crumbs, status_code: int = 200):
    """A create or edit form; shown again with 422 when the post has errors (htmx swaps only the form)."""
    return render(
        request,
        "places/form.html",
        {"form": form, "title": title, "action": action, "back": back, "crumbs": crumbs},
        fragment="places/_form.html",
        status_code=status_code,
    )


def saved(request: Request, url: str) -> Response:
    return flash(see_other(request, url), _("Saved."))


def int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


async def region_from_form(scope: Scope, form: Form, name: str = "region_code") -> Region | None:
    """The region of the code typed into field `name`, in the viewer's scope; None for an empty field, and a field
    error (the form then has errors) for an unknown code."""
    code = form.cleaned.get(name)
    if not code:
        return None
    region = await selectors.region_for_code(scope=scope, code=code)
    if region is None:
        form.add_error(name, _("No such region in your scope."))
    return region
