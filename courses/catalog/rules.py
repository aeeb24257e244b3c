"""The enrolment window of a course: the SQL filter and its Python mirror (tested together)."""

from datetime import date

from tortoise.expressions import Q

from courses.catalog.models import Course, CourseStatus
from talent.core.sql import literal_code, literal_date


def open_on(day: date) -> Q:
    """Published and inside the enrolment window on `day` (an empty end of the window is open). The status and the
    day are written into the statement (literal_code, literal_date): the catalog's ?open=1 keeps no parameter."""
    day = literal_date(day)
    return (
        Q(status=literal_code(CourseStatus.PUBLISHED))
        & (Q(enrol_opens_on=None) | Q(enrol_opens_on__lte=day))
        & (Q(enrol_closes_on=None) | Q(enrol_closes_on__gte=day))
    )


def is_open(course: Course, day: date) -> bool:
    """open_on(day) for one course in hand."""
    return (
        course.status == CourseStatus.PUBLISHED
        and (course.enrol_opens_on is None or course.enrol_opens_on <= day)
        and (course.enrol_closes_on is None or course.enrol_closes_on >= day)
    )
