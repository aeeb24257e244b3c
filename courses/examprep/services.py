"""Writes for exam prep: authoring questions (versioned, audited), practice answers and the Leitner notebook,
and mock exams (start, autosave, submit/expire and scoring).

An autosave is one UPDATE of one item row, conditional on the attempt being the worker's, in progress and
before its deadline; only when it changes nothing does a second read find out why. An attempt whose deadline
passed without a hand-in is scored as expired by the worker's next write (starting a mock, handing in, marking),
never by a page read. Dates (the notebook's schedule) are days on the platform's clock, not in UTC.
"""

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from courses.examprep import rules
from courses.examprep.access import can_edit, home_bank, worker_reach
from courses.examprep.demo_bank import questions as demo_questions
from courses.examprep.models import (
    Answer,
    AnswerSource,
    AttemptItem,
    AttemptStatus,
    Kind,
    MockAttempt,
    NotebookEntry,
    Question,
    QuestionVersion,
)
from courses.examprep.selectors import practice_version
from talent import rawsql
from talent.audit.models import Action, Entity
from talent.audit.services import Audited, audit_record
from talent.certification.for_examprep import exam_paper, exam_subject
from talent.core.access import Permission, Scope
from talent.core.clock import local_time
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _

MAX_OPTIONS = 8
MAX_CASE_ANSWER = 20000
QUESTION_AUDIT_FIELDS = ["subject", "topic", "kind", "difficulty", "is_active", "version"]
VERSION_FIELDS = ("stem", "options", "answer", "model_answer", "rubric", "explanation")
QUESTION = Audited(Entity.QUESTION, QUESTION_AUDIT_FIELDS)


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, or past its deadline): answered with 409."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ── authoring ──────────────────────────────────────────────────────────────────────────────────────────────


def check_wording(*, kind: str, stem: str, options: Sequence[str], answer: str, model_answer: str) -> tuple[list, str]:
    """The authoring rules for a question's wording; returns the cleaned options and answer letters.
    Raises ServiceError naming the form field (also the spreadsheet column) at fault."""
    if kind not in {k.value for k in Kind}:
        raise ServiceError("kind", N_("Choose one of the options."))
    if not stem.strip():
        raise ServiceError("stem", N_("This field is required."))
    options = [o.strip() for o in options]
    while options and not options[-1]:
        options.pop()
    if kind == Kind.CASE:
        if not model_answer.strip():
            raise ServiceError("model_answer", N_("A case needs a model answer."))
        return [], ""
    if "" in options:
        raise ServiceError(f"option_{'abcdefgh'[options.index('')]}", N_("Fill the options in order, without gaps."))
    if len(options) < 2 or len(options) > MAX_OPTIONS:
        raise ServiceError("option_b", N_("Give at least two options."))
    letters = rules.normalise_letters(answer)
    if not letters or len(letters) != len(answer.replace(" ", "").replace(",", "")):
        raise ServiceError("answer", N_("Give the correct option letters, e.g. B or ACD."))
    if any(rules.LETTERS.index(ch) >= len(options) for ch in letters):
        raise ServiceError("answer", N_("The answer names an option that does not exist."))
    if kind == Kind.SINGLE and len(letters) != 1:
        raise ServiceError("answer", N_("A single-choice question has exactly one correct option."))
    if kind == Kind.MULTIPLE and not 2 <= len(letters) < len(options):
        raise ServiceError(
            "answer", N_("A multiple-choice question has at least two correct options and at least one wrong one.")
        )
    return options, letters


def _day(now: datetime) -> date:
    """The day `now` falls on, on the platform's clock (at 07:00 in Nanjing it is already the next day in UTC+8)."""
    return local_time(now).date()


async def _check_question(
    *, subject: str, kind: str, stem: str, options: Sequence[str], answer: str, model_answer: str
) -> tuple[list[str], str]:
    if await exam_subject(subject) is None:
        raise ServiceError("subject", N_("Unknown subject."))
    return check_wording(kind=kind, stem=stem, options=options, answer=answer, model_answer=model_answer)


async def _question_values(
    *,
    subject: str,
    topic: str,
    kind: str,
    difficulty: int,
    stem: str,
    options: Sequence[str],
    answer: str = "",
    model_answer: str = "",
    rubric: str = "",
    explanation: str = "",
    is_active: bool = True,
    note: str = "",
) -> tuple[dict, dict, str]:
    """A question as question_create and question_update take it, checked: (the question's own fields, the
    wording its version holds, the version's note)."""
    options, letters = await _check_question(
        subject=subject, kind=kind, stem=stem, options=options, answer=answer, model_answer=model_answer
    )
    values = {"subject": subject, "topic": topic.strip(), "kind": Kind(kind), "difficulty": difficulty}
    wording = {
        "stem": stem.strip(),
        "options": options,
        "answer": letters,
        "model_answer": model_answer.strip(),
        "rubric": rubric.strip(),
        "explanation": explanation.strip(),
    }
    return {**values, "is_active": is_active}, wording, note.strip()


