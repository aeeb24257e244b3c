from talent.accounts.forms import new_password
from talent.core.access import Role
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.people.forms import worker_lookup
from talent.places.forms import organisation_lookup, region_lookup
from talent.web.forms import Field

# What an account is and sees, the same when it is created and when it is edited.
_PROFILE = [
    Field("display_name", N_("Full name"), max_length=100),
    Field(
        "email",
        N_("E-mail address"),
        max_length=254,
        help=N_("Notifications are also e-mailed here; empty: in the app only."),
    ),
    Field("role", N_("Role"), kind="choice", required=True, choices=choices(Role)),
    region_lookup(label=N_("Region code (bureau)"), help=N_("A bureau sees this region and everything below it.")),
    organisation_lookup(N_("Organisation (HR)"), help=N_("HR sees the stations this organisation operates.")),
    worker_lookup(N_("Worker number (worker)"), help=N_("A worker account sees only this worker record.")),
]

USER_CREATE_FIELDS = [
    Field("username", N_("Username"), required=True, max_length=64),
    *_PROFILE,
    new_password("password", N_("Password")),
]

USER_EDIT_FIELDS = [*_PROFILE, Field("is_active", N_("Enabled"), kind="bool")]

PASSWORD_RESET_FIELDS = [
    new_password(
        "password",
        N_("New password"),
        help=N_("At least 10 characters and hard to guess. The user is signed out everywhere."),
    ),
]
