"""Display labels (English msgids) for the certification codes; translated when shown."""

from talent.core.i18n import N_
from talent.places.models import CertLevel
from talent.web.labels import LABELS

STATUS_LABELS = {
    "none": N_("No certificate"),
    "unregistered": N_("Awaiting first registration"),
    "registered": N_("Registered"),
    "renewal_open": N_("Renewal window open"),
    "ce_shortfall": N_("CE shortfall"),
    "lapsed": N_("Lapsed"),
}
STATUS_BADGES = {
    "none": "text-bg-light",
    "unregistered": "text-bg-info",
    "registered": "text-bg-success",
    "renewal_open": "text-bg-warning",
    "ce_shortfall": "text-bg-danger",
    "lapsed": "text-bg-secondary",
}
CE_SOURCE_LABELS = {
    "course": N_("Course completion"),
    "supervision": N_("Supervision"),
    "external": N_("External training"),
    "degree": N_("Degree study"),
    "other": N_("Other"),
}
QUESTION_KIND_LABELS = {
    "single": N_("Single choice"),
    "multiple": N_("Multiple choice"),
    "case": N_("Case analysis"),
    "programme": N_("Programme design"),
    "essay": N_("Essay"),
}
CERT_SOURCE_LABELS = {"exam": N_("From exam results"), "recorded": N_("Recorded")}
REGISTRATION_KIND_LABELS = {"first": N_("First registration"), "renewal": N_("Renewal")}

_ALL = {
    "level": LABELS[CertLevel],
    "status": STATUS_LABELS,
    "ce_source": CE_SOURCE_LABELS,
    "kind": QUESTION_KIND_LABELS,
    "cert_source": CERT_SOURCE_LABELS,
    "registration": REGISTRATION_KIND_LABELS,
}


def clabel(group: str, value) -> str:
    """`{{ clabel("status", row.cert_status) }}` in templates."""
    if value is None or value == "":
        return ""
    value = getattr(value, "value", value)
    msgid = _ALL[group].get(value)
    return msgid.tr() if msgid is not None else str(value)


def choices_of(group: str) -> list[tuple[str, str]]:
    return list(_ALL[group].items())
