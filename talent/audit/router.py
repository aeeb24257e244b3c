from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.responses import Response

from talent.audit import pages as _platform_names  # noqa: F401  (registers the platform's codes and names)
from talent.audit.present import lines
from talent.audit.selectors import AuditLogExport, audit_list
from talent.core.access import Permission
from talent.web import exports
from talent.web.auth import Allowed
from talent.web.pagination import Listing
from talent.web.routing import Router
from talent.web.templating import render

AuditViewer = Allowed(Permission.AUDIT_VIEW)

router = Router(prefix="/audit", tags=["audit"])

ENTITIES = ["region", "organisation", "tier", "station", "worker", "spell", "certificate", "user"]


async def _audit_filters(
    params: Listing,
    entity: Annotated[str, Query(max_length=32)] = "",
    entity_id: Annotated[str, Query(max_length=64)] = "",
) -> tuple[str, str]:
    """The log's filter, one record (its entity and id), for the page and its export; its `params` are theirs
    (FastAPI resolves a dependency once per request), whose links carry the filter."""
    params.extra = {"entity": entity, "entity_id": entity_id}
    return entity, entity_id


Filters = Annotated[tuple[str, str], Depends(_audit_filters)]


@router.get("/export")
async def audit_export_file(
    viewer: AuditViewer,
    filters: Filters,
    params: Listing,
    fmt: exports.ExportFormat = "xlsx",
) -> Response:
    """The filtered audit log (every page) as .xlsx or .csv."""
    entity, entity_id = filters
    log = AuditLogExport(scope=viewer.scope, params=params, entity=entity, entity_id=entity_id)
    rows = exports.audit_rows(viewer.scope, log)
    return exports.respond(fmt, "audit", exports.headers(exports.AUDIT_HEADERS), rows)


@router.get("")
async def audit_page(request: Request, viewer: AuditViewer, filters: Filters, params: Listing) -> Response:
    entity, entity_id = filters
    page = await audit_list(scope=viewer.scope, params=params, entity=entity, entity_id=entity_id)
    page = replace(page, items=await lines(viewer.scope, page.items))
    return render(
        request,
        "audit/page.html",
        {"page": page, "entities": ENTITIES, "entity": entity},
        fragment="audit/_entries.html",
    )
