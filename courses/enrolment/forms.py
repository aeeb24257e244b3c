from talent.core.i18n import N_
from talent.people.forms import worker_numbers
from talent.places.forms import station_lookup

BULK_FIELDS = [
    station_lookup(N_("Whole station (code)"), help=N_("Every worker active at the station.")),
    worker_numbers(N_("One per line, or separated by commas or spaces.")),
]
