"""The forms of supervision: a supervisor's profile, an assignment, ending one."""

from talent.core.codes import choices
from talent.core.i18n import N_
from talent.places.forms import RULE_FROM, RULE_REGION, RULE_SOURCE, region_lookup, station_lookup
from talent.places.models import CertLevel
from talent.supervision.models import Affiliation
from talent.web.forms import Field

SUPERVISOR_FIELDS = [
    Field("name", N_("Full name"), required=True, max_length=50),
    Field("affiliation_type", N_("Affiliation"), kind="choice", required=True, choices=choices(Affiliation)),
    Field(
        "affiliation",
        N_("Institution"),
        max_length=200,
        help=N_("A university's school, an association, an organisation."),
    ),
    Field("level", N_("Supervisor grade"), max_length=32, help=N_("For example 市级督导.")),
    Field("cert_level", N_("Certificate level"), kind="choice", choices=choices(CertLevel)),
    region_lookup(help=N_("The home region, whose bureau keeps this profile; empty for the national pool.")),
    Field(
        "expertise",
        N_("Expertise"),
        max_length=400,
        help=N_("Tags separated by commas or 、, for example 儿童保护、社区治理."),
    ),
    Field("bio", N_("Biography"), kind="textarea", max_length=4000),
    Field("active", N_("Active (may be assigned)"), kind="bool"),
]

ASSIGNMENT_FIELDS = [
    station_lookup(required=True),
    Field("start_on", N_("From"), kind="date", required=True),
    Field("end_on", N_("To (last day)"), kind="date", help=N_("Empty while the assignment runs.")),
    Field("is_primary", N_("Primary supervisor of the station"), kind="bool"),
]

END_FIELDS = [Field("end_on", N_("Last day"), kind="date", required=True)]

CE_RULE_FIELDS = [
    RULE_REGION,
    RULE_FROM,
    Field("counts", N_("Supervision sessions earn CE hours"), kind="bool"),
    Field(
        "max_share",
        N_("Share of a session's hours credited at most"),
        kind="decimal",
        help=N_("Between 0 and 1: 1 credits a session's full length, 0.5 half of it."),
    ),
    RULE_SOURCE,
]
