from talent.core.i18n import N_
from talent.web.forms import Field

SESSION_FIELDS = [
    Field("title", N_("Title"), max_length=200),
    Field("day", N_("Date"), kind="date", required=True),
    Field("time", N_("Start time"), required=True, max_length=5, help=N_("HH:MM, local time.")),
    Field("minutes", N_("Minutes"), kind="int", min_value=1, max_value=1440),
    Field("place", N_("Place"), max_length=255),
    Field("trainer", N_("Trainer"), max_length=100),
]
