from fastapi import APIRouter, Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.clock import local_today
from talent.dashboard.selectors import dashboard_attention, dashboard_figures, dashboard_regions, year_to
from talent.web.auth import Allowed
from talent.web.templating import render, see_other

router = APIRouter(tags=["dashboard"])


@router.get("/")
async def dashboard(request: Request, viewer: Allowed(Permission.DASHBOARD)) -> Response:
    if viewer.can(Permission.OWN_RECORD):
        # A worker's home is their own record.
        return see_other(request, f"/workers/{viewer.user.worker_id}")
    today = local_today()
    context = {
        "figures": await dashboard_figures(scope=viewer.scope, today=today),
        "regions": await dashboard_regions(scope=viewer.scope, today=today),
        "attention": await dashboard_attention(scope=viewer.scope, today=today),
        "today": today,
        "year_from": year_to(today),
    }
    return render(request, "dashboard/page.html", context)
