"""The sign-in slow-down rule, shared by sign-in and the admin's view of an account (no database here)."""

from talent.settings import get_settings


def slowdown_seconds(failures: int) -> int:
    """How long after an account's latest failure its next attempt may come from an address that failed for
    it: nothing below the threshold, then the base doubling with each further failure, up to the cap."""
    settings = get_settings()
    extra = failures - settings.login_slowdown_after_failures
    if extra < 0:
        return 0
    # The exponent is bounded so a flood of failures cannot build a huge number before the cap applies.
    return min(settings.login_slowdown_base_seconds * 2 ** min(extra, 32), settings.login_slowdown_max_seconds)
