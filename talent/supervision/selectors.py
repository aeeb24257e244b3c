"""Reads about supervisors' assignments to stations."""

from datetime import date

from tortoise.expressions import Q

from talent.supervision.models import Assignment


async def assigned_station_ids(*, user_id: int, today: date) -> frozenset[int]:
    """The stations the supervisor signed in as `user_id` is assigned to on `today` (an assignment runs from
    start_on to end_on, or on while end_on is empty): a supervisor's scope."""
    ids = await Assignment.filter(
        Q(end_on=None) | Q(end_on__gte=today), supervisor__user_id=user_id, start_on__lte=today
    ).values_list("station_id", flat=True)
    return frozenset(ids)
