"""Supervision sessions: a supervisor logs a session at a station of theirs; attendees are that station's workers on
the day and earn CE hours through the certification domain's ledger (once per session); bad input writes nothing.

world(): 督导甲 (account "supervisor") is assigned to S1 since 2020-01-01; W1 works at S1, W3 at S3, since 2022."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from talent.certification.models import CeCredit, CeSource
from talent.cohorts import services
from talent.cohorts.rules import check_session_ce
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.supervision.models import SessionAttendee, SupervisionSession, Supervisor
from talent.supervision.rules import SUPERVISION_CE, CeRule
from tests.conftest import login, post
from tests.factories import world
from tests.querycount import count_queries

TODAY = date(2026, 6, 1)


def supervisor(w) -> Scope:
    user = w["users"]["supervisor"]
    return Scope(user_id=user.id, role=Role.SUPERVISOR, station_ids=frozenset({w["stations"][0].id}))


async def _log(w, **changes):
    values = {
        "actor": w["users"]["supervisor"],
        "scope": supervisor(w),
        "station_code": "S1",
        "held_on": date(2026, 5, 20),
        "hours": Decimal("2"),
        "format": "group",
        "topics": "个案会谈技巧",
        "attendee_ids": [w["workers"][0].id],
        "ce_hours": Decimal("2"),
        "today": TODAY,
    }
    values.update(changes)
    return await services.session_log(**values)


async def test_a_logged_session_credits_each_attendee_its_ce_hours_in_the_ledger_once(db):
    w = await world()
    session = await _log(w)
    credit = await CeCredit.get(worker_id=w["workers"][0].id)
    assert (credit.hours, credit.source, credit.source_ref) == (
        Decimal("2.0"),
        CeSource.SUPERVISION,
        f"supervision:{session.id}",
    )
    assert credit.earned_on == date(2026, 5, 20)
    assert await SessionAttendee.filter(session_id=session.id).count() == 1
    # A session without CE hours credits nothing.
    await _log(w, ce_hours=Decimal("0"), held_on=date(2026, 5, 21))
    assert await CeCredit.filter(worker_id=w["workers"][0].id).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attendee_ids": "W3"}, "attendees"),  # a worker of another station
        ({"station_code": "S3"}, "station_code"),  # not one of the supervisor's stations
        ({"held_on": date(2019, 12, 31)}, "station_code"),  # the day before the assignment began
        ({"held_on": date(2026, 6, 2)}, "held_on"),  # tomorrow
        ({"ce_hours": Decimal("2.5")}, "ce_hours"),  # more CE hours than the session lasted
        ({"hours": Decimal("0")}, "hours"),
        ({"format": "party"}, "format"),
    ],
)
async def test_bad_session_input_is_refused_and_nothing_is_written(db, changes, field):
    w = await world()
    if changes.get("attendee_ids") == "W3":
        changes = {"attendee_ids": [w["workers"][0].id, w["workers"][2].id]}
    with pytest.raises(ServiceError) as err:
        await _log(w, **changes)
    assert err.value.field == field
    assert await SupervisionSession.all().count() == 0
    assert await CeCredit.all().count() == 0


async def test_only_a_supervisor_with_a_profile_logs_sessions(db):
    w = await world()
    hr = Scope(user_id=w["users"]["hr"].id, role=Role.HR, organisation_id=w["orgs"][0].id)
    with pytest.raises(ServiceError):
        await _log(w, scope=hr, actor=w["users"]["hr"])


async def test_the_session_pages_log_show_and_scope_sessions(client, db):
    w = await world()
    with time_machine.travel(date(2026, 6, 1).isoformat() + "T09:00+08:00", tick=False):
        await login(client, "supervisor")
        form = await client.get("/supervision/sessions/new")
        assert form.status_code == 200 and "工作者1" in form.text and "工作者3" not in form.text
        bad = await post(
            client,
            "/supervision/sessions",
            {"station_code": "S1", "held_on": "2026-05-20", "hours": "2", "format": "group", "attendees": "999999"},
            headers={"HX-Request": "true"},
        )
        assert bad.status_code == 422 and "<html" not in bad.text
        done = await post(
            client,
            "/supervision/sessions",
            {
                "station_code": "S1",
                "held_on": "2026-05-20",
                "hours": "1.5",
                "format": "on_site",
                "topics": "哨兵议题",
                "attendees": str(w["workers"][0].id),
                "ce_hours": "1.5",
            },
        )
        assert done.status_code == 303, done.text[:3000]
        detail = await client.get(done.headers["location"])
        assert "哨兵议题" in detail.text and "工作者1" in detail.text
        calendar = await client.get("/supervision/sessions/calendar", params={"month": "2026-05"})
        assert calendar.status_code == 200 and "社工站1" in calendar.text
        # The week's day names are the locale's (a "Sat" msgid is the column of those who sat an exam).
        assert re.findall(r'<th scope="col">([^<]*)</th>', calendar.text)[:7] == [
            "Mon",
            "Tue",
            "Wed",
            "Thu",
            "Fri",
            "Sat",
            "Sun",
        ]
        in_chinese = await client.get(
            "/supervision/sessions/calendar", params={"month": "2026-05"}, headers={"Accept-Language": "zh-CN"}
        )
        assert re.findall(r'<th scope="col">([^<]*)</th>', in_chinese.text)[:7] == [
            "周一",
            "周二",
            "周三",
            "周四",
            "周五",
            "周六",
            "周日",
        ]
    session = await SupervisionSession.get(topics="哨兵议题")
    client.cookies.clear()
    await login(client, "bureau")  # county A: S1 is in its region
    listed = await client.get("/supervision/sessions")
    assert "社工站1" in listed.text
    client.cookies.clear()
    await login(client, "citybureau")
    assert (await client.get(f"/supervision/sessions/{session.id}")).status_code == 200
    client.cookies.clear()
    await login(client, "hr")  # organisation A operates S1
    assert (await client.get(f"/supervision/sessions/{session.id}")).status_code == 200


async def test_another_organisations_hr_does_not_see_the_session(client, db):
    w = await world()
    from talent.accounts import services as account_services

    await account_services.user_create(
        actor=None, username="hrb", password="correct-horse-42", role=Role.HR, organisation_id=w["orgs"][1].id
    )
    session = await _log(w, topics="哨兵B")
    await login(client, "hrb")
    assert (await client.get(f"/supervision/sessions/{session.id}")).status_code == 404
    assert "哨兵B" not in (await client.get("/supervision/sessions")).text


async def test_the_session_list_sends_the_same_number_of_queries_for_2_and_20_sessions(client, db):
    w = await world()
    await login(client, "admin")

    async def queries() -> int:
        await client.get("/supervision/sessions?per_page=50")
        async with count_queries() as counter:
            response = await client.get("/supervision/sessions?per_page=50")
        assert response.status_code == 200
        return counter.count

    for day in range(1, 3):
        await _log(w, held_on=date(2026, 4, day), ce_hours=Decimal(0))
    few = await queries()
    for day in range(3, 21):
        await _log(w, held_on=date(2026, 4, day), ce_hours=Decimal(0))
    assert await queries() == few


async def test_choosing_a_station_shows_its_workers_on_the_chosen_day(client, db):
    w = await world()
    await login(client, "supervisor")
    fragment = await client.get(
        "/supervision/sessions/new",
        params={"station_code": "S1", "held_on": "2021-06-01"},
        headers={"HX-Request": "true"},
    )
    # W1 started at S1 on 2022-01-01: not yet a worker there on 2021-06-01.
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "工作者1" not in fragment.text and 'value="S1" selected' in fragment.text
    later = await client.get("/supervision/sessions/new", params={"station_code": "S1", "held_on": "2023-06-01"})
    assert "工作者1" in later.text
    # A station that is not theirs is not offered, whatever the address says.
    other = await client.get("/supervision/sessions/new", params={"station_code": "S3"})
    assert "工作者3" not in other.text and w


def test_the_ce_rule_of_sessions_is_data_with_a_default_that_names_its_source():
    # The default credits at most the session's own length (民发〔2009〕123号: training counts at its actual time):
    # a 2-hour session credits up to 2 hours; 2.5 is refused.
    assert SUPERVISION_CE.counts and SUPERVISION_CE.max_share == Decimal("1")
    assert "民发〔2009〕123号" in SUPERVISION_CE.source
    check_session_ce(Decimal("2"), Decimal("2"))
    with pytest.raises(ServiceError) as refused:
        check_session_ce(Decimal("2"), Decimal("2.5"))
    assert refused.value.field == "ce_hours"
    # A province crediting half a session: 2 hours × 0.5 = 1 hour at most, so 1 passes and 1.5 is refused.
    half = CeRule(max_share=Decimal("0.5"), source="某省民政厅通知（示例）")
    check_session_ce(Decimal("2"), Decimal("1"), half)
    with pytest.raises(ServiceError):
        check_session_ce(Decimal("2"), Decimal("1.5"), half)
    # A province where supervision earns no CE hours: any credit is refused, none is fine.
    none = CeRule(counts=False)
    check_session_ce(Decimal("2"), Decimal("0"), none)
    with pytest.raises(ServiceError):
        check_session_ce(Decimal("2"), Decimal("0.5"), none)


async def _three_sessions(w, *topics: str) -> list[SupervisionSession]:
    """Another supervisor's session at the world supervisor's station S1, the supervisor's own at S3 (not theirs),
    and the other's at S3, with these topics."""
    mine = await Supervisor.get(user_id=w["users"]["supervisor"].id)
    other = await Supervisor.create(name="督导乙")
    s1, s3 = w["stations"][0], w["stations"][2]
    common = {"held_on": date(2026, 5, 20), "hours": Decimal(2), "format": "on_site", "ce_hours": Decimal(0)}
    held = ((other, s1), (mine, s3), (other, s3))
    return [
        await SupervisionSession.create(supervisor=by, station=at, topics=topic, **common)
        for (by, at), topic in zip(held, topics, strict=True)
    ]


