"""Exam-prep services against the database: mock exams (assembly, autosave, deadline, submission, scoring),
practice and the notebook, readiness, question versions and the demo bank."""

from datetime import timedelta
from decimal import Decimal

import pytest

from courses.examprep import selectors, services
from courses.examprep.models import (
    Answer,
    AttemptItem,
    AttemptStatus,
    MockAttempt,
    NotebookEntry,
    Question,
    QuestionVersion,
)
from talent.audit.models import AuditEntry
from talent.certification.for_examprep import exam_paper
from talent.certification.models import ExamSubject, PaperSection
from talent.core.access import Scope
from talent.core.errors import ServiceError
from tests.examprep.conftest import NOW, make_bank, make_question
from tests.factories import world


async def _start(worker_id: int, seed: int = 7, now=NOW) -> MockAttempt:
    return await services.mock_start(worker_id=worker_id, subject="A-ZH", now=now, seed=seed)


async def _snapshot(attempt_id: int) -> list[tuple]:
    return await AttemptItem.filter(attempt_id=attempt_id).order_by("position").values_list("response", "answered_at")


async def test_a_mock_paper_follows_the_subject_structure_and_is_stored_with_the_attempt(db):
    w = await world()
    await make_bank(singles=70, multiples=25)
    attempt = await _start(w["workers"][0].id)
    items = await selectors.attempt_items(attempt=attempt)
    # A-ZH: 60 single × 1 point, then 20 multiple × 2 points; 100 marks, pass 60, 120 minutes.
    assert [i.kind.value for i in items] == ["single"] * 60 + ["multiple"] * 20
    assert sum(i.points for i in items) == Decimal(100) == attempt.full_marks
    assert attempt.pass_mark == Decimal(60)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=120)
    assert len({i.question_id for i in items}) == 80
    # Starting again while it runs resumes the same attempt and paper.
    again = await _start(w["workers"][0].id, seed=99)
    assert again.id == attempt.id
    assert [i.question_id for i in await selectors.attempt_items(attempt=again)] == [i.question_id for i in items]


async def test_a_mock_paper_follows_the_exam_catalogue_of_certification_as_an_admin_edits_it(db):
    # Exam prep keeps no catalogue of its own: the subject's minutes and sections are certification's rows.
    w = await world()
    await make_bank()
    subject = await ExamSubject.get(code="A-ZH")
    await ExamSubject.filter(id=subject.id).update(minutes=90)
    await PaperSection.filter(subject_id=subject.id, kind="multiple").update(count=10, points=Decimal(3))
    attempt = await _start(w["workers"][0].id)
    items = await selectors.attempt_items(attempt=attempt)
    assert [i.kind.value for i in items] == ["single"] * 60 + ["multiple"] * 10
    assert attempt.full_marks == Decimal(90) and attempt.deadline_at - attempt.started_at == timedelta(minutes=90)
    assert attempt.structure["sections"][1] == {"kind": "multiple", "count": 10, "points": "3.0"}
    # A subject without a paper is not offered.
    await PaperSection.filter(subject_id=subject.id).delete()
    with pytest.raises(ServiceError, match="Unknown subject"):
        await services.mock_start(worker_id=w["workers"][1].id, subject="A-ZH", now=NOW)


async def test_a_new_paper_prefers_questions_the_worker_has_not_seen(db):
    w = await world()
    await make_bank(singles=120, multiples=40)
    worker_id = w["workers"][0].id
    first = await _start(worker_id, seed=1)
    await services.mock_submit(worker_id=worker_id, attempt_id=first.id, now=NOW + timedelta(minutes=5))
    second = await _start(worker_id, seed=1, now=NOW + timedelta(minutes=10))
    seen = set(await AttemptItem.filter(attempt_id=first.id).values_list("question_id", flat=True))
    fresh = set(await AttemptItem.filter(attempt_id=second.id).values_list("question_id", flat=True))
    # 120 singles and 40 multiples: exactly enough unseen questions for a second full paper.
    assert len(fresh) == 80 and not fresh & seen


