import hashlib
import math
import secrets
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from tortoise.transactions import in_transaction

from talent.accounts import selectors, throttling
from talent.accounts.email import email_normalise
from talent.accounts.models import LoginAttempt, Session, User
from talent.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, password_weakness, verify_password
from talent.audit.models import SYSTEM_ACTOR, Action, Entity
from talent.audit.services import Audited
from talent.core.access import Role
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.settings import get_settings

USER_AUDIT_FIELDS = [
    "username",
    "display_name",
    "email",
    "role",
    "region_id",
    "organisation_id",
    "worker_id",
    "is_active",
]
USER = Audited(Entity.USER, USER_AUDIT_FIELDS)


def now_utc() -> datetime:
    return datetime.now(UTC)


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def login_authenticate(*, username: str, password: str, ip: str, now: datetime | None = None) -> User:
    """Check a sign-in, throttling guesses without ever locking the account itself; raises LoginError.

    Refused before the password is even checked (and not counted again), within the window:
    - an address with too many failures across all accounts (password spraying);
    - an address with too many failures for this account: that address only, so an attacker cannot lock
      the real user out, who signs in from anywhere else;
    - an address that has failed for this account, while the account is slowed down (see below).
    """
    settings = get_settings()
    now = now or now_utc()
    username, ip = username[:64], ip[:64]
    since = now - timedelta(minutes=settings.login_window_minutes)
    failures = await selectors.login_failures(username=username, ip=ip, since=since)
    if failures.by_address >= settings.login_max_failures_per_address:
        await _refuse_until_window_frees(ip=ip, since=since, now=now, limit=settings.login_max_failures_per_address)
    if failures.by_account_address >= settings.login_max_failures_per_account_address:
        await _refuse_until_window_frees(
            username=username, ip=ip, since=since, now=now, limit=settings.login_max_failures_per_account_address
        )
    # Per account a slow-down, not a lock: once the account has many failures from anywhere, the next attempt
    # is allowed only some seconds after its latest failure, the wait doubling with each further failure up
    # to a cap. It is computed from the stored failures (no extra state), and refused at once with the wait
    # rather than by sleeping, which would hold a connection and let parallel requests pile up. Addresses
    # with no failure for this account in the window are not slowed: that is how the real user gets in while
    # an attacker hammers the account from elsewhere. A spread-out attacker gains one guess per new address,
    # which the address limits and the password strength rule (zxcvbn score 3 or more) make useless.
    if failures.by_account_address and failures.account_last_at:
        ready_at = failures.account_last_at + timedelta(seconds=throttling.slowdown_seconds(failures.by_account))
        if now < ready_at:
            raise LoginError(
                _("Too many failed sign-ins for this account. Try again in %(n)s seconds.")
                % {"n": math.ceil((ready_at - now).total_seconds())}
            )
    user = await selectors.user_by_username(username=username)
    ok = await verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        await LoginAttempt.create(username=username, ip=ip, at=now)
        raise LoginError(_("Wrong username or password."))
    return user


async def _refuse_until_window_frees(
    *, ip: str, since: datetime, now: datetime, limit: int, username: str | None = None
) -> NoReturn:
    """Refuse, naming the minutes until enough of these failures have left the window to allow a try."""
    freeing = await selectors.login_failure_nth_latest(ip=ip, username=username, since=since, n=limit)
    window = timedelta(minutes=get_settings().login_window_minutes)
    seconds = ((freeing + window - now).total_seconds()) if freeing else 60
    raise LoginError(
        _("Too many failed sign-ins. Wait %(n)s minutes and try again.") % {"n": max(1, math.ceil(seconds / 60))}
    )


async def session_create(*, user: User, ip: str, user_agent: str) -> str:
    """Start a fresh session (a new id at every sign-in) and return the cookie token."""
    settings = get_settings()
    now = now_utc()
    token = secrets.token_urlsafe(32)
    async with in_transaction():
        await Session.create(
            id=token_key(token),
            user=user,
            last_seen_at=now,
            expires_at=now + timedelta(days=settings.session_days),
            ip=ip[:64],
            user_agent=user_agent[:255],
        )
        await User.filter(id=user.id).update(last_login_at=now)
        # Only the failures from this address (the user's own typos): clearing the account's others would
        # hand an attacker elsewhere fresh guesses each time the real user signs in.
        await LoginAttempt.filter(username=user.username, ip=ip[:64]).delete()
    return token


async def session_touch(*, session: Session) -> None:
    settings = get_settings()
    now = now_utc()
    if now - session.last_seen_at > timedelta(minutes=settings.session_touch_minutes):
        await Session.filter(id=session.id).update(
            last_seen_at=now, expires_at=now + timedelta(days=settings.session_days)
        )


async def session_revoke(*, session_id: str) -> None:
    await Session.filter(id=session_id).delete()


async def session_revoke_all(*, user: User, except_session_id: str | None = None) -> int:
    qs = Session.filter(user_id=user.id)
    if except_session_id:
        qs = qs.exclude(id=except_session_id)
    return await qs.delete()


def _weakness_message(weakness: str) -> str:
    """Our own sentence for what password_weakness found (zxcvbn's feedback is English prose)."""
    match weakness:
        case "user_inputs":
            reason = _("This password is too easy to guess: it contains the username or the name.")
        case "common":
            reason = _("This password is too easy to guess: it is, or is close to, a commonly used password.")
        case "keyboard":
            reason = _("This password is too easy to guess: it follows a pattern of keys on the keyboard.")
        case "repeat":
            reason = _(
                "This password is too easy to guess: it repeats characters or follows a sequence like abc or 123."
            )
        case "date":
            reason = _("This password is too easy to guess: it is built on a date or a year.")
        case "words":
            reason = _("This password is too easy to guess: it is built on common words or names.")
        case _:
            reason = _("This password is too easy to guess.")
    return reason + " " + _("A few unrelated words together work well.")


