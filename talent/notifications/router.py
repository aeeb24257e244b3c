"""/notifications: the signed-in user's notifications, mark as read, and the header bell."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.i18n import gettext as _
from talent.notifications import selectors, services
from talent.notifications.text import message
from talent.web.auth import Allowed
from talent.web.pages import list_page
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, render, see_other

router = Router(prefix="/notifications", tags=["notifications"])
Reader = Allowed(Permission.NOTIFICATIONS)


@router.get("")
async def notification_list(
    request: Request, viewer: Reader, params: Listing, unread: Annotated[str, Query(max_length=1)] = ""
) -> Response:
    unread_only = unread == "1"
    params.extra = {"unread": "1" if unread_only else ""}
    page = await selectors.notification_list(user_id=viewer.user.id, params=params, unread_only=unread_only)
    return list_page(request, "notifications/list.html", {"page": page, "message": message, "unread": unread_only})


@router.get("/bell")
async def bell(request: Request, viewer: Reader) -> Response:
    count = await selectors.unread_count(user_id=viewer.user.id)
    return render(request, "notifications/_bell.html", {"unread_count": count})


@router.post("/read-all")
async def read_all(request: Request, viewer: Reader) -> Response:
    await services.notifications_read_all(user=viewer.user)
    return flash(see_other(request, "/notifications"), _("All notifications marked as read."))


@router.post("/{notification_id}/read")
async def read(request: Request, viewer: Reader, notification_id: Id) -> Response:
    notification = await selectors.notification_get(user_id=viewer.user.id, notification_id=notification_id)
    await services.notification_read(user=viewer.user, notification=notification)
    target = notification.link if notification.link.startswith("/") and not notification.link.startswith("//") else ""
    return see_other(request, target or "/notifications")