async def test_an_edited_question_keeps_its_old_version_in_the_attempts_that_used_it(db):
    w = await world()
    await make_bank()
    attempt = await _start(w["workers"][0].id)
    item = (await selectors.attempt_items(attempt=attempt))[0]
    question = await Question.get(id=item.question_id)
    old_stem = item.version.stem
    admin = Scope(user_id=w["users"]["admin"].id, role=w["users"]["admin"].role)
    await services.question_update(
        actor=w["users"]["admin"],
        scope=admin,
        question=question,
        subject="A-ZH",
        topic=question.topic,
        kind="single",
        difficulty=2,
        stem="新的题干",
        options=["甲", "乙", "丙", "丁"],
        answer="C",
        explanation="新解析",
        note="改正答案",
    )
    versions = await QuestionVersion.filter(question_id=question.id).order_by("number")
    assert [(v.number, v.is_current, v.answer) for v in versions] == [(1, False, "B"), (2, True, "C")]
    kept = (await selectors.attempt_items(attempt=attempt))[0]
    assert kept.version.stem == old_stem and kept.version.answer == "B"
    assert await AuditEntry.filter(entity="question", action="update", entity_id=str(question.id)).exists()


async def test_autosave_is_one_update_and_answers_after_the_deadline_are_refused_and_nothing_changes(db):
    from tests.querycount import count_queries

    w = await world()
    await make_bank()
    worker_id = w["workers"][0].id
    attempt = await _start(worker_id)
    items = await selectors.attempt_items(attempt=attempt)
    async with count_queries() as counter:
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=items[0].question_id, choices=["B"], now=NOW
        )
    assert counter.count == 1 and counter.statements[0].lstrip().upper().startswith("UPDATE")
    before = await _snapshot(attempt.id)
    late = attempt.deadline_at + timedelta(seconds=1)
    with pytest.raises(services.AttemptClosed, match="Time is up"):
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=items[1].question_id, choices=["B"], now=late
        )
    assert await _snapshot(attempt.id) == before
    # Exactly at the deadline is already too late.
    with pytest.raises(services.AttemptClosed):
        await services.mock_save_answer(
            worker_id=worker_id,
            attempt_id=attempt.id,
            question_id=items[1].question_id,
            choices=["B"],
            now=attempt.deadline_at,
        )


async def test_answering_a_question_not_in_the_attempt_is_refused_and_nothing_changes(db):
    w = await world()
    await make_bank()
    outsider = await make_question(subject="A-SW", stem="不在试卷里")
    worker_id = w["workers"][0].id
    attempt = await _start(worker_id)
    before = await _snapshot(attempt.id)
    with pytest.raises(ServiceError, match="not part of this exam"):
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=outsider.id, choices=["B"], now=NOW
        )
    single = (await selectors.attempt_items(attempt=attempt))[0]
    with pytest.raises(ServiceError, match="exactly one option"):
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=single.question_id, choices=["A", "B"], now=NOW
        )
    with pytest.raises(ServiceError):
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=single.question_id, choices=["Z"], now=NOW
        )
    assert await _snapshot(attempt.id) == before


async def test_another_workers_attempt_is_not_found_for_reading_answering_or_submitting(db):
    from tortoise.exceptions import DoesNotExist

    w = await world()
    await make_bank()
    owner, other = w["workers"][0].id, w["workers"][1].id
    attempt = await _start(owner)
    item = (await selectors.attempt_items(attempt=attempt))[0]
    before = await _snapshot(attempt.id)
    with pytest.raises(DoesNotExist):
        await selectors.attempt_get(worker_id=other, attempt_id=attempt.id)
    with pytest.raises(DoesNotExist):
        await services.mock_save_answer(
            worker_id=other, attempt_id=attempt.id, question_id=item.question_id, choices=["B"], now=NOW
        )
    with pytest.raises(DoesNotExist):
        await services.mock_submit(worker_id=other, attempt_id=attempt.id, now=NOW)
    assert await _snapshot(attempt.id) == before
    assert (await MockAttempt.get(id=attempt.id)).status == AttemptStatus.IN_PROGRESS


