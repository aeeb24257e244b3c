"""Labels of the learning side's coded values, as a Jinja filter `course_label` on the shared environment."""

from enum import Enum

from courses.catalog.forms import CATEGORY_LABELS, DELIVERY_LABELS, LEVEL_LABELS, STATUS_LABELS
from courses.catalog.models import Category, CourseStatus, Delivery
from courses.enrolment.models import EnrolmentStatus
from courses.materials.models import MaterialKind
from talent.core.i18n import N_
from talent.places.models import CertLevel
from talent.web.templating import env

ENROLMENT_LABELS = {
    "enrolled": N_("Enrolled"),
    "waitlisted": N_("Waitlisted"),
    "withdrawn": N_("Withdrawn"),
    "completed": N_("Completed"),
}
KIND_LABELS = {"file": N_("File"), "link": N_("Link")}

LABELS: dict[type[Enum], dict[str, str]] = {
    Category: CATEGORY_LABELS,
    Delivery: DELIVERY_LABELS,
    CourseStatus: STATUS_LABELS,
    CertLevel: LEVEL_LABELS,
    EnrolmentStatus: ENROLMENT_LABELS,
    MaterialKind: KIND_LABELS,
}


def course_label(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Enum):
        msgid = LABELS.get(type(value), {}).get(value.value)
        return msgid.tr() if msgid is not None else str(value.value)
    return str(value)


def install() -> None:
    from courses.markdown import render_markdown

    env.filters["course_label"] = course_label
    env.filters["markdown"] = render_markdown


install()
