from tortoise import fields
from tortoise.models import Model

from talent.core.access import Role


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100, default="")
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16)
    # The scope: which one applies depends on the role (bureau → region, hr → organisation,
    # worker → worker record; a supervisor's scope is their station assignments).
    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="users", on_delete=fields.RESTRICT, db_index=True
    )
    organisation = fields.ForeignKeyField(
        "models.Organisation", null=True, related_name="users", on_delete=fields.RESTRICT, db_index=True
    )
    worker = fields.ForeignKeyField(
        "models.Worker", null=True, related_name="users", on_delete=fields.RESTRICT, db_index=True
    )
    locale = fields.CharField(max_length=8, null=True)
    # Where `talent remind` e-mails notifications; empty: in-app only.
    email = fields.CharField(max_length=254, default="", db_default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"
        ordering = ["username"]
        # The account list's role filter (in username order) and its sorts, each with the id that breaks ties
        # (125,782 accounts in the national demo: each sort read and ordered them all).
        indexes = (("role", "username"), ("role", "id"), ("display_name", "id"), ("last_login_at", "id"))

    def __str__(self) -> str:
        return self.display_name or self.username


class Session(Model):
    """A server-side login session: the cookie holds a random token whose SHA-256 is the key."""

    id = fields.CharField(max_length=64, primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="sessions", on_delete=fields.CASCADE, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=255, default="")
    # Flash messages waiting for the next page view.
    flashes = fields.JSONField(default=list)

    class Meta:
        table = "sessions"


class LoginAttempt(Model):
    """Failed sign-ins, counted per account and per address to throttle guessing."""

    id = fields.BigIntField(primary_key=True)
    username = fields.CharField(max_length=64, db_index=True)
    ip = fields.CharField(max_length=64, db_index=True)
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_attempts"


class ApiToken(Model):
    """A personal API token: read-only access to the JSON API (GET /api/v1/…) as its owner, scoped like them.
    The secret is shown once at creation; only its SHA-256 is stored (`token_hash`), with its first characters
    (`prefix`) to tell tokens apart in the list. Revoking sets `revoked_at`; a revoked token never answers."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="api_tokens", on_delete=fields.CASCADE, db_index=True)
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
        ordering = ["-created_at", "-id"]
