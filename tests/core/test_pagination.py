"""Paging by cursor (the pager's links) reads the same pages as paging by number (old ?page=N links), forwards
and backwards, in every direction of a sort over a column with blanks and ties, on both databases."""

import re
from datetime import date
from decimal import Decimal

import pytest

from talent.core.pagination import ListParams, decode_cursor, encode_cursor, paginate, window_sql
from talent.people.models import Worker
from talent.rawsql import fetch_all
from tests.querycount import count_queries, statements_on

SORTS = {"born": "birth_date", "name": "name"}


@pytest.mark.parametrize("value", ["工作者3", "", None, 0, 42, 1.5, date(2024, 2, 29), Decimal("12.5"), "a|b\"c'"])
def test_a_cursor_gives_back_its_value_and_id(value):
    assert decode_cursor(encode_cursor(value, 7)) == (value, 7)


@pytest.mark.parametrize("token", ["", "x", "bm90IGpzb24", encode_cursor("a", 1)[:-3] + "!!", "WzEsMiwzXQ"])
def test_a_malformed_cursor_is_no_cursor(token):
    # "WzEsMiwzXQ" is [1,2,3]: JSON, but no tag this module writes.
    assert decode_cursor(token) is None


async def _window_read(window, order, values) -> list[dict]:
    """A page read as a list with columns of its own reads it: the window and a column beside it in one statement."""
    page = window_sql(window, order, values)
    statement = (
        f"WITH p AS ({page.sql}) SELECT p.*, w.worker_no AS shown_no FROM p JOIN workers w ON w.id = p.id"
        f" ORDER BY {page.order_by}"
    )
    return await page.convert(await fetch_all(Worker, statement, *page.params))


def _number(item) -> str:
    return item["shown_no"] if isinstance(item, dict) else item.worker_no


