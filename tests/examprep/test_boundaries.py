"""The dated rules of exam preparation, pinned on their boundaries.

- The review queue holds every notebook entry due on or before today: an entry due today is in it, one due
  tomorrow is not.
- Leitner: a wrong answer puts a question in box 1, due the next day; a right answer on (or after) its due day
  moves it up a box, due again after that box's days (1, 2, 4, 8, 16; box 5 is the last); a right answer before
  the due day changes nothing.
- A mock exam's deadline is stored; an answer up to the instant before it is saved, one at the deadline or
  later is refused; at the deadline an unsubmitted attempt is scored as expired.
- "Today" is the day on the platform's clock (Asia/Shanghai): at 07:00 in Nanjing it is already the new day,
  although UTC is still on the previous one.

Days come from an explicit `today=`/`now=` or a clock set with time_machine (tick=False).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from courses.examprep import access, selectors, services
from courses.examprep.models import AttemptStatus, MockAttempt, NotebookEntry
from talent.core.pagination import ListParams
from talent.people.models import EmploymentSpell
from tests.conftest import csrf_of, login
from tests.examprep.conftest import make_bank, make_question
from tests.factories import world

NANJING = ZoneInfo("Asia/Shanghai")
DUE = date(2026, 3, 2)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=NANJING)


async def _due_entry(worker_id: int, due_on: date = DUE, stem: str = "到期的题") -> NotebookEntry:
    q = await make_question(stem=stem)
    return await NotebookEntry.create(worker_id=worker_id, question=q, box=2, due_on=due_on)


# --- the review queue: due on or before today ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 3, 1), False),  # the day before it is due
        (DUE, True),  # the due day itself
        (date(2026, 3, 3), True),  # overdue: still waiting
    ],
)
async def test_the_review_queue_includes_an_entry_from_its_due_day_on(db, today, due):
    w = await world()
    worker_id = w["workers"][0].id
    entry = await _due_entry(worker_id)
    assert await selectors.notebook_due_count(worker_id=worker_id, today=today) == int(due)
    nxt = await selectors.notebook_next_due(worker_id=worker_id, today=today)
    assert (nxt.id if nxt else None) == (entry.id if due else None)
    page = await selectors.notebook_list(worker_id=worker_id, params=ListParams(), due_only=True, today=today)
    assert [e.id for e in page.items] == ([entry.id] if due else [])


@pytest.mark.parametrize(("today", "due"), [(date(2026, 3, 1), False), (DUE, True)])
async def test_the_review_page_shows_the_question_due_today(client, db, today, due):
    w = await world()
    await _due_entry(w["workers"][0].id)
    with time_machine.travel(at(today), tick=False):  # 09:00 in Nanjing, 01:00 UTC: the same date
        await login(client, "worker")
        review = await client.get("/exam-prep/review")
        home = await client.get("/exam-prep")
    assert review.status_code == home.status_code == 200
    assert ("到期的题" in review.text) is due
    assert ("Nothing is due for review today." in review.text) is not due
    assert f'id="due-count">{int(due)}<' in home.text


async def test_at_seven_in_the_morning_in_nanjing_the_review_queue_is_already_todays(client, db):
    # 2026-03-02 07:00 in Nanjing is 2026-03-01 23:00 UTC. The entry is due on 2026-03-02, the local today: the
    # review page, the home page's count and the notebook's due filter all count it.
    w = await world()
    await _due_entry(w["workers"][0].id)
    with time_machine.travel(at(DUE, hour=7), tick=False):
        await login(client, "worker")
        review = await client.get("/exam-prep/review")
        home = await client.get("/exam-prep")
        notebook = await client.get("/exam-prep/notebook")
    assert "到期的题" in review.text
    assert 'id="due-count">1<' in home.text
    assert "Review 1 due" in notebook.text


# --- Leitner boxes ------------------------------------------------------------------------------------------


async def test_the_leitner_schedule_moves_up_on_the_due_day_and_not_before(db):
    w = await world()
    worker_id = w["workers"][0].id
    q = await make_question(answer="B")
    version = await selectors.current_version(question=q)
    day0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Nanjing, the same date in UTC

    async def answer(letter: str, days: int) -> NotebookEntry:
        await services.practice_answer(
            worker_id=worker_id,
            question_id=q.id,
            version_id=version.id,
            choices=[letter],
            review=True,
            now=day0 + timedelta(days=days),
        )
        return await NotebookEntry.get(worker_id=worker_id, question_id=q.id)

    d = day0.date()
    # Wrong on day 0 → box 1, due day 1.
    assert ((e := await answer("C", 0)).box, e.due_on) == (1, d + timedelta(days=1))
    # Right on day 0, before the due day: unchanged.
    assert ((e := await answer("B", 0)).box, e.due_on) == (1, d + timedelta(days=1))
    # Right on day 1, the due day: box 2, due 2 days later (day 3).
    assert ((e := await answer("B", 1)).box, e.due_on) == (2, d + timedelta(days=3))
    # Right on day 2, the day before it is due: unchanged.
    assert ((e := await answer("B", 2)).box, e.due_on) == (2, d + timedelta(days=3))
    # Day 3 → box 3 (+4 = day 7); day 7 → box 4 (+8 = day 15); day 15 → box 5 (+16 = day 31).
    assert ((e := await answer("B", 3)).box, e.due_on) == (3, d + timedelta(days=7))
    assert ((e := await answer("B", 7)).box, e.due_on) == (4, d + timedelta(days=15))
    assert ((e := await answer("B", 15)).box, e.due_on) == (5, d + timedelta(days=31))
    # Box 5 is the last: right on day 31 stays in 5, due 16 days later (day 47).
    assert ((e := await answer("B", 31)).box, e.due_on) == (5, d + timedelta(days=47))
    # Wrong on day 40 (before the due day): back to box 1, due the next day.
    assert ((e := await answer("A", 40)).box, e.due_on, e.wrong_count) == (1, d + timedelta(days=41), 2)


async def test_a_wrong_answer_at_seven_in_the_morning_in_nanjing_comes_back_the_next_local_day(db):
    # 2026-03-02 07:00 in Nanjing = 2026-03-01 23:00 UTC. Wrong today (03-02) → box 1, due tomorrow (03-03);
    # scheduled from the UTC date it would be due on 03-02, the same day.
    w = await world()
    worker_id = w["workers"][0].id
    q = await make_question(answer="B")
    version = await selectors.current_version(question=q)
    await services.practice_answer(
        worker_id=worker_id,
        question_id=q.id,
        version_id=version.id,
        choices=["C"],
        now=at(DUE, hour=7).astimezone(UTC),
    )
    entry = await NotebookEntry.get(worker_id=worker_id, question_id=q.id)
    assert entry.due_on == date(2026, 3, 3)


# --- the mock exam's deadline -------------------------------------------------------------------------------

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Nanjing; A-ZH lasts 120 minutes


async def _attempt(w) -> tuple[MockAttempt, list]:
    await make_bank()
    attempt = await services.mock_start(worker_id=w["workers"][0].id, subject="A-ZH", now=START, seed=3)
    assert attempt.deadline_at == START + timedelta(minutes=120)
    return attempt, await selectors.attempt_items(attempt=attempt)


async def test_an_answer_a_second_before_the_deadline_is_saved_and_one_at_the_deadline_is_refused(db):
    w = await world()
    worker_id = w["workers"][0].id
    attempt, items = await _attempt(w)
    deadline = attempt.deadline_at
    await services.mock_save_answer(
        worker_id=worker_id,
        attempt_id=attempt.id,
        question_id=items[0].question_id,
        choices=["B"],
        now=deadline - timedelta(seconds=1),
    )
    with pytest.raises(services.AttemptClosed):
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=items[1].question_id, choices=["B"], now=deadline
        )
    saved = await selectors.attempt_items(attempt=attempt)
    assert [i.response for i in saved[:2]] == ["B", ""]


async def test_the_autosave_route_follows_the_servers_clock_at_the_deadline(client, db):
    w = await world()
    attempt, items = await _attempt(w)
    url = f"/exam-prep/mock/{attempt.id}/answers/{items[0].question_id}"
    headers = {"HX-Request": "true"}
    with time_machine.travel(attempt.deadline_at - timedelta(seconds=1), tick=False):
        await login(client, "worker")
        token = csrf_of(client)
        before = await client.post(url, data={"csrf_token": token, "choice": "B"}, headers=headers)
    with time_machine.travel(attempt.deadline_at, tick=False):
        late = await client.post(url, data={"csrf_token": token, "choice": "C"}, headers=headers)
    assert before.status_code == 200, before.text[:300]
    assert late.status_code == 409 and "Time is up" in late.text
    assert (await selectors.attempt_items(attempt=attempt))[0].response == "B"


@pytest.mark.parametrize(
    ("offset", "status"),
    [(timedelta(seconds=-1), AttemptStatus.SUBMITTED), (timedelta(0), AttemptStatus.EXPIRED)],
    ids=["a-second-before", "at-the-deadline"],
)
async def test_an_attempt_handed_in_at_the_deadline_is_scored_as_expired(db, offset, status):
    w = await world()
    attempt, _items = await _attempt(w)
    done = await services.mock_submit(
        worker_id=w["workers"][0].id, attempt_id=attempt.id, now=attempt.deadline_at + offset
    )
    assert done.status == status
    # Finished when handed in, or at the deadline when it ran out.
    assert done.finished_at == min(attempt.deadline_at + offset, attempt.deadline_at)


async def test_overdue_attempts_are_expired_from_the_deadline_on_and_resumed_before_it(db):
    w = await world()
    worker_id = w["workers"][0].id
    attempt, _items = await _attempt(w)
    deadline = attempt.deadline_at
    # A second before the deadline: nothing to expire, and starting again resumes the same attempt.
    assert await services.mock_expire_overdue(worker_id=worker_id, now=deadline - timedelta(seconds=1)) == 0
    again = await services.mock_start(worker_id=worker_id, subject="A-ZH", now=deadline - timedelta(seconds=1))
    assert again.id == attempt.id
    # At the deadline: expired.
    assert await services.mock_expire_overdue(worker_id=worker_id, now=deadline) == 1
    assert (await MockAttempt.get(id=attempt.id)).status == AttemptStatus.EXPIRED


# --- the worker's reach: regions of the stations where they are active today ---------------------------------


@pytest.mark.parametrize(("today", "regional"), [(date(2026, 3, 20), True), (date(2026, 3, 21), False)])
async def test_regional_questions_are_in_reach_through_the_last_working_day(db, today, regional):
    w = await world()
    worker_id = w["workers"][0].id
    await EmploymentSpell.filter(worker_id=worker_id).update(end_on=date(2026, 3, 20))
    county = w["regions"]["county_a"].path
    reach = await access.worker_reach(worker_id=worker_id, today=today)
    assert (county in reach) is regional
    assert "" in reach  # the national bank, always
