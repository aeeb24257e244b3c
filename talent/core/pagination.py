"""List parameters shared by every list: search, sort, page; and one paginate() for all.

Pages are numbered, and an old `?page=N` link always answers (OFFSET). The pager's own links also carry a cursor
(`after=` the last row's sort key and id for "next", `before=` the first row's for "previous"), so walking a list
page by page never skips rows with OFFSET however deep it goes: the database starts at the cursor in the sort's
index. The page number beside a cursor only labels the page.
"""

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from math import ceil
from typing import Any
from urllib.parse import urlencode

from pypika_tortoise.terms import Term
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.fields import CharField, DateField, TextField
from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.queryset import QuerySet

from talent.core.concurrency import gather_reads
from talent.core.export import values_converter
from talent.core.sql import Unordered, literal_count, probed_values, scalar, unordered
from talent.rawsql import fixed
from talent.settings import get_settings

MAX_PAGE_SIZE = 100


@dataclass
class ListParams:
    q: str = ""
    sort: str = ""
    page: int = 1
    per_page: int = 25
    extra: dict[str, str] | None = None
    after: str = ""  # cursor: the page starts after this row (see encode_cursor)
    before: str = ""  # cursor: the page ends before this row

    def url(self, **changes: Any) -> str:
        """This list's URL with `changes`; a cursor (after=, before=) only when given among the changes."""
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


