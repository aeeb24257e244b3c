"""The JSON report API (DESIGN §3): GET /api/v1/reports/… for a signed-in session or a personal API token.
`region` is a code resolved inside the caller's scope (404 outside it); rates are fractions; every answer
carries its `formula` and the counted inputs. The numbers come from talent.analytics.reports, as the pages'."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import JSONResponse, Response

from talent.analytics import reports
from talent.analytics.area import area_for
from talent.analytics.params import kind_valid, report_dates
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.web.auth import ApiAllowed
from talent.web.routing import Router
from talent.web.templating import render_error

router = Router(prefix="/api/v1/reports", tags=["reports"])

Text = Annotated[str, Query(max_length=20)]


async def _prepare(request, viewer, region: str, on: str = "", start: str = "", end: str = "", kind: str = ""):
    dates, valid = report_dates(local_today(), on, start, end)
    if not valid or not kind_valid(kind):
        return None, None, render_error(request, 422)
    area = await area_for(viewer.scope, region, kind)
    if area is None:
        return None, None, render_error(request, 404)
    return area, dates, None


async def _part(area, dates, part: str, group_by: str = "") -> dict:
    """A part of the report as the pages keep it (reports.report_parts): the same numbers, served from the store
    while nothing it reads has changed."""
    return (await reports.report_parts(area, dates, group_by, local_today(), (part,)))[part]


@router.get("/certification")
async def certification(
    request: Request, viewer: ApiAllowed(Permission.REPORTS), region: Text = "", on: Text = ""
) -> Response:
    """headcount, certified, rate and by_level (counts of the highest level held) on `on`."""
    area, dates, error = await _prepare(request, viewer, region, on)
    return error or JSONResponse(await _part(area, dates, "certification"))


@router.get("/turnover")
async def turnover(
    request: Request,
    viewer: ApiAllowed(Permission.REPORTS),
    region: Text = "",
    from_: Annotated[str, Query(alias="from", max_length=20)] = "",
    to: Text = "",
) -> Response:
    """separations, voluntary, involuntary, average_headcount and the three rates over [from, to]."""
    area, dates, error = await _prepare(request, viewer, region, "", from_, to)
    return error or JSONResponse(await _part(area, dates, "turnover"))


@router.get("/retention")
async def retention(
    request: Request, viewer: ApiAllowed(Permission.REPORTS), region: Text = "", on: Text = "", group_by: Text = ""
) -> Response:
    """Kaplan–Meier curves by group (level, source, region, cohort, pay): groups of {group, at_risk, events, points}."""
    area, dates, error = await _prepare(request, viewer, region, on)
    return error or JSONResponse(await _part(area, dates, "retention", group_by))


@router.get("/staffing")
async def staffing(
    request: Request, viewer: ApiAllowed(Permission.REPORTS), region: Text = "", on: Text = "", kind: Text = ""
) -> Response:
    """Per-station staffing against the norms of the station's kind, and totals, of township stations unless
    `kind` names another kind (county_centre, village_room) or `all`; `by_kind`: the whole network per kind."""
    area, dates, error = await _prepare(request, viewer, region, on, kind=kind)
    return error or JSONResponse(await _part(area, dates, "staffing"))


@router.get("/ce")
async def ce(request: Request, viewer: ApiAllowed(Permission.REPORTS), region: Text = "", on: Text = "") -> Response:
    """Per-station CE compliance of registered certificates, totals, and registration status counts."""
    area, dates, error = await _prepare(request, viewer, region, on)
    return error or JSONResponse(await _part(area, dates, "ce"))
