from datetime import UTC, datetime

from fastapi import Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.clock import local_today
from talent.dashboard.selectors import learner_home, staff_dashboard, year_to
from talent.web.auth import Allowed
from talent.web.routing import Router
from talent.web.templating import render

router = Router(tags=["dashboard"])


@router.get("/")
async def dashboard(request: Request, viewer: Allowed(Permission.DASHBOARD)) -> Response:
    today = local_today()
    if viewer.can(Permission.OWN_RECORD):
        # A worker's home is where they learn and what needs doing; their record is "My record".
        home = await learner_home(
            scope=viewer.scope, worker_id=viewer.user.worker_id or 0, today=today, now=datetime.now(UTC)
        )
        return render(request, "dashboard/learner.html", {**home, "today": today})
    context = {
        **await staff_dashboard(scope=viewer.scope, today=today),
        "today": today,
        "year_from": year_to(today),
    }
    return render(request, "dashboard/page.html", context)
