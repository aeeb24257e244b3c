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
from talent.core.sql import IntList, scalar
from talent.people.access import workers_q
from talent.people.models import Worker
from talent.places.models import CertLevel

register_codes(Entity.COURSE, category=Category, target_level=CertLevel, delivery=Delivery, status=CourseStatus)
register_codes(Entity.QUESTION, kind=Kind)
register_codes(Entity.ENROLMENT, status=EnrolmentStatus)


async def course_names(scope: Scope, ids: IntList):
    courses = await readable_courses(scope, local_today())
    return courses.filter(id__in=ids).values(i="id", label="title")


def _learner_course_namer(model):
    """Names "course title · worker name" of enrolments or certificates whose course and worker are both in
    reach: one query."""

    table = model._meta.db_table

    async def names(scope: Scope, ids: IntList):
        # The course's title and the worker's name each read by a scalar subquery that also tests the reach: NULL
        # when out of it, and so the label (SQL's || gives NULL with a NULL side). A probe of the related row per
        # entry, where a join or an `IN (reach)` let the planner read every course or worker first (for the admin,
        # SQLite read the country's 184,287 workers into a table for each batch of an audit export, 178 of its
        # 217 s; PostgreSQL hashed all 27,320 courses).
        course = Course.filter(await courses_q(scope, local_today()), id=RawSQL(f'"{table}"."course_id"'))
        worker = Worker.filter(workers_q(scope), id=RawSQL(f'"{table}"."worker_id"'))
        label = f"{scalar(course.values('title')).sql} || ' · ' || {scalar(worker.values('name')).sql}"
        return model.filter(id__in=ids).annotate(label=RawSQL(label)).values(i="id", label="label")

    return names


register_namer("course", course_names)
register_namer("enrolment", _learner_course_namer(Enrolment))
register_namer("course_certificate", _learner_course_namer(CompletionCertificate))
