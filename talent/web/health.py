from starlette.responses import JSONResponse
from tortoise.connection import get_connection

from talent.web.routing import Router

router = Router(tags=["health"])


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        await get_connection("default").execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 — any failure means unhealthy
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})
