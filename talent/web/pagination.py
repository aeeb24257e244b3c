"""List parameters read from the query string (the FastAPI dependency every list page takes)."""

from enum import Enum
from typing import Annotated

from fastapi import Depends, Query

from talent.core.pagination import MAX_PAGE_SIZE, ListParams
from talent.settings import get_settings


async def list_params(
    q: Annotated[str, Query(max_length=100)] = "",
    sort: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int | None, Query(ge=1, le=MAX_PAGE_SIZE)] = None,
    after: Annotated[str, Query(max_length=400)] = "",
    before: Annotated[str, Query(max_length=400)] = "",
) -> ListParams:
    """`after`/`before` are the pager's cursors (talent.core.pagination); a malformed one is ignored."""
    per_page = per_page or get_settings().page_size
    return ListParams(q=q.strip(), sort=sort, page=page, per_page=per_page, after=after, before=before)


Listing = Annotated[ListParams, Depends(list_params)]


def code_filter(params: ListParams, name: str, value: str, codes: type[Enum]) -> str:
    """A list's one filter by a code of `codes`: the value when it is one (the page's links then carry it), else
    "" (no filter)."""
    value = value if value in {c.value for c in codes} else ""
    params.extra = {name: value}
    return value