async def test_a_supervisor_reads_the_sessions_at_their_stations_and_their_own_elsewhere_and_no_others(client, db):
    # Their stations' sessions by anyone, and their own wherever held (a station since handed over); not another
    # supervisor's at another station. One subquery of ids (a UNION), where an OR over the join read every session.
    w = await world()
    theirs_here, mine_there, theirs_there = await _three_sessions(w, "他人在本站", "本人在他站", "他人在他站")
    await login(client, "supervisor")
    listed = (await client.get("/supervision/sessions")).text
    assert set(map(int, re.findall(r'href="/supervision/sessions/(\d+)"', listed))) == {theirs_here.id, mine_there.id}
    for session, topic in ((theirs_here, "他人在本站"), (mine_there, "本人在他站")):
        assert topic in (await client.get(f"/supervision/sessions/{session.id}")).text
    assert (await client.get(f"/supervision/sessions/{theirs_there.id}")).status_code == 404


async def test_a_supervisors_search_names_each_readable_session_by_its_own_station_and_finds_no_others(client, db):
    # Each session of the scope probes its own station (the search's subquery correlated with the session): their own
    # session at a station handed over is found by that station's name and code; another supervisor's session
    # there is not, though the name matches.
    w = await world()
    s1, s2 = w["stations"][0], w["stations"][2]
    theirs_here, mine_there, _theirs_there = await _three_sessions(w, "甲", "乙", "丙")
    await login(client, "supervisor")

    async def found(q: str) -> set[int]:
        page = (await client.get("/supervision/sessions", params={"q": q})).text
        return set(map(int, re.findall(r'href="/supervision/sessions/(\d+)"', page)))

    assert await found(s2.name) == {mine_there.id}
    assert await found(s2.code) == {mine_there.id}
    assert await found(s1.name) == {theirs_here.id}
    assert await found("丙") == set()


