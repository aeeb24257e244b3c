"""What the learning side's records are called in the audit log (talent.audit.present): its codes, and courses,
enrolments and completion certificates by name, read through the viewer's scope (a course they may open, a worker
they may see; anything else stays "#id"). Imported by the completion router, so the app registers it."""

from tortoise.expressions import RawSQL

from courses.catalog.access import courses_q, readable_courses
from courses.catalog.models import Category, Course, CourseStatus, Delivery
from courses.completion.models import CompletionCertificate
from courses.enrolment.models import Enrolment, EnrolmentStatus
from courses.examprep.models import Kind
from talent.audit.models import Entity
from talent.audit.present import register_codes, register_namer
from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.sql import exists, unconditional
from talent.people.access import workers_q
from talent.people.models import Worker
from talent.places.models import CertLevel

register_codes(Entity.COURSE, category=Category, target_level=CertLevel, delivery=Delivery, status=CourseStatus)
register_codes(Entity.QUESTION, kind=Kind)
register_codes(Entity.ENROLMENT, status=EnrolmentStatus)


async def course_names(scope: Scope, ids: list[int]) -> dict[int, str]:
    courses = await readable_courses(scope, local_today())
    return dict(await courses.filter(id__in=ids).values_list("id", "title"))


def _learner_course_namer(model):
    """Names "course title · worker name" of enrolments or certificates whose course and worker are both in
    reach: one query."""

    table = model._meta.db_table

    async def names(scope: Scope, ids: list[int]) -> dict[int, str]:
        rows = model.filter(id__in=ids)
        # Each row's course and worker probed in reach (EXISTS), not matched against every course and worker in
        # reach (IN): for the admin, SQLite read the country's 184,287 workers into a table for each batch of an
        # audit export (178 of its 217 s). A reach with no condition (the admin's) is not probed at all: on
        # PostgreSQL the course probe became a hashed scan of every course per batch.
        for column, related, reach in (
            ("course_id", Course, await courses_q(scope, local_today())),
            ("worker_id", Worker, workers_q(scope)),
        ):
            if not unconditional(reach):
                probe = related.filter(reach, id=RawSQL(f'"{table}"."{column}"')).values("id")
                rows = rows.annotate(**{f"{column}_ok": exists(probe)}).filter(**{f"{column}_ok": True})
        rows = await rows.values_list("id", "course__title", "worker__name")
        return {i: f"{title} · {name}" for i, title, name in rows}

    return names


register_namer("course", course_names)
register_namer("enrolment", _learner_course_namer(Enrolment))
register_namer("course_certificate", _learner_course_namer(CompletionCertificate))
