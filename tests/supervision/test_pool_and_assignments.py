"""The supervisor expert pool and assignments: who sees and keeps which profiles, search by expertise and region,
"one station, one supervisor" on the boundary day, and coverage worked out on the small world.

world(): city 320100 › county A 320102 (S1, S2, org A) and county B 320104 (S3, S4, org B); supervisor 督导甲
(national pool, account "supervisor") is the primary supervisor of S1 since 2020-01-01.
"""

from datetime import date
from decimal import Decimal

import pytest

from talent.accounts.selectors import scope_for
from talent.audit.models import AuditEntry
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.core.pagination import ListParams
from talent.places.models import Station
from talent.supervision import selectors, services
from talent.supervision.access import readable_assignments
from talent.supervision.models import Assignment, Supervisor, SupervisorExpertise
from talent.supervision.rules import coverage_rate, is_active_on, overlaps, parse_tags
from tests.factories import world
from tests.querycount import count_queries


def bureau(w, name="bureau") -> Scope:
    user = w["users"][name]
    region = w["regions"]["county_a" if name == "bureau" else "city"]
    return Scope(user_id=user.id, role=Role.BUREAU, region_path=region.path)


def admin(w) -> Scope:
    return Scope(user_id=w["users"]["admin"].id, role=Role.ADMIN)


def hr(w) -> Scope:
    return Scope(user_id=w["users"]["hr"].id, role=Role.HR, organisation_id=w["orgs"][0].id)


async def _profile(w, scope, name, region, tags="", **extra):
    values = {
        "name": name,
        "affiliation_type": "university",
        "affiliation": "南京大学社会学院",
        "level": "市级督导",
        "cert_level": "intermediate",
        "region": region,
        "bio": "",
        "active": True,
        "expertise": tags,
    }
    values.update(extra)
    return await services.supervisor_create(actor=None, scope=scope, **values)


def test_expertise_tags_are_split_on_commas_and_enumeration_commas_trimmed_and_deduplicated():
    assert parse_tags("儿童保护、社区治理， 儿童保护;老年社会工作\n") == ["儿童保护", "社区治理", "老年社会工作"]
    assert parse_tags("") == []


def test_an_assignment_is_active_from_its_first_to_its_last_day_and_periods_sharing_a_day_overlap():
    assert is_active_on(date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 30))
    assert not is_active_on(date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1))
    assert overlaps(date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 30), None)
    assert not overlaps(date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1), None)
    # 1 of 4 stations covered: 0.25; no station: no rate.
    assert coverage_rate(1, 4) == Decimal("0.250")
    assert coverage_rate(0, 0) is None


async def test_a_bureau_keeps_profiles_of_its_region_with_tags_and_the_change_is_audited(db):
    w = await world()
    sup = await _profile(w, bureau(w), "王督导", w["regions"]["county_a"], "儿童保护、社区治理")
    tags = await SupervisorExpertise.filter(supervisor_id=sup.id).order_by("tag").values_list("tag", flat=True)
    assert sorted(tags) == ["儿童保护", "社区治理"]
    assert await AuditEntry.filter(entity="supervisor", entity_id=str(sup.id), action="create").exists()
    with pytest.raises(ServiceError) as err:
        await _profile(w, bureau(w), "李督导", w["regions"]["county_b"])
    assert err.value.field == "region_code"
    assert await Supervisor.filter(name="李督导").count() == 0