async def question_create(*, actor, scope: Scope, **fields) -> Question:
    """Add a question to the actor's own bank, with its first version. `fields`: see _question_values."""
    if not scope.can(Permission.QUESTION_BANK):
        raise ServiceError("__all__", N_("You may not do this."))
    values, wording, note = await _question_values(**fields)
    region_path = home_bank(scope)
    async with in_transaction():
        question = await Question.create(**values, region_path=region_path, version=1, created_by=actor)
        await QuestionVersion.create(
            question=question, number=1, is_current=True, note=note, created_by=actor, **wording
        )
        summary = f"{values['subject']} {wording['stem'][:60]}"
        await QUESTION.created(actor, question, summary, region_path=region_path)
    return question


async def question_update(*, actor, scope: Scope, question: Question, **fields) -> Question:
    """Change a question (`fields`: see _question_values). New wording (stem, options, answer, model answer,
    rubric, explanation) becomes a new version; the old version stays for the attempts and answers that used it."""
    if not can_edit(scope, question):
        raise ServiceError("__all__", N_("You may not do this."))
    values, wording, note = await _question_values(**fields)
    async with in_transaction():
        question = await Question.select_for_update().get(id=question.id)
        current = await QuestionVersion.get(question_id=question.id, is_current=True)
        if any(getattr(current, k) != v for k, v in wording.items()):
            await QuestionVersion.filter(id=current.id).update(is_current=False)
            values["version"] = current.number + 1
            await QuestionVersion.create(
                question_id=question.id,
                number=values["version"],
                is_current=True,
                note=note,
                created_by=actor,
                **wording,
            )
        summary = f"{values['subject']} {wording['stem'][:60]}"
        await QUESTION.update(actor, question, values, summary, region_path=question.region_path)
    return question


async def demo_bank_load(*, actor=None) -> int:
    """Load the demo bank into the national bank once; returns how many questions were added (0 if present).
    `talent demo` loads it with the demo data."""
    demo = demo_questions()
    if await Question.filter(region_path="", subject__in=sorted({q.subject for q in demo})).exists():
        return 0
    async with in_transaction():
        rows = [
            Question(subject=q.subject, topic=q.topic, kind=Kind(q.kind), difficulty=q.difficulty, version=1)
            for q in demo
        ]
        await Question.bulk_create(rows)
        created = await Question.filter(region_path="", subject__in=sorted({q.subject for q in demo})).order_by("id")
        await QuestionVersion.bulk_create(
            [
                QuestionVersion(
                    question_id=row.id,
                    number=1,
                    is_current=True,
                    stem=q.stem,
                    options=list(q.options),
                    answer=q.answer,
                    explanation=q.explanation,
                    note="demo",
                )
                for row, q in zip(created, demo, strict=True)
            ]
        )
        await audit_record(
            actor=actor, action=Action.CREATE, entity=Entity.DEMO, entity_id="examprep", summary="demo question bank"
        )
    return len(demo)


# ── practice and the Leitner notebook ──────────────────────────────────────────────────────────────────────


async def _notebook_apply(*, worker_id: int, results: dict[int, bool], today: date, now: datetime) -> None:
    """Wrong → into the notebook at box 1 (or back to box 1); right on a due entry → the next box.
    A right answer to a question not yet due leaves its schedule alone."""
    if not results:
        return
    existing = {
        e.question_id: e for e in await NotebookEntry.filter(worker_id=worker_id, question_id__in=list(results))
    }
    new, changed = [], []
    for question_id, correct in results.items():
        entry = existing.get(question_id)
        if entry is None:
            if not correct:
                box, due = rules.leitner_next(None, False, today)
                new.append(
                    NotebookEntry(
                        worker_id=worker_id,
                        question_id=question_id,
                        box=box,
                        due_on=due,
                        wrong_count=1,
                        reviewed_at=now,
                    )
                )
            continue
        if correct and entry.due_on > today:
            continue
        entry.box, entry.due_on = rules.leitner_next(entry.box, correct, today)
        entry.wrong_count += 0 if correct else 1
        entry.reviewed_at = now
        changed.append(entry)
    if new:
        await NotebookEntry.bulk_create(new, ignore_conflicts=True)
    if changed:
        await NotebookEntry.bulk_update(changed, fields=["box", "due_on", "wrong_count", "reviewed_at"])


