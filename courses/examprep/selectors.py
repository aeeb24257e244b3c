"""Reads for exam prep. A worker reads only their own answers, notebook and attempts (every query here is
filtered by worker_id, or takes an attempt read that way, so another worker's attempt id is simply not found →
404). Which questions a viewer reaches is courses.examprep.access's; no read here writes (an attempt past its
deadline is shown as run out until the next write scores it)."""

import json
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q, RawSQL
from tortoise.functions import Count, Sum

from courses.examprep import rules
from courses.examprep.access import readable_questions, visible, worker_reach
from courses.examprep.models import (
    Answer,
    AttemptItem,
    AttemptStatus,
    Kind,
    MockAttempt,
    NotebookEntry,
    Question,
    QuestionVersion,
)
from talent.certification.models import ExamSubject
from talent.core.access import Scope
from talent.core.aggregate import count_by
from talent.core.clock import local_time
from talent.core.export import batched
from talent.core.filters import filtered_by_given
from talent.core.pagination import ListParams, Page, paginate
from talent.core.sql import icontains, literal_bool

READINESS_DAYS = 90
BANK_SORTS = {"subject": "question__subject", "topic": "question__topic", "kind": "question__kind", "id": "question_id"}
NOTEBOOK_SORTS = {"due": "due_on", "box": "box", "wrong": "wrong_count", "topic": "question__topic"}
ATTEMPT_SORTS = {"started": "started_at", "subject": "subject", "score": "score"}


# ── the bank ──────────────────────────────────────────────────────────────────────────────────────────────


async def _reach_or_read(reach: Sequence[str] | None, worker_id: int, today: date) -> list[str]:
    return list(reach) if reach is not None else await worker_reach(worker_id=worker_id, today=today)


def _bank_query(*, scope: Scope, q: str, subject: str, kind: str, topic: str):
    # The flag written in (literal_bool): the unfiltered bank's count and page keep no parameter and are planned once
    # per connection on PostgreSQL.
    qs = QuestionVersion.filter(visible(scope, "question__"), is_current=literal_bool(True)).select_related("question")
    qs = filtered_by_given(qs, question__subject=subject, question__kind=kind, question__topic=topic)
    if q:
        qs = qs.filter(icontains("stem", q) | icontains("question__topic", q))
    return qs


async def bank_list(*, scope: Scope, params: ListParams, subject: str = "", kind: str = "", topic: str = "") -> Page:
    """Current versions of the questions the viewer sees in the bank (two queries whatever the page size)."""
    qs = _bank_query(scope=scope, q=params.q, subject=subject, kind=kind, topic=topic)
    return await paginate(qs, params, BANK_SORTS, default="subject")


def bank_export_versions(
    *, scope: Scope, q: str = "", subject: str = "", kind: str = "", topic: str = ""
) -> AsyncIterator[QuestionVersion]:
    """Every current version the bank list shows for these filters, read in keyset batches (for the export)."""
    return batched(_bank_query(scope=scope, q=q, subject=subject, kind=kind, topic=topic))


async def question_get(*, scope: Scope, question_id: int, for_edit: bool = False) -> Question:
    """A question of the bank pages; one outside the viewer's bank is not found (404)."""
    return await readable_questions(scope, for_edit=for_edit).get(id=question_id)


async def question_versions(*, question: Question) -> list[QuestionVersion]:
    """Every version of a question read through the viewer's reach (question_get), newest first."""
    return await QuestionVersion.filter(question_id=question.id).select_related("created_by").order_by("-number")


async def current_version(*, question: Question) -> QuestionVersion:
    """The current wording of a question read through the viewer's reach (the bank, or their own notebook)."""
    return await QuestionVersion.get(question_id=question.id, is_current=True)


async def bank_topics(*, subject: str, reach: Sequence[str]) -> list[dict]:
    """Topics of a subject's active questions within the worker's reach, with their counts, one grouped query."""
    return (
        await Question.filter(subject=subject, is_active=True, region_path__in=list(reach))
        .annotate(n=Count("id"))
        .group_by("topic")
        .order_by("topic")
        .values("topic", "n")
    )


async def bank_subject_counts(*, reach: Sequence[str]) -> dict[str, int]:
    """Active questions per subject within the worker's reach."""
    rows = (
        await Question.filter(is_active=True, region_path__in=list(reach))
        .annotate(n=Count("id"))
        .group_by("subject")
        .values("subject", "n")
    )
    return {r["subject"]: r["n"] for r in rows}