async def test_the_pool_a_viewer_sees_and_search_by_expertise_and_region(db):
    w = await world()
    a = await _profile(w, admin(w), "县A督导", w["regions"]["county_a"], "儿童保护")
    b = await _profile(w, admin(w), "县B督导", w["regions"]["county_b"], "社区治理")
    city = await _profile(w, admin(w), "市督导", w["regions"]["city"], "儿童保护")
    today = date(2026, 6, 1)

    async def names(scope, **filters):
        page = await selectors.supervisor_list(scope=scope, params=ListParams(), today=today, **filters)
        return sorted(s["name"] for s in page.items)

    # County A's bureau: its own, the city's above it and the national pool (督导甲) — not county B's.
    assert await names(bureau(w)) == sorted(["县A督导", "市督导", "督导甲"])
    assert await names(bureau(w, "citybureau")) == sorted(["县A督导", "县B督导", "市督导", "督导甲"])
    # HR of organisation A: only supervisors assigned to its stations (督导甲 at S1).
    assert await names(hr(w)) == ["督导甲"]
    assert await names(admin(w), expertise="儿童保护") == sorted(["县A督导", "市督导"])
    # Region: based in county B, or assigned to a station there.
    await Assignment.create(supervisor=a, station=w["stations"][2], start_on=date(2026, 1, 1), is_primary=False)
    assert await names(admin(w), region=w["regions"]["county_b"]) == sorted(["县A督导", "县B督导"])
    assert await names(admin(w), kind="university") == sorted(["县A督导", "县B督导", "市督导"])
    facets = dict(await selectors.expertise_facets(scope=admin(w)))
    assert facets == {"儿童保护": 2, "社区治理": 1}
    assert b.id and city.id


async def test_the_pools_page_reads_each_supervisors_tags_and_load_in_its_own_statement(db):
    # On 2026-06-01 县A督导 is assigned S3 twice (one station: counted once) and S2 until that day (counted), S4 until
    # the day before (not counted): load 2. 督导甲 holds S1 (load 1) and no tag. The tags in their order, though given
    # the other way round; the page costs its count and itself.
    w = await world()
    a = await _profile(w, admin(w), "县A督导", w["regions"]["county_a"], "社区治理、儿童保护")
    s1, s2, s3, s4 = w["stations"]
    for station, start, end in ((s3, date(2026, 1, 1), None), (s3, date(2026, 2, 1), None)):
        await Assignment.create(supervisor=a, station=station, start_on=start, end_on=end, is_primary=False)
    await Assignment.create(supervisor=a, station=s2, start_on=date(2026, 1, 1), end_on=date(2026, 6, 1))
    await Assignment.create(supervisor=a, station=s4, start_on=date(2026, 1, 1), end_on=date(2026, 5, 31))
    async with count_queries() as counter:
        page = await selectors.supervisor_list(scope=admin(w), params=ListParams(), today=date(2026, 6, 1))
    assert counter.count == 2, counter.statements
    shown = {s["name"]: (s["tags_shown"], s["load"]) for s in page.items}
    assert shown == {"县A督导": (["儿童保护", "社区治理"], 2), "督导甲": ([], 1)}


async def test_a_jurisdictions_supervisors_sorted_by_region_are_read_beside_their_total(db, monkeypatch):
    # A jurisdiction's few supervisors: sorted by their region, each one's region is probed and the page read at once
    # with the count (paginate's related_by_probe); the administrator's, the country's, wait for the total.
    from talent.core import pagination

    w = await world()
    await _profile(w, admin(w), "县A督导", w["regions"]["county_a"], "儿童保护")
    await _profile(w, admin(w), "市督导", w["regions"]["city"], "儿童保护")
    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    for scope, together in ((bureau(w), [2]), (admin(w), [])):
        gathered.clear()
        page = await selectors.supervisor_list(scope=scope, params=ListParams(sort="region"), today=date(2026, 6, 1))
        # County A's bureau: its own, the city's above it and the national pool (督导甲); the administrator all three.
        assert sorted(s["name"] for s in page.items) == sorted(["县A督导", "市督导", "督导甲"]) and page.total == 3
        # The city's path is a prefix of county A's: the city's supervisor first, by region, however the national
        # pool's (no region) sorts on each database.
        named = [s["name"] for s in page.items if s["name"] != "督导甲"]
        assert named == ["市督导", "县A督导"], scope
        assert gathered == together, scope


async def _end_first(w, last_day: date) -> Assignment:
    first = await Assignment.get(station_id=w["stations"][0].id).select_related("station")
    return await services.assignment_end(actor=None, scope=admin(w), assignment=first, end_on=last_day)


