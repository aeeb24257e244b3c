"""A jurisdiction's whole log in time order is paged from the union of its entry ids (audit.selectors._union_page):
the same pages by number, by cursor forwards and back, in both directions, as the entries tested one by one."""

import pytest

from talent.audit.models import AuditEntry, AuditJurisdiction
from talent.audit.selectors import audit_list
from talent.core.access import Role, Scope
from talent.core.pagination import ListParams, paginate
from tests.querycount import count_queries

COUNTY_A, COUNTY_B = "320000/320100/320102/", "320000/320100/320104/"
BUREAU = Scope(user_id=1, role=Role.BUREAU, region_path=COUNTY_A)


async def _log() -> set[int]:
    """Eleven entries of county A's (eight its own, three of county B's filed under it too) among eight of B's."""
    mine = set()
    for i in range(19):
        entry = await AuditEntry.create(
            actor_name="hr", action="update", entity="worker", entity_id=str(i), summary=f"W{i}",
            region_path=COUNTY_A if i % 2 == 0 and i < 16 else COUNTY_B,
        )  # fmt: skip
        if i % 2 == 0 and i < 16:
            mine.add(entry.id)
        elif i in (3, 7, 11):
            await AuditJurisdiction.create(entry=entry, region_path=COUNTY_A)
            mine.add(entry.id)
    return mine


async def _pages(sort: str) -> tuple[list[list[int]], list[list[int]], list[list[int]], int]:
    numbered, n, total = [], 1, 0
    while True:
        page = await audit_list(scope=BUREAU, params=ListParams(sort=sort, page=n, per_page=3))
        numbered.append([e.id for e in page.items])
        total = page.total
        if not page.has_next:
            break
        n += 1
    forwards, params = [], ListParams(sort=sort, per_page=3)
    while True:
        page = await audit_list(scope=BUREAU, params=params)
        forwards.append([e.id for e in page.items])
        if not page.has_next:
            break
        params = ListParams(sort=sort, per_page=3, page=params.page + 1, after=page.next_cursor)
    backwards = [forwards[-1]]
    while page.has_prev:
        params = ListParams(sort=sort, per_page=3, page=params.page - 1, before=page.prev_cursor)
        page = await audit_list(scope=BUREAU, params=params)
        backwards.insert(0, [e.id for e in page.items])
    return numbered, forwards, backwards, total


@pytest.mark.parametrize("sort", ["-at", "at"])
async def test_a_jurisdictions_log_pages_from_its_union_as_by_testing_each_entry(db, sort):
    mine = await _log()
    numbered, forwards, backwards, total = await _pages(sort)
    # 11 entries at 3 a page: 4 pages (3, 3, 3, 2), in id order, newest first for "-at".
    expected = sorted(mine, reverse=sort.startswith("-"))
    assert total == 11 and [len(p) for p in numbered] == [3, 3, 3, 2]
    assert [i for p in numbered for i in p] == expected
    assert forwards == numbered and backwards == numbered
    # The same rows as the entries' own filter (paginate over the union test) gives.
    from talent.audit.selectors import SORTS, _audit_filtered

    params = ListParams(sort=sort, page=2, per_page=3)
    by_filter = await paginate(_audit_filtered(scope=BUREAU, params=params), params, SORTS, "-at")
    assert [e.id for e in by_filter.items] == numbered[1]


async def test_a_page_past_the_end_is_the_last_page_and_the_page_costs_a_count_and_a_page(db):
    await _log()
    page = await audit_list(scope=BUREAU, params=ListParams(page=9, per_page=3))
    assert page.params.page == 4 and len(page.items) == 2
    async with count_queries() as counter:
        await audit_list(scope=BUREAU, params=ListParams(per_page=3))
    assert counter.count == 2
    assert any(q.startswith("SELECT COUNT(*) AS n FROM (") for q in counter.statements)