async def test_submission_scores_by_the_national_rule_and_a_second_submission_changes_nothing(db):
    w = await world()
    await make_bank()
    worker_id = w["workers"][0].id
    attempt = await _start(worker_id)
    items = await selectors.attempt_items(attempt=attempt)
    singles = [i for i in items if i.kind.value == "single"]
    multiples = [i for i in items if i.kind.value == "multiple"]

    async def save(item, letters):
        await services.mock_save_answer(
            worker_id=worker_id, attempt_id=attempt.id, question_id=item.question_id, choices=list(letters), now=NOW
        )

    # Singles (answer B): 50 right, 5 wrong, 5 unanswered → 50 points.
    for item in singles[:50]:
        await save(item, "B")
    for item in singles[50:55]:
        await save(item, "C")
    # Multiples (answer ACD, 2 points): 10 exactly right → 20; 4 with AC → 4 × 1.0 = 4; 3 with A → 3 × 0.5 = 1.5;
    # 2 with ACE (a wrong option) → 0; 1 unanswered → 0. Multiples total 25.5.
    for item in multiples[:10]:
        await save(item, "ACD")
    for item in multiples[10:14]:
        await save(item, "AC")
    for item in multiples[14:17]:
        await save(item, "A")
    for item in multiples[17:19]:
        await save(item, "ACE")
    done = await services.mock_submit(worker_id=worker_id, attempt_id=attempt.id, now=NOW + timedelta(minutes=30))
    # Total 50 + 25.5 = 75.5.
    assert done.score == Decimal("75.5") and done.status == AttemptStatus.SUBMITTED
    sections = {b.key: b for b in await selectors.attempt_breakdown(attempt=attempt, by="section")}
    assert sections["single"].awarded == Decimal(50) and sections["single"].answered == 55
    assert sections["multiple"].awarded == Decimal("25.5") and sections["multiple"].answered == 19
    # Every answered item is kept as an answer; the wrong ones (5 singles, 4 + 3 + 2 multiples) enter the notebook.
    assert await Answer.filter(worker_id=worker_id, source="mock").count() == 74
    assert await NotebookEntry.filter(worker_id=worker_id).count() == 14
    stored = await _snapshot(attempt.id)
    with pytest.raises(services.AttemptClosed, match="already been handed in"):
        await services.mock_submit(worker_id=worker_id, attempt_id=attempt.id, now=NOW + timedelta(minutes=31))
    after = await MockAttempt.get(id=attempt.id)
    assert after.score == Decimal("75.5") and await _snapshot(attempt.id) == stored
    assert await Answer.filter(worker_id=worker_id, source="mock").count() == 74
    with pytest.raises(services.AttemptClosed, match="handed in"):
        await save(singles[59], "B")


async def test_an_attempt_past_its_deadline_is_scored_as_expired_with_the_answers_saved_in_time(db):
    w = await world()
    await make_bank()
    worker_id = w["workers"][0].id
    attempt = await _start(worker_id)
    first = (await selectors.attempt_items(attempt=attempt))[0]
    await services.mock_save_answer(
        worker_id=worker_id, attempt_id=attempt.id, question_id=first.question_id, choices=["B"], now=NOW
    )
    assert await services.mock_expire_overdue(worker_id=worker_id, now=NOW + timedelta(minutes=60)) == 0
    assert await services.mock_expire_overdue(worker_id=worker_id, now=NOW + timedelta(minutes=121)) == 1
    expired = await MockAttempt.get(id=attempt.id)
    assert expired.status == AttemptStatus.EXPIRED and expired.score == Decimal(1)
    assert expired.finished_at == attempt.deadline_at


