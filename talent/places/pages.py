"""Web helpers the four places routers share (regions, organisations, tiers, stations): lookup options, the one
form page (new and edit), who may write, and resolving a typed region code."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import Request
from starlette.responses import Response

from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import Msgid
from talent.core.i18n import gettext as _
from talent.places import selectors
from talent.places.access import is_writer
from talent.places.models import Region
from talent.web.auth import Viewer
from talent.web.crud import form_saved
from talent.web.errors import Forbidden
from talent.web.forms import Form
from talent.web.templating import flash, form_page, render, see_other

LOOKUP_PARAMS = ("q", "parent_code", "region_code", "region", "organisation", "station", "station_code")


def term(request: Request) -> str:
    """The typed text: `q`, or the value of the lookup input itself (htmx sends it under the input's name)."""
    params = request.query_params
    for name in LOOKUP_PARAMS:
        if params.get(name):
            return params[name].strip()[:100]
    return ""


def options(request: Request, rows: list[tuple[str, str]]) -> Response:
    return render(request, "places/_options.html", {"options": rows})


def _form(request: Request, form: Form, title: str, url: str, crumbs: list, status_code: int) -> Response:
    """A create or edit form, posting to `url` (where Back leads too); shown again with 422 when the post has
    errors (htmx swaps only the form)."""
    context = {"form": form, "title": title, "action": url, "back": url, "crumbs": crumbs}
    return form_page(request, "places/form.html", context, status_code)


def new_page(request: Request, form: Form, crumb: tuple[str, str], title: str, status_code: int = 200) -> Response:
    """The form of a new record of the list page `crumb` (its url and name); it posts to the list's url."""
    url = crumb[0]
    return _form(request, form, title, url, [crumb], status_code)


def edit_page(
    request: Request, form: Form, crumb: tuple[str, str], url: str, name: str, status_code: int = 200, title=None
) -> Response:
    """The form of the record at `url` called `name`, below its list page `crumb`; it posts to the record's url."""
    title = title or _("Edit %(name)s") % {"name": name}
    return _form(request, form, title, url, [crumb, (url, name)], status_code)


@dataclass(frozen=True)
class RecordPages:
    """The form pages of one kind of named record: its list page at `url` called `name` (the breadcrumb), each record
    at `records`/<id> (`url` unless told), and the title of a new one; `get(scope=, **ids)` reads a record in a scope
    and `may_edit(scope, record)` says whether that scope may change it."""

    url: str
    name: Msgid
    new_title: Msgid
    get: Callable[..., Awaitable]
    may_edit: Callable[[Scope, Any], bool]
    records: str = ""

    def crumb(self) -> tuple[str, str]:
        return (self.url, self.name.tr())

    def record_url(self, record) -> str:
        return f"{self.records or self.url}/{record.id}"

    async def to_edit(self, viewer: Viewer, **ids):
        """The record `ids` name, read in the viewer's scope (404 outside it), when the viewer may change it (else
        403)."""
        record = await self.get(scope=viewer.scope, **ids)
        return editable(record, self.may_edit(viewer.scope, record))

    def new(self, request: Request, form: Form, status_code: int = 200) -> Response:
        return new_page(request, form, self.crumb(), self.new_title.tr(), status_code)

    def edit(self, request: Request, form: Form, record, status_code: int = 200, title=None) -> Response:
        return edit_page(request, form, self.crumb(), self.record_url(record), record.name, status_code, title)

    async def create(self, request: Request, viewer: Viewer, fields: list, values, service) -> Response:
        """The new record's post (record_posted): saved → its page, else the new form again."""
        again = partial(self.new, request, status_code=422)
        return await record_posted(request, viewer, fields, values, service, done=self.record_url, again=again)

    async def update(self, request: Request, viewer: Viewer, fields: list, values, service, **record) -> Response:
        """A record's edit post (record_posted); `record` is the one keyword argument naming it to `service`."""
        (changed,) = record.values()
        again = partial(self.edit, request, record=changed, status_code=422)
        url = self.record_url(changed)
        return await record_posted(request, viewer, fields, values, service, done=url, again=again, **record)


def writer_only(viewer: Viewer) -> None:
    """The edit permission is the role's; a bureau also needs a region of its own to write under."""
    if not is_writer(viewer.scope):
        raise Forbidden()


def editable(record, allowed: bool):
    """The record, when the viewer may change it (`allowed`, from places.access); otherwise Forbidden."""
    if not allowed:
        raise Forbidden()
    return record


async def with_region(scope: Scope, form: Form, values: dict) -> dict | None:
    """The service's keyword arguments: `values` and the region of the typed code; None when the code is unknown
    (a field error)."""
    region = await region_from_form(scope, form)
    return None if form.errors else {**values, "region": region}


def saved(request: Request, url: str) -> Response:
    return flash(see_other(request, url), _("Saved."))


async def record_posted(request: Request, viewer: Viewer, fields: list, values, service, *, done, again, **record):
    """The create or update endpoint of a record typed with a region code: bind the posted `fields`, turn them into
    the service's keyword arguments with `values(viewer, form, cleaned)` (None when a typed code is unknown: a field
    error), call `service` with the actor, the scope, those and `record` (the one an update changes); saved → `done`
    (a url, or one of what the service returned), else `again(form)` (422)."""
    form = await Form.posted(fields, request)

    async def run(cleaned: dict):
        kwargs = await values(viewer, form, cleaned)
        return kwargs and await service(actor=viewer.user, scope=viewer.scope, **record, **kwargs)

    return await form_saved(request, form, run, done=done, again=again)


async def rule_values(viewer: Viewer, form: Form, cleaned: dict) -> dict | None:
    """An effective-dated regional rule's (CE credit caps, the yearly CE rule, CE per supervision session): every
    field as typed, and the region of the code."""
    return await with_region(viewer.scope, form, {name: v for name, v in cleaned.items() if name != "region_code"})


async def rule_withdrawn(request: Request, viewer: Viewer, withdraw, rule, done: str) -> Response:
    """The withdraw endpoint of an effective-dated regional rule: the service `withdraw` as of today, then back to
    `done` with a message, or with its refusal (a rule already in force)."""
    try:
        await withdraw(actor=viewer.user, scope=viewer.scope, rule=rule, today=local_today())
    except ServiceError as exc:
        return flash(see_other(request, done), exc.message, "danger")
    return flash(see_other(request, done), _("Rule withdrawn."))


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