def _letters_or_error(choices: Sequence[str], kind: str, option_count: int | None) -> str:
    raw = "".join(choices).upper().replace(" ", "")
    letters = rules.normalise_letters(raw)
    if len(letters) != len(raw):
        raise ServiceError("choice", N_("Choose among the options shown."))
    if option_count is not None and any(rules.LETTERS.index(ch) >= option_count for ch in letters):
        raise ServiceError("choice", N_("Choose among the options shown."))
    if kind == Kind.SINGLE and len(letters) > 1:
        raise ServiceError("choice", N_("A single-choice question takes exactly one option."))
    return letters


async def practice_answer(
    *,
    worker_id: int,
    question_id: int,
    version_id: int,
    choices: Sequence[str] = (),
    text: str = "",
    review: bool = False,
    now: datetime,
    reach: Sequence[str] | None = None,
) -> Answer:
    """Store a practice (or review) answer and update the notebook; returns the stored answer. A question
    outside the worker's reach (read here unless given) is not found."""
    if reach is None:
        reach = await worker_reach(worker_id=worker_id, today=_day(now))
    version = await practice_version(question_id=question_id, version_id=version_id, reach=reach)
    kind = version.question.kind
    if kind == Kind.CASE:
        response = text.strip()
        if not response:
            raise ServiceError("text", N_("Write your answer first."))
        if len(response) > MAX_CASE_ANSWER:
            raise ServiceError("text", N_("At most %(n)s characters."), n=MAX_CASE_ANSWER)
        correct = None
    else:
        response = _letters_or_error(choices, kind, len(version.options))
        if not response:
            raise ServiceError("choice", N_("Choose an option."))
        correct = rules.is_correct(kind, version.answer, response)
    async with in_transaction():
        answer = await Answer.create(
            worker_id=worker_id,
            question_id=question_id,
            version_id=version.id,
            source=AnswerSource.REVIEW if review else AnswerSource.PRACTICE,
            response=response,
            correct=correct,
            answered_at=now,
        )
        if correct is not None:
            await _notebook_apply(worker_id=worker_id, results={question_id: correct}, today=_day(now), now=now)
    answer.version = version
    return answer


async def practice_self_mark(*, worker_id: int, answer_id: int, correct: bool, now: datetime) -> Answer:
    """A case answer is marked by the worker against the model answer and rubric, once."""
    async with in_transaction():
        answer = await Answer.get(id=answer_id, worker_id=worker_id).select_related("question")
        if answer.question.kind != Kind.CASE or answer.correct is not None:
            raise ServiceError("__all__", N_("This answer is already marked."))
        await Answer.filter(id=answer.id).update(correct=correct)
        answer.correct = correct
        await _notebook_apply(worker_id=worker_id, results={answer.question_id: correct}, today=_day(now), now=now)
    return answer


# ── mock exams ─────────────────────────────────────────────────────────────────────────────────────────────


async def mock_start(
    *, worker_id: int, subject: str, now: datetime, seed: int | None = None, reach: Sequence[str] | None = None
) -> MockAttempt:
    """Assemble a paper to the subject's structure (the exam catalogue's) from the questions within the worker's
    reach (read here unless given), preferring those the worker has not seen, and store it. An attempt of the
    same subject still in progress is resumed instead. The worker's attempts past their deadline are scored as
    expired first (this is the next write after their time ran out)."""
    spec = await exam_paper(subject)
    if spec is None:
        raise ServiceError("subject", N_("Unknown subject."))
    async with in_transaction():
        await mock_expire_overdue(worker_id=worker_id, now=now)
        running = await MockAttempt.filter(
            worker_id=worker_id, subject=subject, status=AttemptStatus.IN_PROGRESS, deadline_at__gt=now
        ).first()
        if running is not None:
            return running
        if reach is None:
            reach = await worker_reach(worker_id=worker_id, today=_day(now))
        pool_rows = await QuestionVersion.filter(
            is_current=True, question__subject=subject, question__is_active=True, question__region_path__in=list(reach)
        ).values("id", "question_id", "question__kind", "question__topic")
        if not pool_rows:
            raise ServiceError("subject", N_("The question bank has no questions for this subject yet."))
        seen = set(
            await Answer.filter(worker_id=worker_id, question__subject=subject)
            .order_by("question_id")
            .distinct()
            .values_list("question_id", flat=True)
        )
        seen |= set(
            await AttemptItem.filter(attempt__worker_id=worker_id, attempt__subject=subject)
            .order_by("question_id")
            .distinct()
            .values_list("question_id", flat=True)
        )
        pool = [
            rules.PoolQuestion(r["question_id"], r["id"], str(r["question__kind"]), r["question__topic"])
            for r in pool_rows
        ]
        seed = seed if seed is not None else secrets.randbits(31)
        structure = rules.attempt_structure(spec.paper)
        paper = rules.assemble(structure["sections"], pool, seen, seed)
        full = sum((points for _q, points in paper), Decimal(0))
        marks = spec.paper
        pass_mark = (marks.pass_mark * full / marks.full_marks).quantize(Decimal("0.1")) if marks.full_marks else full
        attempt = await MockAttempt.create(
            worker_id=worker_id,
            subject=subject,
            seed=seed,
            status=AttemptStatus.IN_PROGRESS,
            started_at=now,
            deadline_at=now + timedelta(minutes=spec.paper.minutes),
            structure=structure,
            full_marks=full,
            pass_mark=pass_mark,
            question_count=len(paper),
        )
        await AttemptItem.bulk_create(
            [
                AttemptItem(
                    attempt_id=attempt.id,
                    position=i,
                    question_id=q.question_id,
                    version_id=q.version_id,
                    kind=Kind(q.kind),
                    points=points,
                )
                for i, (q, points) in enumerate(paper, 1)
            ]
        )
    return attempt