@pytest.mark.parametrize(
    ("start", "allowed"),
    [
        (date(2026, 6, 30), False),  # the outgoing supervisor's last day: two primaries that day
        (date(2026, 7, 1), True),  # the day after
    ],
)
async def test_a_station_has_one_primary_supervisor_on_any_day_checked_on_the_boundary_day(db, start, allowed):
    w = await world()
    new = await _profile(w, bureau(w), "接任督导", w["regions"]["county_a"])
    await _end_first(w, date(2026, 6, 30))
    assign = services.assignment_create(
        actor=None, scope=bureau(w), supervisor_id=new.id, station_code="S1", start_on=start, is_primary=True
    )
    if allowed:
        await assign
        assert await Assignment.filter(station_id=w["stations"][0].id, is_primary=True).count() == 2
    else:
        with pytest.raises(ServiceError) as err:
            await assign
        assert err.value.field == "start_on"
        assert "督导甲" in err.value.message
        assert await Assignment.filter(station_id=w["stations"][0].id).count() == 1


async def test_an_assisting_supervisor_may_join_a_covered_station_but_not_the_same_one_twice(db):
    w = await world()
    helper = await _profile(w, bureau(w), "协助督导", w["regions"]["county_a"])
    await services.assignment_create(
        actor=None,
        scope=bureau(w),
        supervisor_id=helper.id,
        station_code="S1",
        start_on=date(2026, 1, 1),
        is_primary=False,
    )
    with pytest.raises(ServiceError) as err:
        await services.assignment_create(
            actor=None, scope=bureau(w), supervisor_id=helper.id, station_code="S1", start_on=date(2026, 3, 1)
        )
    assert err.value.field == "supervisor"


async def test_a_bureau_assigns_only_to_stations_of_its_region_and_only_active_supervisors(db):
    w = await world()
    sup = await _profile(w, bureau(w), "甲", w["regions"]["county_a"])
    with pytest.raises(ServiceError) as err:
        await services.assignment_create(
            actor=None, scope=bureau(w), supervisor_id=sup.id, station_code="S3", start_on=date(2026, 1, 1)
        )
    assert err.value.field == "station_code"
    resting = await _profile(w, bureau(w), "乙", w["regions"]["county_a"], active=False)
    with pytest.raises(ServiceError):
        await services.assignment_create(
            actor=None, scope=bureau(w), supervisor_id=resting.id, station_code="S2", start_on=date(2026, 1, 1)
        )
    # A supervisor based in county B is "not found" for county A's bureau, never "outside your region".
    other = await _profile(w, admin(w), "丙", w["regions"]["county_b"])
    with pytest.raises(ServiceError) as err:
        await services.assignment_create(
            actor=None, scope=bureau(w), supervisor_id=other.id, station_code="S2", start_on=date(2026, 1, 1)
        )
    assert err.value.field == "supervisor"
    assert await Assignment.all().count() == 1


async def test_coverage_worked_example_per_region_with_the_uncovered_stations(db):
    """S1 has a primary supervisor (督导甲, since 2020); S2 only an assisting one; S3 and S4 none.
    City: 1 covered ÷ 4 stations = 0.25. County A: 1 ÷ 2 = 0.5. County B: 0 ÷ 2 = 0."""
    w = await world()
    helper = await _profile(w, admin(w), "协助", w["regions"]["county_a"])
    await Assignment.create(supervisor=helper, station=w["stations"][1], start_on=date(2025, 1, 1), is_primary=False)
    today = date(2026, 6, 1)
    figures = await selectors.coverage(scope=bureau(w, "citybureau"), region=w["regions"]["city"], today=today)
    assert (figures["stations"], figures["covered"], figures["uncovered"]) == (4, 1, 3)
    assert figures["rate"] == Decimal("0.250")
    by_code = {r["code"]: (r["stations"], r["covered"], r["rate"]) for r in figures["children"]}
    assert by_code == {"320102": (2, 1, Decimal("0.500")), "320104": (2, 0, Decimal("0.000"))}
    page = await selectors.uncovered_stations(
        scope=bureau(w), region=w["regions"]["county_a"], today=today, params=ListParams()
    )
    assert [s.code for s in page.items] == ["S2"]
    # The day before 督导甲's assignment began, S1 was not covered either.
    before = await selectors.coverage(scope=admin(w), region=None, today=date(2019, 12, 31))
    assert (before["stations"], before["covered"]) == (4, 0)
    assert [r["code"] for r in before["children"]] == ["320000"]


