from talent.core.i18n import N_
from talent.web.forms import Field

BULK_FIELDS = [
    Field(
        "station_code",
        N_("Whole station (code)"),
        kind="lookup",
        max_length=32,
        lookup_url="/stations/suggest",
        help=N_("Every worker active at the station."),
    ),
    Field(
        "worker_nos",
        N_("Worker numbers"),
        kind="textarea",
        max_length=20000,
        help=N_("One per line, or separated by commas or spaces."),
    ),
]
