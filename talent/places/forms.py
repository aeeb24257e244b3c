from talent.core.codes import choices
from talent.core.i18n import N_
from talent.places.models import CertLevel, Education, RegionLevel, StationKind
from talent.web.forms import Field


# The lookups of places, typed as a code or name and picked from the suggestions of the places pages; every form
# that names a region, organisation or station uses these.
def region_lookup(name: str = "region_code", label: str = N_("Region code"), *, level: str = "", **options) -> Field:
    """A region, typed as its code (`level="township"`: suggestions of townships and streets only)."""
    url = f"/regions/suggest?level={level}" if level else "/regions/suggest"
    return Field(name, label, kind="lookup", max_length=12, lookup_url=url, **options)


def organisation_lookup(label: str, **options) -> Field:
    return Field(
        "organisation", label, kind="lookup", max_length=200, lookup_url="/stations/organisations/suggest", **options
    )


def station_lookup(label: str = N_("Station code"), name: str = "station_code", **options) -> Field:
    return Field(name, label, kind="lookup", max_length=32, lookup_url="/stations/suggest", **options)


def station_kind_choice(name: str, label: str, help: str) -> Field:
    """A kind of station of the network, empty meaning a township (street) station (the services' default)."""
    return Field(name, label, kind="choice", choices=choices(StationKind), help=help)


# The fields every effective-dated regional rule has (CE credit caps, the yearly CE rule, CE per supervision session):
# the region (none: national), the first day in force, and the document it comes from.
RULE_REGION = region_lookup(help=N_("Empty for the national rule (admins only)."))
RULE_FROM = Field("effective_from", N_("In force from"), kind="date", required=True)
RULE_SOURCE = Field(
    "source",
    N_("Source document"),
    kind="textarea",
    required=True,
    max_length=2000,
    help=N_("The document and article the rule comes from, e.g. a provincial civil-affairs notice."),
)

REGION_CREATE_FIELDS = [
    region_lookup("parent_code", N_("Parent region code"), help=N_("Empty only for a province.")),
    Field("level", N_("Level"), kind="choice", required=True, choices=choices(RegionLevel)),
    Field(
        "code",
        N_("Administrative code"),
        required=True,
        max_length=12,
        help=N_("Digits: 6 for a province, city or county; 9 (or 12) for a township or street. Cannot be changed."),
    ),
    Field("name", N_("Name"), required=True, max_length=100),
]

REGION_EDIT_FIELDS = [Field("name", N_("Name"), required=True, max_length=100)]

ORGANISATION_FIELDS = [
    Field("name", N_("Name"), required=True, max_length=200),
    region_lookup(help=N_("Where the organisation is registered.")),
    Field("credit_code", N_("Unified social credit code"), max_length=32),
    Field("contact", N_("Contact person"), max_length=100),
    Field("phone", N_("Phone"), max_length=32),
]

TIER_FIELDS = [
    Field("name", N_("Name"), required=True, max_length=100, help=N_("For example 1.0, 2.0 or a programme batch.")),
    region_lookup(help=N_("The region that set this tier; empty for a national tier.")),
    station_kind_choice(
        "station_kind",
        N_("For stations of kind"),
        N_("Empty: township (street) stations. A station is held only to a tier of its own kind."),
    ),
    Field("min_fulltime", N_("Minimum full-time workers"), kind="int", required=True, min_value=0, max_value=999),
    Field("min_certified", N_("Minimum certified workers"), kind="int", required=True, min_value=0, max_value=999),
    Field("min_level", N_("Minimum certificate level"), kind="choice", choices=choices(CertLevel)),
    Field("max_age", N_("Maximum age at recruitment"), kind="int", min_value=16, max_value=80),
    Field("min_education", N_("Minimum education"), kind="choice", choices=choices(Education)),
    Field("major_required", N_("Social-work major required"), kind="bool"),
    Field("certificate_required", N_("Certificate required at recruitment"), kind="bool"),
    Field(
        "related_major_accepted",
        N_("A related major also qualifies"),
        kind="bool",
        help=N_("Sociology, psychology, management and the like count as the major."),
    ),
    Field(
        "major_or_certificate",
        N_("Major or certificate: either one suffices"),
        kind="bool",
        help=N_("With both requirements ticked, a candidate needs only one of them."),
    ),
    Field("notes", N_("Notes"), kind="textarea", max_length=2000),
]


def station_fields(tier_choices: list[tuple[str, str]]) -> list[Field]:
    """The station form; the tier select lists the tiers the viewer may see."""
    return [
        Field("code", N_("Station code"), required=True, max_length=32),
        Field("name", N_("Name"), required=True, max_length=200),
        station_kind_choice("kind", N_("Kind"), N_("Empty: a township (street) station.")),
        region_lookup(
            label=N_("Township / street code"),
            required=True,
            help=N_("A county guidance centre: the county or district code."),
        ),
        station_lookup(
            N_("Township station (for a village room)"),
            name="parent_code",
            help=N_("A village (community) room sits under the station of its township."),
        ),
        organisation_lookup(N_("Operating organisation")),
        Field("tier", N_("Tier"), kind="choice", choices=tier_choices),
        Field("opened_on", N_("Opened on"), kind="date"),
        Field("address", N_("Address"), max_length=255),
    ]
