from fastapi import APIRouter, Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.clock import local_today
from talent.dashboard.selectors import dashboard_figures
from talent.web.auth import Allowed
from talent.web.templating import render, see_other

router = APIRouter(tags=["dashboard"])


@router.get("/")
async def dashboard(request: Request, viewer: Allowed(Permission.DASHBOARD)) -> Response:
    if viewer.can(Permission.OWN_RECORD):
        # A worker's home is their own record.
        return see_other(request, f"/workers/{viewer.user.worker_id}")
    today = local_today()
    figures = await dashboard_figures(scope=viewer.scope, today=today)
    return render(request, "dashboard/page.html", {"figures": figures, "today": today})
