"""What a worker's home (talent.dashboard) reads of the learning side (courses/), which the platform does not
import (README "Architecture"): the composition root (talent.domains.plug_learner_home) plugs these in.

- `current(worker_id=, today=)`: courses.enrolment.selectors.my_learning (its "current" enrolments with
  `percent`, `done`, `required`, `course` and `last_lesson`);
- `last_touched(worker_id)`: the id of the enrolled enrolment whose lesson the worker last finished, or None;
- `lessons(course_id)`: a queryset of a course's lessons in order;
- `progress(enrolment=, lessons=)`: courses.enrolment.selectors.progress (its `resume` is the lesson to go on with);
- `reach(worker_id=, today=)`: the region paths whose questions the worker draws today (read once per home and
  given to the three below);
- `reviews_due(worker_id=, today=, reach=)`: notebook entries due today;
- `bank_counts(reach=)`: questions per subject the worker may draw;
- `readiness(worker_id=, subjects=, now=, reach=)`: courses.examprep.selectors.readiness_for.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class LearnerSide:
    current: Callable[..., Awaitable[dict]]
    last_touched: Callable[[int], Awaitable[int | None]]
    lessons: Callable[[int], Any]
    progress: Callable[..., Awaitable[dict]]
    reach: Callable[..., Awaitable[list[str]]]
    reviews_due: Callable[..., Awaitable[int]]
    bank_counts: Callable[..., Awaitable[dict[str, int]]]
    readiness: Callable[..., Awaitable[dict]]


_side: LearnerSide | None = None


def plug(side: LearnerSide) -> None:
    global _side
    _side = side


def side() -> LearnerSide | None:
    """The learning side, or None when nothing plugged it (a worker's home then shows no learning)."""
    return _side
