"""The composition root of the domains' contributions to shared machinery.

The import framework (talent.imports) and the reminders of `talent remind` (talent.notifications) know no
domain: each domain registers its import kinds and reminder providers when its module is imported. This module
names those modules, and `load()` imports them; the app (talent.app.create_app) and the command line
(talent.cli) call it before they use either. A domain adds its module here.
"""

import importlib

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
DEMO = ("talent.pay.demo", "talent.cohorts.demo")
MODULES = IMPORT_KINDS + REMINDERS


async def demo_contribute(*, scale: str, seed: int, today) -> dict[str, int]:
    """Let every domain of DEMO add its demo data, in the order listed; their counts, merged."""
    counts: dict[str, int] = {}
    plug_learning()
    for module in DEMO:
        counts.update(await importlib.import_module(module).demo_contribute(scale=scale, seed=seed, today=today))
    return counts


def load() -> None:
    """Import every contributing module (once: Python keeps imported modules), so its registrations are made."""
    for module in MODULES:
        importlib.import_module(module)
    plug_learning()


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
