"""The scope's prefix match as a range on the materialised path (talent.core.sql.under) selects exactly the rows
Tortoise's `__startswith` (a LIKE) selects, on both databases, including paths that share a prefix without being
inside each other ("32/3201/" and "32/32010/"); an `IN (…)` subquery carries no ORDER BY; and a scope's reach is written
once and selects what its query selects."""

import random

import pytest
from tortoise.expressions import Q, Subquery

from talent.core.access import Role, Scope
from talent.core.sql import IntList, Unordered, icontains, keyed_in, next_prefix, reach, starts_with, under
from talent.people.models import EmploymentSpell, Worker

PATHS = [
    "",
    "32/",
    "32/3201/",
    "32/3201/320102/",
    "32/3201/320102/320102001/",
    "32/32010/",
    "32/32010/320100/",
    "32/3202/",
    "32/320/",
    "3/",
    "33/",
    "320/",
    "32/3201",  # no trailing slash: a prefix of "32/3201/" and "32/32010/" alike
    "32/3201/~/",
    "32/3201/\u4e2d/",  # beyond ASCII: still inside "32/3201/"
]


@pytest.mark.parametrize(
    ("prefix", "upper"),
    [
        ("32/3201/", "32/32010"),  # "/" + 1 = "0": "32/32010/" is not below "32/3201/"
        ("32/", "320"),
        ("9", ":"),
        ("a\U0010ffff", "b"),  # the top code point cannot grow: the character before it does
        ("\U0010ffff", ""),
    ],
)
def test_the_next_prefix_is_the_prefix_with_its_last_character_incremented(prefix, upper):
    assert next_prefix(prefix) == upper


async def _paths_under(prefix: str, how: str) -> list[str]:
    q = under("registered_region_path", prefix) if how == "range" else None
    qs = Worker.filter(q) if q is not None else Worker.filter(registered_region_path__startswith=prefix)
    return sorted(await qs.values_list("registered_region_path", flat=True))


async def test_the_range_selects_the_same_workers_as_the_like_for_every_prefix_of_the_table(db):
    for i, path in enumerate(PATHS):
        await Worker.create(worker_no=f"P{i}", name=f"路径{i}", registered_region_path=path)
    for prefix in [*PATHS[1:], "32/3201/320102/320102001/", "4/"]:
        expected = await _paths_under(prefix, "like")
        assert await _paths_under(prefix, "range") == expected, prefix
    # Worked example: under "32/3201/" are the region, its county, street and two odd children (4 paths, the
    # region included); "32/32010/…", "32/3201" and "32/320/" are not.
    assert await _paths_under("32/3201/", "range") == [
        "32/3201/",
        "32/3201/320102/",
        "32/3201/320102/320102001/",
        "32/3201/~/",
        "32/3201/\u4e2d/",
    ]


