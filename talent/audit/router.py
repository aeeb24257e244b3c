from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from talent.audit.selectors import audit_list
from talent.web.auth import AuditViewer
from talent.web.pagination import Listing
from talent.web.templating import render

router = APIRouter(prefix="/audit", tags=["audit"])

ENTITIES = ["region", "organisation", "tier", "station", "worker", "spell", "certificate", "user"]


@router.get("")
async def audit_page(
    request: Request,
    viewer: AuditViewer,
    params: Listing,
    entity: Annotated[str, Query(max_length=32)] = "",
    entity_id: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    params.extra = {"entity": entity, "entity_id": entity_id}
    page = await audit_list(scope=viewer.scope, params=params, entity=entity, entity_id=entity_id)
    return render(
        request,
        "audit/page.html",
        {"page": page, "entities": ENTITIES, "entity": entity},
        fragment="audit/_entries.html",
    )
