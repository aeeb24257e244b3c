from dataclasses import replace

from talent.core.codes import choices
from talent.core.i18n import N_
from talent.people.models import ExitReason, ExitType, ExperienceKind, Gender, Source
from talent.places.forms import station_lookup
from talent.places.models import Education
from talent.web.forms import Field

WORKER_FIELDS = [
    Field("worker_no", N_("Worker number"), required=True, max_length=32),
    Field("name", N_("Full name"), required=True, max_length=50),
    Field("gender", N_("Gender"), kind="choice", choices=choices(Gender)),
    Field("birth_date", N_("Date of birth"), kind="date"),
    Field("education", N_("Education"), kind="choice", choices=choices(Education)),
    Field("social_work_major", N_("Social-work major"), kind="bool"),
    Field("source", N_("Source"), kind="choice", required=True, choices=choices(Source)),
    Field("phone", N_("Phone"), max_length=32, autocomplete="off"),
    Field(
        "id_number",
        N_("National ID number"),
        max_length=18,
        help=N_("18 characters: 17 digits, then a digit or X."),
    ),
]

_STATION = station_lookup(help=N_("Type a station name or code and pick it from the list."))


def worker_lookup(label: str, **options) -> Field:
    """A worker, typed as a name or worker number and picked from the suggestions of the workers pages."""
    return Field("worker_no", label, kind="lookup", max_length=32, lookup_url="/workers/suggest", **options)


def worker_numbers(help: str) -> Field:
    """Many workers at once, their numbers typed or pasted into a text area."""
    return Field("worker_nos", N_("Worker numbers"), kind="textarea", max_length=20000, help=help)


HIRE_FIELDS = [
    _STATION,
    Field("start_on", N_("Start date"), kind="date"),
    Field("full_time", N_("Full-time"), kind="bool"),
    Field("position", N_("Position"), max_length=64),
]


def worker_create_fields(*, hire_required: bool) -> list[Field]:
    """Worker fields plus the first hire; the hire is required for everyone but an admin."""
    hire = [
        replace(f, required=True) if f.name in ("station_code", "start_on") and hire_required else f
        for f in HIRE_FIELDS
    ]
    return [*WORKER_FIELDS, *hire]


EXIT_FIELDS = [
    Field("end_on", N_("Last working day"), kind="date", required=True),
    Field("exit_type", N_("Exit type"), kind="choice", required=True, choices=choices(ExitType)),
    Field("exit_reason", N_("Exit reason"), kind="choice", required=True, choices=choices(ExitReason)),
    Field("exit_note", N_("Note"), max_length=255),
]

TRANSFER_FIELDS = [
    Field(
        "end_on",
        N_("Last working day at the current station"),
        kind="date",
        required=True,
        help=N_("The spell at the new station starts the next day."),
    ),
    Field("exit_reason", N_("Reason"), kind="choice", required=True, choices=choices(ExitReason)),
    replace(_STATION, label=N_("New station code"), required=True),
    Field("full_time", N_("Full-time"), kind="bool"),
    Field("position", N_("Position"), max_length=64),
    Field("exit_note", N_("Note"), max_length=255),
]

SPELL_FIELDS = [
    replace(_STATION, required=True),
    Field("start_on", N_("Start date"), kind="date", required=True),
    Field("full_time", N_("Full-time"), kind="bool"),
    Field("position", N_("Position"), max_length=64),
    Field(
        "end_on",
        N_("Last working day"),
        kind="date",
        help=N_("Leave empty while the spell is active. A past spell needs an exit type and reason."),
    ),
    Field("exit_type", N_("Exit type"), kind="choice", choices=choices(ExitType)),
    Field("exit_reason", N_("Exit reason"), kind="choice", choices=choices(ExitReason)),
    Field("exit_note", N_("Note"), max_length=255),
]

PRIOR_FIELDS = [
    Field("employer", N_("Employer"), required=True, max_length=100),
    Field("start_on", N_("From"), kind="date", required=True),
    Field("end_on", N_("To"), kind="date", required=True),
    Field(
        "kind",
        N_("Kind"),
        kind="choice",
        required=True,
        choices=choices(ExperienceKind),
        help=N_("Time during full-time study is recorded but not counted as years of social work."),
    ),
    Field("note", N_("Note"), max_length=255),
]
