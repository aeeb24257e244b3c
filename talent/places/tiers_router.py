"""Station tier pages: programme levels with their staffing norms, set nationally or by a bureau.

Under /stations/tiers; this router is included before the stations router, whose /stations/{station_id} would
otherwise take the path."""

from fastapi import Request
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.i18n import N_
from talent.places import selectors, services
from talent.places.access import tier_editable
from talent.places.forms import TIER_FIELDS
from talent.places.pages import RecordPages, with_region, writer_only
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

TIERS = RecordPages("/stations/tiers", N_("Station tiers"), N_("New station tier"), selectors.tier_get, tier_editable)


# The form's fields that go to the services as they are (the region is typed as a code and looked up).
TIER_VALUES = [f.name for f in TIER_FIELDS if f.name != "region_code"]


@router.get("/stations/tiers")
async def tier_list(request: Request, viewer: Allowed(Permission.TIERS_VIEW), params: Listing) -> Response:
    page = await selectors.tier_list(scope=viewer.scope, params=params)
    return list_page(request, "places/tiers.html", {"page": page})


@router.get("/stations/tiers/export")
async def tier_export(viewer: Allowed(Permission.TIERS_VIEW), params: Listing, fmt: ExportFormat = "xlsx") -> Response:
    rows = exports.tier_rows(selectors.tier_export(scope=viewer.scope, params=params))
    return exports.respond(fmt, "tiers", exports.headers(exports.TIER_HEADERS), rows)


async def _values(viewer: Viewer, form: Form, cleaned: dict) -> dict | None:
    """The service's keyword arguments, or None when the typed region code is unknown (a field error)."""
    values = {name: cleaned[name] for name in TIER_VALUES}
    return await with_region(viewer.scope, form, {**values, "notes": cleaned["notes"] or ""})


@router.get("/stations/tiers/new")
async def tier_new(request: Request, viewer: Allowed(Permission.TIERS_EDIT)) -> Response:
    writer_only(viewer)
    return TIERS.new(request, Form.initial(TIER_FIELDS, {"min_fulltime": 1, "min_certified": 0}))


@router.post("/stations/tiers")
async def tier_create(request: Request, viewer: Allowed(Permission.TIERS_EDIT)) -> Response:
    writer_only(viewer)
    return await TIERS.create(request, viewer, TIER_FIELDS, _values, services.tier_create)


@router.get("/stations/tiers/{tier_id}")
async def tier_detail(request: Request, viewer: Allowed(Permission.TIERS_VIEW), tier_id: Id) -> Response:
    tier = await selectors.tier_get(scope=viewer.scope, tier_id=tier_id)
    count = await selectors.tier_station_count(scope=viewer.scope, tier=tier)
    context = {"tier": tier, "station_count": count, "editable": tier_editable(viewer.scope, tier)}
    return render(request, "places/tier_detail.html", context)


@router.get("/stations/tiers/{tier_id}/edit")
async def tier_edit(request: Request, viewer: Allowed(Permission.TIERS_EDIT), tier_id: Id) -> Response:
    tier = await TIERS.to_edit(viewer, tier_id=tier_id)
    initial = {name: getattr(tier, name) for name in TIER_VALUES}
    initial["region_code"] = tier.region.code if tier.region else ""
    return TIERS.edit(request, Form.initial(TIER_FIELDS, initial), tier)


@router.post("/stations/tiers/{tier_id}")
async def tier_update(request: Request, viewer: Allowed(Permission.TIERS_EDIT), tier_id: Id) -> Response:
    tier = await TIERS.to_edit(viewer, tier_id=tier_id)
    return await TIERS.update(request, viewer, TIER_FIELDS, _values, services.tier_update, tier=tier)
