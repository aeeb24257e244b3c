from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Max

from talent import rawsql
from talent.accounts import throttling
from talent.accounts.models import LoginAttempt, Session, User
from talent.core.access import Role, Scope
from talent.core.export import list_rows
from talent.core.pagination import ListParams, Page, order_for, paginate
from talent.core.sql import dialect, icontains
from talent.places.models import Region
from talent.settings import get_settings
from talent.supervision.selectors import reach_column_sql, reach_from_json, supervisor_reach


@lru_cache(maxsize=8)
def _session_sql(today: date, dialect: str) -> str:
    # A supervisor's reach on `today` as a column (NULL for every other role: the CASE does not run it), written once
    # per day: the statement stays fixed for the day.
    reach = reach_column_sql("u.id", today, dialect)
    return (
        f"SELECT {rawsql.columns(Session, 's')}, {rawsql.columns(User, 'u')}, {rawsql.columns(Region, 'r')}, "
        f"CASE WHEN u.role = '{Role.SUPERVISOR.value}' THEN {reach} END AS supervisor_reach "
        f"FROM {Session._meta.db_table} s JOIN {User._meta.db_table} u ON u.id = s.user_id "
        f"LEFT JOIN {Region._meta.db_table} r ON r.id = u.region_id "
        "WHERE s.id = $1 AND s.expires_at > $2 AND u.is_active = $3"
    )


@dataclass(frozen=True)
class LiveSession:
    """A live session with its user (and the user's region), and for a supervisor their reach on the day asked
    (supervisor_reach's stations and mentees), for scope_for."""

    session: Session
    reach: tuple[frozenset[int], frozenset[int]] | None

    @property
    def user(self) -> User:
        return self.session.user


async def session_get(*, session_id: str, now: datetime, today: date) -> LiveSession | None:
    """The live session with its user and the user's region, and a supervisor's reach on `today`, for every
    signed-in request: one fixed statement, planned once per connection on PostgreSQL (talent.rawsql.fetch_fixed),
    the same rows as Session.filter(id=…, expires_at__gt=now, user__is_active=True).select_related("user",
    "user__region"). The reach was a statement of its own on every request a supervisor made (about 0.25 ms of
    PostgreSQL's round trip, national demo)."""
    sql = _session_sql(today, dialect())
    rows = await rawsql.fetch_fixed(Session, sql, session_id, rawsql.db_value(Session, "expires_at", now), True)
    if not rows:
        return None
    session = rawsql.instance(Session, rows[0], "s")
    user = rawsql.instance(User, rows[0], "u")
    user.region = rawsql.instance(Region, rows[0], "r")
    session.user = user
    reach = reach_from_json(rows[0]["supervisor_reach"]) if user.role == Role.SUPERVISOR else None
    return LiveSession(session=session, reach=reach)


async def own_sessions(*, scope: Scope, now: datetime) -> list[Session]:
    """The viewer's own live sessions, latest first (nobody lists another account's sessions)."""
    return await Session.filter(user_id=scope.user_id, expires_at__gt=now).order_by("-last_seen_at")


def _aware(value: datetime | None) -> datetime | None:
    # SQLite can give back a naive value; stored times are UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class LoginFailures:
    """Failed sign-ins inside the throttling window (after `since`)."""

    by_address: int
    by_account_address: int
    by_account: int
    account_last_at: datetime | None


async def login_failures(*, username: str, ip: str, since: datetime) -> LoginFailures:
    recent = LoginAttempt.filter(at__gt=since)
    last = await recent.filter(username=username).order_by("-at").limit(1).values_list("at", flat=True)
    return LoginFailures(
        by_address=await recent.filter(ip=ip).count(),
        by_account_address=await recent.filter(username=username, ip=ip).count(),
        by_account=await recent.filter(username=username).count(),
        account_last_at=_aware(last[0]) if last else None,
    )


async def login_failure_nth_latest(*, ip: str, since: datetime, n: int, username: str | None = None) -> datetime | None:
    """The n-th latest failure from this address (for this account, if given): once it leaves the window,
    fewer than n remain."""
    qs = LoginAttempt.filter(ip=ip, at__gt=since)
    if username is not None:
        qs = qs.filter(username=username)
    found = await qs.order_by("-at").offset(n - 1).limit(1).values_list("at", flat=True)
    return _aware(found[0]) if found else None


@dataclass(frozen=True)
class ThrottledAddress:
    ip: str
    failures: int
    last_at: datetime
    refused: bool


