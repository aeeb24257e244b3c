from talent.core.i18n import N_
from talent.web.forms import Field

LOGIN_FIELDS = [
    Field("username", N_("Username"), required=True, max_length=64, autocomplete="username"),
    Field("password", N_("Password"), kind="password", required=True, max_length=200, autocomplete="current-password"),
]


def new_password(
    name: str, label: str, help: str = N_("At least 10 characters and hard to guess: a few unrelated words work well.")
) -> Field:
    """A field where a person sets a password (the browser may offer to generate one)."""
    return Field(name, label, kind="password", required=True, max_length=200, autocomplete="new-password", help=help)


PASSWORD_FIELDS = [
    Field(
        "current",
        N_("Current password"),
        kind="password",
        required=True,
        max_length=200,
        autocomplete="current-password",
    ),
    new_password("new", N_("New password")),
    new_password("confirm", N_("Repeat the new password"), help=""),
]

EMAIL_FIELDS = [
    Field(
        "email",
        N_("E-mail address"),
        max_length=254,
        autocomplete="email",
        help=N_("Your notifications are also e-mailed here. Leave it empty to get them in the app only."),
    ),
]

TOKEN_FIELDS = [
    Field(
        "name",
        N_("Token name"),
        required=True,
        max_length=100,
        help=N_("Where the token is used, e.g. “monthly report spreadsheet”."),
    ),
]