# ── practice and the notebook ──────────────────────────────────────────────────────────────────────────────


async def practice_pick(
    *, subject: str, reach: Sequence[str], topic: str = "", exclude: int | None = None
) -> QuestionVersion | None:
    """A random active question of the subject (and topic) within the worker's reach, other than the one just
    answered if possible."""
    qs = Question.filter(subject=subject, is_active=True, region_path__in=list(reach))
    if topic:
        qs = qs.filter(topic=topic)
    ids = await qs.values_list("id", flat=True)
    if len(ids) > 1 and exclude in ids:
        ids = [i for i in ids if i != exclude]
    if not ids:
        return None
    return await QuestionVersion.get(question_id=random.choice(ids), is_current=True).select_related("question")


async def practice_version(*, question_id: int, version_id: int, reach: Sequence[str]) -> QuestionVersion:
    """The version a worker answered: any version of an active question within their reach (the one they were
    shown). A question outside it is not found, so its answer key is not given away either."""
    return await QuestionVersion.get(
        id=version_id, question_id=question_id, question__is_active=True, question__region_path__in=list(reach)
    ).select_related("question")


async def answer_get(*, worker_id: int, answer_id: int) -> Answer:
    return await Answer.get(id=answer_id, worker_id=worker_id).select_related("question", "version")


# The notebook shows only questions within the worker's reach: after a move to another region the old region's
# questions are no longer theirs to practise (they come back with a move back, schedule intact).


def _due(worker_id: int, today: date, reach: Sequence[str], topic: str = ""):
    """The worker's notebook entries due on `today` (of active questions they may draw), optionally of one topic."""
    qs = NotebookEntry.filter(
        worker_id=worker_id, due_on__lte=today, question__is_active=True, question__region_path__in=reach
    )
    return qs.filter(question__topic=topic) if topic else qs


async def notebook_due_count(
    *, worker_id: int, today: date, reach: Sequence[str] | None = None, topic: str = ""
) -> int:
    reach = await _reach_or_read(reach, worker_id, today)
    return await _due(worker_id, today, reach, topic).count()


async def notebook_next_due(
    *, worker_id: int, today: date, reach: Sequence[str] | None = None, topic: str = ""
) -> NotebookEntry | None:
    reach = await _reach_or_read(reach, worker_id, today)
    return await _due(worker_id, today, reach, topic).select_related("question").order_by("due_on", "box", "id").first()


async def notebook_due_topics(*, worker_id: int, today: date, reach: Sequence[str]) -> list[dict]:
    """The topics with entries due today and how many each (one query), for "practise what is due" by topic."""
    return (
        await _due(worker_id, today, reach)
        .annotate(n=Count("id"))
        .group_by("question__subject", "question__topic")
        .order_by("question__subject", "question__topic")
        .values(subject="question__subject", topic="question__topic", n="n")
    )


async def notebook_entry(*, worker_id: int, entry_id: int, reach: Sequence[str]) -> NotebookEntry:
    """One of the worker's own entries, with its question, the question's current version (`version`) and the
    worker's latest wrong answer to it (`last_wrong`, or None); anyone else's is not found (404)."""
    entry = (
        await NotebookEntry.filter(id=entry_id, worker_id=worker_id, question__region_path__in=reach)
        .select_related("question")
        .get()
    )
    entry.version = await QuestionVersion.get(question_id=entry.question_id, is_current=True)
    entry.last_wrong = (
        await Answer.filter(worker_id=worker_id, question_id=entry.question_id, correct=False)
        .select_related("version")
        .order_by("-answered_at", "-id")
        .first()
    )
    return entry


async def notebook_list(
    *,
    worker_id: int,
    params: ListParams,
    subject: str = "",
    due_only: bool = False,
    today: date,
    reach: Sequence[str] | None = None,
):
    reach = await _reach_or_read(reach, worker_id, today)
    qs = NotebookEntry.filter(worker_id=worker_id, question__region_path__in=reach).select_related("question")
    if subject:
        qs = qs.filter(question__subject=subject)
    if due_only:
        qs = qs.filter(due_on__lte=today)
    if params.q:
        qs = qs.filter(icontains("question__topic", params.q))
    return await paginate(qs, params, NOTEBOOK_SORTS, default="due")


