"""Reads: a user's own notifications only (anyone else's answer 404)."""

from talent.core.pagination import ListParams, Page, paginate
from talent.notifications.models import Notification

SORTS = {"created": "created_at"}


async def unread_count(*, user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at=None).count()


async def notification_list(*, user_id: int, params: ListParams, unread_only: bool = False) -> Page:
    qs = Notification.filter(user_id=user_id)
    if unread_only:
        qs = qs.filter(read_at=None)
    params.sort = params.sort if params.sort.lstrip("-") in SORTS else "-created"
    return await paginate(qs, params, SORTS, default="-created")


async def notification_get(*, user_id: int, notification_id: int) -> Notification:
    return await Notification.filter(user_id=user_id).get(id=notification_id)
