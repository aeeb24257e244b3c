"""Region pages: the tree of administrative regions, which a bureau browses and extends below its own region.

/regions/export, /regions/suggest and /regions/new are declared before /regions/{region_id}."""

from functools import partial

from fastapi import Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.places import selectors, services
from talent.places.access import region_editable
from talent.places.forms import REGION_CREATE_FIELDS, REGION_EDIT_FIELDS
from talent.places.models import Region, RegionLevel
from talent.places.pages import RecordPages, options, region_from_form, term
from talent.places.rules import next_level
from talent.web import exports
from talent.web.auth import Allowed, Viewer
from talent.web.crud import form_saved
from talent.web.exports import ExportFormat
from talent.web.forms import Form
from talent.web.pages import list_page
from talent.web.pagination import Listing, code_filter
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import render

router = Router(tags=["places"])


def _region_editable(scope, region: Region) -> bool:
    return region_editable(scope, region.path)


REGIONS = RecordPages("/regions", N_("Regions"), N_("New region"), selectors.region_get, _region_editable)


@router.get("/regions")
async def region_list(
    request: Request, viewer: Allowed(Permission.REGIONS_VIEW), params: Listing, level: str = ""
) -> Response:
    level = code_filter(params, "level", level, RegionLevel)
    page = await selectors.region_list(scope=viewer.scope, params=params, level=level)
    return list_page(request, "places/regions.html", {"page": page, "level": level, "levels": choices(RegionLevel)})


@router.get("/regions/export")
async def region_export(
    viewer: Allowed(Permission.REGIONS_VIEW), params: Listing, fmt: ExportFormat = "xlsx", level: str = ""
) -> Response:
    """The filtered region list (every page), in the columns of the regions import."""
    level = code_filter(params, "level", level, RegionLevel)
    rows = exports.region_rows(selectors.region_export(scope=viewer.scope, params=params, level=level))
    return exports.respond(fmt, "regions", exports.kind_headers("regions"), rows)


@router.get("/regions/suggest")
async def region_suggest(request: Request, viewer: Allowed(Permission.PICKERS), level: str = "") -> Response:
    if level == RegionLevel.TOWNSHIP.value:
        rows = await selectors.township_suggest(scope=viewer.scope, term=term(request))
    else:
        rows = await selectors.region_suggest(scope=viewer.scope, term=term(request))
    return options(request, [(r["code"], f"{r['name']} ({r['code']})") for r in rows])


@router.get("/regions/new")
async def region_new(request: Request, viewer: Allowed(Permission.REGIONS_EDIT), parent: str = "") -> Response:
    initial = {}
    parent_region = await selectors.region_for_code(scope=viewer.scope, code=parent[:12])
    if parent_region is not None:
        initial["parent_code"] = parent_region.code
        initial["level"] = next_level(parent_region.level)
    return REGIONS.new(request, Form.initial(REGION_CREATE_FIELDS, initial))


async def _new_values(viewer: Viewer, form: Form, cleaned: dict) -> dict | None:
    """The service's keyword arguments, or None when the typed parent code is unknown (a field error)."""
    parent = await region_from_form(viewer.scope, form, "parent_code")
    if form.errors:
        return None
    return {"code": cleaned["code"], "name": cleaned["name"], "level": RegionLevel(cleaned["level"]), "parent": parent}


@router.post("/regions")
async def region_create(request: Request, viewer: Allowed(Permission.REGIONS_EDIT)) -> Response:
    return await REGIONS.create(request, viewer, REGION_CREATE_FIELDS, _new_values, services.region_create)


@router.get("/regions/{region_id}")
async def region_detail(request: Request, viewer: Allowed(Permission.REGIONS_VIEW), region_id: Id) -> Response:
    region = await selectors.region_get(scope=viewer.scope, region_id=region_id)
    detail = await selectors.region_detail(scope=viewer.scope, region=region)
    context = {"region": region, "editable": region_editable(viewer.scope, region.path), **detail}
    return render(request, "places/region_detail.html", context)


def _edit_page(request: Request, form: Form, region: Region, status_code: int = 200) -> Response:
    title = _("Edit %(name)s (%(code)s)") % {"name": region.name, "code": region.code}
    return REGIONS.edit(request, form, region, status_code, title)


@router.get("/regions/{region_id}/edit")
async def region_edit(request: Request, viewer: Allowed(Permission.REGIONS_EDIT), region_id: Id) -> Response:
    region = await REGIONS.to_edit(viewer, region_id=region_id)
    return _edit_page(request, Form.initial(REGION_EDIT_FIELDS, {"name": region.name}), region)


@router.post("/regions/{region_id}")
async def region_update(request: Request, viewer: Allowed(Permission.REGIONS_EDIT), region_id: Id) -> Response:
    region = await REGIONS.to_edit(viewer, region_id=region_id)
    form = await Form.posted(REGION_EDIT_FIELDS, request)

    def update(cleaned: dict):
        return services.region_update(actor=viewer.user, scope=viewer.scope, region=region, name=cleaned["name"])

    again = partial(_edit_page, request, region=region, status_code=422)
    return await form_saved(request, form, update, done=REGIONS.record_url(region), again=again)
