"""Station pages: the list, a station with its staff and staffing compliance, and the station form.

/stations/export, /stations/suggest and /stations/new are declared before /stations/{station_id}; the
organisations and tiers routers (/stations/organisations…, /stations/tiers…) are included before this one."""

from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.places import selectors, services
from talent.places.access import is_writer, station_editable
from talent.places.forms import station_fields
from talent.places.models import Organisation, StationKind
from talent.places.pages import (
    RecordPages,
    int_or_none,
    options,
    region_from_form,
    term,
    writer_only,
)
from talent.staffing import selectors as staffing
from talent.web import exports
from talent.web.auth import Allowed, Viewer
from talent.web.exports import ExportFormat
from talent.web.forms import Form
from talent.web.pages import list_page, option_reads
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import render

router = Router(tags=["places"])

STATIONS = RecordPages("/stations", N_("Stations"), N_("New station"), selectors.station_get, station_editable)


def _printable(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()


Organisation_ = Annotated[str, Query(max_length=200)]


async def _typed(
    tier: str = "", organisation: Organisation_ = "", kind: Annotated[str, Query(max_length=20)] = ""
) -> tuple[str, str, str]:
    """The list's filters as the query string has them (the page's and the export's)."""
    return tier, _printable(organisation), kind


Typed = Annotated[tuple[str, str, str], Depends(_typed)]


async def _station_filters(
    viewer: Viewer, params, typed: tuple[str, str, str]
) -> tuple[Organisation | None, int | None, int | None, str]:
    """The list's filters: the organisation typed, found in scope, and the ids and kind to filter by. An
    organisation typed but not found in scope matches no station (id -1), rather than being dropped: the list then
    says so instead of showing every station."""
    tier, typed_name, kind = typed
    organisation = await selectors.organisation_filter(scope=viewer.scope, value=typed_name)
    tier_id = int_or_none(tier)
    organisation_id = organisation.id if organisation else (-1 if typed_name.strip() else None)
    kind = kind if kind in selectors.STATION_KINDS else ""
    chosen = organisation.name if organisation else typed_name.strip()
    params.extra = {"tier": str(tier_id or ""), "organisation": chosen, "kind": kind}
    return organisation, tier_id, organisation_id, kind


@router.get("/stations")
async def station_list(
    request: Request, viewer: Allowed(Permission.STATIONS_VIEW), typed: Typed, params: Listing
) -> Response:
    chosen, tier_id, organisation_id, kind = await _station_filters(viewer, params, typed)
    # The form's options read beside the list's total, where after its page they waited for it.
    reads = option_reads(request, tiers=lambda: selectors.station_tier_options(scope=viewer.scope))
    page = await selectors.station_list(
        scope=viewer.scope,
        params=params,
        tier_id=tier_id,
        organisation_id=organisation_id,
        kind=kind,
        shown={"headcount": staffing.headcount_column(today=local_today())},
        beside=reads,
    )
    options = page.beside
    return list_page(
        request,
        "places/stations.html",
        {
            "page": page,
            "tier_id": tier_id,
            "organisation": chosen,
            "organisation_typed": typed[1],
            "kind": kind,
            "kinds": choices(StationKind),
            "can_create": is_writer(viewer.scope),
            **options,
        },
    )


@router.get("/stations/export")
async def station_export(
    viewer: Allowed(Permission.STATIONS_VIEW), typed: Typed, params: Listing, fmt: ExportFormat = "xlsx"
) -> Response:
    """The filtered station list (every page), in the columns of the stations import."""
    _chosen, tier_id, organisation_id, kind = await _station_filters(viewer, params, typed)
    stations = selectors.station_export(
        scope=viewer.scope, params=params, tier_id=tier_id, organisation_id=organisation_id, kind=kind
    )
    return exports.respond(fmt, "stations", exports.kind_headers("stations"), exports.station_rows(stations))


@router.get("/stations/suggest")
async def station_suggest(request: Request, viewer: Allowed(Permission.PICKERS)) -> Response:
    rows = await selectors.station_suggest(scope=viewer.scope, term=term(request))
    return options(request, [(r["code"], f"{r['name']} ({r['code']})") for r in rows])


async def _fields(viewer: Viewer):
    """The station form; its tier select lists the tiers the viewer may see."""
    return station_fields(await selectors.tier_choices(scope=viewer.scope))


async def _values(viewer: Viewer, form: Form, cleaned: dict) -> dict | None:
    """The service's keyword arguments: the typed township code, organisation name and tier resolved in the
    viewer's scope; None when one is unknown (each unknown one gets its field error)."""
    region = await region_from_form(viewer.scope, form)
    org = None
    if cleaned.get("organisation"):
        org = await selectors.organisation_for_name(scope=viewer.scope, name=cleaned["organisation"])
        if org is None:
            form.add_error("organisation", _("No such organisation in your scope."))
    tier = None
    if cleaned.get("tier"):
        tier = await selectors.tier_get(scope=viewer.scope, tier_id=int(cleaned["tier"]))
    parent = None
    if cleaned.get("parent_code"):
        parent = await selectors.station_for_code(scope=viewer.scope, code=cleaned["parent_code"])
        if parent is None:
            form.add_error("parent_code", _("No station with this code in your scope."))
    if form.errors:
        return None
    return {
        "code": cleaned["code"],
        "name": cleaned["name"],
        "region": region,
        "organisation": org,
        "tier": tier,
        "opened_on": cleaned["opened_on"],
        "address": cleaned["address"] or "",
        "kind": cleaned.get("kind") or "township_station",
        "parent": parent,
    }


@router.get("/stations/new")
async def station_new(request: Request, viewer: Allowed(Permission.STATIONS_EDIT)) -> Response:
    writer_only(viewer)
    return STATIONS.new(request, Form.initial(await _fields(viewer)))


@router.post("/stations")
async def station_create(request: Request, viewer: Allowed(Permission.STATIONS_EDIT)) -> Response:
    writer_only(viewer)
    return await STATIONS.create(request, viewer, await _fields(viewer), _values, services.station_create)


@router.get("/stations/{station_id}")
async def station_detail(request: Request, viewer: Allowed(Permission.STATIONS_VIEW), station_id: Id) -> Response:
    station = await selectors.station_get(scope=viewer.scope, station_id=station_id)
    today = local_today()
    staff = await staffing.station_staff(scope=viewer.scope, station=station, today=today)
    compliance = await staffing.station_compliance(station=station, today=today)
    context = {
        "station": station,
        "today": today,
        "compliance": compliance,
        "editable": station_editable(viewer.scope, station),
        **staff,
    }
    return render(request, "places/station_detail.html", context)


@router.get("/stations/{station_id}/edit")
async def station_edit(request: Request, viewer: Allowed(Permission.STATIONS_EDIT), station_id: Id) -> Response:
    station = await STATIONS.to_edit(viewer, station_id=station_id)
    initial = {
        "code": station.code,
        "name": station.name,
        "region_code": station.region.code,
        "organisation": station.organisation.name if station.organisation else "",
        "tier": str(station.tier_id or ""),
        "opened_on": station.opened_on.isoformat() if station.opened_on else "",
        "address": station.address,
        "kind": station.kind,
        "parent_code": station.parent.code if station.parent else "",
    }
    return STATIONS.edit(request, Form.initial(await _fields(viewer), initial), station)


@router.post("/stations/{station_id}")
async def station_update(request: Request, viewer: Allowed(Permission.STATIONS_EDIT), station_id: Id) -> Response:
    station = await STATIONS.to_edit(viewer, station_id=station_id)
    fields = await _fields(viewer)
    return await STATIONS.update(request, viewer, fields, _values, services.station_update, station=station)
