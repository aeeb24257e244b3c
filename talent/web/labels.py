"""Human labels (English msgids) for every coded value, translated when shown."""

from enum import Enum

from talent.core.access import Role
from talent.core.i18n import N_, Msgid
from talent.people.models import ExitReason, ExitType, Gender, Source
from talent.places.models import CertLevel, Education, RegionLevel

LABELS: dict[type[Enum], dict[str, Msgid]] = {
    Role: {
        "admin": N_("Administrator"),
        "bureau": N_("Civil-affairs bureau"),
        "hr": N_("HR"),
        "supervisor": N_("Supervisor"),
        "worker": N_("Social worker"),
    },
    RegionLevel: {
        "province": N_("Province"),
        "city": N_("City"),
        "county": N_("County / district"),
        "township": N_("Township / street"),
    },
    CertLevel: {
        "assistant": N_("Assistant social worker"),
        "intermediate": N_("Social worker (intermediate)"),
        "senior": N_("Senior social worker"),
    },
    Education: {
        "secondary": N_("Secondary school"),
        "associate": N_("Associate degree"),
        "bachelor": N_("Bachelor"),
        "master": N_("Master"),
        "doctorate": N_("Doctorate"),
    },
    Gender: {"female": N_("Female"), "male": N_("Male")},
    Source: {
        "incubated": N_("Incubated"),
        "introduced": N_("Introduced"),
        "transferred": N_("Transferred"),
        "other": N_("Other"),
    },
    ExitType: {
        "voluntary": N_("Voluntary"),
        "involuntary": N_("Involuntary"),
        "transfer": N_("Transfer"),
        "retirement": N_("Retirement"),
        "other": N_("Other"),
    },
    ExitReason: {
        "pay": N_("Pay"),
        "career": N_("Career move"),
        "family": N_("Family"),
        "study": N_("Further study"),
        "workload": N_("Workload"),
        "contract_end": N_("Contract ended"),
        "dismissal": N_("Dismissal"),
        "health": N_("Health"),
        "other": N_("Other"),
    },
}


def choices(enum: type[Enum]) -> list[tuple[str, Msgid]]:
    return list(LABELS[enum].items())


def _shown(msgid: Msgid | None, value: str) -> str:
    """The label's translation; a code without a label is shown as it is (escaped), never translated."""
    return msgid.tr() if msgid is not None else value


def label(value) -> str:
    """The label of an enum member (None → ""); anything else is data, shown as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, Enum):
        return _shown(LABELS.get(type(value), {}).get(value.value), str(value.value))
    return str(value)


def label_of(enum: type[Enum], value: str | None) -> str:
    if not value:
        return ""
    return _shown(LABELS[enum].get(value), value)


ENTITY_LABELS = {
    "region": N_("Region"),
    "organisation": N_("Organisation"),
    "tier": N_("Station tier"),
    "station": N_("Station"),
    "worker": N_("Worker"),
    "spell": N_("Employment spell"),
    "certificate": N_("Certificate"),
    "user": N_("Account"),
    "demo": N_("Demo data"),
    "exam_result": N_("Exam result"),
    "ce_credit": N_("CE credit"),
    "exam_level": N_("Exam level"),
    "exam_subject": N_("Exam subject"),
    "paper_section": N_("Paper section"),
    "exam_year": N_("Exam year"),
    "pass_line": N_("Pass line"),
    "eligibility_rule": N_("Eligibility rule"),
    "course": N_("Course"),
    "lesson": N_("Lesson"),
    "enrolment": N_("Enrolment"),
    "material": N_("Material"),
    "class_session": N_("Classroom session"),
    "course_certificate": N_("Completion certificate"),
    "question": N_("Question"),
}

ACTION_LABELS = {
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "hire": N_("Hired"),
    "exit": N_("Exit recorded"),
    "transfer": N_("Transferred"),
    "password": N_("Password changed"),
    "register": N_("Registered"),
    "renew": N_("Renewed"),
    "publish": N_("Published"),
    "archive": N_("Archived"),
    "unpublish": N_("Returned to draft"),
    "enrol": N_("Enrolled"),
    "waitlist": N_("Waitlisted"),
    "promote": N_("Promoted from the waitlist"),
    "withdraw": N_("Withdrew"),
    "lesson_done": N_("Lesson done"),
    "present": N_("Marked present"),
    "absent": N_("Marked absent"),
    "complete": N_("Completed"),
    "revoke": N_("Revoked"),
    "new_version": N_("New version"),
}


def entity_label(value: str) -> str:
    return _shown(ENTITY_LABELS.get(value), value)


def action_label(value: str) -> str:
    return _shown(ACTION_LABELS.get(value), value)
