from talent.core.i18n import N_
from talent.web.forms import Field

MATERIAL_FIELDS = [
    Field("title", N_("Title"), required=True, max_length=200),
    Field("url", N_("Or a link"), max_length=1000, help=N_("Leave empty when uploading a file.")),
    Field("change_note", N_("Change note"), max_length=255),
]
VERSION_FIELDS = [
    Field("url", N_("New link"), max_length=1000),
    Field("change_note", N_("Change note"), required=True, max_length=255, help=N_("What changed in this version.")),
]
