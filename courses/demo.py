"""The learning side's demo at the national scale (talent.domains.DEMO): every county bureau's courses with their
lessons, about a million enrolments with lesson progress and completions (each completion with its certificate,
its CE credit and its audit entry, as courses.completion.services would write them), and the exam-prep bank in
use: about five million answers (practice, review and handed-in mock exams), the wrong-question notebooks they
leave behind, and the mock attempts with their papers.

The small and county scales get theirs through the services (talent.demo). At the national scale this writes
in bulk, a group of counties at a time (rows generated on the fly, ids reserved per group), so memory stays
bounded whatever the size. Deterministic from the seed: its own random streams.

Rates and their basis (illustrative): each county bureau publishes about two online courses a year, to which
about half of the county's workers then in post enrol; three in four finish a course that has ended, one in
twenty withdraws. Most workers without a certificate practise for the assistant exam in the two years before
today (about a hundred answers each, more right as they go), and one in four of them hands in a mock exam or two.
"""

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from courses.catalog.models import Course, CourseStatus, Lesson
from courses.completion.models import CompletionCertificate
from courses.enrolment.models import Enrolment, EnrolmentStatus, LessonProgress
from courses.examprep import rules
from courses.examprep.models import (
    Answer,
    AnswerSource,
    AttemptItem,
    AttemptStatus,
    MockAttempt,
    NotebookEntry,
    QuestionVersion,
)
from courses.examprep.services import demo_bank_load
from talent.audit.models import Action, Entity
from talent.audit.services import audit_entry, audit_record_many
from talent.certification.for_courses import course_ref
from talent.certification.for_examprep import exam_papers
from talent.certification.models import CeCredit, Certificate, CeSource
from talent.core.bulk import insert_rows, reserve_ids
from talent.people.models import EmploymentSpell
from talent.places.models import Region, RegionLevel

HISTORY = 7 * 365  # about the core demo's history (talent.demo.HISTORY_DAYS)
COURSES_PER_COUNTY = 20
GROUP = 20  # counties written per round (about 15,000 enrolments)
LEARNERS = 500  # practising workers written per round (about 60,000 answers)
# (category, title, lessons, CE hours)
COURSES = (
    ("exam_prep", "助理社会工作师考试备考精讲", 6, 12),
    ("case_work", "个案工作方法与实务", 5, 10),
    ("group_work", "小组工作设计与带领", 5, 10),
    ("community_work", "社区工作与居民参与", 4, 8),
    ("policy", "社会救助政策解读", 3, 4),
    ("ethics", "社会工作伦理与专业边界", 4, 8),
    ("supervision", "朋辈督导与个案研讨", 4, 8),
    ("practical", "困境儿童关爱服务实务", 5, 10),
    ("practical", "老年人居家探访与评估", 4, 8),
    ("policy", "最低生活保障审核确认办法解读", 3, 4),
)
LESSON_TITLES = ("概述与目标", "核心概念", "方法与技巧", "案例研讨", "实务演练", "总结与考核")


def _at(day: date, rng: random.Random) -> datetime:
    """A moment of a working day (08:00–21:00 in China, stored in UTC)."""
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=rng.randrange(13 * 60))


@dataclass
class Tenure:
    """One worker's spells in one county: (start, end or None), and where their audit entries are filed."""

    worker_id: int
    spells: list[tuple[date, date | None]] = field(default_factory=list)
    region_path: str = ""
    organisation_id: int | None = None

    def employed(self, day: date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.spells)


async def _tenures() -> dict[str, list[Tenure]]:
    """county code → the workers who ever worked there (worker order). One query."""
    by_county: dict[str, dict[int, Tenure]] = defaultdict(dict)
    rows = (
        await EmploymentSpell.all()
        .order_by("worker_id", "start_on")
        .values_list("worker_id", "start_on", "end_on", "station__region_path", "station__organisation_id")
    )
    for worker_id, start, end, path, org in rows:
        county = path.split("/")[2]
        tenure = by_county[county].setdefault(worker_id, Tenure(worker_id))
        tenure.spells.append((start, end))
        tenure.region_path, tenure.organisation_id = path, org
    return {county: list(workers.values()) for county, workers in by_county.items()}


# ── courses, enrolments, progress and completions ──────────────────────────────────────────────────────


