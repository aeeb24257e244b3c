"""The post half of a form page, as every router wrote it: bind the posted form, call the service with the actor and
the viewer's scope (a ServiceError goes onto its field), then go to the saved record with a message, or show the form
again with its errors (422)."""

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from fastapi import Request
from starlette.responses import Response

from talent.core.i18n import gettext as _
from talent.web.forms import Form
from talent.web.templating import flash, render, see_other

Again = Callable[[Form], Response | Awaitable[Response]]


async def post_form(
    request: Request, viewer, fields: list, service, values: Callable[[dict], dict] | None = None, **record
) -> tuple[Form, Any]:
    """Bind the posted `fields` and call `service` with the actor, the viewer's scope, `record` and the cleaned
    values (`values(cleaned)` when given, else every field by its name), as Form.run does: the form, and what the
    service returned (None when the form has errors)."""
    form = await Form.posted(fields, request)

    def call(cleaned: dict):
        return service(actor=viewer.user, scope=viewer.scope, **record, **(values(cleaned) if values else cleaned))

    return form, await form.run(call)


async def outcome(
    request: Request, form: Form, result, *, done: str | Callable[[Any], str], again: Again, message: str = ""
) -> Response:
    """After a post: when the service returned something, go to `done` (a url, or the url of what it returned) with
    `message` ("Saved." unless told); else `again(form)`, the page showing the form with its errors, with 422."""
    if result:
        return flash(see_other(request, done(result) if callable(done) else done), message or _("Saved."))
    page = again(form)
    return await page if isawaitable(page) else page


async def form_saved(
    request: Request, form: Form, action: Callable[[dict[str, Any]], Awaitable[Any]], *, done, again: Again
) -> Response:
    """`form.run(action)`, then its outcome."""
    return await outcome(request, form, await form.run(action), done=done, again=again)


def page_with_form(request: Request, template: str, context: dict, form_fragment: str, status_code: int = 200):
    """A page that holds a form among other things: whole, or, to htmx after a post with errors (422), the form's
    fragment alone."""
    fragment = form_fragment if status_code == 422 else None
    return render(request, template, context, fragment=fragment, status_code=status_code)