async def test_practice_answers_are_stored_and_the_notebook_follows_the_leitner_boxes(db):
    w = await world()
    worker_id = w["workers"][0].id
    q = await make_question(answer="B")
    version = await selectors.current_version(question=q)

    async def answer(letter, days, review=False):
        return await services.practice_answer(
            worker_id=worker_id,
            question_id=q.id,
            version_id=version.id,
            choices=[letter],
            review=review,
            now=NOW + timedelta(days=days),
        )

    wrong = await answer("C", 0)
    assert wrong.correct is False
    entry = await NotebookEntry.get(worker_id=worker_id, question_id=q.id)
    assert (entry.box, entry.due_on) == (1, NOW.date() + timedelta(days=1))
    # Right before it is due: the schedule stays.
    await answer("B", 0)
    entry = await NotebookEntry.get(id=entry.id)
    assert entry.box == 1
    assert await selectors.notebook_due_count(worker_id=worker_id, today=NOW.date()) == 0
    assert await selectors.notebook_due_count(worker_id=worker_id, today=NOW.date() + timedelta(days=1)) == 1
    # Day 1: right in review → box 2, due day 3. Day 3: right → box 3, due day 7. Day 7: wrong → box 1, due day 8.
    await answer("B", 1, review=True)
    entry = await NotebookEntry.get(id=entry.id)
    assert (entry.box, entry.due_on) == (2, NOW.date() + timedelta(days=3))
    await answer("B", 3, review=True)
    entry = await NotebookEntry.get(id=entry.id)
    assert (entry.box, entry.due_on) == (3, NOW.date() + timedelta(days=7))
    await answer("A", 7, review=True)
    entry = await NotebookEntry.get(id=entry.id)
    assert (entry.box, entry.due_on, entry.wrong_count) == (1, NOW.date() + timedelta(days=8), 2)
    assert await Answer.filter(worker_id=worker_id, question_id=q.id).count() == 5
    assert await Answer.filter(worker_id=worker_id, source="review").count() == 3


async def test_a_practice_answer_without_an_option_is_refused_and_nothing_is_written(db):
    w = await world()
    q = await make_question()
    version = await selectors.current_version(question=q)
    with pytest.raises(ServiceError, match="Choose an option"):
        await services.practice_answer(
            worker_id=w["workers"][0].id, question_id=q.id, version_id=version.id, choices=[], now=NOW
        )
    assert await Answer.all().count() == 0


async def test_a_case_answer_is_self_marked_once_against_the_model_answer(db):
    w = await world()
    worker_id = w["workers"][0].id
    q = await make_question(subject="I-SW", kind="case")
    version = await selectors.current_version(question=q)
    answer = await services.practice_answer(
        worker_id=worker_id, question_id=q.id, version_id=version.id, text="我的分析", now=NOW
    )
    assert answer.correct is None
    marked = await services.practice_self_mark(worker_id=worker_id, answer_id=answer.id, correct=False, now=NOW)
    assert marked.correct is False
    assert await NotebookEntry.filter(worker_id=worker_id, question_id=q.id).exists()
    with pytest.raises(ServiceError):
        await services.practice_self_mark(worker_id=worker_id, answer_id=answer.id, correct=True, now=NOW)


async def test_readiness_worked_example_from_stored_mocks_and_answers(db):
    w = await world()
    worker_id = w["workers"][0].id
    # Bank: T1 6 questions, T2 3, T3 1 (shares 0.6, 0.3, 0.1).
    t1 = [await make_question(topic="T1") for _ in range(6)]
    t2 = [await make_question(topic="T2") for _ in range(3)]
    await make_question(topic="T3")
    # Mocks scored 70, 80, 60 of 100 (and an older 10, beyond the last three).
    for minutes, score in ((1, 10), (2, 70), (3, 80), (4, 60)):
        await MockAttempt.create(
            worker_id=worker_id,
            subject="A-ZH",
            seed=1,
            status=AttemptStatus.SUBMITTED,
            started_at=NOW,
            deadline_at=NOW,
            finished_at=NOW + timedelta(minutes=minutes),
            full_marks=100,
            pass_mark=60,
            score=score,
        )

    async def answers(questions, total, right):
        for i in range(total):
            q = questions[i % len(questions)]
            v = await selectors.current_version(question=q)
            await Answer.create(
                worker_id=worker_id,
                question=q,
                version=v,
                source="practice",
                response="B" if i < right else "C",
                correct=i < right,
                answered_at=NOW - timedelta(days=1),
            )

    await answers(t1, 10, 8)  # T1: 8 of 10 right
    await answers(t2, 5, 2)  # T2: 2 of 5 right
    # An answer older than 90 days does not count.
    v = await selectors.current_version(question=t2[0])
    await Answer.create(
        worker_id=worker_id,
        question=t2[0],
        version=v,
        source="practice",
        response="C",
        correct=False,
        answered_at=NOW - timedelta(days=91),
    )
    subject = await exam_paper("A-ZH")
    r = (await selectors.readiness_for(worker_id=worker_id, subjects=[subject], now=NOW))["A-ZH"]
    # Mock mean (60 + 80 + 70) ÷ 300 = 0.70; topic accuracy (0.6 × 0.8 + 0.3 × 0.4) ÷ 0.9 = 0.6667;
    # expected 100 × (0.6 × 0.70 + 0.4 × 0.6667) = 68.7.
    assert r.mock_mean == Decimal("0.7")
    assert r.expected == Decimal("68.7")
    assert [(t.topic, t.answered, t.correct) for t in r.weakest] == [("T2", 5, 2), ("T1", 10, 8)]
    # Another worker's readiness is empty.
    other = (await selectors.readiness_for(worker_id=w["workers"][1].id, subjects=[subject], now=NOW))["A-ZH"]
    assert other.expected is None


