"""The rules of exam prep as pure functions: marking, Leitner scheduling, paper assembly, readiness."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

LETTERS = "ABCDEFGH"
# A question's options as form fields and spreadsheet columns, A first.
OPTION_KEYS = [f"option_{c}" for c in LETTERS.lower()]
# Leitner boxes 1..5 and the days until a question in that box comes back.
BOX_DAYS = (1, 2, 4, 8, 16)
HALF = Decimal("0.5")
# Kinds of paper section the bank holds questions of; programme design and essays are drawn from the cases.
BANK_KINDS = ("single", "multiple", "case")


def bank_kind(section_kind: str) -> str:
    """The bank's question kind a paper section draws on ('programme', 'essay' → 'case')."""
    return section_kind if section_kind in BANK_KINDS else "case"


def attempt_structure(paper) -> dict:
    """What an attempt stores of the paper it was assembled to (a PaperStructure of the exam catalogue): its
    minutes, marks and sections, each section in the bank's kinds."""
    return {
        "minutes": paper.minutes,
        "full_marks": str(paper.full_marks),
        "pass_mark": str(paper.pass_mark),
        "sections": [{"kind": bank_kind(s.kind), "count": s.count, "points": str(s.points)} for s in paper.sections],
    }


def normalise_letters(raw: str | list[str]) -> str:
    """'ca', ['C', 'A'] → 'AC'; anything that is not an option letter is dropped."""
    text = "".join(raw) if isinstance(raw, list | tuple) else raw
    return "".join(sorted({ch for ch in text.upper() if ch in LETTERS}))


def mark(kind: str, answer: str, response: str, points: Decimal) -> Decimal:
    """The national marking rule.

    single: full points if the one letter is right, else 0.
    multiple: any wrong option → 0; all the right options → full points; some of them and nothing wrong →
    0.5 per option chosen, capped at the item's points. An empty answer scores 0. Cases are not auto-marked.
    """
    chosen, right = set(normalise_letters(response)), set(normalise_letters(answer))
    if kind == "single":
        return points if chosen and chosen == right else Decimal(0)
    if kind == "multiple":
        if not chosen or chosen - right:
            return Decimal(0)
        if chosen == right:
            return points
        return min(points, HALF * len(chosen))
    return Decimal(0)


def is_correct(kind: str, answer: str, response: str) -> bool | None:
    """Right or wrong for the notebook: only an exact answer counts as right; a case is self-marked (None)."""
    if kind == "case":
        return None
    return bool(normalise_letters(response)) and normalise_letters(response) == normalise_letters(answer)


def leitner_next(box: int | None, correct: bool, today: date) -> tuple[int, date]:
    """Right → the next box (5 is the last), wrong → box 1; due again after that box's days."""
    new_box = 1 if (not correct or box is None) else min(box + 1, len(BOX_DAYS))
    return new_box, today + timedelta(days=BOX_DAYS[new_box - 1])


@dataclass(frozen=True)
class PoolQuestion:
    question_id: int
    version_id: int
    kind: str
    topic: str


def assemble(
    sections: list[dict], pool: list[PoolQuestion], seen: set[int], seed: int
) -> list[tuple[PoolQuestion, Decimal]]:
    """Draw each section's questions from the pool, unseen ones first, in an order fixed by the seed.

    Returns (question, points) in paper order: sections in structure order. A section the bank cannot fill
    gets what there is (the paper is then shorter, and its full marks smaller). A question appears once in a
    paper, even when two sections draw on the same kind (programme design and essays come from the cases).
    """
    rng = random.Random(seed)
    paper: list[tuple[PoolQuestion, Decimal]] = []
    taken: set[int] = set()
    for section in sections:
        candidates = sorted(
            (q for q in pool if q.kind == section["kind"] and q.question_id not in taken), key=lambda q: q.question_id
        )
        unseen = [q for q in candidates if q.question_id not in seen]
        seen_before = [q for q in candidates if q.question_id in seen]
        rng.shuffle(unseen)
        rng.shuffle(seen_before)
        chosen = (unseen + seen_before)[: int(section["count"])]
        taken.update(q.question_id for q in chosen)
        paper.extend((q, Decimal(str(section["points"]))) for q in chosen)
    return paper


# Readiness: a blend of recent mock results and accuracy by topic.
MOCK_WEIGHT = Decimal("0.6")
TOPIC_WEIGHT = Decimal("0.4")
RECENT_MOCKS = 3
MIN_TOPIC_ANSWERS = 3


def mock_fraction(score, full_marks, unmarked_points=0) -> Decimal | None:
    """A scored mock's result as a fraction of the marks it was marked on: case answers the worker has not
    yet self-marked count neither for nor against (score 30 of 100 with 40 points unmarked → 30 / 60 = 0.5).
    None when nothing of it is marked yet."""
    marked = Decimal(str(full_marks or 0)) - Decimal(str(unmarked_points or 0))
    if marked <= 0:
        return None
    return Decimal(str(score or 0)) / marked


@dataclass
class TopicStat:
    topic: str
    answered: int
    correct: int
    share: Decimal  # the topic's share of the subject's bank

    @property
    def accuracy(self) -> Decimal:
        return Decimal(self.correct) / Decimal(self.answered) if self.answered else Decimal(0)


@dataclass
class Readiness:
    full_marks: Decimal
    pass_mark: Decimal
    mock_percents: list[Decimal] = field(default_factory=list)
    topics: list[TopicStat] = field(default_factory=list)
    mock_mean: Decimal | None = None  # fraction 0..1
    topic_accuracy: Decimal | None = None  # fraction 0..1, weighted by the topics' shares of the bank
    expected: Decimal | None = None  # in marks
    weakest: list[TopicStat] = field(default_factory=list)

    @property
    def likely_pass(self) -> bool:
        return self.expected is not None and self.expected >= self.pass_mark


def readiness(
    *, mock_percents: list[Decimal], topics: list[TopicStat], full_marks: Decimal, pass_mark: Decimal
) -> Readiness:
    """Expected score = full marks × (0.6 × mean of the last 3 mock results + 0.4 × topic accuracy);
    with only one of the two, that one alone; with neither, unknown.

    Topic accuracy weights each answered topic's accuracy by its share of the bank (the paper draws
    topics roughly in those proportions). The weakest topics are the three lowest accuracies among topics
    with at least 3 answers.
    """
    result = Readiness(full_marks=full_marks, pass_mark=pass_mark, mock_percents=mock_percents[:RECENT_MOCKS])
    result.topics = sorted(topics, key=lambda t: (t.accuracy, -t.answered, t.topic))
    if result.mock_percents:
        result.mock_mean = sum(result.mock_percents, Decimal(0)) / len(result.mock_percents)
    answered = [t for t in topics if t.answered]
    weight = sum((t.share for t in answered), Decimal(0))
    if answered and weight > 0:
        result.topic_accuracy = sum((t.share * t.accuracy for t in answered), Decimal(0)) / weight
    if result.mock_mean is not None and result.topic_accuracy is not None:
        fraction = MOCK_WEIGHT * result.mock_mean + TOPIC_WEIGHT * result.topic_accuracy
    else:
        fraction = result.mock_mean if result.mock_mean is not None else result.topic_accuracy
    if fraction is not None:
        result.expected = (full_marks * fraction).quantize(Decimal("0.1"))
    result.weakest = [t for t in result.topics if t.answered >= MIN_TOPIC_ANSWERS][:3]
    return result