async def _walk(
    sort: str, per_page: int, total_rows: int, sort_rows: bool = False, read=None
) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Pages by number, by following `after` cursors forwards, and by following `before` cursors back."""
    pages = -(-total_rows // per_page)
    by_number = []
    for n in range(1, pages + 1):
        params = ListParams(sort=sort, page=n, per_page=per_page)
        page = await paginate(Worker.all(), params, SORTS, "name", sort_rows=sort_rows, read=read)
        by_number.append([_number(w) for w in page.items])
    forwards, params = [], ListParams(sort=sort, per_page=per_page)
    while True:
        page = await paginate(Worker.all(), params, SORTS, "name", sort_rows=sort_rows, read=read)
        forwards.append([_number(w) for w in page.items])
        if not page.has_next:
            break
        params = ListParams(sort=sort, per_page=per_page, page=params.page + 1, after=page.next_cursor)
    backwards = [forwards[-1]]
    while page.has_prev:
        params = ListParams(sort=sort, per_page=per_page, page=params.page - 1, before=page.prev_cursor)
        page = await paginate(Worker.all(), params, SORTS, "name", sort_rows=sort_rows, read=read)
        backwards.insert(0, [_number(w) for w in page.items])
    return by_number, forwards, backwards


async def _blanks_and_ties() -> int:
    # 11 workers: birth dates with ties (3 on 1990-01-01) and 4 blanks; names with ties too.
    births = [date(1990, 1, 1)] * 3 + [None] * 4 + [date(1985, 5, 5), date(1999, 9, 9), date(1970, 1, 1), None]
    for i, born in enumerate(births):
        await Worker.create(worker_no=f"K{i:02d}", name=f"同名{i % 4}", birth_date=born)
    return len(births)


@pytest.mark.parametrize("sort_rows", [False, True])
@pytest.mark.parametrize("sort", ["born", "-born", "name", "-name"])
async def test_cursor_pages_are_the_numbered_pages_with_blanks_and_ties(db, sort, sort_rows):
    by_number, forwards, backwards = await _walk(sort, 3, await _blanks_and_ties(), sort_rows)
    # 11 rows at 3 a page are 4 pages (3, 3, 3, 2).
    assert [len(p) for p in by_number] == [3, 3, 3, 2]
    assert forwards == by_number and backwards == by_number
    assert sorted(no for page in forwards for no in page) == sorted(f"K{i:02d}" for i in range(11))


@pytest.mark.parametrize("sort_rows", [False, True])
@pytest.mark.parametrize("sort", ["born", "-born", "name", "-name"])
async def test_a_page_read_from_its_window_in_a_statement_of_its_own_is_the_page_paginate_reads(db, sort, sort_rows):
    total = await _blanks_and_ties()
    read = await _walk(sort, 3, total, sort_rows, read=_window_read)
    assert read == await _walk(sort, 3, total, sort_rows)
    # Each row's window values come back converted: a cursor on a birth date holds a date on both databases.
    params = ListParams(sort=sort, per_page=total)
    page = await paginate(Worker.all(), params, SORTS, "name", sort_rows=sort_rows, read=_window_read)
    key = "birth_date" if sort.endswith("born") else "name"
    kinds = [type(row[key]) for row in page.items if row[key] is not None]
    # The 6 workers with a birth date (11 less 5 blanks), or all 11 names.
    assert kinds == ([date] * 6 if key == "birth_date" else [str] * total)


async def test_a_stale_cursor_past_the_end_falls_back_to_the_page_number(db):
    for i in range(5):
        await Worker.create(worker_no=f"K{i}", name=f"名{i}")
    after_last = encode_cursor("名4", 10**9)
    page = await paginate(Worker.all(), ListParams(sort="name", page=2, per_page=2, after=after_last), SORTS, "name")
    # Page 2 of 5 rows by name at 2 a page: 名2, 名3.
    assert [w.name for w in page.items] == ["名2", "名3"]


async def test_a_sort_by_a_related_column_or_an_aggregate_keeps_page_numbers_only(db):
    from tortoise.functions import Count

    from talent.core.pagination import cursor_safe
    from talent.people.models import EmploymentSpell

    for i in range(4):
        await Worker.create(worker_no=f"K{i}", name=f"名{i}")
    # A related model's column is not on the fetched row; an aggregate filters in HAVING: no cursor for either.
    assert not cursor_safe(EmploymentSpell.all(), "worker__name")
    assert not cursor_safe(Worker.annotate(n=Count("spells")), "n")
    assert cursor_safe(Worker.all(), "name") and cursor_safe(Worker.all(), "birth_date")
    sorts = {"spells": "n", "name": "name"}
    stale = encode_cursor(0, 10**9)  # would select nothing if it were used
    params = ListParams(sort="spells", page=2, per_page=3, after=stale)
    page = await paginate(Worker.annotate(n=Count("spells")), params, sorts, "name")
    # 4 workers at 3 a page, page 2 by number: one row, and the pager links carry no cursor.
    assert len(page.items) == 1 and page.prev_cursor == "" and "after" not in page.prev_url()


@pytest.mark.parametrize("sort", ["org", "-org", "township", "-township"])
async def test_a_small_list_sorted_by_a_related_column_reads_it_by_a_probe_in_the_joins_order(db, monkeypatch, sort):
    from talent.core import pagination
    from talent.places.models import Station
    from tests.factories import world
    from tests.querycount import count_queries

    w = await world()
    street = w["regions"]["street_a"]
    # Ties and blanks: three more stations of the first organisation's street, two of them without an organisation.
    for code, org in (("T1", None), ("T2", w["orgs"][0]), ("T3", None)):
        await Station.create(code=code, name=code, region=street, region_path=street.path, organisation=org)
    sorts = {"org": "organisation__name", "township": "region__name", "code": "code"}

    async def pages(limit: int) -> tuple[list[list[str]], list[list[str]], list[str]]:
        monkeypatch.setattr(pagination, "PROBED_SORT_MAX_ROWS", limit)
        models, values = [], []
        async with count_queries() as counter:
            for n in (1, 2, 3):  # 7 stations at 3 a page: 3, 3, 1
                params = ListParams(sort=sort, page=n, per_page=3)
                page = await paginate(Station.all().select_related("organisation"), params, sorts, "code")
                models.append([s.code for s in page.items])
                page = await paginate(Station.all(), params, sorts, "code", values=("id", "code", sort_column))
                values.append([s["code"] for s in page.items])
        return models, values, counter.statements

    sort_column = sorts[sort.lstrip("-")]
    joined_models, joined_values, joined_sql = await pages(0)
    probed_models, probed_values, probed_sql = await pages(100)
    assert sorted(code for page in joined_models for code in page) == ["S1", "S2", "S3", "S4", "T1", "T2", "T3"]
    assert [len(p) for p in joined_models] == [3, 3, 1]
    assert probed_models == joined_models and probed_values == joined_values == joined_models
    # The window of each page ordered by the probe, in both shapes (3 pages × 2); joined: none.
    assert not any("ORDER BY (SELECT" in sql for sql in joined_sql)
    assert sum("ORDER BY (SELECT" in sql for sql in probed_sql) == 6
    # Joined, a key that cannot be NULL (a station's township) has its row tested as found, which lets PostgreSQL
    # join it inner (and read the related table first); a key that may be NULL (the organisation) is not tested: the
    # stations without one are kept (T1, T3 above). Each window (3 pages × 2 shapes), joined only.
    found = sum('"id" IS NULL' in sql for sql in joined_sql)
    assert found == (6 if sort_column == "region__name" else 0)
    assert not any('"id" IS NULL' in sql for sql in probed_sql)


async def test_the_total_and_the_rows_are_read_at_once_where_the_page_does_not_depend_on_the_total(db, monkeypatch):
    # gather_reads runs them on two connections where it may (tests/core/test_concurrency.py); here each gathering
    # is noted. The first page and a cursor's page need no total to choose their rows; a numbered page past the first
    # does (past the end it answers the last page), and so does a sort by a related row's column (_probed).
    from talent.core import pagination
    from talent.places.models import Station
    from tests.factories import world

    await world()
    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    sorts = {"code": "code", "org": "organisation__name"}

    async def read(**params) -> list[int]:
        gathered.clear()
        page = await paginate(Station.all(), ListParams(per_page=2, **params), sorts, "code")
        return gathered[:] if page.items else ["empty"]

    first = await paginate(Station.all(), ListParams(per_page=2), sorts, "code")
    assert await read() == [2] and await read(sort="-code") == [2]
    assert await read(page=2, after=first.next_cursor) == [2]
    assert await read(page=2) == [] and await read(sort="org") == []


async def test_a_few_rows_sorted_by_a_related_column_are_probed_whatever_their_number_and_read_beside_the_total(
    db, monkeypatch
):
    # related_by_probe (a jurisdiction's yearly assessments): the probe even over PROBED_SORT_MAX_ROWS (0 here), so
    # the first page needs no total and is read at once with it; a page past the first still waits for the total.
    from talent.core import pagination
    from talent.places.models import Station
    from tests.factories import world

    await world()  # four stations, S1–S4, of two organisations
    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    monkeypatch.setattr(pagination, "PROBED_SORT_MAX_ROWS", 0)
    sorts = {"code": "code", "org": "organisation__name"}
    totals = []

    async def total() -> int:  # a read the page makes anyway, standing for the count
        totals.append(4)
        return 4

    async def read(page: int, **kwargs) -> tuple[list[str], list[int], list[str], int]:
        gathered.clear()
        async with count_queries() as counter:
            got = await paginate(
                Station.all(), ListParams(sort="org", page=page, per_page=3), sorts, "code", values=("code",), **kwargs
            )
        return [s["code"] for s in got.items], gathered[:], counter.statements, got.total

    joined = await read(1)
    probed = await read(1, related_by_probe=True)
    assert probed[0] == joined[0] and len(probed[0]) == 3
    assert joined[1] == [] and probed[1] == [2]
    assert not any("ORDER BY (SELECT" in sql for sql in joined[2])
    assert sum("ORDER BY (SELECT" in sql for sql in probed[2]) == 1
    # The total given as a read: run where the count would be (beside the page), no COUNT of its own.
    given = await read(1, related_by_probe=True, total=total)
    assert given[1] == [2] and given[3] == 4 and totals == [4]
    assert not any("COUNT(" in sql for sql in given[2]) and len(given[2]) == 1
    second = await read(2, related_by_probe=True, total=total)
    assert second[1] == [] and second[3] == 4 and len(second[0]) == 1 and totals == [4, 4]
    assert sum("ORDER BY (SELECT" in sql for sql in second[2]) == 1


@pytest.mark.parametrize("sort", ["name", "-name"])
async def test_a_list_read_by_sorting_its_rows_pages_as_the_index_does_and_orders_by_no_column_an_index_serves(
    db, sort
):
    # A jurisdiction's list (sort_rows): the same pages, by number and by cursor, but the statement sorts by an
    # expression of the column (`name || ''`), so that PostgreSQL sorts the filtered rows instead of walking the
    # column's index through the whole country (a province's first page of workers: 142 → 24 ms).
    for i, name in enumerate(["乙", "", "甲", "乙", "丙", "", "甲"]):
        await Worker.create(worker_no=f"K{i:02d}", name=name)
    assert await _walk(sort, 2, 7, sort_rows=True) == await _walk(sort, 2, 7)
    async with count_queries() as counter:
        await paginate(Worker.all(), ListParams(sort=sort, per_page=2), SORTS, "name", sort_rows=True)
    page_sql = next(q for q in counter.statements if "LIMIT" in q)
    assert "|| ''" in page_sql and re.search(r'ORDER BY "_sorted_key"( ASC| DESC)?,"id"', page_sql), page_sql
    async with count_queries() as counter:
        await paginate(Worker.all(), ListParams(sort=sort, per_page=2), SORTS, "name")
    assert "|| ''" not in " ".join(counter.statements)


async def test_attach_gives_each_item_its_rows_in_the_querysets_order_as_values_made_into_objects(db):
    from talent.core.pagination import attach
    from talent.people.models import EmploymentSpell
    from tests.factories import world

    # world: W1 at S1, W2 at S2 since 2022-01-01. W1 also joins S3 on 2024-03-01, so W1 has two spells, the later
    # first in "-start_on" order; W3's spells are not asked for (not an item); an item without rows gets [].
    w = await world()
    w1, w2, _w3, w4 = w["workers"]
    await EmploymentSpell.create(worker=w1, station=w["stations"][2], start_on=date(2024, 3, 1), full_time=True)
    await EmploymentSpell.filter(worker=w4).delete()
    items = [w1, w2, w4]
    spells = EmploymentSpell.all().order_by("-start_on", "-id")
    async with count_queries() as counter:
        await attach(items, spells, key="worker_id", to_attr="shown", values=("start_on", "station__code"), make=_pair)
    assert counter.count == 1
    assert [item.shown for item in items] == [
        [(date(2024, 3, 1), "S3"), (date(2022, 1, 1), "S1")],
        [(date(2022, 1, 1), "S2")],
        [],
    ]
    # Without values: model instances, as before.
    await attach(items, spells, key="worker_id", to_attr="read")
    assert [s.station_id for s in w1.read] == [w["stations"][2].id, w["stations"][0].id]


def _pair(row: dict) -> tuple:
    return row["start_on"], row["station__code"]


async def test_attach_reads_through_the_pool_that_plans_once_and_inside_a_transaction_through_its_connection(
    db, is_postgres, monkeypatch
):
    # On PostgreSQL attach's statement (rows found from the page's ids) runs on the pool of fixed statements
    # (talent.pg_engine); inside a transaction it runs on the transaction's connection, which alone sees a spell
    # written there and not yet committed.
    from tortoise.connection import get_connection
    from tortoise.transactions import in_transaction

    from talent import rawsql
    from talent.core.pagination import attach
    from talent.people.models import EmploymentSpell
    from tests.factories import world

    w = await world()
    w1 = w["workers"][0]
    spells = EmploymentSpell.all().order_by("-start_on", "-id")
    pool = rawsql.fixed(EmploymentSpell)
    assert (pool is not get_connection("default")) == is_postgres
    seen = statements_on(pool, monkeypatch)
    await attach([w1], spells, key="worker_id", to_attr="shown", values=("start_on",), make=_pair_start)
    await attach([w1], spells, key="worker_id", to_attr="read")
    assert len(seen) == 2 and w1.shown == [date(2022, 1, 1)] and len(w1.read) == 1
    async with in_transaction():
        await EmploymentSpell.create(worker=w1, station=w["stations"][2], start_on=date(2024, 3, 1), full_time=True)
        await attach([w1], spells, key="worker_id", to_attr="shown", values=("start_on",), make=_pair_start)
    assert len(seen) == 2 and w1.shown == [date(2024, 3, 1), date(2022, 1, 1)]


def _pair_start(row: dict) -> date:
    return row["start_on"]


@pytest.mark.parametrize("sort", ["name", "-born", "worker"])
async def test_shown_columns_are_computed_in_the_pages_own_statement_for_its_rows(db, sort):
    from tortoise.expressions import RawSQL

    births = [date(1990, 1, 1), None, date(1985, 5, 5), date(1999, 9, 9)]
    for i, born in enumerate(births):
        await Worker.create(worker_no=f"K{i}", name=f"名{3 - i}", birth_date=born)
    # A correlated count: the workers numbered up to the row's own (K<i> has i + 1).
    upto = RawSQL('(SELECT COUNT(*) FROM "workers" x WHERE x."worker_no" <= "workers"."worker_no")')
    sorts = {**SORTS, "worker": "worker_no"}
    for values in (("id", "worker_no"), None):
        params = ListParams(sort=sort, per_page=3)
        plain = await paginate(Worker.all(), params, sorts, "name", values=values)
        async with count_queries() as counted:
            page = await paginate(Worker.all(), params, sorts, "name", values=values, shown={"upto": upto})
        number = (lambda w: w["worker_no"]) if values else (lambda w: w.worker_no)
        upto_of = (lambda w: w["upto"]) if values else (lambda w: w.upto)
        # The same rows in the same order, each with its count, in two statements: the total and the page.
        assert [number(w) for w in page.items] == [number(w) for w in plain.items], values
        assert [upto_of(w) for w in page.items] == [int(number(w)[1:]) + 1 for w in page.items], values
        assert counted.count == 2 and page.total == 4


async def test_reads_beside_a_page_are_gathered_with_its_total_and_come_back_in_their_order(db, monkeypatch):
    from talent.core import pagination

    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    for i in range(5):
        await Worker.create(worker_no=f"K{i}", name=f"名{i}")

    async def one():
        return "one"

    async def two():
        return 2

    reads = {"first": one, "second": two}
    first = await paginate(Worker.all(), ListParams(sort="name", per_page=2), SORTS, "name", beside=reads)
    # The first page: the total, the rows and both reads in one gathering.
    assert first.beside == {"first": "one", "second": 2} and gathered == [4]
    gathered.clear()
    second = ListParams(sort="name", page=2, per_page=2)
    page = await paginate(Worker.all(), second, SORTS, "name", beside=reads)
    # A numbered page past the first: the reads with its total, then its rows (名2, 名3 of 5 at 2 a page).
    assert (
        page.beside == {"first": "one", "second": 2}
        and gathered == [3]
        and [w.name for w in page.items] == ["名2", "名3"]
    )
    gathered.clear()
    after = ListParams(sort="name", page=2, per_page=2, after=first.next_cursor)
    page = await paginate(Worker.all(), after, SORTS, "name", beside=reads)
    assert (
        page.beside == {"first": "one", "second": 2}
        and gathered == [4]
        and [w.name for w in page.items] == ["名2", "名3"]
    )
