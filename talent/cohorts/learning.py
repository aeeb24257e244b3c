"""What cohorts use of the learning side (courses/), which the platform does not import (README "Architecture"):
the composition root (talent.domains.load) plugs it in. Without it, course milestones and bulk enrolment are
simply not offered.

- `courses(scope, today)`: a queryset of the courses the viewer may open (values id, title);
- `completions()`: a queryset of completed enrolments (values course_id, worker_id, completed_at);
- `enrol(actor=, scope=, course=, today=, worker_nos=)`: the learning side's bulk enrolment service (counts and the
  skipped worker numbers; refuses the whole request on a bad number); `course` is a row of `courses(…)`.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Learning:
    courses: Callable[..., Awaitable[Any]]
    completions: Callable[[], Any]
    enrol: Callable[..., Awaitable[dict]]


_PLUGGED: dict[str, Learning] = {}


def plug(learning: Learning) -> None:
    _PLUGGED["learning"] = learning


def learning() -> Learning | None:
    return _PLUGGED.get("learning")
