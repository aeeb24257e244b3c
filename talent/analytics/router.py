"""/reports: the reports home of each staff role (a bureau its region with one row per child region, drilling
down; HR and a supervisor their stations), every table's export, and the yearly region report. Every URL is a
full page; htmx gets the fragment of the same URL (drill-down pushes the URL)."""

import io
from datetime import date
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from talent.analytics import formulas, lists, pdf, reports, tables
from talent.analytics.area import area_for, region_chain
from talent.analytics.params import ReportDates, report_dates
from talent.analytics.retention import RETENTION_GROUPS
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.export import XLSX_TYPE
from talent.core.i18n import N_
from talent.places.models import CertLevel, StationKind
from talent.places.rules import ALL_KINDS
from talent.web.auth import Allowed
from talent.web.exports import ExportFormat, respond
from talent.web.pagination import Listing
from talent.web.routing import Router
from talent.web.templating import render, render_error

router = Router(tags=["reports"])

# The report's station-kind filter: township stations (the default, as a province counts its 社工站), every kind of
# the network, or one other kind.
KIND_CHOICES = [
    (StationKind.TOWNSHIP_STATION.value, StationKind.TOWNSHIP_STATION.label),
    (ALL_KINDS, N_("All kinds of station")),
    (StationKind.COUNTY_CENTRE.value, StationKind.COUNTY_CENTRE.label),
    (StationKind.VILLAGE_ROOM.value, StationKind.VILLAGE_ROOM.label),
]

Text = Annotated[str, Query(max_length=20)]
# The query value of the report's "only stations needing action" box: its station tables and their downloads list
# the stations below their tier's norms and those with a registered certificate off track.
ATTENTION = "1"


async def _context(
    request: Request, viewer, region: str, dates: ReportDates, group: str, kind: str = "", attention: bool = False
) -> dict | None:
    area = await area_for(viewer.scope, region, kind)
    if area is None:
        return None
    group = group if group in RETENTION_GROUPS else ""
    return {
        "area": area,
        "kinds": KIND_CHOICES,
        "station_kinds": {k.value: k.label for k in StationKind},
        "chain": await region_chain(area),
        "dates": dates,
        "group": group,
        "report": await reports.page_report(
            area, dates, group, local_today(), listed=reports.MAX_STATIONS, attention=attention
        ),
        "attention": attention,
        "listed": reports.MAX_STATIONS,
        "formulas": formulas,
        "level_labels": {lv.value: lv.label for lv in CertLevel},
        "today": local_today(),
    }


@router.get("/reports")
async def reports_home(
    request: Request,
    viewer: Allowed(Permission.REPORTS),
    region: Text = "",
    on: Text = "",
    from_: Annotated[str, Query(alias="from", max_length=20)] = "",
    to: Text = "",
    group: Text = "",
    grain: Text = "",
    kind: Text = "",
    attention: Text = "",
) -> Response:
    dates, _valid = report_dates(local_today(), on, from_, to, grain)
    ctx = await _context(request, viewer, region, dates, group, kind, attention == ATTENTION)
    if ctx is None:
        return render_error(request, 404)
    return render(request, "analytics/page.html", ctx, fragment="analytics/_fragment.html")


