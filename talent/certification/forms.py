from talent.certification.models import CeSource
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.people.forms import worker_lookup
from talent.places.forms import RULE_FROM, RULE_REGION, RULE_SOURCE, region_lookup
from talent.places.models import CertLevel
from talent.web.forms import Field

_WORKER = worker_lookup(
    N_("Worker number"), required=True, help=N_("Type a name or worker number and pick it from the list.")
)

RESULT_FIELDS = [
    _WORKER,
    Field("year", N_("Exam year"), kind="int", required=True, min_value=1990, max_value=2100),
    Field("subject", N_("Subject"), kind="choice", required=True),  # choices filled from the catalogue
    Field("score", N_("Score"), kind="decimal", required=True, max_length=8),
]

CERTIFICATE_FIELDS = [
    Field("level", N_("Level"), kind="choice", required=True, choices=choices(CertLevel)),
    Field("number", N_("Certificate number"), required=True, max_length=64),
    Field("obtained_on", N_("Obtained on"), kind="date", required=True),
    Field(
        "registered_on",
        N_("First registered on"),
        kind="date",
        help=N_("Leave empty if the certificate is not registered yet."),
    ),
]

REGISTER_FIELDS = [
    Field(
        "on",
        N_("Registration date"),
        kind="date",
        required=True,
        help=N_("A renewal's new period starts the day after the current one ends."),
    ),
]

CE_FIELDS = [
    Field("hours", N_("Hours"), kind="decimal", required=True, max_length=8),
    Field("source", N_("Source"), kind="choice", required=True, choices=choices(CeSource)),
    Field("earned_on", N_("Earned on"), kind="date", required=True),
    Field(
        "note",
        N_("Evidence or note"),
        max_length=255,
        help=N_("External training needs a note describing its evidence or an attached certificate."),
    ),
]

# --- exam catalogue (admin) ---

LEVEL_FIELDS = [
    Field(
        "carry_over_years", N_("Carry-over window (exam years)"), kind="int", required=True, min_value=1, max_value=10
    ),
    Field("review_required", N_("A review follows the exam"), kind="bool"),
    Field("review_valid_years", N_("Exam pass valid for the review (years)"), kind="int", min_value=0, max_value=10),
    Field(
        "first_registration_months",
        N_("First registration within (months)"),
        kind="int",
        required=True,
        min_value=1,
        max_value=120,
    ),
    Field(
        "registration_valid_years",
        N_("Registration valid (years)"),
        kind="int",
        required=True,
        min_value=1,
        max_value=20,
    ),
    Field("renewal_window_months", N_("Renewal window (months)"), kind="int", required=True, min_value=1, max_value=36),
    Field("ce_hours_per_period", N_("CE hours per period"), kind="int", required=True, min_value=0, max_value=1000),
]

SUBJECT_FIELDS = [
    Field("name", N_("Name"), required=True, max_length=100),
    Field("name_en", N_("English name"), max_length=100),
    Field("minutes", N_("Minutes"), kind="int", required=True, min_value=1, max_value=600),
    Field("full_marks", N_("Full marks"), kind="decimal", required=True, max_length=8),
    Field("pass_mark", N_("National pass mark"), kind="decimal", required=True, max_length=8),
]

SECTION_FIELDS = [
    Field("count", N_("Questions"), kind="int", required=True, min_value=0, max_value=500),
    Field("points", N_("Points each"), kind="decimal", required=True, max_length=8),
]

YEAR_FIELDS = [
    Field("year", N_("Exam year"), kind="int", required=True, min_value=1990, max_value=2100),
    Field("exam_on", N_("Exam date"), kind="date", required=True),
    Field(
        "cutoff_on",
        N_("Cut-off date for years of social work"),
        kind="date",
        required=True,
    ),
    Field("note", N_("Note"), max_length=255),
]

PASS_LINE_FIELDS = [
    Field("subject", N_("Subject"), kind="choice", required=True),
    Field("year", N_("Exam year"), kind="int", min_value=1990, max_value=2100, help=N_("Empty: every year.")),
    region_lookup(help=N_("Empty: national. A designated area's code gives it its own line.")),
    Field("pass_mark", N_("Pass mark"), kind="decimal", required=True, max_length=8),
    Field("note", N_("Note"), max_length=255),
]

ELIGIBILITY_FIELDS = [
    Field("min_years", N_("Years of social work"), kind="int", required=True, min_value=0, max_value=50),
    Field("note", N_("Note"), max_length=255),
]

# --- what counts toward CE, per region (admin, bureau) ---

CE_CREDIT_RULE_FIELDS = [
    RULE_REGION,
    Field("kind", N_("Kind of credit"), kind="choice", required=True, choices=choices(CeSource)),
    RULE_FROM,
    Field(
        "max_hours",
        N_("Most hours counted a registration period"),
        kind="decimal",
        max_length=8,
        help=N_("Empty: no cap (every hour counts). 0: this kind does not count."),
    ),
    RULE_SOURCE,
]

CE_YEARLY_RULE_FIELDS = [
    RULE_REGION,
    RULE_FROM,
    Field("applies", N_("Certified workers also need the yearly CE hours"), kind="bool"),
    Field("yearly_hours", N_("Hours a year"), kind="decimal", max_length=8),
    Field(
        "professional_hours",
        N_("Of them in professional subjects"),
        kind="decimal",
        max_length=8,
        help=N_("Every kind of credit but public-subject training is professional."),
    ),
    RULE_SOURCE,
]
