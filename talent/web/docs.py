from fastapi import APIRouter, Request
from starlette.responses import Response

from talent.web.templating import render

router = APIRouter(tags=["docs"], include_in_schema=False)


@router.get("/docs")
async def docs(request: Request) -> Response:
    """The OpenAPI description rendered by a self-hosted Swagger UI (no CDN, no inline script)."""
    return render(request, "docs/page.html")
