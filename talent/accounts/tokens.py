"""Personal API tokens: create (the secret shown once), list, revoke, and find the owner of a presented secret.

A secret is `tal_` + 32 random bytes (URL-safe base64); the database keeps its SHA-256 only, so a copy of the
database lets nobody call the API. A token reads the JSON API (GET /api/v1/…) as its owner, within the owner's
scope; it is refused everywhere else (talent.web.auth.api_viewer is the one place that reads it).
"""

import hashlib
import secrets
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from talent.accounts.models import ApiToken, User
from talent.core.errors import ServiceError
from talent.core.i18n import N_

PREFIX = "tal_"
MAX_ACTIVE = 10


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("name", N_("Give the token a name, e.g. where it is used."))
    async with in_transaction():
        if await ApiToken.filter(user_id=user.id, revoked_at=None).count() >= MAX_ACTIVE:
            raise ServiceError(
                "name", N_("You have %(n)s active tokens, the most allowed: revoke one first."), n=MAX_ACTIVE
            )
        secret = PREFIX + secrets.token_urlsafe(32)
        token = await ApiToken.create(user=user, name=name, token_hash=token_hash(secret), prefix=secret[:10])
    return token, secret


async def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens (another user's token is not found)."""
    token = await ApiToken.get(id=token_id, user_id=user.id)
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        await token.save(update_fields=["revoked_at"])


async def own_api_tokens(*, user: User) -> list[ApiToken]:
    return await ApiToken.filter(user_id=user.id).order_by("-created_at", "-id")


async def api_token_owner(*, secret: str) -> User | None:
    """The active owner of an unrevoked token with this secret, or None; notes the time of use."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (
        await ApiToken.filter(token_hash=token_hash(secret), revoked_at=None)
        .select_related("user", "user__region")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = datetime.now(UTC)
    await ApiToken.filter(id=token.id).update(last_used_at=now)
    return token.user