@router.get("/reports/yearly/export")
async def reports_yearly_workbook(
    request: Request, viewer: Allowed(Permission.REPORTS), region: Text = "", year: Text = "", kind: Text = ""
) -> Response:
    """The yearly region report as an .xlsx workbook, one sheet per table."""
    dates, chosen = _year_dates(year)
    area = await area_for(viewer.scope, region, kind)
    if area is None:
        return render_error(request, 404)
    report = await reports.page_report(area, dates, "level", local_today(), listed=None)
    buffer = io.BytesIO()
    tables.workbook(report, buffer)
    name = f"yearly-report-{area.key or 'all'}-{chosen}.xlsx"
    return Response(
        buffer.getvalue(), media_type=XLSX_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/reports/yearly/pdf")
async def reports_yearly_pdf(
    request: Request, viewer: Allowed(Permission.REPORTS), region: Text = "", year: Text = "", kind: Text = ""
) -> Response:
    """The yearly region report as a PDF: cover page, every table of the workbook with its formula note, and the
    trends as charts."""
    dates, chosen = _year_dates(year)
    area = await area_for(viewer.scope, region, kind)
    if area is None:
        return render_error(request, 404)
    # Printed, the station tables stop at the page's length (a country's run to 60,000 rows); the workbook has them
    # whole. The page's figures serve it: the yearly page and its PDF share one stored report.
    report = await reports.page_report(area, dates, "level", local_today(), listed=reports.MAX_STATIONS)
    body = pdf.yearly_pdf(
        report,
        region_name=area.region.name if area.region else N_("Whole scope").tr(),
        year=chosen,
        on=dates.on,
        start=dates.start,
        end=dates.end,
        generated=local_today(),
    )
    name = f"yearly-report-{area.key or 'all'}-{chosen}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _year_dates(year: str) -> tuple[ReportDates, int]:
    today = local_today()
    chosen = int(year) if year.isascii() and year.isdigit() and 1990 <= int(year) <= today.year else today.year
    end = min(date(chosen, 12, 31), today)
    return ReportDates(on=end, start=date(chosen, 1, 1), end=end, grain="month"), chosen


@router.get("/reports/{table}/export")
async def reports_export(
    request: Request,
    table: str,
    viewer: Allowed(Permission.REPORTS),
    fmt: ExportFormat = "xlsx",
    region: Text = "",
    on: Text = "",
    from_: Annotated[str, Query(alias="from", max_length=20)] = "",
    to: Text = "",
    group: Text = "",
    grain: Text = "",
    kind: Text = "",
    attention: Text = "",
) -> Response:
    if table not in tables.TABLES:
        return render_error(request, 404)
    dates, _valid = report_dates(local_today(), on, from_, to, grain)
    area = await area_for(viewer.scope, region, kind)
    if area is None:
        return render_error(request, 404)
    report = await reports.report_parts(
        area, dates, group, local_today(), (tables.PART[table],), attention=attention == ATTENTION
    )
    headers, rows = tables.TABLES[table](report)
    return respond(fmt, f"report-{table}-{area.key or 'all'}", headers, tables.aiter_rows(rows))


@router.get("/reports/yearly")
async def reports_yearly(
    request: Request, viewer: Allowed(Permission.REPORTS), region: Text = "", year: Text = "", kind: Text = ""
) -> Response:
    """The yearly region report: the year's figures, tables and charts on one printable page."""
    today = local_today()
    dates, chosen = _year_dates(year)
    ctx = await _context(request, viewer, region, dates, "level", kind)
    if ctx is None:
        return render_error(request, 404)
    ctx["year"] = chosen
    ctx["years"] = list(range(today.year, today.year - 6, -1))
    return render(request, "analytics/yearly.html", ctx)


LIST_TITLES = {
    "headcount": N_("Full-time workers counted"),
    "certified": N_("Certified full-time workers counted"),
    "separations": N_("Separations counted"),
    "renewal_open": N_("Certificates with the renewal window open"),
    "ce_short": N_("Certificates short of CE hours"),
    "expired": N_("Expired certificates"),
    "unregistered": N_("Certificates awaiting first registration"),
}


@router.get("/reports/list/{measure}")
async def reports_list(
    request: Request,
    measure: str,
    viewer: Allowed(Permission.REPORTS),
    params: Listing,
    region: Text = "",
    on: Text = "",
    from_: Annotated[str, Query(alias="from", max_length=20)] = "",
    to: Text = "",
) -> Response:
    """The rows a figure counts (its total is the figure): workers of a headcount or certified count on a day,
    or the spells of a separations count over a period."""
    if measure not in LIST_TITLES:
        return render_error(request, 404)
    dates, _valid = report_dates(local_today(), on, from_, to)
    area = await area_for(viewer.scope, region)
    if area is None:
        return render_error(request, 404)
    query = {"region": area.key, **dates.query} if area.key else dates.query
    params.extra = query
    if measure == "separations":
        page = await lists.separation_spells(area=area, start=dates.start, end=dates.end, params=params)
        formula = formulas.TURNOVER
    elif measure in lists.ATTENTION:
        page = await lists.attention_certificates(area=area, key=measure, on=dates.on, params=params)
        formula = formulas.REGISTRATION
    else:
        page = await lists.measure_workers(area=area, measure=measure, on=dates.on, params=params)
        formula = formulas.CERTIFICATION if measure == "certified" else formulas.HEADCOUNT
    context = {
        "page": page,
        "measure": measure,
        "title": LIST_TITLES[measure],
        "formula": formula,
        "area": area,
        "dates": dates,
        "action": f"/reports/list/{measure}",
    }
    return render(request, "analytics/list.html", context, fragment="analytics/_list.html")