class _Courses:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.rows: dict[str, list] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def audited(self, action: Action, entity: Entity, entity_id: int, summary: str, **values) -> None:
        """Plan the audit entry of a change the demo makes (no actor: the system made it)."""
        self.rows["audit"].append(
            audit_entry(actor=None, action=action, entity=entity, entity_id=entity_id, summary=summary, **values)
        )

    def county(self, region: Region, tenures: list[Tenure], course_ids: Iterator[int], lesson_ids: Iterator[int]):
        """Plan one county's courses; their learners are planned once enrolment ids are reserved."""
        rng, today = self.rng, self.today
        planned = []
        for k in range(COURSES_PER_COUNTY):
            category, title, n_lessons, hours = COURSES[(k + rng.randrange(len(COURSES))) % len(COURSES)]
            starts = today - timedelta(days=HISTORY - (k + rng.random()) * HISTORY // COURSES_PER_COUNTY)
            ends = starts + timedelta(days=120)
            course_id = next(course_ids)
            published = _at(starts - timedelta(days=20), rng)
            self.rows["courses"].append(
                {
                    "id": course_id,
                    "title": f"{region.name}{starts.year}年{title}",
                    "summary": f"{region.name}民政局组织的线上培训，完成全部课时可获继续教育学时。",
                    "category": category,
                    "delivery": "online",
                    "ce_hours": Decimal(hours),
                    "capacity": None,
                    "seats_taken": 0,
                    "waitlisted": 0,
                    "enrol_opens_on": starts - timedelta(days=14),
                    "enrol_closes_on": starts + timedelta(days=60),
                    "starts_on": starts,
                    "ends_on": ends,
                    "attendance_threshold": 80,
                    "region_id": region.id,
                    "region_path": region.path,
                    "status": CourseStatus.ARCHIVED if ends < today - timedelta(days=365) else CourseStatus.PUBLISHED,
                    "created_by_id": None,
                    "published_at": published,
                }
            )
            summary = f"{region.name}{starts.year}年{title}"[:255]
            self.audited(Action.CREATE, Entity.COURSE, course_id, summary, region_path=region.path)
            lessons = []
            for position in range(1, n_lessons + 1):
                lesson_id = next(lesson_ids)
                lessons.append(lesson_id)
                self.rows["lessons"].append(
                    {
                        "id": lesson_id,
                        "course_id": course_id,
                        "position": position,
                        "title": f"第{position}讲 {LESSON_TITLES[position - 1]}",
                        "body": f"## {LESSON_TITLES[position - 1]}\n\n本讲结合社工站实务展开。\n",
                        "required": True,
                        "minutes": 40,
                    }
                )
            share = rng.uniform(0.45, 0.85)
            learners = [t for t in tenures if t.employed(starts) and rng.random() < share]
            planned.append((self.rows["courses"][-1], lessons, learners))
        return planned

    def learners(self, planned, enrolment_ids: Iterator[int]) -> None:
        for course, lessons, learners in planned:
            seated = 0
            for tenure in learners:
                seated += self.enrol(course, lessons, tenure, next(enrolment_ids))
            course["seats_taken"] = seated

    def enrol(self, course: dict, lessons: list[int], tenure: Tenure, enrolment_id: int) -> bool:
        """One learner's enrolment, progress and (maybe) completion; True when it holds a seat."""
        rng, today = self.rng, self.today
        enrolled_on = min(today, course["starts_on"] + timedelta(days=rng.randint(-14, 45)))
        enrolled_at = _at(enrolled_on, rng)
        r = rng.random()
        over = course["ends_on"] < today
        status = (
            EnrolmentStatus.WITHDRAWN
            if r < 0.05
            else EnrolmentStatus.COMPLETED
            if r < (0.8 if over else 0.05 + 0.4 * min(1.0, (today - enrolled_on).days / 120))
            else EnrolmentStatus.ENROLLED
        )
        if status == EnrolmentStatus.COMPLETED:
            done = len(lessons)
        elif status == EnrolmentStatus.ENROLLED:
            done = rng.randint(0, len(lessons) - 1)
        else:
            done = rng.randint(0, len(lessons) // 2)
        span = max(1, min((today - enrolled_on).days, 110))
        moments = sorted(enrolled_at + timedelta(minutes=rng.randrange(span * 24 * 60)) for _ in range(done))
        for lesson_id, moment in zip(lessons, moments, strict=False):
            self.rows["progress"].append({"enrolment_id": enrolment_id, "lesson_id": lesson_id, "done_at": moment})
        finished = moments[-1] if moments else enrolled_at
        self.rows["enrolments"].append(
            {
                "id": enrolment_id,
                "course_id": course["id"],
                "worker_id": tenure.worker_id,
                "status": status,
                "position": None,
                "enrolled_by_id": None,
                "created_at": enrolled_at,
                "enrolled_at": enrolled_at,
                "withdrawn_at": (
                    min(finished + timedelta(days=3), _at(today, rng)) if status == EnrolmentStatus.WITHDRAWN else None
                ),
                "completed_at": finished if status == EnrolmentStatus.COMPLETED else None,
                "last_lesson_id": lessons[done - 1] if done else None,
            }
        )
        if status == EnrolmentStatus.COMPLETED:
            self.complete(course, tenure, enrolment_id, finished)
        return status != EnrolmentStatus.WITHDRAWN

    def complete(self, course: dict, tenure: Tenure, enrolment_id: int, at: datetime) -> None:
        rng, hours, day = self.rng, course["ce_hours"], at.date()
        self.rows["certificates"].append(
            {
                "enrolment_id": enrolment_id,
                "worker_id": tenure.worker_id,
                "course_id": course["id"],
                "code": f"{rng.getrandbits(144):036x}",
                "hours": hours,
                "issued_on": day,
            }
        )
        self.rows["credits"].append(
            {
                "worker_id": tenure.worker_id,
                "hours": hours,
                "source": CeSource.COURSE,
                "source_ref": course_ref(course["id"]),
                "earned_on": day,
                "note": course["title"][:255],
            }
        )
        self.audited(
            Action.COMPLETE,
            Entity.ENROLMENT,
            enrolment_id,
            f"course {course['id']} · worker {tenure.worker_id} · {hours} h",
            before={"status": "enrolled"},
            after={"status": "completed", "ce_hours": str(hours)},
            region_path=tenure.region_path,
            organisation_id=tenure.organisation_id,
        )

    async def flush(self, progress) -> None:
        """Write what the group planned, parents first, and forget it."""
        for key, model, with_pk in (
            ("courses", Course, True),
            ("lessons", Lesson, True),
            ("enrolments", Enrolment, True),
            ("progress", LessonProgress, False),
            ("certificates", CompletionCertificate, False),
            ("credits", CeCredit, False),
        ):
            await insert_rows(model, self.rows.pop(key, []), with_pk=with_pk)
        await audit_record_many(self.rows.pop("audit", []))
        self.rows.clear()


async def _reserve(model, count: int) -> Iterator[int]:
    return iter(await reserve_ids(model, count)) if count else iter(())


async def _learning(rng: random.Random, today: date, tenures: dict[str, list[Tenure]], progress) -> dict[str, int]:
    counties = [
        c
        for c in await Region.filter(level=RegionLevel.COUNTY).order_by("path").only("id", "code", "name", "path")
        if c.code in tenures
    ]
    task = progress.add_task("Courses and learners", total=len(counties))
    planner = _Courses(rng, today)
    counts: dict[str, int] = defaultdict(int)
    for start in range(0, len(counties), GROUP):
        group = counties[start : start + GROUP]
        course_ids = await _reserve(Course, COURSES_PER_COUNTY * len(group))
        lesson_ids = await _reserve(Lesson, COURSES_PER_COUNTY * len(group) * len(LESSON_TITLES))
        planned = [planner.county(c, tenures[c.code], course_ids, lesson_ids) for c in group]
        learners = sum(len(people) for county in planned for _c, _l, people in county)
        enrolment_ids = await _reserve(Enrolment, learners)
        for county in planned:
            planner.learners(county, enrolment_ids)
        for key, rows in planner.rows.items():
            counts[key] += len(rows)
        await planner.flush(progress)
        progress.advance(task, len(group))
    return {
        "courses": counts["courses"],
        "enrolments": counts["enrolments"],
        "lesson_progress": counts["progress"],
        "course_completions": counts["certificates"],
    }


# ── the exam-prep bank in use ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Version:
    question_id: int
    version_id: int
    kind: str
    answer: str
    options: int
    difficulty: int


class _Practice:
    """One worker's answers, in time order, and the notebook they leave (rules.leitner_next, as the services)."""

    def __init__(self, rng: random.Random, bank: dict[str, list[_Version]], papers: dict, today: date) -> None:
        self.rng, self.bank, self.papers, self.today = rng, bank, papers, today
        self.rows: dict[str, list] = defaultdict(list)

    def respond(self, version: _Version, skill: float) -> str:
        rng = self.rng
        if rng.random() < skill - 0.08 * (version.difficulty - 2):
            return version.answer
        letters = rules.LETTERS[: version.options]
        wrong = [letter for letter in letters if letter not in version.answer] or list(letters)
        if version.kind == "multiple" and rng.random() < 0.5:  # some of the right options only
            return version.answer[: max(1, len(version.answer) - 1)]
        return rng.choice(wrong)

    def worker(self, worker_id: int, first: date, last: date, attempt_ids: Iterator[int] | None) -> None:
        """About a hundred answers in sessions between `first` and `last`, and the mock exams of `attempt_ids`."""
        rng = self.rng
        subject = rng.choice(sorted(self.bank))
        pool = self.bank[subject]
        skill = rng.uniform(0.45, 0.75)
        events: list[tuple[datetime, _Version, str, AnswerSource]] = []
        days = max(1, (last - first).days)
        for _ in range(rng.randint(2, 12)):
            at = _at(first + timedelta(days=rng.randrange(days)), rng)
            for i, version in enumerate(rng.sample(pool, min(len(pool), rng.randint(5, 20)))):
                events.append(
                    (at + timedelta(seconds=40 * i), version, self.respond(version, skill), AnswerSource.PRACTICE)
                )
            skill = min(0.92, skill + 0.01)
        for attempt_id in attempt_ids or ():
            events += self.mock(worker_id, attempt_id, subject, first + timedelta(days=rng.randrange(days)), skill)
        events.sort(key=lambda e: e[0])
        notebook: dict[int, dict] = {}
        for at, version, response, source in events:
            correct = rules.is_correct(version.kind, version.answer, response)
            entry = notebook.get(version.question_id)
            if source == AnswerSource.PRACTICE and entry is not None and entry["due_on"] <= at.date():
                source = AnswerSource.REVIEW
            self.rows["answers"].append(
                {
                    "worker_id": worker_id,
                    "question_id": version.question_id,
                    "version_id": version.version_id,
                    "source": source,
                    "response": response,
                    "correct": correct,
                    "answered_at": at,
                }
            )
            self.notebook_apply(notebook, worker_id, version.question_id, bool(correct), at)
        self.rows["notebook"].extend(notebook.values())

    def notebook_apply(self, notebook: dict, worker_id: int, question_id: int, correct: bool, at: datetime) -> None:
        entry, day = notebook.get(question_id), at.date()
        if entry is None:
            if not correct:
                box, due = rules.leitner_next(None, False, day)
                notebook[question_id] = {
                    "worker_id": worker_id,
                    "question_id": question_id,
                    "box": box,
                    "due_on": due,
                    "wrong_count": 1,
                    "reviewed_at": at,
                    "added_at": at,
                }
            return
        if correct and entry["due_on"] > day:
            return
        entry["box"], entry["due_on"] = rules.leitner_next(entry["box"], correct, day)
        entry["wrong_count"] += 0 if correct else 1
        entry["reviewed_at"] = at

    def mock(self, worker_id: int, attempt_id: int, subject: str, day: date, skill: float) -> list:
        """A handed-in mock exam (its paper assembled as mock_start does, scored as mock_submit does); its
        answered items, as answers for the notebook."""
        rng, paper = self.rng, self.papers[subject]
        structure = rules.attempt_structure(paper)
        seed = rng.getrandbits(31)
        pool = [rules.PoolQuestion(v.question_id, v.version_id, v.kind, "") for v in self.bank[subject]]
        versions = {v.version_id: v for v in self.bank[subject]}
        drawn = rules.assemble(structure["sections"], pool, set(), seed)
        start = _at(day, rng)
        full = sum((points for _q, points in drawn), Decimal(0))
        score, answered = Decimal(0), []
        for position, (question, points) in enumerate(drawn, 1):
            version = versions[question.version_id]
            response = self.respond(version, skill) if rng.random() < 0.95 else ""
            at = start + timedelta(seconds=50 * position)
            awarded = rules.mark(version.kind, version.answer, response, points)
            score += awarded
            self.rows["items"].append(
                {
                    "attempt_id": attempt_id,
                    "position": position,
                    "question_id": question.question_id,
                    "version_id": question.version_id,
                    "kind": version.kind,
                    "points": points,
                    "response": response,
                    "answered_at": at if response else None,
                    "awarded": awarded,
                    "self_score": None,
                }
            )
            if response:
                answered.append((at, version, response, AnswerSource.MOCK))
        finished = start + timedelta(minutes=rng.randint(min(60, paper.minutes), paper.minutes))
        self.rows["attempts"].append(
            {
                "id": attempt_id,
                "worker_id": worker_id,
                "subject": subject,
                "seed": seed,
                "status": AttemptStatus.SUBMITTED,
                "started_at": start,
                "deadline_at": start + timedelta(minutes=paper.minutes),
                "finished_at": finished,
                "structure": structure,
                "full_marks": full,
                "pass_mark": (paper.pass_mark * full / paper.full_marks).quantize(Decimal("0.1")),
                "score": score,
                "question_count": len(drawn),
            }
        )
        return answered

    async def flush(self) -> None:
        await insert_rows(MockAttempt, self.rows.pop("attempts", []), with_pk=True)
        for key, model in (("items", AttemptItem), ("answers", Answer), ("notebook", NotebookEntry)):
            await insert_rows(model, self.rows.pop(key, []))


async def _bank() -> tuple[dict[str, list[_Version]], dict]:
    """The national bank's current versions per subject that has a paper, and those papers."""
    papers = {s.code: s.paper for s in await exam_papers()}
    bank: dict[str, list[_Version]] = defaultdict(list)
    for row in await QuestionVersion.filter(is_current=True, question__region_path="", question__is_active=True).values(
        "question_id", "id", "question__subject", "question__kind", "answer", "options", "question__difficulty"
    ):
        kind = str(getattr(row["question__kind"], "value", row["question__kind"]))
        if row["question__subject"] in papers and kind in ("single", "multiple"):
            bank[row["question__subject"]].append(
                _Version(
                    row["question_id"], row["id"], kind, row["answer"], len(row["options"]), row["question__difficulty"]
                )
            )
    for versions in bank.values():
        versions.sort(key=lambda v: v.question_id)
    return dict(bank), papers


async def _exam_prep(rng: random.Random, today: date, tenures: dict[str, list[Tenure]], progress) -> dict[str, int]:
    """Workers without a certificate who were in post in the last two years practise (most of them)."""
    await demo_bank_load()
    bank, papers = await _bank()
    if not bank:
        return {}
    certified = set(await Certificate.all().order_by("worker_id").distinct().values_list("worker_id", flat=True))
    since = today - timedelta(days=730)
    learners: list[tuple[int, date, date]] = []
    for county in sorted(tenures):
        for tenure in tenures[county]:
            last = max((end or today) for _start, end in tenure.spells)
            first = max(since, min(start for start, _end in tenure.spells))
            if tenure.worker_id not in certified and last >= since and first < last and rng.random() < 0.85:
                learners.append((tenure.worker_id, first, min(last, today)))
    task = progress.add_task("Practice and mock exams", total=len(learners))
    practice = _Practice(rng, bank, papers, today)
    counts: dict[str, int] = defaultdict(int)
    for start in range(0, len(learners), LEARNERS):
        group = learners[start : start + LEARNERS]
        mocks = [rng.choice((1, 1, 2)) if rng.random() < 0.25 else 0 for _ in group]
        attempt_ids = await _reserve(MockAttempt, sum(mocks))
        for (worker_id, first, last), n in zip(group, mocks, strict=True):
            practice.worker(worker_id, first, last, [next(attempt_ids) for _ in range(n)])
        for key, rows in practice.rows.items():
            counts[key] += len(rows)
        await practice.flush()
        progress.advance(task, len(group))
    return {
        "practice_answers": counts["answers"],
        "notebook_entries": counts["notebook"],
        "mock_attempts": counts["attempts"],
    }


async def demo_contribute(*, scale: str, seed: int, today: date, progress=None) -> dict[str, int]:
    """The national scale's learning data (the others get theirs from talent.demo through the services)."""
    if scale != "national":
        return {}
    progress = progress or _Quiet()
    tenures = await _tenures()
    counts = await _learning(random.Random(seed * 7919 + 61), today, tenures, progress)
    counts.update(await _exam_prep(random.Random(seed * 7919 + 67), today, tenures, progress))
    return counts


class _Quiet:
    def add_task(self, *args, **kwargs) -> int:
        return 0

    def advance(self, *args, **kwargs) -> None:
        return None
