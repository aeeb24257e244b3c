from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from tortoise.expressions import Q

from talent.accounts.models import LoginAttempt, Role, Session, User
from talent.accounts.scope import Scope
from talent.exports.writers import keyset_rows
from talent.supervision.models import Assignment
from talent.web.pagination import ListParams, Page, order_for, paginate


async def session_get(*, session_id: str, now: datetime) -> Session | None:
    return (
        await Session.filter(id=session_id, expires_at__gt=now, user__is_active=True)
        .select_related("user", "user__region")
        .first()
    )


async def session_list_for_user(*, user_id: int, now: datetime) -> list[Session]:
    return await Session.filter(user_id=user_id, expires_at__gt=now).order_by("-last_seen_at")


async def login_failures(*, username: str, ip: str, since: datetime) -> tuple[int, int]:
    by_account = await LoginAttempt.filter(username=username, at__gte=since).count()
    by_address = await LoginAttempt.filter(ip=ip, at__gte=since).count()
    return by_account, by_address


async def user_by_username(*, username: str) -> User | None:
    return await User.filter(username=username).first()


async def scope_for(user: User, *, today) -> Scope:
    station_ids: frozenset[int] = frozenset()
    if user.role == Role.SUPERVISOR:
        ids = await Assignment.filter(
            Q(end_on=None) | Q(end_on__gte=today), supervisor__user_id=user.id, start_on__lte=today
        ).values_list("station_id", flat=True)
        station_ids = frozenset(ids)
    return Scope(
        user_id=user.id,
        role=user.role,
        region_path=user.region.path if user.role == Role.BUREAU and user.region_id else None,
        organisation_id=user.organisation_id if user.role == Role.HR else None,
        worker_id=user.worker_id if user.role == Role.WORKER else None,
        station_ids=station_ids,
    )


USER_SORTS = {"username": "username", "name": "display_name", "role": "role", "last_login": "last_login_at"}


def _user_filtered(*, params: ListParams, role: str = ""):
    qs = User.all().select_related("region", "organisation", "worker")
    if params.q:
        qs = qs.filter(Q(username__icontains=params.q) | Q(display_name__icontains=params.q))
    if role:
        qs = qs.filter(role=role)
    return qs


async def user_list(*, params: ListParams, role: str = "") -> Page:
    return await paginate(_user_filtered(params=params, role=role), params, USER_SORTS, default="username")


def user_export(*, params: ListParams, role: str = "") -> AsyncIterator[User]:
    """Every account of the filtered list (all pages) in the list's order, read in keyset batches."""
    return keyset_rows(_user_filtered(params=params, role=role), order_for(params, USER_SORTS, "username"))


async def user_get(*, user_id: int) -> User:
    return await User.get(id=user_id).select_related("region", "organisation", "worker")


def session_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
