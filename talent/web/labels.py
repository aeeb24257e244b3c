"""Human labels (English msgids) for every coded value, translated when shown."""

from enum import Enum

from talent.audit.models import Action, Entity
from talent.core.access import Role
from talent.core.codes import Coded
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
    if isinstance(value, Coded):
        return value.label.tr()
    if isinstance(value, Enum):
        return _shown(LABELS.get(type(value), {}).get(value.value), str(value.value))
    return str(value)


def label_of(enum: type[Enum], value: str | None) -> str:
    if not value:
        return ""
    return _shown(LABELS[enum].get(value), value)


def entity_label(value: str) -> str:
    member = Entity._value2member_map_.get(value)
    return _shown(member.label if member is not None else None, value)


def action_label(value: str) -> str:
    member = Action._value2member_map_.get(value)
    return _shown(member.label if member is not None else None, value)
