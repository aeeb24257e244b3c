"""What the learning side's records are called in the audit log (talent.audit.present): its codes, and courses,
enrolments and completion certificates by name, read through the viewer's scope (a course they may open, a worker
they may see; anything else stays "#id"). Imported by the completion router, so the app registers it."""

from tortoise.expressions import RawSQL

from courses.catalog.access import course_reach_paths, courses_q, courses_q_for
from courses.catalog.models import Category, Course, CourseStatus, Delivery, Lesson
from courses.classroom.models import ClassSession
from courses.completion.models import CompletionCertificate
from courses.enrolment.models import Enrolment, EnrolmentStatus
from courses.examprep.models import Kind
from talent.audit.models import Entity
from talent.audit.present import PAIR_SEPARATOR, Ids, kept_namer, register_codes, register_namer
from talent.core.access import Scope
from talent.core.clock import local_today
from talent.core.sql import IntList, Unordered, dialect, inline_sql, scalar
from talent.people.access import reaches_a_jurisdiction, workers_among_q, workers_q
from talent.people.models import Worker
from talent.places.models import CertLevel

register_codes(Entity.COURSE, category=Category, target_level=CertLevel, delivery=Delivery, status=CourseStatus)
register_codes(Entity.QUESTION, kind=Kind)
register_codes(Entity.ENROLMENT, status=EnrolmentStatus)


# The learning side's namers are kept per scope, day and the station paths the viewer's courses hang on (read once
# per request): built through Tortoise for each page, HR's /audit page spent about 3 ms writing them.
course_names = kept_namer(
    lambda scope, ids, paths: Course.filter(courses_q_for(scope, paths), id__in=ids).values(i="id", label="title"),
    reach=course_reach_paths,
)


# Above this many ids, a namer of enrolments or certificates joins their courses and workers (on PostgreSQL): the
# probes cost about 3 µs an id, hashing the country's courses and workers about 80 ms.
JOINED_NAMES_MIN = 20_000
# Above this many ids, a jurisdiction's namer reads the workers it reaches once (see below).
JOINED_REACH_MIN = 1_000


def _learner_course_namer(model):
    """Names "course title · worker name" of enrolments or certificates whose course and worker are both in
    reach: one query (its SQL text, for many ids)."""

    table = model._meta.db_table

    def probed_names(scope: Scope, ids: Ids, paths: tuple[str, ...]):
        # The course's title and the worker's name each read by a scalar subquery that also tests the reach: NULL
        # when out of it, and so the label (SQL's || gives NULL with a NULL side). A probe of the related row per
        # entry, where a join or an `IN (reach)` let the planner read every course or worker first (for the admin,
        # SQLite read the country's 184,287 workers into a table for each batch of an audit export, 178 of its
        # 217 s; PostgreSQL hashed all 27,320 courses).
        # The reach is asked for these rows' workers alone (people.access.workers_among_q): whole, SQLite read a
        # province's reach into a table for the statement (a province's /audit page: its names 17.4 → 2.8 ms, the
        # page 38 → 27 ms; PostgreSQL's 1.1 ms either way).
        course = Course.filter(courses_q_for(scope, paths), id=RawSQL(f'"{table}"."course_id"'))
        among = Unordered(model.filter(id__in=ids).values("worker_id"))
        worker = Worker.filter(workers_among_q(scope, among), id=RawSQL(f'"{table}"."worker_id"'))
        label = f"{scalar(course.values('title')).sql} || '{PAIR_SEPARATOR}' || {scalar(worker.values('name')).sql}"
        return model.filter(id__in=ids).annotate(label=RawSQL(label)).values(i="id", label="label")

    probed = kept_namer(probed_names, reach=course_reach_paths)

    async def names(scope: Scope, ids: Ids):
        many = not isinstance(ids, IntList) or len(ids.values) > JOINED_NAMES_MIN
        if many and dialect() == "postgres":
            # Most of the table (an audit export of the whole log: 702,568 of the national demo's 982,379
            # enrolments): the related tables hashed once and joined, where a probe per row cost twice as long
            # (EXPLAIN ANALYZE 1.1 s against 2.2 s); so are the ids names_in_log chooses by a subquery of an
            # administrator's whole log. SQLite keeps the probes: it read the reach under `IN` into a
            # table and took minutes over the joins.
            reach = await courses_q(scope, local_today())
            courses = inline_sql(Course.filter(reach).values("id"))
            workers = inline_sql(Worker.filter(workers_q(scope)).values("id"))
            return (
                f"SELECT e.id AS i, c.title || '{PAIR_SEPARATOR}' || w.name AS label FROM {table} e"
                " JOIN courses c ON c.id = e.course_id JOIN workers w ON w.id = e.worker_id"
                f" WHERE e.id IN {ids.get_sql(None)} AND c.id IN ({courses}) AND w.id IN ({workers})"
            )
        if reaches_a_jurisdiction(scope) and (not isinstance(ids, IntList) or len(ids.values) > JOINED_REACH_MIN):
            # A jurisdiction's many ids (its audit export): the workers it reaches read once (MATERIALIZED) and
            # joined, where a probe per row tested the worker against each part of the reach. A city's export names
            # 2,841 enrolments: its naming statement 29 → 16.5 ms, its CSV 112–118 → 90–93 ms, the province's
            # 1.12–1.15 → 0.95–0.98 s (PostgreSQL, national demo; SQLite 2–4 % faster). Joined without the fence,
            # the planner still probed the reach per row (122 ms).
            reach = await courses_q(scope, local_today())
            course = scalar(Course.filter(reach, id=RawSQL(f'"{table}"."course_id"')).values("title")).sql
            workers = inline_sql(Worker.filter(workers_q(scope)).values("id", "name"))
            return (
                f'WITH w AS MATERIALIZED ({workers}) SELECT "{table}"."id" AS i,'
                f" {course} || '{PAIR_SEPARATOR}' || w.name AS label"
                f' FROM "{table}" LEFT JOIN w ON w.id = "{table}"."worker_id"'
                f' WHERE "{table}"."id" IN {ids.get_sql(None)}'
            )
        return await probed(scope, ids)

    return names


def _course_part_namer(model):
    """Names (titles) of a course's lessons or classroom sessions, for the readers who may open the course."""

    def build(scope: Scope, ids: Ids, paths: tuple[str, ...]):
        courses = Unordered(Course.filter(courses_q_for(scope, paths)).values("id"))
        return model.filter(id__in=ids, course_id__in=courses).values(i="id", label="title")

    return kept_namer(build, reach=course_reach_paths)


register_namer("course", course_names)
register_namer("lesson", _course_part_namer(Lesson))
register_namer("class_session", _course_part_namer(ClassSession))
register_namer("enrolment", _learner_course_namer(Enrolment))
register_namer("course_certificate", _learner_course_namer(CompletionCertificate))