def _check_password(password: str, *, user_inputs: list[str]) -> None:
    """The rule for every password a person sets (the demo data hashes its one known password directly)."""
    weakness = password_weakness(password, user_inputs)
    if weakness == "short":
        raise ServiceError("password", N_("Use at least %(n)s characters."), n=MIN_PASSWORD_LENGTH)
    if weakness:
        raise ServiceError("password", _weakness_message(weakness))


async def user_change_password(*, user: User, current: str, new: str, session_id: str | None) -> None:
    if not await verify_password(current, user.password_hash):
        raise ServiceError("current", N_("The current password is wrong."))
    _check_password(new, user_inputs=[user.username, user.display_name])
    hashed = await hash_password(new)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=hashed, password_changed_at=now_utc())
        # Other devices must sign in again with the new password.
        await session_revoke_all(user=user, except_session_id=session_id)
        await USER.record(user, Action.PASSWORD, user, user.username)


async def user_set_locale(*, user: User, locale: str) -> None:
    await User.filter(id=user.id).update(locale=locale)


def _scope_fields(role: Role, region_id, organisation_id, worker_id) -> dict:
    """An account keeps only the link its role reads: a bureau its region, HR its organisation, a worker its record."""
    return {
        "region_id": region_id if role == Role.BUREAU else None,
        "organisation_id": organisation_id if role == Role.HR else None,
        "worker_id": worker_id if role == Role.WORKER else None,
    }


def _check_scope_fields(role: Role, region_id, organisation_id, worker_id) -> None:
    if role == Role.BUREAU and not region_id:
        raise ServiceError("region_code", N_("A bureau account needs a region."))
    if role == Role.HR and not organisation_id:
        raise ServiceError("organisation", N_("An HR account needs an organisation."))
    if role == Role.WORKER and not worker_id:
        raise ServiceError("worker_no", N_("A worker account needs a worker record."))


async def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    region_id: int | None = None,
    organisation_id: int | None = None,
    worker_id: int | None = None,
    locale: str | None = None,
    email: str = "",
) -> User:
    _check_password(password, user_inputs=[username, display_name])
    email = _checked_email(email)
    _check_scope_fields(role, region_id, organisation_id, worker_id)
    if username.casefold() == SYSTEM_ACTOR:
        # The audit log names what no account did "system": an account of that name would pass for it.
        raise ServiceError("username", N_("This username is reserved."))
    if await User.filter(username=username).exists():
        raise ServiceError("username", N_("This username is taken."))
    hashed = await hash_password(password)
    async with in_transaction():
        user = await User.create(
            username=username,
            password_hash=hashed,
            role=role,
            display_name=display_name or "",
            email=email,
            locale=locale,
            **_scope_fields(role, region_id, organisation_id, worker_id),
        )
        await USER.created(actor, user, username)
    return user


def _checked_email(email: str) -> str:
    normalised = email_normalise(email)
    if normalised is None:
        raise ServiceError("email", N_("Enter a valid e-mail address, like name@example.com."))
    return normalised


async def user_email_set(*, actor: User, user: User, email: str) -> User:
    """Set the address notifications are e-mailed to ("" for none), audited like every account change."""
    normalised = _checked_email(email)
    if normalised == user.email:
        return user
    async with in_transaction():
        await USER.update(actor, user, {"email": normalised}, user.username, update_fields=["email"])
    return user


async def user_update(
    *,
    actor: User,
    user: User,
    display_name: str,
    role: Role,
    region_id: int | None,
    organisation_id: int | None,
    worker_id: int | None,
    is_active: bool,
    email: str | None = None,
) -> User:
    _check_scope_fields(role, region_id, organisation_id, worker_id)
    email = user.email if email is None else _checked_email(email)
    if user.id == actor.id and (not is_active or role != Role.ADMIN):
        raise ServiceError("role", N_("You cannot demote or deactivate your own account."))
    values = {"display_name": display_name, "email": email, "role": role, "is_active": is_active}
    async with in_transaction():
        await USER.update(
            actor, user, values | _scope_fields(role, region_id, organisation_id, worker_id), user.username
        )
        if not is_active:
            await session_revoke_all(user=user)
    return user


async def user_reset_password(*, actor: User, user: User, password: str) -> None:
    _check_password(password, user_inputs=[user.username, user.display_name])
    hashed = await hash_password(password)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=hashed, password_changed_at=now_utc())
        await session_revoke_all(user=user)
        await USER.record(actor, Action.PASSWORD, user, user.username)


async def user_unlock(*, actor: User, user: User) -> int:
    """Clear an account's failed sign-ins, so every address refused or slowed down for it may try again at
    once (the password itself is unchanged); returns how many were cleared."""
    async with in_transaction():
        cleared = await LoginAttempt.filter(username=user.username).delete()
        await USER.record(actor, Action.UNLOCK, user, user.username, after={"failed_sign_ins_cleared": cleared})
    return cleared


async def sessions_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Housekeeping for cron: drop expired sessions and failed sign-ins older than the throttling window."""
    now = now or now_utc()
    window = timedelta(minutes=get_settings().login_window_minutes)
    return {
        "sessions": await Session.filter(expires_at__lte=now).delete(),
        "login_attempts": await LoginAttempt.filter(at__lte=now - window).delete(),
    }
