"""The local clock: times are stored in UTC and shown, typed and turned into "today" in settings.time_zone."""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from talent.settings import get_settings


@lru_cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_zone() -> ZoneInfo:
    """The zone times are shown and typed in (settings.time_zone); the database holds UTC."""
    return _zone(get_settings().time_zone)


def local_today() -> date:
    """Today on the local clock: a worker hired at 07:00 in Nanjing is active that day, though UTC is still
    on the day before."""
    return datetime.now(local_zone()).date()


def local_time(value: datetime) -> datetime:
    """A stored time on the local clock (a naive value is taken as UTC, as the database gives it)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(local_zone())


def now_utc() -> datetime:
    return datetime.now(UTC)
