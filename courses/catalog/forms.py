from courses.catalog.models import Category, CourseStatus, Delivery
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.places.forms import region_lookup
from talent.places.models import CertLevel
from talent.web.forms import Field

CATEGORY_CHOICES = choices(Category)
DELIVERY_CHOICES = choices(Delivery)
STATUS_CHOICES = choices(CourseStatus)
LEVEL_CHOICES = choices(CertLevel)

COURSE_FIELDS = [
    Field("title", N_("Title"), required=True, max_length=200),
    Field("summary", N_("Summary"), max_length=500, help=N_("One or two sentences shown in the catalog.")),
    Field("description", N_("Description"), kind="textarea", max_length=20000, help=N_("Markdown.")),
    Field("category", N_("Category"), kind="choice", required=True, choices=CATEGORY_CHOICES),
    Field("target_level", N_("Target level"), kind="choice", choices=LEVEL_CHOICES, help=N_("Empty: every level.")),
    Field("delivery", N_("Delivery"), kind="choice", required=True, choices=DELIVERY_CHOICES),
    Field("ce_hours", N_("CE hours"), kind="decimal", required=True),
    Field("capacity", N_("Capacity"), kind="int", min_value=1, max_value=100000, help=N_("Empty: no limit.")),
    Field("enrol_opens_on", N_("Enrolment opens"), kind="date"),
    Field("enrol_closes_on", N_("Enrolment closes"), kind="date"),
    Field("starts_on", N_("Starts"), kind="date"),
    Field("ends_on", N_("Ends"), kind="date"),
    Field(
        "attendance_threshold",
        N_("Attendance needed (percent)"),
        kind="int",
        min_value=0,
        max_value=100,
        help=N_("Classroom and blended courses: share of sessions a learner must attend."),
    ),
    region_lookup(help=N_("The region whose stations' workers may take the course. Empty (admins only): national.")),
]

LESSON_FIELDS = [
    Field("title", N_("Title"), required=True, max_length=200),
    Field("body", N_("Content"), kind="textarea", max_length=100000, help=N_("Markdown.")),
    Field("position", N_("Order"), kind="int", min_value=1, max_value=10000),
    Field("minutes", N_("Minutes"), kind="int", min_value=1, max_value=10000),
    Field("required", N_("Required for completion"), kind="bool"),
]

STATUS_FIELDS = [Field("status", N_("Status"), kind="choice", required=True, choices=STATUS_CHOICES)]
