"""The forms of cohorts and supervision sessions."""

from talent.cohorts.models import CohortKind, MilestoneKind
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.people.forms import worker_numbers
from talent.places.forms import organisation_lookup, region_lookup, station_lookup
from talent.supervision.models import SessionFormat
from talent.web.forms import Field


def session_fields(station_choices: list[tuple[str, str]]) -> list[Field]:
    return [
        Field("station_code", N_("Station"), kind="choice", required=True, choices=station_choices),
        Field("held_on", N_("Day"), kind="date", required=True),
        Field(
            "hours",
            N_("Length (hours)"),
            kind="decimal",
            required=True,
            help=N_("Length of the session, e.g. 2 or 1.5."),
        ),
        Field("format", N_("Format"), kind="choice", required=True, choices=choices(SessionFormat)),
        Field("topics", N_("Topics"), kind="textarea", max_length=2000),
        Field(
            "ce_hours",
            N_("CE hours per attendee"),
            kind="decimal",
            help=N_("Credited to each attendee's CE ledger; at most the session's hours. Empty or 0: none."),
        ),
    ]


COHORT_FIELDS = [
    Field("name", N_("Name"), required=True, max_length=100),
    Field("kind", N_("Kind"), kind="choice", required=True, choices=choices(CohortKind)),
    region_lookup(required=True, help=N_("The region running the cohort.")),
    organisation_lookup(N_("Organisation"), help=N_("Optional: the organisation that hosts it.")),
    Field("start_on", N_("Starts"), kind="date", required=True),
    Field("end_on", N_("Ends"), kind="date", required=True),
    Field(
        "goal_cert_rate", N_("Goal: certification rate"), kind="decimal", help=N_("A share between 0 and 1, e.g. 0.6.")
    ),
    Field("goal_ce_hours", N_("Goal: CE hours per member"), kind="decimal"),
    Field(
        "goal_retention", N_("Goal: 12-month retention"), kind="decimal", help=N_("A share between 0 and 1, e.g. 0.9.")
    ),
    Field("description", N_("Description"), kind="textarea", max_length=4000),
]


def member_fields(mentor_choices: list[tuple[str, str]]) -> list[Field]:
    """Adding members: by number and/or a station's workers, with one mentor for all."""
    return [
        worker_numbers(N_("One or more, separated by spaces, commas or new lines.")),
        station_lookup(
            N_("Or every worker of a station"), help=N_("Its workers active today; those already members are skipped.")
        ),
        Field("mentor", N_("Mentor"), kind="choice", choices=mentor_choices),
        Field("joined_on", N_("Joined on"), kind="date", help=N_("Empty: today (or the cohort's start).")),
    ]


def mentor_fields(mentor_choices: list[tuple[str, str]]) -> list[Field]:
    return [Field("mentor", N_("Mentor"), kind="choice", choices=mentor_choices)]


def milestone_fields(course_choices: list[tuple[str, str]], subject_choices: list[tuple[str, str]]) -> list[Field]:
    kinds = [(k.value, k.label) for k in MilestoneKind if course_choices or k != MilestoneKind.COURSE]
    return [
        Field("kind", N_("Kind"), kind="choice", required=True, choices=kinds),
        Field("due_on", N_("Due on"), kind="date", required=True),
        Field("title", N_("Title"), max_length=200, help=N_("Required for a custom milestone; otherwise optional.")),
        Field("course", N_("Course"), kind="choice", choices=course_choices),
        Field("subject", N_("Exam subject"), kind="choice", choices=subject_choices),
        Field("hours", N_("CE hours"), kind="decimal", help=N_("Hours earned from the cohort's start.")),
    ]
