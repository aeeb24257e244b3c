"""A page htmx refreshes in place: its filters, sort links, pager or polling ask for the same URL again."""

from typing import Any

from fastapi import Request
from starlette.responses import Response

from talent.web.templating import form_page


def list_page(request: Request, template: str, context: dict[str, Any]) -> Response:
    """`template` whole, or to htmx its results alone: the fragment `_<name>` beside the template."""
    return form_page(request, template, context)
