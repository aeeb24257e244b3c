"""Organisation pages: the social-work organisations that operate stations.

Under /stations/organisations; this router is included before the stations router, whose /stations/{station_id}
would otherwise take the path."""

from fastapi import Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.i18n import N_
from talent.places import selectors, services
from talent.places.access import is_writer, organisation_editable
from talent.places.forms import ORGANISATION_FIELDS
from talent.places.pages import RecordPages, options, term, with_region, writer_only
from talent.web import exports
from talent.web.auth import Allowed, Viewer
from talent.web.exports import ExportFormat
from talent.web.forms import Form
from talent.web.pages import list_page
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import render

router = Router(tags=["places"])

ORGANISATIONS = RecordPages(
    "/stations/organisations",
    N_("Organisations"),
    N_("New organisation"),
    selectors.organisation_get,
    organisation_editable,
)


@router.get("/stations/organisations")
async def organisation_list(request: Request, viewer: Allowed(Permission.ORGANISATIONS_VIEW), params: Listing):
    page = await selectors.organisation_list(scope=viewer.scope, params=params)
    return list_page(request, "places/organisations.html", {"page": page, "can_create": is_writer(viewer.scope)})


@router.get("/stations/organisations/export")
async def organisation_export(
    viewer: Allowed(Permission.ORGANISATIONS_VIEW), params: Listing, fmt: ExportFormat = "xlsx"
) -> Response:
    rows = exports.organisation_rows(selectors.organisation_export(scope=viewer.scope, params=params))
    return exports.respond(fmt, "organisations", exports.headers(exports.ORGANISATION_HEADERS), rows)


@router.get("/stations/organisations/suggest")
async def organisation_suggest(request: Request, viewer: Allowed(Permission.PICKERS)) -> Response:
    rows = await selectors.organisation_suggest(scope=viewer.scope, term=term(request))
    return options(request, [(r["name"], r["name"]) for r in rows])


async def _values(viewer: Viewer, form: Form, cleaned: dict) -> dict | None:
    """The service's keyword arguments, or None when the typed region code is unknown (a field error)."""
    values = {k: cleaned[k] or "" for k in ("name", "credit_code", "contact", "phone")}
    return await with_region(viewer.scope, form, values)


@router.get("/stations/organisations/new")
async def organisation_new(request: Request, viewer: Allowed(Permission.ORGANISATIONS_EDIT)) -> Response:
    writer_only(viewer)
    return ORGANISATIONS.new(request, Form.initial(ORGANISATION_FIELDS))


@router.post("/stations/organisations")
async def organisation_create(request: Request, viewer: Allowed(Permission.ORGANISATIONS_EDIT)) -> Response:
    writer_only(viewer)
    return await ORGANISATIONS.create(request, viewer, ORGANISATION_FIELDS, _values, services.organisation_create)


@router.get("/stations/organisations/{organisation_id}")
async def organisation_detail(
    request: Request, viewer: Allowed(Permission.ORGANISATIONS_VIEW), organisation_id: Id
) -> Response:
    org = await selectors.organisation_get(scope=viewer.scope, organisation_id=organisation_id)
    stations = await selectors.organisation_stations(scope=viewer.scope, organisation=org)
    context = {"org": org, "stations": stations, "editable": organisation_editable(viewer.scope, org)}
    return render(request, "places/organisation_detail.html", context)


@router.get("/stations/organisations/{organisation_id}/edit")
async def organisation_edit(
    request: Request, viewer: Allowed(Permission.ORGANISATIONS_EDIT), organisation_id: Id
) -> Response:
    org = await ORGANISATIONS.to_edit(viewer, organisation_id=organisation_id)
    initial = {
        "name": org.name,
        "region_code": org.region.code if org.region else "",
        "credit_code": org.credit_code,
        "contact": org.contact,
        "phone": org.phone,
    }
    return ORGANISATIONS.edit(request, Form.initial(ORGANISATION_FIELDS, initial), org)


@router.post("/stations/organisations/{organisation_id}")
async def organisation_update(
    request: Request, viewer: Allowed(Permission.ORGANISATIONS_EDIT), organisation_id: Id
) -> Response:
    org = await ORGANISATIONS.to_edit(viewer, organisation_id=organisation_id)
    update = services.organisation_update
    return await ORGANISATIONS.update(request, viewer, ORGANISATION_FIELDS, _values, update, organisation=org)