async def test_a_station_of_the_region_itself_counts_in_its_total_and_under_no_child(db):
    """A station placed at the city itself (a city centre): the city's 5 stations, still 1 covered; its counties keep
    2 each. Above, the country counts all 5 under the province, where the city's path begins."""
    w = await world()
    city = w["regions"]["city"]
    await Station.create(code="C0", name="市中心站", region=city, region_path=city.path)
    today = date(2026, 6, 1)
    figures = await selectors.coverage(scope=bureau(w, "citybureau"), region=city, today=today)
    assert (figures["stations"], figures["covered"]) == (5, 1)
    assert {r["code"]: r["stations"] for r in figures["children"]} == {"320102": 2, "320104": 2}
    country = await selectors.coverage(scope=admin(w), region=None, today=today)
    assert (country["stations"], country["covered"]) == (5, 1)
    assert [(r["code"], r["stations"], r["covered"]) for r in country["children"]] == [("320000", 5, 1)]


async def test_coverage_of_a_region_the_scope_holds_whole_is_one_statement_and_a_narrower_scope_counts_its_own(db):
    """The city's bureau and the administrator hold every station of the region: the totals are the children's sums,
    read by the same statement. A scope holding part of it (S1's organisation: S1 covered, S2 not) counts its own
    stations in a second statement: 2 stations, 1 covered, where the city has 4."""
    w = await world()
    today = date(2026, 6, 1)
    city = w["regions"]["city"]
    for scope, region, statements, totals in (
        (bureau(w, "citybureau"), city, 1, (4, 1)),
        (admin(w), None, 1, (4, 1)),
        (hr(w), city, 2, (2, 1)),
    ):
        async with count_queries() as counter:
            figures = await selectors.coverage(scope=scope, region=region, today=today)
        assert counter.count == statements, scope.role
        assert (figures["stations"], figures["covered"]) == totals, scope.role


async def test_supervisor_load_in_a_region_counts_stations_and_primaries(db):
    """督导甲: primary at S1; 协助 assists at S1 and S2 → load 1 (1 primary) and 2 (0 primary)."""
    w = await world()
    helper = await _profile(w, admin(w), "协助", w["regions"]["county_a"])
    for station in w["stations"][:2]:
        await Assignment.create(supervisor=helper, station=station, start_on=date(2025, 1, 1), is_primary=False)
    rows = await selectors.region_loads(scope=admin(w), region=w["regions"]["county_a"], today=date(2026, 6, 1))
    assert [(r["supervisor__name"], r["stations"], r["primary"]) for r in rows] == [("协助", 2, 0), ("督导甲", 1, 1)]


async def test_a_supervisor_reads_the_assignments_at_their_stations_and_their_own_elsewhere_and_no_others(db):
    # Their stations' assignments, whoever holds them, and their own wherever (a station handed over in 2025); not
    # another supervisor's at another station. One subquery of ids (a UNION), as for sessions.
    w = await world()
    user = w["users"]["supervisor"]
    mine = await Supervisor.get(user_id=user.id)
    other = await Supervisor.create(name="督导乙")
    s1, s2 = w["stations"][0], w["stations"][2]
    theirs_here = await Assignment.create(supervisor=other, station=s1, start_on=date(2026, 1, 1), is_primary=False)
    mine_there = await Assignment.create(
        supervisor=mine, station=s2, start_on=date(2025, 1, 1), end_on=date(2025, 12, 31), is_primary=False
    )
    theirs_there = await Assignment.create(supervisor=other, station=s2, start_on=date(2026, 1, 1), is_primary=False)
    scope = await scope_for(user, today=date(2026, 6, 1))
    assert s1.id in scope.station_ids and s2.id not in scope.station_ids
    seen = set(await readable_assignments(scope).values_list("id", flat=True))
    assert {theirs_here.id, mine_there.id} <= seen and theirs_there.id not in seen
