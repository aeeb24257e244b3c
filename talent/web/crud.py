"""The post half of a form page, as every router wrote it: run the service on the bound form (a ServiceError goes
onto its field), then go to the saved record with "Saved.", or show the form again with its errors (422)."""

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from fastapi import Request
from starlette.responses import Response

from talent.core.i18n import gettext as _
from talent.web.forms import Form
from talent.web.templating import flash, see_other


async def form_saved(
    request: Request,
    form: Form,
    action: Callable[[dict[str, Any]], Awaitable[Any]],
    *,
    done: str | Callable[[Any], str],
    again: Callable[[Form], Response | Awaitable[Response]],
) -> Response:
    """`form.run(action)`; when it returns something, go to `done` (a url, or the url of what it returned), else to
    `again(form)`: the page that shows the form with its errors, called with status 422."""
    if result := await form.run(action):
        return flash(see_other(request, done(result) if callable(done) else done), _("Saved."))
    page = again(form)
    return await page if isawaitable(page) else page