@dataclass(frozen=True)
class LoginThrottle:
    """What the throttling of sign-ins holds against one account now, for the admin's account page."""

    window_minutes: int
    failures: int
    addresses: list[ThrottledAddress]
    address_count: int
    slowdown_seconds: int

    @property
    def refused_count(self) -> int:
        return sum(1 for a in self.addresses if a.refused)


THROTTLE_ADDRESSES_SHOWN = 10


async def login_throttle(*, username: str, now: datetime) -> LoginThrottle:
    settings = get_settings()
    since = now - timedelta(minutes=settings.login_window_minutes)
    rows = (
        await LoginAttempt.filter(username=username, at__gt=since)
        .annotate(n=Count("id"), last_at=Max("at"))
        .group_by("ip")
        .order_by("-n", "ip")
        .values("ip", "n", "last_at")
    )
    addresses = [
        ThrottledAddress(
            ip=row["ip"],
            failures=row["n"],
            last_at=_aware(_as_datetime(row["last_at"])),
            refused=row["n"] >= settings.login_max_failures_per_account_address,
        )
        for row in rows
    ]
    failures = sum(a.failures for a in addresses)
    return LoginThrottle(
        window_minutes=settings.login_window_minutes,
        failures=failures,
        addresses=addresses[:THROTTLE_ADDRESSES_SHOWN],
        address_count=len(addresses),
        slowdown_seconds=throttling.slowdown_seconds(failures),
    )


def _as_datetime(value) -> datetime:
    # An aggregate comes back as text on SQLite.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def user_by_username(*, username: str) -> User | None:
    return await User.filter(username=username).first()


async def scope_for(user: User, *, today, reach: tuple[frozenset[int], frozenset[int]] | None = None) -> Scope:
    """The records the user's role reaches (talent.core.access.Scope); `user.region` must be loaded. A supervisor's
    `reach` on `today`, when the caller read it already (session_get), else read here."""
    station_ids: frozenset[int] = frozenset()
    worker_ids: frozenset[int] = frozenset()
    if user.role == Role.SUPERVISOR:
        station_ids, worker_ids = reach if reach is not None else await supervisor_reach(user_id=user.id, today=today)
    return Scope(
        user_id=user.id,
        role=user.role,
        region_path=user.region.path if user.role == Role.BUREAU and user.region_id else None,
        organisation_id=user.organisation_id if user.role == Role.HR else None,
        worker_id=user.worker_id if user.role == Role.WORKER else None,
        station_ids=station_ids,
        worker_ids=worker_ids,
        today=today,
    )


USER_SORTS = {"username": "username", "name": "display_name", "role": "role", "last_login": "last_login_at"}


def _user_filtered(*, params: ListParams, role: str = ""):
    qs = User.all()
    if params.q:
        qs = qs.filter(icontains("username", params.q) | icontains("display_name", params.q))
    if role:
        qs = qs.filter(role=role)
    return qs


async def user_list(*, params: ListParams, role: str = "") -> Page:
    """One page of accounts, each a dict of USER_EXPORT_FIELDS (the list shows what the export does)."""
    qs = _user_filtered(params=params, role=role)
    return await paginate(qs, params, USER_SORTS, default="username", values=USER_EXPORT_FIELDS)


# What the list and the export show of an account (talent.web.exports.user_rows reads these): values, not model
# instances, whose building was two thirds of a whole country's file (125,782 accounts: 10.7 s on PostgreSQL).
USER_EXPORT_FIELDS = (
    "id",
    "username",
    "display_name",
    "role",
    "last_login_at",
    "is_active",
    "region__name",
    "organisation__name",
    "worker__name",
)


def user_export(*, params: ListParams, role: str = "") -> AsyncIterator[Any]:
    """Every account of the filtered list (all pages) in the list's order, as USER_EXPORT_FIELDS: one streamed
    statement."""
    qs = _user_filtered(params=params, role=role)
    return list_rows(qs, order_for(params, USER_SORTS, "username"), USER_EXPORT_FIELDS)


async def user_get(*, scope: Scope, user_id: int) -> User:
    """The account if the viewer may manage it (an admin: any; anyone else: their own); DoesNotExist otherwise."""
    mine = Q() if scope.is_admin else Q(id=scope.user_id)
    return await User.filter(mine).select_related("region", "organisation", "worker").get(id=user_id)


def session_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
