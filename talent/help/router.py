from fastapi import Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.help.guides import address, guide_for
from talent.web.auth import Allowed
from talent.web.routing import Router
from talent.web.templating import render

router = Router(tags=["help"])


@router.get("/help")
async def help_page(request: Request, viewer: Allowed(Permission.DASHBOARD)) -> Response:
    """The signed-in role's help: what it does here and its main jobs step by step, with links."""
    guide = guide_for(viewer.role)
    jobs = [
        {
            "title": job.title.tr(),
            "steps": [step.tr() for step in job.steps],
            "links": [(address(href, viewer.user.worker_id), label.tr()) for href, label in job.links],
        }
        for job in guide.jobs
    ]
    return render(request, "help/page.html", {"intro": guide.intro.tr(), "jobs": jobs})