# ── mock exams ─────────────────────────────────────────────────────────────────────────────────────────────


async def attempt_get(*, worker_id: int, attempt_id: int) -> MockAttempt:
    """The worker's own attempt; anyone else's id is not found (404)."""
    return await MockAttempt.get(id=attempt_id, worker_id=worker_id)


@dataclass(frozen=True, slots=True)
class PaperItem:
    """One question of a paper as the taker sees it: no answer key, no timestamps."""

    position: int
    question_id: int
    kind: Kind
    points: Decimal
    response: str
    stem: str
    options: list[str]


async def attempt_paper(*, attempt: MockAttempt) -> list[PaperItem]:
    """The paper of an attempt in progress (read with attempt_get), in order. Plain rows rather than three models
    per question: every taker opens this 80-question page at the start of a sitting."""
    rows = (
        await AttemptItem.filter(attempt_id=attempt.id)
        .order_by("position")
        .values_list("position", "question_id", "kind", "points", "response", "version__stem", "version__options")
    )
    return [
        PaperItem(
            pos,
            qid,
            Kind(kind),
            points,
            response or "",
            stem,
            json.loads(options) if isinstance(options, str) else options,
        )
        for pos, qid, kind, points, response, stem, options in rows
    ]


async def attempt_items(*, attempt: MockAttempt) -> list[AttemptItem]:
    """The items of an attempt read with attempt_get, with their versions and questions, in paper order."""
    return await AttemptItem.filter(attempt_id=attempt.id).select_related("version", "question").order_by("position")


def _shown_at(attempts, now: datetime):
    """Each attempt with `shown`, its status as of now (one past its deadline has run out, though unscored)."""
    for attempt in attempts:
        attempt.shown = attempt.status_at(now)
    return attempts


async def attempt_list(*, worker_id: int, params: ListParams, now: datetime) -> Page:
    page = await paginate(MockAttempt.filter(worker_id=worker_id), params, ATTEMPT_SORTS, default="-started")
    _shown_at(page.items, now)
    return page


async def attempts_recent(*, worker_id: int, now: datetime, limit: int = 5) -> list[MockAttempt]:
    return _shown_at(await MockAttempt.filter(worker_id=worker_id).order_by("-started_at", "-id").limit(limit), now)


async def attempt_in_progress(*, worker_id: int, now: datetime) -> list[MockAttempt]:
    return await MockAttempt.filter(
        worker_id=worker_id, status=AttemptStatus.IN_PROGRESS, deadline_at__gt=now
    ).order_by("deadline_at")


@dataclass
class Breakdown:
    key: str
    questions: int
    answered: int
    points: Decimal
    awarded: Decimal

    @property
    def share(self) -> float:
        return float(self.awarded / self.points) if self.points else 0.0


async def attempt_breakdown(*, attempt: MockAttempt, by: str) -> list[Breakdown]:
    """Points and marks (auto-marked plus self-marked) of an attempt by section (question kind) or by topic,
    aggregated in SQL."""
    column = "kind" if by == "section" else "question__topic"
    base = AttemptItem.filter(attempt_id=attempt.id)
    totals = (
        await base.annotate(
            n=Count("id"), points_total=Sum("points"), awarded_total=Sum("awarded"), self_total=Sum("self_score")
        )
        .group_by(column)
        .values(column, "n", "points_total", "awarded_total", "self_total")
    )
    answered = {
        r[column]: r["n"]
        for r in await base.exclude(response="").annotate(n=Count("id")).group_by(column).values(column, "n")
    }
    rows = [
        Breakdown(
            key=Kind(r[column]) if by == "section" else str(r[column]),
            questions=r["n"],
            answered=answered.get(r[column], 0),
            points=Decimal(str(r["points_total"] or 0)),
            awarded=Decimal(str(r["awarded_total"] or 0)) + Decimal(str(r["self_total"] or 0)),
        )
        for r in totals
    ]
    if by == "section":
        order = {"single": 0, "multiple": 1, "case": 2}
        return sorted(rows, key=lambda b: order.get(b.key, 9))
    return sorted(rows, key=lambda b: (b.share, b.key))


@dataclass
class Marking:
    """How an attempt's score is made up: auto-marked points, self-marked points, case answers still to mark."""

    auto: Decimal
    own: Decimal
    unmarked: int
    unmarked_points: Decimal

    @property
    def total(self) -> Decimal:
        return self.auto + self.own


