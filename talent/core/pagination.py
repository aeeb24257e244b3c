"""List parameters shared by every list: search, sort, page; and one paginate() for all."""

from dataclasses import dataclass
from math import ceil
from typing import Any
from urllib.parse import urlencode

from tortoise.queryset import QuerySet

from talent.settings import get_settings

MAX_PAGE_SIZE = 100


@dataclass
class ListParams:
    q: str = ""
    sort: str = ""
    page: int = 1
    per_page: int = 25
    extra: dict[str, str] | None = None

    def url(self, **changes: Any) -> str:
        values = {"q": self.q, "sort": self.sort, "page": self.page, "per_page": self.per_page}
        values.update(self.extra or {})
        values.update(changes)
        default_per_page = get_settings().page_size
        clean = {
            k: v
            for k, v in values.items()
            if v not in ("", None) and not (k == "page" and v == 1) and not (k == "per_page" and v == default_per_page)
        }
        return "?" + urlencode(clean) if clean else "?"

    def sort_url(self, key: str) -> str:
        return self.url(sort=("-" + key) if self.sort == key else key, page=1)


@dataclass
class Page:
    items: list[Any]
    total: int
    params: ListParams

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.params.per_page))

    @property
    def has_prev(self) -> bool:
        return self.params.page > 1

    @property
    def has_next(self) -> bool:
        return self.params.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.params.page - 1) * self.params.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.params.page * self.params.per_page)


def order_for(params: ListParams, sorts: dict[str, str], default: str) -> list[str]:
    """Translate a public sort key into ORM ordering through a whitelist; unknown keys fall back."""
    key = params.sort.lstrip("-")
    if key not in sorts:
        params.sort = default
        key = default.lstrip("-")
    column = sorts[key]
    desc = params.sort.startswith("-")
    # A unique tie-breaker keeps pages stable when the sort column has equal values.
    return [("-" if desc else "") + column, "-id" if desc else "id"]


async def paginate(
    qs: QuerySet, params: ListParams, sorts: dict[str, str], default: str, values: tuple[str, ...] | None = None
) -> Page:
    total = await qs.count()
    ordered = qs.order_by(*order_for(params, sorts, default))
    if params.page > 1 and (params.page - 1) * params.per_page >= total:
        params.page = max(1, ceil(total / params.per_page))
    window = ordered.offset((params.page - 1) * params.per_page).limit(params.per_page)
    items = await (window.values(*values) if values else window)
    return Page(items=list(items), total=total, params=params)
