"""The composition root of the domains' contributions to shared machinery.

The import framework (talent.imports) and the reminders of `talent remind` (talent.notifications) know no
domain: each domain registers its import kinds and reminder providers when its module is imported. This module
names those modules, and `load()` imports them; the app (talent.app.create_app) and the command line
(talent.cli) call it before they use either. A domain adds its module here.
"""

import importlib
import inspect

# Modules that register spreadsheet kinds with talent.imports.framework.register.
IMPORT_KINDS = (
    "talent.places.imports",
    "talent.people.imports",
    "talent.certification.imports",
    "courses.examprep.imports",
    "talent.pay.imports",
    "talent.supervision.imports",
    "talent.cohorts.imports",
)
# Modules that register reminder providers with talent.notifications.services.reminder_provider.
REMINDERS = (
    "talent.certification.reminders",
    "courses.classroom.reminders",
)
# Modules that add their domain's demo data after the core demo (places, people, certification, courses) is
# written: each has `async def demo_contribute(*, scale: str, seed: int, today: date) -> dict[str, int]`, reads
# the rows it builds on from the database, writes its own in bulk (inside the demo's transaction) and returns
# counts for the summary table. A new domain adds its module here instead of growing talent/demo.py.
DEMO = ("courses.demo", "talent.certification.demo", "talent.pay.demo", "talent.cohorts.demo")
MODULES = IMPORT_KINDS + REMINDERS


async def demo_contribute(*, scale: str, seed: int, today, progress=None) -> dict[str, int]:
    """Let every domain of DEMO add its demo data, in the order listed; their counts, merged. A module whose
    function takes `progress` (a rich Progress) shows its own bars."""
    counts: dict[str, int] = {}
    plug_learning()
    for module in DEMO:
        contribute = importlib.import_module(module).demo_contribute
        extra = {"progress": progress} if "progress" in inspect.signature(contribute).parameters else {}
        counts.update(await contribute(scale=scale, seed=seed, today=today, **extra))
    return counts


def load() -> None:
    """Import every contributing module (once: Python keeps imported modules), so its registrations are made."""
    for module in MODULES:
        importlib.import_module(module)
    plug_learning()
    plug_learner_home()


def plug_learning() -> None:
    """Give incubation cohorts (talent.cohorts.learning) the learning side they may not import themselves: the
    courses a viewer may open, completed enrolments (course milestones) and bulk enrolment."""
    from courses.catalog.access import readable_courses
    from courses.enrolment.models import Enrolment, EnrolmentStatus
    from courses.enrolment.services import enrolment_bulk
    from talent.cohorts.learning import Learning, plug

    plug(
        Learning(
            courses=readable_courses,
            completions=lambda: Enrolment.filter(status=EnrolmentStatus.COMPLETED),
            enrol=enrolment_bulk,
        )
    )


def plug_learner_home() -> None:
    """Give a worker's home (talent.dashboard.learning) what it shows of the learning side: the course to
    continue, reviews due in the notebook and readiness per exam subject."""
    from courses.catalog.models import Lesson
    from courses.enrolment.models import EnrolmentStatus, LessonProgress
    from courses.enrolment.selectors import my_learning, progress
    from courses.examprep.access import worker_reach
    from courses.examprep.selectors import bank_subject_counts, notebook_due_count, readiness_for
    from talent.dashboard.learning import LearnerSide, plug

    async def last_touched(worker_id: int) -> int | None:
        return (
            await LessonProgress.filter(enrolment__worker_id=worker_id, enrolment__status=EnrolmentStatus.ENROLLED)
            .order_by("-done_at", "-id")
            .first()
            .values_list("enrolment_id", flat=True)
        )

    plug(
        LearnerSide(
            current=my_learning,
            last_touched=last_touched,
            lessons=lambda course_id: Lesson.filter(course_id=course_id).order_by("position", "id"),
            progress=progress,
            reach=worker_reach,
            reviews_due=notebook_due_count,
            bank_counts=bank_subject_counts,
            readiness=readiness_for,
        )
    )
