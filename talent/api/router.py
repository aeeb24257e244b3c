"""The JSON API's record endpoints under /api/v1: the same scoped selectors as the pages, answered as the
domains' read models (talent.<domain>.schemas). Out of scope is "not found", as on the pages."""

from datetime import date
from typing import Annotated, Generic, TypeVar

from fastapi import HTTPException, Query
from pydantic import BaseModel
from tortoise.exceptions import DoesNotExist

from talent.certification import selectors as certification_selectors
from talent.certification.schemas import CertificateStanding
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.pagination import ListParams, Page
from talent.people import selectors as people_selectors
from talent.people.schemas import WorkerListItem, WorkerOut
from talent.places import selectors as places_selectors
from talent.places.schemas import RegionOut, StationOut
from talent.web.auth import Allowed
from talent.web.routing import Router

router = Router(prefix="/api/v1", tags=["api"])

T = TypeVar("T")
MAX_PER_PAGE = 200


class Paged(BaseModel, Generic[T]):
    """One page of a list: its items, the number of matching records, and the page asked for."""

    items: list[T]
    total: int
    page: int
    pages: int
    per_page: int


def _params(q: str, page: int, per_page: int) -> ListParams:
    # Control characters (a NUL above all, which PostgreSQL refuses in text) can be in no stored value.
    return ListParams(q="".join(c for c in q if c.isprintable()).strip(), page=page, per_page=per_page)


def _paged(page: Page, items: list) -> dict:
    return {
        "items": items,
        "total": page.total,
        "page": page.params.page,
        "pages": page.pages,
        "per_page": page.params.per_page,
    }


Q = Annotated[str, Query(max_length=100)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
WorkerNo = Annotated[str, Query(max_length=32)]


@router.get("/regions", response_model=Paged[RegionOut])
async def api_regions(
    viewer: Allowed(Permission.REGIONS_VIEW), q: Q = "", page: PageNo = 1, per_page: PerPage = 50
) -> dict:
    """Regions the caller may see, in path order."""
    result = await places_selectors.region_list(scope=viewer.scope, params=_params(q, page, per_page))
    return _paged(result, [RegionOut.of(r) for r in result.items])


@router.get("/stations", response_model=Paged[StationOut])
async def api_stations(
    viewer: Allowed(Permission.STATIONS_VIEW), q: Q = "", page: PageNo = 1, per_page: PerPage = 50
) -> dict:
    """Stations the caller may see, by code."""
    result = await places_selectors.station_list(scope=viewer.scope, params=_params(q, page, per_page))
    return _paged(result, [StationOut.of(s) for s in result.items])


@router.get("/workers", response_model=Paged[WorkerListItem])
async def api_workers(
    viewer: Allowed(Permission.WORKERS_VIEW),
    q: Q = "",
    status: Annotated[str, Query(pattern="^(active|left|all)$")] = "active",
    on: date | None = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> dict:
    """Workers the caller may see (active on `on`, default today; or those who left, or all), by worker number. Phone
    and ID number are masked unless the caller may see them."""
    result = await people_selectors.worker_list(
        scope=viewer.scope, params=_params(q, page, per_page), today=on or local_today(), status=status
    )
    sensitive = viewer.can(Permission.WORKERS_SENSITIVE)
    return _paged(result, [WorkerListItem.of(w, sensitive=sensitive) for w in result.items])


@router.get("/workers/{worker_no}", response_model=WorkerOut)
async def api_worker(viewer: Allowed(Permission.WORKERS_VIEW), worker_no: str) -> WorkerOut:
    """One worker the caller may see; 404 otherwise."""
    if not worker_no.isprintable():
        raise HTTPException(404)
    try:
        worker = await people_selectors.worker_by_no(scope=viewer.scope, worker_no=worker_no[:32])
    except DoesNotExist:
        raise HTTPException(404) from None
    return WorkerOut.of(worker, sensitive=viewer.can(Permission.WORKERS_SENSITIVE))


@router.get("/certificates", response_model=Paged[CertificateStanding])
async def api_certificates(
    viewer: Allowed(Permission.CERTIFICATES_VIEW), q: Q = "", on: date | None = None, page: PageNo = 1,
    per_page: PerPage = 50,
) -> dict:  # fmt: skip
    """Each worker's highest certificate and its standing on `on` (default today), as the certificates page
    lists them."""
    result = await certification_selectors.certificate_list(
        scope=viewer.scope, params=_params(q, page, per_page), today=on or local_today()
    )
    return _paged(result, [CertificateStanding(**row) for row in result.items])