def _unmarked() -> Q:
    return Q(kind=Kind.CASE, self_score__isnull=True) & ~Q(response="")


async def attempt_marking(*, attempt: MockAttempt) -> Marking:
    """Two aggregate queries: the sums of auto and self marks, and the answered case items not yet marked."""
    rows = (
        await AttemptItem.filter(attempt_id=attempt.id)
        .annotate(auto=Sum("awarded"), own=Sum("self_score"))
        .values("auto", "own")
    )
    waiting = (
        await AttemptItem.filter(_unmarked(), attempt_id=attempt.id)
        .annotate(n=Count("id"), points_total=Sum("points"))
        .values("n", "points_total")
    )
    row, wait = (rows or [{}])[0], (waiting or [{}])[0]
    return Marking(
        auto=Decimal(str(row.get("auto") or 0)),
        own=Decimal(str(row.get("own") or 0)),
        unmarked=int(wait.get("n") or 0),
        unmarked_points=Decimal(str(wait.get("points_total") or 0)),
    )


def _unmarked_points_sql() -> RawSQL:
    """Per attempt row: the points of its answered case items not yet self-marked (a correlated subquery)."""
    return RawSQL(
        "(SELECT COALESCE(SUM(i.points), 0) FROM examprep_attempt_items i"
        ' WHERE i.attempt_id = "examprep_attempts"."id"'
        " AND i.kind = 'case' AND i.self_score IS NULL AND i.response <> '')"
    )


# ── readiness ──────────────────────────────────────────────────────────────────────────────────────────────


async def readiness_for(
    *, worker_id: int, subjects: list[ExamSubject], now: datetime, reach: Sequence[str] | None = None
) -> dict[str, rules.Readiness]:
    """Readiness for several subjects in three queries (four when the worker's reach is not given): recent
    scored mocks, answers and right answers by subject × topic over the last 90 days, and the topic sizes of
    the bank within the worker's reach. A mock's result leaves out the case answers not yet self-marked (their
    points are neither scored nor counted in its full marks)."""
    codes = [s.code for s in subjects]
    if not codes:
        return {}
    reach = await _reach_or_read(reach, worker_id, local_time(now).date())
    since = now - timedelta(days=READINESS_DAYS)
    mocks = (
        await MockAttempt.filter(worker_id=worker_id, subject__in=codes, score__not_isnull=True)
        .annotate(unmarked=_unmarked_points_sql())
        .order_by("-finished_at", "-id")
        .limit(rules.RECENT_MOCKS * len(codes) * 10)
        .values("subject", "score", "full_marks", "unmarked")
    )
    answers = Answer.filter(
        worker_id=worker_id, answered_at__gte=since, correct__not_isnull=True, question__subject__in=codes
    )
    keys = ("question__subject", "question__topic")
    # Answered and right in one reading of the answers.
    rows = (
        await answers.annotate(n=Count("id"), right=Count("id", _filter=Q(correct=True)))
        .group_by(*keys)
        .values(*keys, "n", "right")
    )
    answered_by = {(r[keys[0]], r[keys[1]]): r["n"] for r in rows}
    right_by = {(r[keys[0]], r[keys[1]]): r["right"] for r in rows if r["right"]}
    questions = Question.filter(subject__in=codes, is_active=True, region_path__in=reach)
    size_by = await count_by(questions, "subject", "topic")
    out = {}
    for subject in subjects:
        percents = [
            p
            for m in mocks
            if m["subject"] == subject.code
            and (p := rules.mock_fraction(m["score"], m["full_marks"], m["unmarked"])) is not None
        ][: rules.RECENT_MOCKS]
        bank_total = sum(n for (code, _t), n in size_by.items() if code == subject.code)
        topics = {t for (code, t) in list(size_by) + list(answered_by) if code == subject.code}
        stats = [
            rules.TopicStat(
                topic=t,
                answered=answered_by.get((subject.code, t), 0),
                correct=right_by.get((subject.code, t), 0),
                share=Decimal(size_by.get((subject.code, t), 0)) / Decimal(bank_total) if bank_total else Decimal(0),
            )
            for t in sorted(topics)
        ]
        out[subject.code] = rules.readiness(
            mock_percents=percents,
            topics=stats,
            full_marks=Decimal(str(subject.full_marks)),
            pass_mark=Decimal(str(subject.pass_mark)),
        )
    return out
