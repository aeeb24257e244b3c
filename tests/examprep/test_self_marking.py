"""Self-marking of case answers in a handed-in mock exam: the service (range, steps, refusals that change
nothing), the attempt's score and breakdowns, readiness, and the result page over HTTP with htmx."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from courses.examprep import selectors, services
from courses.examprep.models import AttemptItem, MockAttempt
from talent.certification.for_examprep import exam_paper
from talent.core.errors import ServiceError
from tests.conftest import csrf_of, login, post, text_of
from tests.examprep.conftest import NOW, make_question
from tests.factories import world

HTMX = {"HX-Request": "true"}


async def _case_bank(singles: int = 0) -> None:
    """Five cases in two topics for I-SW (4 cases + 1 programme design of 20 points each, all drawn from
    the cases)."""
    for i in range(5):
        await make_question("I-SW", f"C{i % 2}", "case", stem=f"案例{i}")


async def _handed_in(worker_id: int, answered: int = 4, now=NOW) -> MockAttempt:
    """An I-SW attempt with the first `answered` items answered, handed in 30 minutes later."""
    attempt = await services.mock_start(worker_id=worker_id, subject="I-SW", now=now, seed=3)
    items = await selectors.attempt_items(attempt=attempt)
    for item in items[:answered]:
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=item.question_id, text=f"答{item.position}", now=now
        )
    return await services.mock_submit(worker_id=worker_id, attempt_id=attempt.id, now=now + timedelta(minutes=30))


async def _first_case_answered(worker_id: int) -> tuple[MockAttempt, AttemptItem]:
    """An I-SW attempt in progress whose first case has an answer."""
    attempt = await services.mock_start(worker_id=worker_id, subject="I-SW", now=NOW, seed=3)
    first = (await _items(attempt.id))[0]
    await services.mock_save_answer(
        worker_id=worker_id, attempt_id=attempt.id, question_id=first.question_id, text="答", now=NOW
    )
    return attempt, first


async def _items(attempt_id: int) -> list[AttemptItem]:
    return await selectors.attempt_items(attempt=await MockAttempt.get(id=attempt_id))


async def _state(attempt_id: int) -> tuple:
    attempt = await MockAttempt.get(id=attempt_id)
    marks = await AttemptItem.filter(attempt_id=attempt_id).order_by("position").values_list("self_score", flat=True)
    return attempt.score, list(marks)


async def test_self_marks_add_up_to_the_score_and_the_breakdowns(db):
    w = await world()
    await _case_bank()
    worker_id = w["workers"][0].id
    attempt = await _handed_in(worker_id)
    items = await _items(attempt.id)
    assert [i.points for i in items] == [Decimal(20)] * 5 and attempt.score == 0
    marking = await selectors.attempt_marking(attempt=attempt)
    # Four answered cases wait for a mark; the fifth was not answered and scores 0.
    assert (marking.auto, marking.own, marking.unmarked, marking.unmarked_points) == (0, 0, 4, Decimal(80))

    async def mark(position, score):
        return await services.mock_item_self_mark(
            worker_id=worker_id, attempt_id=attempt.id, question_id=items[position].question_id, score=score
        )

    await mark(0, "12.5")
    await mark(1, Decimal(20))
    await mark(2, 0)
    # 12.5 + 20 + 0 = 32.5; a changed mark replaces the old one: 14 + 20 + 0 = 34.
    assert (await MockAttempt.get(id=attempt.id)).score == Decimal("32.5")
    item = await mark(0, "14")
    assert item.self_score == Decimal(14) and item.attempt.score == Decimal(34)
    assert (await MockAttempt.get(id=attempt.id)).score == Decimal(34)
    marking = await selectors.attempt_marking(attempt=attempt)
    assert (marking.auto, marking.own, marking.unmarked, marking.total) == (0, Decimal(34), 1, Decimal(34))
    sections = await selectors.attempt_breakdown(attempt=attempt, by="section")
    assert [(b.key, b.awarded, b.points) for b in sections] == [("case", Decimal(34), Decimal(100))]
    topics = {b.key: b.awarded for b in await selectors.attempt_breakdown(attempt=attempt, by="topic")}
    expected: dict[str, Decimal] = {}
    for position, score in ((0, 14), (1, 20), (2, 0)):
        topic = items[position].question.topic
        expected[topic] = expected.get(topic, Decimal(0)) + score
    assert {t: v for t, v in topics.items() if t in expected} == expected


@pytest.mark.parametrize("score", ["-0.5", "20.5", "100", "12.3", "abc", "", "NaN", "Infinity"])
async def test_a_score_outside_0_to_the_points_or_not_in_half_points_is_refused_and_nothing_changes(db, score):
    w = await world()
    await _case_bank()
    worker_id = w["workers"][0].id
    attempt = await _handed_in(worker_id)
    question_id = (await _items(attempt.id))[0].question_id
    await services.mock_item_self_mark(worker_id=worker_id, attempt_id=attempt.id, question_id=question_id, score=5)
    before = await _state(attempt.id)
    with pytest.raises(ServiceError) as refused:
        await services.mock_item_self_mark(
            worker_id=worker_id, attempt_id=attempt.id, question_id=question_id, score=score
        )
    assert refused.value.field == "score"
    assert await _state(attempt.id) == before


async def test_marking_is_refused_before_hand_in_for_choice_items_and_unanswered_cases(db):
    w = await world()
    await _case_bank()
    worker_id = w["workers"][0].id
    running, first = await _first_case_answered(worker_id)
    with pytest.raises(ServiceError, match="Hand the exam in first"):
        await services.mock_item_self_mark(
            worker_id=worker_id, attempt_id=running.id, question_id=first.question_id, score=10
        )
    assert await _state(running.id) == (None, [None] * 5)
    # A handed-in A-ZH paper has no cases: its choice items are marked automatically.
    single = await make_question("A-ZH", "T", "single", "B")
    choice = await services.mock_start(worker_id=worker_id, subject="A-ZH", now=NOW, seed=1)
    await services.mock_save_answer(
        worker_id=worker_id, attempt_id=choice.id, question_id=single.id, choices=["B"], now=NOW
    )
    await services.mock_submit(worker_id=worker_id, attempt_id=choice.id, now=NOW + timedelta(minutes=1))
    with pytest.raises(ServiceError, match="marked automatically"):
        await services.mock_item_self_mark(worker_id=worker_id, attempt_id=choice.id, question_id=single.id, score=1)
    assert await _state(choice.id) == (Decimal(1), [None])
    # The unanswered fifth case of a handed-in I-SW paper scores 0 and is not marked.
    await services.mock_submit(worker_id=worker_id, attempt_id=running.id, now=NOW + timedelta(minutes=5))
    last = (await _items(running.id))[4]
    with pytest.raises(ServiceError, match="not answered"):
        await services.mock_item_self_mark(
            worker_id=worker_id, attempt_id=running.id, question_id=last.question_id, score=0
        )
    assert await _state(running.id) == (Decimal(0), [None] * 5)


async def test_an_expired_attempt_may_be_self_marked(db):
    w = await world()
    await _case_bank()
    worker_id = w["workers"][0].id
    attempt, first = await _first_case_answered(worker_id)
    await services.mock_expire_overdue(worker_id=worker_id, now=NOW + timedelta(minutes=151))
    item = await services.mock_item_self_mark(
        worker_id=worker_id, attempt_id=attempt.id, question_id=first.question_id, score="7.5"
    )
    assert item.attempt.status.value == "expired" and item.attempt.score == Decimal("7.5")


async def test_another_workers_attempt_or_a_question_outside_it_is_not_found_and_nothing_changes(db):
    from tortoise.exceptions import DoesNotExist

    w = await world()
    await _case_bank()
    owner, other = w["workers"][0].id, w["workers"][1].id
    attempt = await _handed_in(owner)
    question_id = (await _items(attempt.id))[0].question_id
    with pytest.raises(DoesNotExist):
        await services.mock_item_self_mark(worker_id=other, attempt_id=attempt.id, question_id=question_id, score=5)
    outsider = await make_question("I-SW", "C9", "case")
    with pytest.raises(DoesNotExist):
        await services.mock_item_self_mark(worker_id=owner, attempt_id=attempt.id, question_id=outsider.id, score=5)
    assert await _state(attempt.id) == (Decimal(0), [None] * 5)


async def test_readiness_counts_a_case_paper_by_its_marked_answers_only(db):
    w = await world()
    await _case_bank()
    worker_id = w["workers"][0].id
    attempt = await _handed_in(worker_id, answered=2)
    spec = await exam_paper("I-SW")
    # Nothing marked yet: of 100 marks, the 40 of the two answered cases wait, so 0 of 60 is known (the
    # three unanswered cases score 0) → 0.
    r = (await selectors.readiness_for(worker_id=worker_id, subjects=[spec], now=NOW + timedelta(hours=1)))["I-SW"]
    assert r.mock_percents == [Decimal(0)]
    # Marks 15 and 9: 24 of 100 → 0.24; expected score 100 × 0.24 = 24.0 (no practice answers to blend).
    items = await _items(attempt.id)
    for item, score in zip(items[:2], (15, 9), strict=True):
        await services.mock_item_self_mark(
            worker_id=worker_id, attempt_id=attempt.id, question_id=item.question_id, score=score
        )
    r = (await selectors.readiness_for(worker_id=worker_id, subjects=[spec], now=NOW + timedelta(hours=1)))["I-SW"]
    assert r.mock_percents == [Decimal("0.24")] and r.expected == Decimal("24.0")


async def test_an_all_unmarked_case_paper_is_left_out_of_readiness(db):
    w = await world()
    await _case_bank()
    worker_id = w["workers"][0].id
    await _handed_in(worker_id, answered=5)
    spec = await exam_paper("I-SW")
    r = (await selectors.readiness_for(worker_id=worker_id, subjects=[spec], now=NOW + timedelta(hours=1)))["I-SW"]
    # Every case answered and none marked: no result yet, rather than 0 of 100.
    assert r.mock_percents == [] and r.expected is None


# ── over HTTP ──────────────────────────────────────────────────────────────────────────────────────────────


async def _hx_post(client, url, data):
    return await client.post(url, data=data, headers={**HTMX, "X-CSRF-Token": csrf_of(client)})


async def _attempt_over_http(client, w) -> tuple[MockAttempt, list[AttemptItem]]:
    await _case_bank()
    await login(client, "worker")
    attempt = await _handed_in(w["workers"][0].id, answered=4, now=datetime.now(UTC) - timedelta(hours=1))
    return attempt, await _items(attempt.id)


def _url(attempt, item) -> str:
    return f"/exam-prep/mock/{attempt.id}/items/{item.question_id}/mark"


async def test_the_result_page_offers_a_mark_per_answered_case_and_htmx_updates_score_and_breakdowns(client):
    w = await world()
    attempt, items = await _attempt_over_http(client, w)
    page = await client.get(f"/exam-prep/mock/{attempt.id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Auto-marked 0.0 + self-marked 0.0" in text and "4 case answers not yet marked" in text
    # A number input 0..20 in steps of 0.5 for each answered case; the unanswered one scores 0.
    for item in items[:4]:
        assert re.search(rf'id="score-{item.question_id}"[^>]*min="0" max="20.0" step="0.5"', page.text)
    assert f'id="score-{items[4].question_id}"' not in page.text and "Not answered: 0 points." in text
    response = await _hx_post(client, _url(attempt, items[0]), {"score": "12.5"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'id="mark-{items[0].question_id}"' in response.text and "Marked: 12.5 of 20.0 points" in response.text
    # Out of band: the score, how it is made up, and the breakdowns.
    assert re.search(r'id="result-summary" hx-swap-oob="true"', response.text)
    assert re.search(r'id="score">12\.5<', response.text)
    fragment = text_of(response.text)
    assert "Auto-marked 0.0 + self-marked 12.5" in fragment and "3 case answers not yet marked" in fragment
    assert "12.5 / 100.0" in fragment  # the case section of the breakdown
    assert (await MockAttempt.get(id=attempt.id)).score == Decimal("12.5")


async def test_a_plain_post_marks_and_returns_to_the_result_page(client):
    w = await world()
    attempt, items = await _attempt_over_http(client, w)
    response = await post(client, _url(attempt, items[1]), {"score": "20"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/exam-prep/mock/{attempt.id}#mark-{items[1].question_id}"
    page = await client.get(f"/exam-prep/mock/{attempt.id}")
    assert re.search(r'id="score">20\.0<', page.text) and "Mark saved." in page.text


@pytest.mark.parametrize("score", ["21", "-1", "1.25", "x"])
async def test_an_out_of_range_mark_answers_422_with_the_message_and_nothing_changes(client, score):
    w = await world()
    attempt, items = await _attempt_over_http(client, w)
    before = await _state(attempt.id)
    response = await _hx_post(client, _url(attempt, items[0]), {"score": score})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text and f'value="{score}"' in response.text
    assert await _state(attempt.id) == before
    # Without htmx the whole result page comes back with the message at that item.
    plain = await post(client, _url(attempt, items[0]), {"score": score})
    assert plain.status_code == 422 and "Review your answers" in plain.text and 'aria-invalid="true"' in plain.text
    assert await _state(attempt.id) == before


async def test_marking_a_choice_item_or_an_unanswered_case_answers_422(client):
    w = await world()
    attempt, items = await _attempt_over_http(client, w)
    response = await _hx_post(client, _url(attempt, items[4]), {"score": "0"})
    assert response.status_code == 422 and "not answered" in response.text
    single = await make_question("A-ZH", "T", "single", "B")
    choice = await services.mock_start(
        worker_id=w["workers"][0].id, subject="A-ZH", now=datetime.now(UTC) - timedelta(minutes=10), seed=1
    )
    await services.mock_submit(worker_id=w["workers"][0].id, attempt_id=choice.id, now=datetime.now(UTC))
    response = await _hx_post(client, f"/exam-prep/mock/{choice.id}/items/{single.id}/mark", {"score": "1"})
    assert response.status_code == 422 and "marked automatically" in response.text
    assert (await MockAttempt.get(id=choice.id)).score == 0


async def test_marking_before_hand_in_answers_422_and_changes_nothing(client):
    w = await world()
    await _case_bank()
    await login(client, "worker")
    worker_id = w["workers"][0].id
    attempt = await services.mock_start(worker_id=worker_id, subject="I-SW", now=datetime.now(UTC), seed=3)
    item = (await _items(attempt.id))[0]
    await services.mock_save_answer(
        worker_id=worker_id, attempt_id=attempt.id, question_id=item.question_id, text="答", now=datetime.now(UTC)
    )
    response = await _hx_post(client, _url(attempt, item), {"score": "5"})
    assert response.status_code == 422 and "Hand the exam in first" in response.text
    plain = await post(client, _url(attempt, item), {"score": "5"})
    # The refusal does not show the result page: the model answers stay hidden until hand-in.
    assert plain.status_code == 422 and "Hand the exam in first" in plain.text and "范文" not in plain.text
    assert await _state(attempt.id) == (None, [None] * 5)


async def test_another_worker_cannot_mark_an_attempt_404(client):
    w = await world()
    await _case_bank()
    attempt = await _handed_in(w["workers"][1].id, now=datetime.now(UTC) - timedelta(hours=1))
    item = (await _items(attempt.id))[0]
    await login(client, "worker")
    assert (await _hx_post(client, _url(attempt, item), {"score": "5"})).status_code == 404
    assert (await post(client, _url(attempt, item), {"score": "5"})).status_code == 404
    assert await _state(attempt.id) == (Decimal(0), [None] * 5)


@pytest.mark.parametrize("role", ["admin", "bureau", "hr", "supervisor"])
async def test_only_workers_may_mark(client, role):
    w = await world()
    await _case_bank()
    attempt = await _handed_in(w["workers"][0].id, now=datetime.now(UTC) - timedelta(hours=1))
    item = (await _items(attempt.id))[0]
    await login(client, role)
    assert (await post(client, _url(attempt, item), {"score": "5"})).status_code == 403
    assert await _state(attempt.id) == (Decimal(0), [None] * 5)
