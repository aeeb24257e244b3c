"""A page htmx refreshes in place: its filters, sort links, pager or polling ask for the same URL again."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import Request
from starlette.responses import Response

from talent.core.concurrency import gather_reads
from talent.web.templating import form_page, is_htmx


def list_page(request: Request, template: str, context: dict[str, Any]) -> Response:
    """`template` whole, or to htmx its results alone: the fragment `_<name>` beside the template."""
    return form_page(request, template, context)


async def form_options(
    request: Request, *, beside: Sequence[Callable[[], Awaitable[Any]]] = (), **reads: Callable[[], Awaitable[Any]]
) -> dict[str, Any]:
    """What only the list's form shows (its filters' options from the database), each name given the result of its
    read: read for a whole page; a sort, a page or a filter asked by htmx swaps the results alone and keeps the
    form, so they are not read then. `beside`: reads the page makes anyway once it has its rows (their head counts,
    the viewer's own enrolments), read at once with the options (gather_reads), where one after the other the page
    waited for each statement in turn (a city's stations list: its tiers after its head counts)."""
    wanted = option_reads(request, **reads)
    results = await gather_reads([*beside, *wanted.values()])
    return dict(zip(wanted, results[len(beside) :], strict=True))


def option_reads(request: Request, **reads: Callable[[], Awaitable[Any]]) -> dict[str, Callable[[], Awaitable[Any]]]:
    """The reads of form_options that this request wants (none when htmx swaps the results alone), for a list that
    reads them beside its own total (paginate's `beside`: their results in the page's `beside` by name)."""
    return {} if is_htmx(request) else reads
