"""A page htmx refreshes in place: its filters, sort links, pager or polling ask for the same URL again."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from starlette.responses import Response

from talent.core.concurrency import gather_reads
from talent.web.templating import form_page, is_htmx


def list_page(request: Request, template: str, context: dict[str, Any]) -> Response:
    """`template` whole, or to htmx its results alone: the fragment `_<name>` beside the template."""
    return form_page(request, template, context)


async def form_options(request: Request, **reads: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    """Each name of `reads` given the result of its read, for the reads this request wants (option_reads), read at
    once (gather_reads)."""
    wanted = option_reads(request, **reads)
    return dict(zip(wanted, await gather_reads(list(wanted.values())), strict=True))


def option_reads(request: Request, **reads: Callable[[], Awaitable[Any]]) -> dict[str, Callable[[], Awaitable[Any]]]:
    """The reads of what only the list's form shows (its filters' options from the database) that this request
    wants: none when htmx swaps the results alone (a sort, a page or a filter keeps the form). A list reads them beside
    its own total (paginate's `beside`: their results in the page's `beside` by name)."""
    return {} if is_htmx(request) else reads