def encode_cursor(value: Any, row_id: int) -> str:
    """A row's place in a sorted list (its sort value and id) as an opaque URL-safe token."""
    if isinstance(value, datetime):
        tagged = ["t", value.isoformat()]
    elif isinstance(value, date):
        tagged = ["d", value.isoformat()]
    elif isinstance(value, Decimal):
        tagged = ["m", str(value)]
    elif value is None or isinstance(value, str | int | float) and not isinstance(value, bool):
        tagged = ["v", value]
    else:
        tagged = ["v", str(getattr(value, "value", value))]
    raw = json.dumps([*tagged, row_id], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[Any, int] | None:
    """(sort value, id) of a cursor, or None for anything encode_cursor did not make."""
    if not token:
        return None
    try:
        tag, value, row_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            return None
        match tag:
            case "d":
                return date.fromisoformat(value), row_id
            case "t":
                return datetime.fromisoformat(value), row_id
            case "m":
                return Decimal(value), row_id
            case "v" if value is None or isinstance(value, str | int | float):
                return value, row_id
    except (ValueError, TypeError, binascii.Error, ArithmeticError):
        return None
    return None


def sort_value(item: Any, path: str) -> Any:
    """The value of an ordering path ("name", "region__name", an annotation) on a fetched row or values dict."""
    if isinstance(item, dict):
        return item.get(path)
    for part in path.split("__"):
        if item is None:
            return None
        item = getattr(item, part, None)
    return item


def nulls_first(queryset, descending: bool) -> bool:
    """Where the database puts NULLs: SQLite sorts them lowest, PostgreSQL highest."""
    smallest = queryset.model._meta.db.capabilities.dialect == "sqlite"
    return smallest != descending


def after_q(queryset, order: Sequence[str], value: Any, row_id: int) -> Q:
    """The rows that come after the row (value, row_id) in `order` (a column, then the id tie-breaker, as
    order_for gives): the keyset condition, NULLs placed where the database sorts them."""
    column = order[0].lstrip("-")
    descending = order[0].startswith("-")
    op = "lt" if descending else "gt"
    after_id = Q(**{f"id__{op}": row_id})
    if column == "id":
        return after_id
    first = nulls_first(queryset, descending)
    if value is None:
        after = Q(**{f"{column}__isnull": True}) & after_id
        return after | Q(**{f"{column}__isnull": False}) if first else after
    after = Q(**{f"{column}__{op}": value}) | (Q(**{column: value}) & after_id)
    return after if first else after | Q(**{f"{column}__isnull": True})


def reverse_order(order: Sequence[str]) -> list[str]:
    return [key[1:] if key.startswith("-") else "-" + key for key in order]


@dataclass
class Page:
    items: list[Any]
    total: int
    params: ListParams
    order: Sequence[str] = ()  # the ordering the page was read in (order_for), for its cursors
    beside: dict[str, Any] = field(default_factory=dict)  # the results of paginate's `beside` reads, by name

    def _cursor(self, item: Any) -> str:
        if not self.order:
            return ""
        return encode_cursor(sort_value(item, self.order[0].lstrip("-")), sort_value(item, "id"))

    @property
    def next_cursor(self) -> str:
        return self._cursor(self.items[-1]) if self.items and self.has_next else ""

    @property
    def prev_cursor(self) -> str:
        return self._cursor(self.items[0]) if self.items and self.has_prev else ""

    def next_url(self) -> str:
        return self.params.url(page=self.params.page + 1, after=self.next_cursor)

    def prev_url(self) -> str:
        return self.params.url(page=self.params.page - 1, before=self.prev_cursor)

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


def cursor_safe(qs: QuerySet, column: str) -> bool:
    """May a page of `qs` sorted by `column` be addressed by cursor? A column of the model's own table, or a
    per-row annotation (a subquery or raw SQL): its value is on every fetched row and can be compared in WHERE. Not
    a related model's column (the row holds no value for it unless joined in) nor an aggregate (HAVING, not
    WHERE): those lists keep page numbers only."""
    if column in qs.model._meta.db_fields:
        return True
    annotation = qs._annotations.get(column)
    return annotation is not None and isinstance(annotation, Subquery | RawSQL)


async def paginate(
    qs: QuerySet,
    params: ListParams,
    sorts: dict[str, str],
    default: str,
    values: tuple[str, ...] | None = None,
    total: int | Callable[[], Awaitable[int]] | None = None,
    sort_rows: bool = False,
    related_by_probe: bool = False,
    read: Callable[[QuerySet, Sequence[str], tuple[str, ...] | None], Awaitable[list[Any]]] | None = None,
    shown: dict[str, Term] | None = None,
    beside: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
) -> Page:
    """One page of `qs` in the whitelisted sort, with the total: two queries whatever the depth (one when the caller
    passes `total`, the number of rows of `qs`, or a read of it that brings figures the page shows anyway, run where
    the count would be). A cursor (`after`/`before`, from the pager) reads from the cursor's row in the sort's index;
    a bare page number reads with OFFSET (a page past the end answers the last page). A sort that cannot take a
    cursor (cursor_safe) keeps page numbers only. With `values`, items are dicts of those fields (the sort column and
    id are added for the cursors).

    The total and the page are read at once (gather_reads: two connections of PostgreSQL's pool, a SQLite file's
    reader beside its connection) wherever the page does not depend on the total: a cursor's page, and the first
    page in a sort by the model's own column. A numbered page past the first needs the total first (a page past
    the end answers the last one), and so does a sort by a related row's column (_probed chooses by the total).

    `sort_rows`: the filtered rows are few enough to sort (a jurisdiction's, not the country's), and the page is read
    by sorting them, never by walking the sort column's index (_sorted).

    `related_by_probe`: the filtered rows are few enough that a sort by a related row's column probes that row for
    each of them whatever their number (_probed), so the first page does not wait for the total but is read beside
    it (a city's yearly assessments by worker number: the grade counts that are its total, then the page, 2.2 + 2.9
    ms of SQL in turn, national demo).

    `read(window, order, values)`: the page's rows read by the caller from the window (`qs` filtered, ordered and
    limited; `order` the order to give them back in, `values` the fields the pager needs of each), in one statement
    of its own that computes the columns shown beside it (window_sql), where reading the ids first and the shown
    rows after them took two round trips.

    `shown`: columns of each row by alias (a correlated count) computed in the page's statement for its rows alone
    (read by id from the window, _rows), where a statement after the page read them for the page's ids: a round trip
    less, and nothing computed for a row the page does not show. With `values`, each item holds them too.

    `beside`: reads the page's request makes anyway (its form's options) by name, read at once with the total
    (read_page), their results in the Page's `beside` under the same names."""
    order = order_for(params, sorts, default)
    keyed = cursor_safe(qs, order[0].lstrip("-"))
    if values and keyed:
        values = tuple(dict.fromkeys((*values, "id", order[0].lstrip("-"))))

    async def counted() -> int:
        if total is None:
            return await qs.count()
        return await total() if callable(total) else total

    sorted_qs, sorted_order = _sorted(qs, order) if sort_rows else (qs, list(order))

    async def from_cursor(value: Any, row_id: int, backwards: bool) -> list[Any]:
        reading = reverse_order(order) if backwards else list(order)
        window = sorted_qs.filter(after_q(qs, reading, value, row_id))
        window = window.order_by(*(reverse_order(sorted_order) if backwards else sorted_order)).limit(
            literal_count(params.per_page)
        )
        return await (read(window, reading, values) if read else _rows(qs, window, reading, values, shown))

    async def numbered(offset: int, known: int | None) -> list[Any]:
        if related_by_probe:
            ordered, window_order = _probed(sorted_qs, sorted_order, 0)
        elif known is None:
            ordered, window_order = sorted_qs, sorted_order
        else:
            ordered, window_order = _probed(sorted_qs, sorted_order, known)
        window = ordered.order_by(*window_order).limit(literal_count(params.per_page))
        window = window.offset(offset) if offset else window
        return await (read(window, order, values) if read else _rows(qs, window, order, values, shown))

    return await read_page(
        params,
        order,
        count=counted,
        from_cursor=from_cursor if keyed else None,
        numbered=numbered,
        first_beside_count=related_by_probe or not _related_sort(qs, order),
        beside=beside,
    )


async def read_page(
    params: ListParams,
    order: Sequence[str],
    *,
    count: Callable[[], Awaitable[int]],
    from_cursor: Callable[[Any, int, bool], Awaitable[list[Any]]] | None,
    numbered: Callable[[int, int | None], Awaitable[list[Any]]],
    first_beside_count: bool = True,
    beside: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
) -> Page:
    """The pager's flow, for a list however its rows are read (paginate's querysets, or SQL of the list's own): a
    cursor's page (`from_cursor(value, id, backwards)`: the rows after the cursor's row in `order`, or before it,
    nearest first) beside the total (`count()`); a stale cursor past either end falls back to the page number. A
    numbered page (`numbered(offset, total)`) is read beside the total on page 1 when `first_beside_count` (total
    None), else after it, a page past the end answering the last page. Without `from_cursor` the list keeps page
    numbers only, and its Page has no cursors. `beside`: other reads of the request by name (a form's options),
    gathered with the total (gather_reads: they wait for a free connection, as the page's own reads do), where read
    after the page they waited for it; their results in the Page's `beside` under the same names."""
    names, reads = list(beside or {}), list((beside or {}).values())

    def named(results: list[Any]) -> dict[str, Any]:
        return dict(zip(names, results, strict=True))

    after = decode_cursor(params.after) if from_cursor else None
    before = decode_cursor(params.before) if from_cursor and after is None else None
    if from_cursor is not None and (after is not None or before is not None):
        value, row_id = after or before  # type: ignore[misc]
        backwards = after is None
        total, items, *others = await gather_reads([count, lambda: from_cursor(value, row_id, backwards), *reads])
        if backwards:
            items.reverse()
        if items or params.page == 1:
            return Page(items=items, total=total, params=params, order=order, beside=named(others))
        # A stale cursor past either end: fall back to the page number (its other reads are read again below).
    params.after = params.before = ""
    cursors = order if from_cursor else ()
    if params.page == 1 and first_beside_count:
        total, items, *others = await gather_reads([count, lambda: numbered(0, None), *reads])
        return Page(items=items, total=total, params=params, order=cursors, beside=named(others))
    total, *others = await gather_reads([count, *reads]) if reads else [await count()]
    if params.page > 1 and (params.page - 1) * params.per_page >= total:
        params.page = max(1, ceil(total / params.per_page))
    items = await numbered((params.page - 1) * params.per_page, total)
    return Page(items=items, total=total, params=params, order=cursors, beside=named(others))


_SORTED_KEY = "_sorted_key"


def _sorted(qs: QuerySet, order: Sequence[str]) -> tuple[QuerySet, list[str]]:
    """`qs` and the ordering its page is read in so that the database sorts the filtered rows rather than walk the
    sort column's index: a text or date column of the model's own table as an expression (`column || ''`, a date
    `column + 0` on PostgreSQL: the same values in the same order) that no index serves; any other order as it is.
    PostgreSQL walked the index of the workers' numbers through every province before the viewer's, testing each
    worker against its scope, because worker numbers follow the regions and it reckons the viewer's workers spread
    evenly: a province's first page of workers by number, descending, 142 → 24 ms (the national demo's Jiangsu,
    3,649 active of 184,287; a city's and a county's unchanged, 1.1 and 0.4 ms; psql)."""
    column = order[0].lstrip("-")
    field = qs.model._meta.fields_map.get(column)
    if column not in qs.model._meta.db_fields or not isinstance(field, CharField | TextField | DateField):
        return qs, list(order)
    name = f'"{qs.model._meta.db_table}"."{qs.model._meta.fields_db_projection[column]}"'
    # A date as a date plus no days on PostgreSQL; SQLite keeps dates as ISO text (a city's supervision sessions,
    # newest first: PostgreSQL walked the dates' index back through the country's 109,064 sessions, 23 ms).
    pg_date = isinstance(field, DateField) and qs.model._meta.db.capabilities.dialect == "postgres"
    key = RawSQL(f"{name} + 0" if pg_date else f"{name} || ''")
    descending = "-" if order[0].startswith("-") else ""
    return qs.annotate(**{_SORTED_KEY: key}), [descending + _SORTED_KEY, *order[1:]]


# Up to this many rows, a page sorted by a related row's column (a station's township) reads that column by a probe of
# the related row's key per row. Joined, PostgreSQL hashed the whole related table first: a city's 150 stations sorted
# by township hashed the country's 12,896 regions, 2.4 ms of the statement's 2.75 ms (EXPLAIN ANALYZE, national demo),
# its cost model pricing a random read at four sequential ones. Over many rows the join stays: a probe per row for
# every station of the country made its sort by tier 18 → 168 ms (seventeenth session).
PROBED_SORT_MAX_ROWS = 500
_PROBE_KEY = "_probed_sort_key"


def _related_sort(qs: QuerySet, order: Sequence[str]) -> bool:
    """Whether `order` sorts by the column of a row a foreign key of the model refers to ("region__name"), which
    _probed may read by a probe per row, depending on the total."""
    relation, _, field = order[0].lstrip("-").partition("__")
    return bool(field) and isinstance(qs.model._meta.fields_map.get(relation), ForeignKeyFieldInstance)


def _probed(qs: QuerySet, order: Sequence[str], total: int) -> tuple[QuerySet, list[str]]:
    """`qs` and the ordering its page's window is read in: `order` itself, or, for a sort by a column of a row that a
    foreign key of the model refers to ("region__name") over at most PROBED_SORT_MAX_ROWS rows, that column as a
    correlated subquery (core.sql.scalar). Its values and order are the join's: the related row's column, NULL where
    the key or the column is NULL. Over more rows, `qs` is joined as _inner joins it."""
    column = order[0].lstrip("-")
    relation, _, field = column.partition("__")
    fk = qs.model._meta.fields_map.get(relation)
    if not field or "__" in field or not isinstance(fk, ForeignKeyFieldInstance):
        return qs, list(order)
    related = fk.related_model
    if total > PROBED_SORT_MAX_ROWS:
        return _inner(qs, relation, fk), list(order)
    if related._meta.db_table == qs.model._meta.db_table:
        return qs, list(order)  # a row's parent: the inner table's name would hide the outer one
    key = f'"{qs.model._meta.db_table}"."{qs.model._meta.fields_db_projection[fk.source_field]}"'
    probe = scalar(related.filter(**{related._meta.pk_attr: RawSQL(key)}).values(field))
    descending = "-" if order[0].startswith("-") else ""
    return qs.annotate(**{_PROBE_KEY: probe}), [descending + _PROBE_KEY, *order[1:]]


def _inner(qs: QuerySet, relation: str, fk: ForeignKeyFieldInstance) -> QuerySet:
    """`qs` joined to the related row it sorts by as PostgreSQL's planner may reorder the join: Tortoise joins a
    sort's related row with LEFT OUTER JOIN, which PostgreSQL must read from the model's side, so a page of the
    country's yearly assessments by worker number hashed all 184,287 workers and sorted 14,042 assessments (50 ms);
    a key that cannot be NULL always finds its row, and a test that the row was found (strict, on the joined side)
    turns the join into an inner one, which walks the workers' numbers and probes each one's assessment (1.1 ms;
    EXPLAIN ANALYZE, national demo). A key that may be NULL keeps its rows without one: left as it is. SQLite keeps
    its plan either way (it reads the filtered rows first and sorts them)."""
    if fk.null:
        return qs
    return qs.filter(**{f"{relation}__{fk.related_model._meta.pk_attr}__isnull": False})


async def _rows(
    qs: QuerySet,
    window: QuerySet,
    order: Sequence[str],
    values: tuple[str, ...] | None,
    shown: dict[str, Term] | None = None,
) -> list[Any]:
    """The rows of a page's `window` (`qs` ordered, limited), in `order`. A list with related rows (select_related)
    chooses its page by ids alone, then reads those rows with their relations: with the joins before the LIMIT,
    PostgreSQL costs a top-N sort of the filtered rows (a city's 150 stations) as the joins for all of them and
    walks the sort column's index through the whole country instead, and a deep page joined every row it skipped
    (the country's stations page 1,000: 69 → 14 ms on PostgreSQL, 8 → 0.6 ms on SQLite). So does a list of values
    that names a related row's column ("region__name"), and one with `shown` columns (paginate): SQLite computes a
    column of every filtered row before its top-N sort."""
    related = any("__" in field for field in values) if values else bool(qs._select_related)
    if shown or (related and not qs._annotations):
        # The ids were chosen under qs's filters: the rows statement reads them by id alone (a bureau's supervisors
        # had their reach's union tested twice in it).
        rows = qs._clone()
        rows._q_objects = []
        rows = rows.annotate(**(shown or {})).filter(id__in=Unordered(window.values("id"))).order_by(*order)
        if values:
            return await probed_values(rows, (*values, *(shown or {})))
        return list(await rows)
    return await probed_values(window, values) if values else list(await window)


@dataclass(frozen=True)
class WindowSql:
    """A page's window written as SQL (window_sql)."""

    sql: str  # selecting `columns`, with the client's placeholders for `params`
    params: list[Any]
    order_by: str  # the window's order over the derived table's columns
    columns: tuple[str, ...]
    convert: Callable[[Sequence[Any]], Awaitable[list[dict]]]  # rows → dicts, the window's values converted


def window_sql(window: QuerySet, order: Sequence[str], values: Sequence[str] | None, alias: str = "p") -> WindowSql:
    """A page's window (paginate's `read`) as SQL to embed in a statement of the caller's own, as the derived table
    `alias`: selecting `values` and the order's columns, with the ORDER BY that gives its rows back in `order` (the
    window's own ORDER BY picks the rows; a statement built around it keeps no order of its own), and the function
    that converts the window's values of a row as awaiting the values query would (the sort key a cursor encodes:
    SQLite's dates are text). For a sort by the model's own column or an annotation (a related row's column would
    be joined inside the window)."""
    columns = tuple(dict.fromkeys((*(values or ()), *(key.lstrip("-") for key in order))))
    query = window.values(*columns)
    sql, params = unordered(query).get_parameterized_sql()
    order_by = ", ".join(f'{alias}."{key.lstrip("-")}"' + (" DESC" if key.startswith("-") else "") for key in order)
    return WindowSql(sql, params, order_by, columns, values_converter(query))


async def attach(
    items: Sequence[Any],
    queryset: QuerySet,
    *,
    key: str,
    to_attr: str,
    values: Sequence[str] = (),
    make: Callable[[dict], Any] | None = None,
) -> None:
    """Sets `to_attr` on each of a page's `items` to the list of its rows of `queryset` (those whose `key` holds the
    item's id), in the queryset's order: one statement, asked even for an empty page. Tortoise's prefetch_related
    skips its statement when there is no item, so a list's statements would differ between an empty page and a full
    one (the goal is the same statements whatever the data). With `values` (fields, a related row's as
    "station__name"), each row is `make` of their dict, not a model instance: a page's 25 spells with their stations
    as instances cost 1.2 ms where their values cost 0.6 (Tortoise builds two instances a row). `items` may be model
    instances or dicts (a page read as values)."""
    dicts = bool(items) and isinstance(items[0], dict)  # a page read as values (paginate's `values`)
    grouped: dict[Any, list] = {(item["id"] if dicts else item.id): [] for item in items}
    # Planned once per connection on PostgreSQL (rawsql.fixed): found from the page's ids (at most a page) by the key's
    # index, whatever the values, where planning each run cost more than running it (a county's current spells of
    # its workers page: 1.71 → 0.53 ms a statement; a city's 1.18 → 0.44; the same rows; national demo).
    rows = queryset.filter(**{f"{key}__in": list(grouped)}).using_db(fixed(queryset.model))
    if values:
        for row in await probed_values(rows, (key, *values)):
            grouped[row[key]].append(make(row) if make else row)
    else:
        for row in await rows:
            grouped[getattr(row, key)].append(row)
    for item in items:
        if dicts:
            item[to_attr] = grouped[item["id"]]
        else:
            setattr(item, to_attr, grouped[item.id])