@cache
def _save_answer_sql() -> str:
    # The hot path of a sitting exam (about 170 a second at 10,000 takers): one fixed UPDATE that only
    # matches while the attempt is the worker's, in progress and before its deadline.
    return (
        f"UPDATE {AttemptItem._meta.db_table} SET response = $1, answered_at = $2 "
        "WHERE attempt_id = $3 AND question_id = $4 AND kind IN ($5, $6) AND attempt_id IN ("
        f"SELECT id FROM {MockAttempt._meta.db_table} "
        "WHERE id = $3 AND worker_id = $7 AND status = $8 AND deadline_at > $9)"
    )


async def mock_save_answer(
    *, worker_id: int, attempt_id: int, question_id: int, choices: Sequence[str] = (), text: str | None = None, now
) -> None:
    """Autosave one answer: a single conditional UPDATE of the item row (attempt × question).

    Refused with AttemptClosed after the stored deadline or once submitted; a question that is not part of
    the attempt, or a second option on a single-choice item, is a ServiceError; another worker's attempt is
    not found. Nothing is written when refused."""
    if text is not None and not choices:
        response, kinds = text.strip()[:MAX_CASE_ANSWER], [Kind.CASE]
    else:
        response = _letters_or_error(choices, Kind.MULTIPLE, None)
        kinds = [Kind.SINGLE, Kind.MULTIPLE] if len(response) <= 1 else [Kind.MULTIPLE]
    updated = await rawsql.execute(
        AttemptItem,
        _save_answer_sql(),
        response,
        rawsql.db_value(AttemptItem, "answered_at", now if response else None),
        attempt_id,
        question_id,
        kinds[0].value,
        kinds[-1].value,
        worker_id,
        AttemptStatus.IN_PROGRESS.value,
        rawsql.db_value(MockAttempt, "deadline_at", now),
    )
    if updated:
        return
    attempt = await MockAttempt.get(id=attempt_id, worker_id=worker_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed(_("This exam has been handed in; answers can no longer change."))
    if attempt.deadline_at <= now:
        raise AttemptClosed(_("Time is up: answers after the deadline are not accepted."))
    if not await AttemptItem.filter(attempt_id=attempt_id, question_id=question_id).exists():
        raise ServiceError("question", N_("This question is not part of this exam."))
    raise ServiceError("choice", N_("A single-choice question takes exactly one option."))


async def mock_submit(*, worker_id: int, attempt_id: int, now: datetime) -> MockAttempt:
    """Hand in an attempt and score it (after its deadline this is the expiry scoring: answers saved in time
    count, the attempt is marked expired). A second submission is refused and changes nothing."""
    async with in_transaction():
        attempt = await MockAttempt.get(id=attempt_id, worker_id=worker_id)
        expired = now >= attempt.deadline_at
        status = AttemptStatus.EXPIRED if expired else AttemptStatus.SUBMITTED
        finished = attempt.deadline_at if expired else now
        claimed = await MockAttempt.filter(id=attempt.id, status=AttemptStatus.IN_PROGRESS).update(
            status=status, finished_at=finished
        )
        if not claimed:
            raise AttemptClosed(_("This exam has already been handed in."))
        attempt.score = await _score(attempt=attempt, worker_id=worker_id, now=now)
        attempt.status, attempt.finished_at = status, finished
    return attempt


async def _score(*, attempt: MockAttempt, worker_id: int, now: datetime) -> Decimal:
    items = await AttemptItem.filter(attempt_id=attempt.id).select_related("version")
    total = Decimal(0)
    results: dict[int, bool] = {}
    answers = []
    for item in items:
        if item.kind == Kind.CASE:
            item.awarded = None  # marked by the worker against the model answer
        else:
            item.awarded = rules.mark(item.kind, item.version.answer, item.response, item.points)
            total += item.awarded
        if item.response:
            correct = rules.is_correct(item.kind, item.version.answer, item.response)
            if correct is not None:
                results[item.question_id] = correct
            answers.append(
                Answer(
                    worker_id=worker_id,
                    question_id=item.question_id,
                    version_id=item.version_id,
                    source=AnswerSource.MOCK,
                    response=item.response,
                    correct=correct,
                    answered_at=item.answered_at or now,
                )
            )
    if items:
        await AttemptItem.bulk_update(items, fields=["awarded"])
    if answers:
        await Answer.bulk_create(answers)
    await MockAttempt.filter(id=attempt.id).update(score=total)
    await _notebook_apply(worker_id=worker_id, results=results, today=_day(now), now=now)
    return total


async def mock_expire_overdue(*, worker_id: int, now: datetime) -> int:
    """Score the worker's attempts whose deadline has passed without a submission."""
    ids = await MockAttempt.filter(
        worker_id=worker_id, status=AttemptStatus.IN_PROGRESS, deadline_at__lte=now
    ).values_list("id", flat=True)
    done = 0
    for attempt_id in ids:
        try:
            await mock_submit(worker_id=worker_id, attempt_id=attempt_id, now=now)
            done += 1
        except AttemptClosed:
            pass
    return done


# ── self-marking of case answers after hand-in ─────────────────────────────────────────────────────────────


def _half_points(raw) -> Decimal:
    """A self-mark as a Decimal in steps of 0.5 ('12', '12.5', 12.5); anything else is a ServiceError."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or value * 2 != (value * 2).to_integral_value():
        raise ServiceError("score", N_("Give the points in steps of 0.5, e.g. 12 or 12.5."))
    return value


async def attempt_total(*, attempt_id: int) -> Decimal:
    """An attempt's score: its auto-marked items plus its self-marked case answers, summed in SQL."""
    rows = (
        await AttemptItem.filter(attempt_id=attempt_id)
        .annotate(auto=Sum("awarded"), own=Sum("self_score"))
        .values("auto", "own")
    )
    row = rows[0] if rows else {}
    return (Decimal(str(row.get("auto") or 0)) + Decimal(str(row.get("own") or 0))).quantize(Decimal("0.1"))


async def mock_item_self_mark(*, worker_id: int, attempt_id: int, question_id: int, score) -> AttemptItem:
    """The worker marks a case answer of a handed-in (or expired) attempt against the model answer and rubric:
    0 to the item's points in steps of 0.5. A mark may be changed; the attempt's score becomes the
    auto-marked points plus the self-marked ones again.

    Another worker's attempt, or a question not in it, is not found. Refused with a ServiceError, nothing
    written: before hand-in, for an auto-marked (choice) item, for an unanswered case (it scores 0) and for a
    score outside 0..points or not in steps of 0.5."""
    async with in_transaction():
        # Locks the attempt row, so two marks saved at once each add up every item.
        attempt = await MockAttempt.select_for_update().get(id=attempt_id, worker_id=worker_id)
        item = await AttemptItem.get(attempt_id=attempt.id, question_id=question_id)
        if attempt.status == AttemptStatus.IN_PROGRESS:
            raise ServiceError("__all__", N_("Hand the exam in first; then mark your case answers."))
        if item.kind != Kind.CASE:
            raise ServiceError(
                "__all__", N_("Only case answers are self-marked; this question is marked automatically.")
            )
        if not item.response:
            raise ServiceError("__all__", N_("This question was not answered, so it scores 0."))
        value = _half_points(score)
        if not Decimal(0) <= value <= item.points:
            raise ServiceError("score", N_("Give between 0 and %(p)s points."), p=format(item.points.normalize(), "f"))
        await AttemptItem.filter(id=item.id).update(self_score=value)
        item.self_score = value
        attempt.score = await attempt_total(attempt_id=attempt.id)
        await MockAttempt.filter(id=attempt.id).update(score=attempt.score)
    item.attempt = attempt
    return item