@pytest.mark.parametrize("reader", ["admin", "bureau", "hr"])
async def test_the_session_search_finds_sessions_by_topic_by_their_stations_name_and_by_its_exact_code(
    client, db, reader
):
    # HR and a bureau search the names and codes of their scope's stations alone (S1 is in both scopes).
    w = await world()
    first = await _log(w, topics="甲议题")
    second = await _log(w, topics="乙议题", held_on=date(2026, 5, 21))
    await login(client, reader)

    async def found(q: str) -> set[int]:
        page = (await client.get("/supervision/sessions", params={"q": q})).text
        return {s.id for s in (first, second) if f'href="/supervision/sessions/{s.id}"' in page}

    assert await found("") == {first.id, second.id}
    assert await found("甲") == {first.id}  # a topic
    assert await found("社工站1") == {first.id, second.id}  # S1's name
    assert await found("S1") == {first.id, second.id}  # S1's code, exactly
    assert await found("S") == set()  # part of a code is not a code
    assert await found("社工站3") == set()  # another station's name


async def test_the_administrators_search_reads_the_matching_sessions_sorted_newest_first_page_by_page(client, db):
    # A search's rows are sorted (paginate's sort_rows), not found by walking the dates' index through every session
    # of the country: three sessions matching "议题" on three days, one that does not; one a page, newest first.
    w = await world()
    days = (date(2026, 5, 20), date(2026, 5, 22), date(2026, 5, 21))
    logged = [await _log(w, topics=f"议题{n}", held_on=day) for n, day in enumerate(days)]
    await _log(w, topics="其他", held_on=date(2026, 5, 23))
    await login(client, "admin")
    expected = [s.id for s in sorted(logged, key=lambda s: s.held_on, reverse=True)]
    seen = []
    for page in (1, 2, 3):
        async with count_queries() as counted:
            html = (await client.get("/supervision/sessions", params={"q": "议题", "per_page": 1, "page": page})).text
        seen += [int(i) for i in re.findall(r'href="/supervision/sessions/(\d+)"', html)]
        window = next(sql for sql in counted.statements if "LIMIT" in sql)
        assert "|| ''" in window or "+ 0" in window, window  # the date as an expression no index serves
    assert seen == expected