async def test_a_question_with_a_bad_answer_key_is_refused_and_nothing_is_written(db):
    w = await world()
    admin = Scope(user_id=w["users"]["admin"].id, role=w["users"]["admin"].role)
    base = dict(actor=w["users"]["admin"], scope=admin, subject="A-ZH", topic="T", difficulty=2, stem="题干")
    cases = [
        (dict(kind="single", options=["a", "b", "c", "d"], answer="AB"), "answer"),
        (dict(kind="single", options=["a", "b", "c", "d"], answer="E"), "answer"),
        (dict(kind="multiple", options=["a", "b", "c", "d"], answer="A"), "answer"),
        (dict(kind="multiple", options=["a", "b", "c", "d"], answer="ABCD"), "answer"),
        (dict(kind="single", options=["a", "", "c", "d"], answer="A"), "option_b"),
        (dict(kind="case", options=[], answer=""), "model_answer"),
        (dict(kind="single", options=["a", "b"], answer="A", subject="X-YZ"), "subject"),
    ]
    for extra, field in cases:
        with pytest.raises(ServiceError) as exc:
            await services.question_create(**{**base, **extra})
        assert exc.value.field == field, extra
    assert await Question.all().count() == 0 and await QuestionVersion.all().count() == 0


async def test_a_bureau_edits_only_questions_authored_in_its_region(db):
    w = await world()
    bureau = w["users"]["bureau"]
    scope = Scope(user_id=bureau.id, role=bureau.role, region_path=w["regions"]["county_a"].path)
    mine = await services.question_create(
        actor=bureau,
        scope=scope,
        subject="A-SW",
        topic="T",
        kind="single",
        difficulty=1,
        stem="题",
        options=["a", "b"],
        answer="A",
    )
    assert mine.region_path == w["regions"]["county_a"].path
    national = await make_question()
    assert await selectors.question_get(scope=scope, question_id=mine.id, for_edit=True)
    from tortoise.exceptions import DoesNotExist

    with pytest.raises(DoesNotExist):
        await selectors.question_get(scope=scope, question_id=national.id, for_edit=True)


async def test_the_demo_bank_has_over_150_questions_fills_both_assistant_papers_and_loads_once(db):
    w = await world()
    assert await services.demo_bank_load() >= 150
    assert await services.demo_bank_load() == 0
    for code in ("A-ZH", "A-SW"):
        attempt = await services.mock_start(worker_id=w["workers"][0].id, subject=code, now=NOW, seed=3)
        assert attempt.question_count == 80 and attempt.full_marks == Decimal(100)
    # Every demo question is well formed by the authoring rules.
    from courses.examprep.demo_bank import questions

    for q in questions():
        await services._check_question(
            subject=q.subject, kind=q.kind, stem=q.stem, options=q.options, answer=q.answer, model_answer=""
        )
