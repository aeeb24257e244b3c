from fastapi import Request
from starlette.responses import JSONResponse, Response

from talent.web.auth import CurrentViewer
from talent.web.routing import Router
from talent.web.templating import render

router = Router(tags=["docs"], include_in_schema=False)


@router.get("/docs")
async def docs(request: Request, viewer: CurrentViewer) -> Response:
    """The OpenAPI description rendered by a self-hosted Swagger UI (no CDN, no inline script); signed-in only,
    like everything it describes."""
    return render(request, "docs/page.html")


@router.get("/openapi.json")
async def openapi(request: Request, viewer: CurrentViewer) -> Response:
    return JSONResponse(request.app.openapi())
