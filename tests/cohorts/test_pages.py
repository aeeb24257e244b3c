"""Cohort pages: create, add members, milestones, tick a custom one in place, a member's mentor; who sees which cohort
(another county's sentinel never appears); the worker's own page; the cohort page's query count is the same for 10
and 500 members."""

import re
from datetime import date

from talent.cohorts.models import Cohort, CohortMember, Milestone
from talent.people.models import EmploymentSpell, Worker
from talent.supervision.models import Supervisor
from tests.conftest import login, post, text_of
from tests.factories import cohort, world
from tests.querycount import count_queries


async def _cohort(w, name="玄武孵化班", county="county_a", kind="internal_incubation") -> Cohort:
    return await cohort(w["regions"][county], name, kind, date(2026, 1, 1), date(2026, 12, 31))


async def test_a_bureau_runs_a_cohort_from_the_pages(client, db):
    w = await world()
    await login(client, "bureau")
    assert (await client.get("/cohorts/new")).status_code == 200
    created = await post(
        client,
        "/cohorts",
        {
            "name": "新苗计划",
            "kind": "external_introduction",
            "region_code": "320102",
            "start_on": "2026-01-01",
            "end_on": "2026-12-31",
        },
    )
    assert created.status_code == 303, created.text[:3000]
    c = await Cohort.get(name="新苗计划")
    added = await post(
        client,
        f"/cohorts/{c.id}/members",
        {"worker_nos": "W1 W2", "mentor": str((await Supervisor.get(name="督导甲")).id)},
    )
    assert added.status_code == 303, added.text[:3000]
    twice = await post(client, f"/cohorts/{c.id}/members", {"worker_nos": "W1"}, headers={"HX-Request": "true"})
    assert twice.status_code == 422 and "W1" in text_of(twice.text)
    late = await post(
        client, f"/cohorts/{c.id}/milestones", {"kind": "custom", "title": "结业展示", "due_on": "2027-01-05"}
    )
    assert late.status_code == 422 and "within the cohort" in late.text
    ok = await post(
        client, f"/cohorts/{c.id}/milestones", {"kind": "custom", "title": "结业展示", "due_on": "2026-12-20"}
    )
    assert ok.status_code == 303
    page = await client.get(f"/cohorts/{c.id}")
    assert page.status_code == 200 and "工作者1" in page.text and "结业展示" in page.text and "督导甲" in page.text
    milestone = await Milestone.get(cohort_id=c.id)
    member = await CohortMember.get(cohort_id=c.id, worker_id=w["workers"][0].id)
    cell = await post(
        client,
        f"/cohorts/{c.id}/milestones/{milestone.id}/members/{member.id}",
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    assert cell.status_code == 200 and cell.text.lstrip().startswith("<td") and "✓" in cell.text
    grid = await client.get(f"/cohorts/{c.id}", params={"q": "W2"}, headers={"HX-Request": "true"})
    assert "<html" not in grid.text and "工作者2" in grid.text and "工作者1" not in grid.text
    assert (await client.get(f"/cohorts/{c.id}/outcomes")).status_code == 200
    assert (await client.get(f"/cohorts/{c.id}/members/{member.id}")).status_code == 200
    assert (await client.get(f"/cohorts/{c.id}/enrol")).status_code == 200


async def test_who_sees_which_cohort(client, db):
    w = await world()
    a = await _cohort(w, "县甲哨兵班")
    await _cohort(w, "县乙哨兵班", county="county_b")
    mentor = await Supervisor.get(name="督导甲")
    await CohortMember.create(cohort=a, worker=w["workers"][0], mentor=mentor, joined_on=date(2026, 1, 1))
    await CohortMember.create(cohort=a, worker=w["workers"][1], joined_on=date(2026, 1, 1))
    await login(client, "bureau")
    listed = await client.get("/cohorts")
    assert "县甲哨兵班" in listed.text and "县乙哨兵班" not in listed.text
    hidden = await Cohort.get(name="县乙哨兵班")
    assert (await client.get(f"/cohorts/{hidden.id}")).status_code == 404
    client.cookies.clear()
    await login(client, "supervisor")  # mentors W1 only
    page = await client.get(f"/cohorts/{a.id}")
    assert page.status_code == 200 and "工作者1" in page.text and "工作者2" not in page.text
    assert (await client.get(f"/cohorts/{hidden.id}")).status_code == 404
    assert (await client.post(f"/cohorts/{a.id}/members")).status_code in (403, 404)
    client.cookies.clear()
    await login(client, "worker")  # W1
    mine = await client.get("/cohorts/mine")
    assert mine.status_code == 200 and "县甲哨兵班" in mine.text and "督导甲" in mine.text
    assert (await client.get("/cohorts")).status_code == 403


async def test_the_cohorts_list_counts_the_members_each_reader_sees(client, db):
    # County A's cohort holds W1 and W2 (organisation A's stations) and W3 (organisation B's, in county B). The
    # county's bureau sees every member of a cohort it reads: 3; organisation A's HR the workers it reaches: 2.
    w = await world()
    a = await _cohort(w, "县甲计数班")
    for worker in w["workers"][:3]:
        await CohortMember.create(cohort=a, worker=worker, joined_on=date(2026, 1, 1))
    counts = {}
    for username in ("bureau", "hr"):
        client.cookies.clear()
        await login(client, username)
        html = (await client.get("/cohorts")).text
        row = re.search(r">县甲计数班</a>.*?<td class=\"text-end\">([^<]*)</td>", html, re.S)
        counts[username] = row[1] if row else None
    assert counts == {"bureau": "3", "hr": "2"}


async def test_a_cohort_row_shows_its_kind_region_organisation_and_dates(client, db):
    w = await world()
    await _cohort(w, "玄武区域班")
    run_by_org = await _cohort(w, "玄武机构班")
    run_by_org.organisation = w["orgs"][0]
    await run_by_org.save()
    await login(client, "bureau")
    rows = text_of((await client.get("/cohorts")).text)
    # Both in county A (玄武区); the second names the organisation that runs it under its name.
    assert "玄武区域班 Internal incubation 玄武区 Jan 1, 2026 – Dec 31, 2026 0" in rows
    assert "玄武机构班 玄武社工服务中心 Internal incubation 玄武区 Jan 1, 2026 – Dec 31, 2026 0" in rows


async def test_the_cohort_page_sends_the_same_number_of_queries_for_10_and_500_members(client, db):
    w = await world()
    c = await _cohort(w)
    for kind, extra in [
        ("custom", {"title": "计划"}),
        ("ce_hours", {"title": "CE", "hours": 10}),
        ("subject", {"title": "A-ZH"}),
    ]:
        if kind == "subject":
            from talent.certification.models import ExamSubject

            extra["subject"] = await ExamSubject.get(code="A-ZH")
        await Milestone.create(cohort=c, kind=kind, due_on=date(2026, 6, 30), **extra)
    station = w["stations"][0]

    async def grow(start: int, end: int) -> None:
        await Worker.bulk_create([Worker(worker_no=f"C{i:04}", name=f"成员{i}") for i in range(start, end)])
        ids = await Worker.filter(worker_no__in=[f"C{i:04}" for i in range(start, end)]).values_list("id", flat=True)
        await EmploymentSpell.bulk_create(
            [EmploymentSpell(worker_id=i, station=station, start_on=date(2025, 1, 1)) for i in ids]
        )
        await CohortMember.bulk_create([CohortMember(cohort=c, worker_id=i, joined_on=date(2026, 1, 1)) for i in ids])

    await login(client, "admin")

    async def queries() -> int:
        await client.get(f"/cohorts/{c.id}")
        async with count_queries() as counter:
            response = await client.get(f"/cohorts/{c.id}")
        assert response.status_code == 200
        return counter.count

    await grow(0, 10)
    few = await queries()
    await grow(10, 500)
    assert await queries() == few


async def test_the_mentors_offered_are_the_cohort_regions_pool_and_a_members_own_mentor(client, db):
    # County A's cohort, as the administrator (who reads every supervisor): the county's own supervisor, the city's
    # (a region above), 督导甲 of the national pool (assigned in county A); not county B's, except as the mentor a
    # member already has.
    w = await world()
    r = w["regions"]
    for name, region in (("县甲督导", r["county_a"]), ("市督导", r["city"]), ("县乙督导", r["county_b"])):
        await Supervisor.create(name=name, region=region)
    c = await _cohort(w)
    await login(client, "admin")
    offered = text_of((await client.get(f"/cohorts/{c.id}/members/new")).text)
    assert all(name in offered for name in ("县甲督导", "市督导", "督导甲")) and "县乙督导" not in offered
    far = await Supervisor.get(name="县乙督导")
    member = await CohortMember.create(cohort=c, worker=w["workers"][0], joined_on=date(2026, 1, 1), mentor=far)
    option = f'<option value="{far.id}"'
    own = (await client.get(f"/cohorts/{c.id}/members/{member.id}")).text
    assert option in own and "县甲督导" in own
    other = await CohortMember.create(cohort=c, worker=w["workers"][1], joined_on=date(2026, 1, 1))
    assert option not in (await client.get(f"/cohorts/{c.id}/members/{other.id}")).text