async def test_the_range_agrees_with_the_like_on_random_paths_sharing_prefixes(db):
    rng = random.Random(11)
    digits = "0123456789"
    paths = set()
    while len(paths) < 120:
        parts = ["".join(rng.choice(digits[:3]) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
        paths.add("/".join(parts) + "/")
    for i, path in enumerate(sorted(paths)):
        await Worker.create(worker_no=f"R{i}", name=f"随机{i}", registered_region_path=path)
    for prefix in sorted(paths)[::3]:
        assert await _paths_under(prefix, "range") == await _paths_under(prefix, "like"), prefix


async def test_the_range_is_written_without_like_or_cast(db):
    sql = Worker.filter(under("registered_region_path", "32/3201/")).sql()
    assert "LIKE" not in sql.upper() and "CAST" not in sql.upper()
    assert ">=" in sql and "<" in sql


async def test_an_empty_prefix_matches_everything(db):
    assert "WHERE" not in Worker.filter(under("registered_region_path", "")).sql().upper()


async def test_an_in_subquery_has_no_default_ordering_but_a_limited_one_keeps_its_order(db):
    # EmploymentSpell's Meta.ordering is ["-start_on", "-id"]; Tortoise adds it to every query without one.
    def inner(qs) -> str:  # the text inside `IN (…)` (the outer query has its own ORDER BY after it)
        return Worker.filter(id__in=Unordered(qs)).sql().split(" IN ", 1)[1].rsplit(")", 1)[0].upper()

    assert "ORDER BY" not in inner(EmploymentSpell.all().values("worker_id"))
    # Tortoise's own Subquery keeps the default ordering (what Unordered is for).
    plain = Worker.filter(id__in=Subquery(EmploymentSpell.all().values("worker_id"))).sql()
    assert "ORDER BY" in plain.split(" IN ", 1)[1].rsplit(")", 1)[0].upper()
    assert "ORDER BY" in inner(EmploymentSpell.all().order_by("-start_on").limit(3).values("worker_id"))


async def test_a_search_ignores_the_case_of_latin_letters_and_matches_chinese_as_written(db):
    # icontains: SQLite's LIKE ignores ASCII case by itself; PostgreSQL's needs ILIKE's equivalent. Both databases
    # must answer alike: "w3" finds W3201…; "ab" finds "AB站" and "ab"; a Chinese term matches only itself.
    for no, name in (("W3201", "张三"), ("X0001", "AB站"), ("X0002", "ab"), ("X0003", "李四")):
        await Worker.create(worker_no=no, name=name)

    async def found(field: str, text: str) -> list[str]:
        return sorted(await Worker.filter(icontains(field, text)).values_list("worker_no", flat=True))

    assert await found("worker_no", "w3") == ["W3201"]
    assert await found("name", "ab") == ["X0001", "X0002"]
    assert await found("name", "AB") == ["X0001", "X0002"]
    assert await found("name", "张") == ["W3201"]
    # The text is matched as written, never as a pattern: "%" and "_" are literal.
    assert await found("name", "%") == [] and await found("name", "_") == []


async def test_a_reach_is_written_once_per_scope_and_selects_what_its_query_selects(db):
    built = []

    @reach
    def registered_in(scope: Scope):
        built.append(scope)
        return Worker.filter(under("registered_region_path", scope.region_path)).values("id")

    here = Scope(user_id=1, role=Role.BUREAU, region_path="32/3201/")
    elsewhere = Scope(user_id=2, role=Role.BUREAU, region_path="32/3202/")
    inside = await Worker.create(worker_no="R1", name="甲", registered_region_path="32/3201/320102/")
    outside = await Worker.create(worker_no="R2", name="乙", registered_region_path="32/3202/")

    assert await Worker.filter(id__in=registered_in(here)).values_list("id", flat=True) == [inside.id]
    assert await Worker.filter(id__in=registered_in(here)).count() == 1
    assert await Worker.filter(id__in=registered_in(elsewhere)).values_list("id", flat=True) == [outside.id]
    # Two statements for `here`, one for `elsewhere`: each scope's text was built once.
    assert built == [here, elsewhere]
    # The scope's values are in the text (inlined), so no statement's parameters depend on the cache.
    assert "'32/3201/'" in Worker.filter(id__in=registered_in(here)).sql()


async def test_a_reach_of_several_queries_is_their_union(db):
    @reach
    def two(scope: Scope):
        return [Worker.filter(worker_no="U1").values("id"), Worker.filter(worker_no="U2").values("id")]

    first = await Worker.create(worker_no="U1", name="甲")
    second = await Worker.create(worker_no="U2", name="乙")
    await Worker.create(worker_no="U3", name="丙")

    found = await Worker.filter(id__in=two(Scope(user_id=1, role=Role.HR, organisation_id=1))).values_list(
        "id", flat=True
    )
    assert sorted(found) == sorted([first.id, second.id])


async def test_a_literal_list_of_ids_selects_those_rows_and_an_empty_one_selects_none(db):
    made = [await Worker.create(worker_no=f"L{i}", name="甲") for i in range(3)]
    wanted = IntList([made[2].id, made[0].id, 10**9])

    assert sorted(await Worker.filter(id__in=wanted).values_list("id", flat=True)) == [made[0].id, made[2].id]
    assert f"IN ({made[2].id},{made[0].id},1000000000)" in Worker.filter(id__in=wanted).sql()
    assert await Worker.filter(id__in=IntList([])).count() == 0
    # Only integers are written: text that is not one is refused before it reaches the statement.
    with pytest.raises(ValueError):
        IntList(["1) OR (1=1"])


async def test_a_literal_list_of_text_selects_those_rows_quoted_and_an_empty_one_selects_none(db):
    from talent.core.sql import TextList

    await Worker.create(worker_no="T1", name="甲")
    await Worker.create(worker_no="T'2", name="乙")  # a quote, doubled where it is written
    await Worker.create(worker_no="T3", name="丙")
    wanted = TextList(["T'2", "T1", "none"])
    found = Worker.filter(worker_no__in=wanted)
    assert sorted(await found.values_list("worker_no", flat=True)) == ["T'2", "T1"]
    assert "IN ('T''2','T1','none')" in found.sql() and "$1" not in found.sql()
    assert await Worker.filter(worker_no__in=TextList([])).count() == 0


async def test_keyed_in_keeps_the_rows_whose_key_is_in_scope_and_tests_nothing_for_a_scope_without_bounds(db):
    from talent.places.models import Station
    from tests.factories import world
    from tests.querycount import count_queries

    w = await world()  # one spell at each of S1–S4
    s1 = w["stations"][0]
    async with count_queries() as counted:
        everyone = await EmploymentSpell.filter(keyed_in("station_id", Station, Q())).count()
        first = await EmploymentSpell.filter(keyed_in("station_id", Station, Q(code="S1"))).values_list("station_id")
    assert everyone == 4 and first == [(s1.id,)]
    # No bounds (an administrator's scope): no subquery of the stations at all.
    assert '"stations"' not in counted.statements[0] and '"stations"' in counted.statements[1]


async def test_a_subquery_shared_by_two_statements_binds_its_values_in_each(db):
    # A list's count and page share their filter's subquery (Unordered), written once and numbered per statement.
    # Worked example: W1 and W2 registered under 32/3201/ (the subquery's range), W3 under 33/; the outer filters
    # differ in where their own values come, before the subquery's (a name) and after it (a number), so each
    # statement's parameters hold the subquery's two values in their own places.
    for no, name, path in (("W1", "甲", "32/3201/1/"), ("W2", "乙", "32/3201/2/"), ("W3", "甲", "33/")):
        await Worker.create(worker_no=no, name=name, registered_region_path=path)
    # The range's bounds as bound values (`under` writes a scope's bounds into the text: literal_date's tests).
    shared = Unordered(
        Worker.filter(registered_region_path__gte="32/3201/", registered_region_path__lt="32/32010").values("id")
    )
    named = Worker.filter(name="甲", id__in=shared)
    numbered = Worker.filter(id__in=shared, worker_no__in=["W2", "W3"])
    assert _parameters(named) == ["甲", "32/3201/", "32/32010"]
    assert _parameters(numbered) == ["32/3201/", "32/32010", "W2", "W3"]
    assert await named.values_list("worker_no", flat=True) == ["W1"]
    assert await numbered.values_list("worker_no", flat=True) == ["W2"]
    assert await Worker.filter(id__in=shared).count() == 2


def _parameters(queryset) -> list:
    queryset._make_query()
    return queryset.query.get_parameterized_sql()[1]


async def test_probed_values_read_the_same_related_columns_as_joined_values_and_probe_on_postgresql(db, is_postgres):
    from datetime import date

    from talent.core.sql import probed_values
    from talent.places.models import Station, StationKind
    from tests.factories import world
    from tests.querycount import count_queries

    w = await world()
    s1 = w["stations"][0]
    s1.opened_on = date(2019, 5, 4)
    await s1.save()
    # A village room under S1 (its parent's opening day: a date read through the key), beside stations without a
    # parent (NULL through the key) or an organisation.
    room = await Station.create(
        code="R1", name="社区室", region=s1.region, region_path=s1.region_path, kind=StationKind.VILLAGE_ROOM, parent=s1
    )
    values = ("id", "code", "region__name", "region__level", "organisation__name", "parent__code", "parent__opened_on")
    qs = Station.all().order_by("code")
    async with count_queries() as counted:
        probed = await probed_values(qs, values)
    assert probed == list(await qs.values(*values))
    by_code = {row["code"]: row for row in probed}
    assert by_code["R1"]["parent__code"] == s1.code and by_code["R1"]["parent__opened_on"] == date(2019, 5, 4)
    assert by_code["R1"]["organisation__name"] is None and by_code[s1.code]["parent__code"] is None
    # A coded column comes back as its code's enum (what a template's `| label` reads), not as its text.
    assert type(by_code[s1.code]["region__level"]) is type(s1.region.level) and room.id == by_code["R1"]["id"]
    # PostgreSQL plans probes faster than joins; SQLite runs joins faster (talent.core.sql.probed_values).
    assert (" JOIN " not in counted.statements[0]) is is_postgres


async def test_a_scope_s_path_is_written_into_the_statement_and_a_typed_prefix_is_bound(db):
    # under: a path the code holds (a scope's, a region's from the database) is part of the statement's text, so a
    # list filtered by it alone has no parameter; starts_with: what the request typed (a search of codes by their
    # first digits) is bound, its quote never in the text. Worked example: "32/" → the range ["32/", "320").
    scoped = Worker.filter(under("registered_region_path", "32/"))
    assert _parameters(scoped) == []
    assert "'32/'" in scoped.sql() and "'320'" in scoped.sql()
    typed = Worker.filter(starts_with("worker_no", "W3'"))
    assert _parameters(typed) == ["W3'", "W3("]
    typed._make_query()
    assert "W3" not in typed.query.get_parameterized_sql()[0]


async def test_a_typed_prefix_finds_the_codes_it_begins(db):
    for no in ("W31", "W3", "W4", "X3"):
        await Worker.create(worker_no=no, name=no)
    assert sorted(await Worker.filter(starts_with("worker_no", "W3")).values_list("worker_no", flat=True)) == [
        "W3",
        "W31",
    ]
