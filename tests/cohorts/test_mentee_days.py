"""A supervisor's mentees are the members they mentor on the day (talent.supervision.rules.mentoring_on: from the
member's joined_on to the cohort's last day, both included), on every page that lists or counts them: "My
stations and mentees", a profile's mentee count, the loads on the coverage page, and the cohort and member pages a
supervisor may open. Each boundary is tested on its day and the day around it, through HTTP."""

import re
from datetime import date

import time_machine

from talent.accounts import selectors as accounts
from talent.accounts import services
from talent.cohorts.models import Cohort, CohortMember
from talent.supervision.models import Supervisor
from talent.supervision.selectors import supervisor_reach
from tests.conftest import login, text_of
from tests.factories import world
from tests.querycount import count_queries


def _on(day: date):
    return time_machine.travel(day.isoformat() + "T09:00+08:00", tick=False)


async def _setup():
    """督导甲 (assigned to S1 only) mentors, in a cohort of county B running 2026-01-01 … 2026-06-30:
    W4 from the first day, and W3 from 2026-03-01 (a joining date still in the future before then). Neither
    works at S1, so the supervisor reaches them only as mentees."""
    w = await world()
    region = w["regions"]["county_b"]
    cohort = await Cohort.create(
        name="秦淮督导班",
        kind="internal_incubation",
        region=region,
        region_path=region.path,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 6, 30),
    )
    mentor = await Supervisor.get(name="督导甲")
    late = await CohortMember.create(cohort=cohort, worker=w["workers"][2], mentor=mentor, joined_on=date(2026, 3, 1))
    early = await CohortMember.create(cohort=cohort, worker=w["workers"][3], mentor=mentor, joined_on=date(2026, 1, 1))
    return w, cohort, mentor, late, early


def _mentee_section(html: str) -> str:
    """The text of "My mentees" on the supervisor's own page (the part after its heading)."""
    return text_of(html.split("My mentees", 1)[1])


async def test_a_member_joining_later_is_no_mentee_until_the_joining_day(client, db):
    w, cohort, mentor, late, early = await _setup()
    with _on(date(2026, 2, 28)):
        await login(client, "supervisor")
        mine = _mentee_section((await client.get("/supervision/mine")).text)
        assert "工作者4" in mine and "工作者3" not in mine
        assert (await client.get(f"/cohorts/{cohort.id}/members/{late.id}")).status_code == 404
        grid = text_of((await client.get(f"/cohorts/{cohort.id}")).text)
        assert "工作者4" in grid and "工作者3" not in grid
    client.cookies.clear()
    with _on(date(2026, 3, 1)):
        await login(client, "supervisor")
        mine = _mentee_section((await client.get("/supervision/mine")).text)
        assert "工作者4" in mine and "工作者3" in mine
        page = await client.get(f"/cohorts/{cohort.id}/members/{late.id}")
        assert page.status_code == 200 and "工作者3" in text_of(page.text)


def _count_after(label: str, html: str) -> int:
    """The first number shown after `label` on a page."""
    return int(re.search(r"(\d+)", text_of(html).split(label, 1)[1]).group(1))


async def test_mentee_counts_follow_the_joining_day_and_the_cohorts_last_day(client, db):
    w, cohort, mentor, late, early = await _setup()
    # Mentees of 督导甲 by day: 2026-02-28 → W4 (W3 joins later) = 1; 2026-03-01 → W4, W3 = 2;
    # 2026-06-30 (the cohort's last day) → 2; 2026-07-01 → the cohort has ended = 0.
    expected = {date(2026, 2, 28): 1, date(2026, 3, 1): 2, date(2026, 6, 30): 2, date(2026, 7, 1): 0}
    for day, n in expected.items():
        client.cookies.clear()
        with _on(day):
            await login(client, "admin")
            profile = await client.get(f"/supervision/supervisors/{mentor.id}")
            assert _count_after("Mentees in running cohorts", profile.text) == n, day
            coverage = await client.get("/supervision/coverage", params={"region": "320102"})
            row = next(r for r in coverage.text.split("<tr") if "督导甲" in r)
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            assert text_of(cells[-1]).strip() == str(n), (day, cells)


async def test_a_supervisor_loses_a_past_mentees_pages_after_the_cohort_ends(client, db):
    w, cohort, mentor, late, early = await _setup()
    with _on(date(2026, 6, 30)):
        await login(client, "supervisor")
        page = await client.get(f"/cohorts/{cohort.id}/members/{early.id}")
        assert page.status_code == 200 and "工作者4" in text_of(page.text)
        assert "秦淮督导班" in text_of((await client.get(f"/cohorts/{cohort.id}")).text)
    client.cookies.clear()
    with _on(date(2026, 7, 1)):
        await login(client, "supervisor")
        assert (await client.get(f"/cohorts/{cohort.id}/members/{early.id}")).status_code == 404
        assert (await client.get(f"/cohorts/{cohort.id}")).status_code == 404
        mine = _mentee_section((await client.get("/supervision/mine")).text)
        assert "工作者4" not in mine and "工作者3" not in mine and "You mentor no member" in mine
    # The bureau of the cohort's region still sees the ended cohort and its members.
    client.cookies.clear()
    with _on(date(2026, 7, 1)):
        await login(client, "citybureau")
        page = await client.get(f"/cohorts/{cohort.id}/members/{early.id}")
        assert page.status_code == 200 and "工作者4" in text_of(page.text)


async def test_the_reach_read_with_the_session_is_the_supervisors_reach_on_each_boundary_day(db):
    # The session's statement carries a supervisor's reach on the day (accounts.selectors.session_get): the same
    # stations and mentees as supervisor_reach's own statement, on each day around W3's joining and the cohort's end.
    w, _cohort, _mentor, late, early = await _setup()
    user = w["users"]["supervisor"]
    token = await services.session_create(user=user, ip="127.0.0.1", user_agent="test")
    s1 = w["stations"][0].id
    expected = {
        date(2026, 2, 28): {early.worker_id},
        date(2026, 3, 1): {early.worker_id, late.worker_id},
        date(2026, 6, 30): {early.worker_id, late.worker_id},
        date(2026, 7, 1): set(),
    }
    for day, mentees in expected.items():
        with _on(day):
            live = await accounts.session_get(session_id=services.token_key(token), now=services.now_utc(), today=day)
        assert live is not None and live.reach == await supervisor_reach(user_id=user.id, today=day), day
        assert live.reach == (frozenset({s1}), frozenset(mentees)), day


async def test_a_supervisors_request_reads_its_reach_in_the_sessions_statement(client, db):
    await _setup()
    counts = {}
    for role in ("hr", "supervisor"):
        await login(client, role)
        async with count_queries() as counter:
            assert (await client.get("/help")).status_code == 200
        counts[role] = counter.count
        client.cookies.clear()
    # No statement of its own for the reach: a supervisor's help page reads what HR's does.
    assert counts["supervisor"] == counts["hr"]
