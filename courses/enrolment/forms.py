from talent.core.i18n import N_
from talent.places.forms import station_lookup
from talent.web.forms import Field

BULK_FIELDS = [
    station_lookup(N_("Whole station (code)"), help=N_("Every worker active at the station.")),
    Field(
        "worker_nos",
        N_("Worker numbers"),
        kind="textarea",
        max_length=20000,
        help=N_("One per line, or separated by commas or spaces."),
    ),
]
