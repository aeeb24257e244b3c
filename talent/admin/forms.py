from talent.core.access import Role
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.web.forms import Field

_SCOPE = [
    Field(
        "region_code",
        N_("Region code (bureau)"),
        kind="lookup",
        max_length=12,
        lookup_url="/regions/suggest",
        help=N_("A bureau sees this region and everything below it."),
    ),
    Field(
        "organisation",
        N_("Organisation (HR)"),
        kind="lookup",
        max_length=200,
        lookup_url="/stations/organisations/suggest",
        help=N_("HR sees the stations this organisation operates."),
    ),
    Field(
        "worker_no",
        N_("Worker number (worker)"),
        kind="lookup",
        max_length=32,
        lookup_url="/workers/suggest",
        help=N_("A worker account sees only this worker record."),
    ),
]

USER_CREATE_FIELDS = [
    Field("username", N_("Username"), required=True, max_length=64),
    Field("display_name", N_("Name"), max_length=100),
    Field(
        "email",
        N_("E-mail address"),
        max_length=254,
        help=N_("Notifications are also e-mailed here; empty: in the app only."),
    ),
    Field("role", N_("Role"), kind="choice", required=True, choices=choices(Role)),
    *_SCOPE,
    Field(
        "password",
        N_("Password"),
        kind="password",
        required=True,
        max_length=200,
        autocomplete="new-password",
        help=N_("At least 10 characters and hard to guess: a few unrelated words work well."),
    ),
]

USER_EDIT_FIELDS = [
    Field("display_name", N_("Name"), max_length=100),
    Field(
        "email",
        N_("E-mail address"),
        max_length=254,
        help=N_("Notifications are also e-mailed here; empty: in the app only."),
    ),
    Field("role", N_("Role"), kind="choice", required=True, choices=choices(Role)),
    *_SCOPE,
    Field("is_active", N_("Active"), kind="bool"),
]

PASSWORD_RESET_FIELDS = [
    Field(
        "password",
        N_("New password"),
        kind="password",
        required=True,
        max_length=200,
        autocomplete="new-password",
        help=N_("At least 10 characters and hard to guess. The user is signed out everywhere."),
    ),
]
