"""Places registry pages: regions, organisations, station tiers and stations.

Routes with a fixed segment (/stations/organisations, /stations/tiers, /stations/suggest, /stations/new) are
declared before /stations/{station_id}.
"""

from fastapi import APIRouter, Request
from starlette.responses import Response

from talent.core.access import Role
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.places import selectors, services
from talent.places.forms import (
    ORGANISATION_FIELDS,
    REGION_CREATE_FIELDS,
    REGION_EDIT_FIELDS,
    TIER_FIELDS,
    station_fields,
)
from talent.places.models import RegionLevel
from talent.web import exports
from talent.web.auth import BureauViewer, EditorViewer, StaffViewer
from talent.web.errors import Forbidden
from talent.web.exports import ExportFormat
from talent.web.forms import Form
from talent.web.labels import choices
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.templating import flash, render, see_other

router = APIRouter(tags=["places"])

AUDIT_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR)
LOOKUP_PARAMS = ("q", "parent_code", "region_code", "organisation", "station", "station_code")


def _term(request: Request) -> str:
    """The typed text: `q`, or the value of the lookup input itself (htmx sends it under the input's name)."""
    params = request.query_params
    for name in LOOKUP_PARAMS:
        if params.get(name):
            return params[name].strip()[:100]
    return ""


def _options(request: Request, rows: list[tuple[str, str]]) -> Response:
    return render(request, "places/_options.html", {"options": rows})


def _form_page(request: Request, form: Form, *, title: str, action: str, back: str, crumbs, status_code: int = 200):
    return render(
        request,
        "places/form.html",
        {"form": form, "title": title, "action": action, "back": back, "crumbs": crumbs},
        fragment="places/_form.html",
        status_code=status_code,
    )


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


# ── regions ──────────────────────────────────────────────────────────────────────────────────────


def regions_crumb() -> tuple[str, str]:
    return ("/regions", _("Regions"))


def _region_level(params, level: str) -> str:
    level = level if level in {lv.value for lv in RegionLevel} else ""
    params.extra = {"level": level}
    return level


@router.get("/regions")
async def region_list(request: Request, viewer: BureauViewer, params: Listing, level: str = "") -> Response:
    level = _region_level(params, level)
    page = await selectors.region_list(scope=viewer.scope, params=params, level=level)
    return render(
        request,
        "places/regions.html",
        {"page": page, "level": level, "levels": choices(RegionLevel)},
        fragment="places/_regions.html",
    )


@router.get("/regions/export")
async def region_export(viewer: BureauViewer, params: Listing, fmt: ExportFormat = "xlsx", level: str = "") -> Response:
    """The filtered region list (every page), in the columns of the regions import."""
    level = _region_level(params, level)
    rows = exports.region_rows(selectors.region_export(scope=viewer.scope, params=params, level=level))
    return exports.respond(fmt, "regions", exports.kind_headers("regions"), rows)


@router.get("/regions/suggest")
async def region_suggest(request: Request, viewer: StaffViewer, level: str = "") -> Response:
    term = _term(request)
    if level == RegionLevel.TOWNSHIP.value:
        rows = await selectors.township_suggest(scope=viewer.scope, term=term)
    else:
        rows = await selectors.region_suggest(scope=viewer.scope, term=term)
    return _options(request, [(r["code"], f"{r['name']} ({r['code']})") for r in rows])


@router.get("/regions/new")
async def region_new(request: Request, viewer: BureauViewer, parent: str = "") -> Response:
    initial = {}
    parent_region = await selectors.region_for_code(scope=viewer.scope, code=parent[:12])
    if parent_region is not None:
        initial["parent_code"] = parent_region.code
        levels = [lv for lv in RegionLevel]
        index = levels.index(RegionLevel(parent_region.level))
        if index + 1 < len(levels):
            initial["level"] = levels[index + 1].value
    return _form_page(
        request,
        Form.initial(REGION_CREATE_FIELDS, initial),
        title=_("New region"),
        action="/regions",
        back="/regions",
        crumbs=[regions_crumb()],
    )


@router.post("/regions")
async def region_create(request: Request, viewer: BureauViewer) -> Response:
    form = Form.bind(REGION_CREATE_FIELDS, await request.form())
    if form.validate():
        parent = None
        if form.cleaned["parent_code"]:
            parent = await selectors.region_for_code(scope=viewer.scope, code=form.cleaned["parent_code"])
            if parent is None:
                form.add_error("parent_code", _("No such region in your scope."))
        if not form.errors:
            try:
                region = await services.region_create(
                    actor=viewer.user,
                    scope=viewer.scope,
                    code=form.cleaned["code"],
                    name=form.cleaned["name"],
                    level=RegionLevel(form.cleaned["level"]),
                    parent=parent,
                )
            except ServiceError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return flash(see_other(request, f"/regions/{region.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("New region"),
        action="/regions",
        back="/regions",
        crumbs=[regions_crumb()],
        status_code=422,
    )


@router.get("/regions/{region_id}")
async def region_detail(request: Request, viewer: BureauViewer, region_id: Id) -> Response:
    region = await selectors.region_get(scope=viewer.scope, region_id=region_id)
    detail = await selectors.region_detail(scope=viewer.scope, region=region)
    return render(
        request,
        "places/region_detail.html",
        {"region": region, "editable": services.region_editable(viewer.scope, region), **detail},
    )


async def _editable_region(viewer, region_id: int):
    region = await selectors.region_get(scope=viewer.scope, region_id=region_id)
    if not services.region_editable(viewer.scope, region):
        raise Forbidden()
    return region


def _region_crumbs(region) -> list:
    return [regions_crumb(), (f"/regions/{region.id}", region.name)]


@router.get("/regions/{region_id}/edit")
async def region_edit(request: Request, viewer: BureauViewer, region_id: Id) -> Response:
    region = await _editable_region(viewer, region_id)
    return _form_page(
        request,
        Form.initial(REGION_EDIT_FIELDS, {"name": region.name}),
        title=_("Edit %(name)s (%(code)s)") % {"name": region.name, "code": region.code},
        action=f"/regions/{region.id}",
        back=f"/regions/{region.id}",
        crumbs=_region_crumbs(region),
    )


@router.post("/regions/{region_id}")
async def region_update(request: Request, viewer: BureauViewer, region_id: Id) -> Response:
    region = await _editable_region(viewer, region_id)
    form = Form.bind(REGION_EDIT_FIELDS, await request.form())
    if form.validate():
        try:
            await services.region_update(
                actor=viewer.user, scope=viewer.scope, region=region, name=form.cleaned["name"]
            )
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return flash(see_other(request, f"/regions/{region.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s (%(code)s)") % {"name": region.name, "code": region.code},
        action=f"/regions/{region.id}",
        back=f"/regions/{region.id}",
        crumbs=_region_crumbs(region),
        status_code=422,
    )


# ── organisations ────────────────────────────────────────────────────────────────────────────────


def orgs_crumb() -> tuple[str, str]:
    return ("/stations/organisations", _("Organisations"))


@router.get("/stations/organisations")
async def organisation_list(request: Request, viewer: EditorViewer, params: Listing) -> Response:
    page = await selectors.organisation_list(scope=viewer.scope, params=params)
    return render(
        request,
        "places/organisations.html",
        {"page": page, "can_create": services.is_writer(viewer.scope)},
        fragment="places/_organisations.html",
    )


@router.get("/stations/organisations/export")
async def organisation_export(viewer: EditorViewer, params: Listing, fmt: ExportFormat = "xlsx") -> Response:
    rows = exports.organisation_rows(selectors.organisation_export(scope=viewer.scope, params=params))
    return exports.respond(fmt, "organisations", exports.headers(exports.ORGANISATION_HEADERS), rows)


@router.get("/stations/organisations/suggest")
async def organisation_suggest(request: Request, viewer: StaffViewer) -> Response:
    rows = await selectors.organisation_suggest(scope=viewer.scope, term=_term(request))
    return _options(request, [(r["name"], r["name"]) for r in rows])


def _require_writer(viewer) -> None:
    if not services.is_writer(viewer.scope):
        raise Forbidden()


@router.get("/stations/organisations/new")
async def organisation_new(request: Request, viewer: BureauViewer) -> Response:
    _require_writer(viewer)
    return _form_page(
        request,
        Form.initial(ORGANISATION_FIELDS),
        title=_("New organisation"),
        action="/stations/organisations",
        back="/stations/organisations",
        crumbs=[orgs_crumb()],
    )


async def _region_from_form(viewer, form: Form, name: str = "region_code"):
    """Resolve a typed region code in the viewer's scope; adds a field error when unknown."""
    code = form.cleaned.get(name)
    if not code:
        return None
    region = await selectors.region_for_code(scope=viewer.scope, code=code)
    if region is None:
        form.add_error(name, _("No such region in your scope."))
    return region


def _org_values(form: Form) -> dict:
    return {k: form.cleaned[k] or "" for k in ("name", "credit_code", "contact", "phone")}


@router.post("/stations/organisations")
async def organisation_create(request: Request, viewer: BureauViewer) -> Response:
    _require_writer(viewer)
    form = Form.bind(ORGANISATION_FIELDS, await request.form())
    if form.validate():
        region = await _region_from_form(viewer, form)
        if not form.errors:
            try:
                org = await services.organisation_create(
                    actor=viewer.user, scope=viewer.scope, region=region, **_org_values(form)
                )
            except ServiceError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return flash(see_other(request, f"/stations/organisations/{org.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("New organisation"),
        action="/stations/organisations",
        back="/stations/organisations",
        crumbs=[orgs_crumb()],
        status_code=422,
    )


@router.get("/stations/organisations/{organisation_id}")
async def organisation_detail(request: Request, viewer: EditorViewer, organisation_id: Id) -> Response:
    org = await selectors.organisation_get(scope=viewer.scope, organisation_id=organisation_id)
    stations = await selectors.organisation_stations(scope=viewer.scope, organisation=org)
    return render(
        request,
        "places/organisation_detail.html",
        {"org": org, "stations": stations, "editable": services.organisation_editable(viewer.scope, org)},
    )


async def _editable_org(viewer, organisation_id: int):
    org = await selectors.organisation_get(scope=viewer.scope, organisation_id=organisation_id)
    if not services.organisation_editable(viewer.scope, org):
        raise Forbidden()
    return org


@router.get("/stations/organisations/{organisation_id}/edit")
async def organisation_edit(request: Request, viewer: BureauViewer, organisation_id: Id) -> Response:
    org = await _editable_org(viewer, organisation_id)
    initial = {
        "name": org.name,
        "region_code": org.region.code if org.region else "",
        "credit_code": org.credit_code,
        "contact": org.contact,
        "phone": org.phone,
    }
    return _form_page(
        request,
        Form.initial(ORGANISATION_FIELDS, initial),
        title=_("Edit %(name)s") % {"name": org.name},
        action=f"/stations/organisations/{org.id}",
        back=f"/stations/organisations/{org.id}",
        crumbs=[orgs_crumb(), (f"/stations/organisations/{org.id}", org.name)],
    )


@router.post("/stations/organisations/{organisation_id}")
async def organisation_update(request: Request, viewer: BureauViewer, organisation_id: Id) -> Response:
    org = await _editable_org(viewer, organisation_id)
    form = Form.bind(ORGANISATION_FIELDS, await request.form())
    if form.validate():
        region = await _region_from_form(viewer, form)
        if not form.errors:
            try:
                await services.organisation_update(
                    actor=viewer.user, scope=viewer.scope, organisation=org, region=region, **_org_values(form)
                )
            except ServiceError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return flash(see_other(request, f"/stations/organisations/{org.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": org.name},
        action=f"/stations/organisations/{org.id}",
        back=f"/stations/organisations/{org.id}",
        crumbs=[orgs_crumb(), (f"/stations/organisations/{org.id}", org.name)],
        status_code=422,
    )


# ── tiers ────────────────────────────────────────────────────────────────────────────────────────


def tiers_crumb() -> tuple[str, str]:
    return ("/stations/tiers", _("Station tiers"))


@router.get("/stations/tiers")
async def tier_list(request: Request, viewer: BureauViewer, params: Listing) -> Response:
    page = await selectors.tier_list(scope=viewer.scope, params=params)
    return render(request, "places/tiers.html", {"page": page}, fragment="places/_tiers.html")


@router.get("/stations/tiers/export")
async def tier_export(viewer: BureauViewer, params: Listing, fmt: ExportFormat = "xlsx") -> Response:
    rows = exports.tier_rows(selectors.tier_export(scope=viewer.scope, params=params))
    return exports.respond(fmt, "tiers", exports.headers(exports.TIER_HEADERS), rows)


@router.get("/stations/tiers/new")
async def tier_new(request: Request, viewer: BureauViewer) -> Response:
    _require_writer(viewer)
    initial = {"min_fulltime": 1, "min_certified": 0}
    return _form_page(
        request,
        Form.initial(TIER_FIELDS, initial),
        title=_("New station tier"),
        action="/stations/tiers",
        back="/stations/tiers",
        crumbs=[tiers_crumb()],
    )


def _tier_values(form: Form, region) -> dict:
    c = form.cleaned
    return {
        "name": c["name"],
        "region": region,
        "min_fulltime": c["min_fulltime"],
        "min_certified": c["min_certified"],
        "min_level": c["min_level"],
        "max_age": c["max_age"],
        "min_education": c["min_education"],
        "major_required": c["major_required"],
        "certificate_required": c["certificate_required"],
        "notes": c["notes"] or "",
    }


@router.post("/stations/tiers")
async def tier_create(request: Request, viewer: BureauViewer) -> Response:
    _require_writer(viewer)
    form = Form.bind(TIER_FIELDS, await request.form())
    if form.validate():
        region = await _region_from_form(viewer, form)
        if not form.errors:
            try:
                tier = await services.tier_create(actor=viewer.user, scope=viewer.scope, **_tier_values(form, region))
            except ServiceError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return flash(see_other(request, f"/stations/tiers/{tier.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("New station tier"),
        action="/stations/tiers",
        back="/stations/tiers",
        crumbs=[tiers_crumb()],
        status_code=422,
    )


@router.get("/stations/tiers/{tier_id}")
async def tier_detail(request: Request, viewer: BureauViewer, tier_id: Id) -> Response:
    tier = await selectors.tier_get(scope=viewer.scope, tier_id=tier_id)
    count = await selectors.tier_station_count(scope=viewer.scope, tier=tier)
    return render(
        request,
        "places/tier_detail.html",
        {"tier": tier, "station_count": count, "editable": services.tier_editable(viewer.scope, tier)},
    )


async def _editable_tier(viewer, tier_id: int):
    tier = await selectors.tier_get(scope=viewer.scope, tier_id=tier_id)
    if not services.tier_editable(viewer.scope, tier):
        raise Forbidden()
    return tier


@router.get("/stations/tiers/{tier_id}/edit")
async def tier_edit(request: Request, viewer: BureauViewer, tier_id: Id) -> Response:
    tier = await _editable_tier(viewer, tier_id)
    initial = {f.name: getattr(tier, f.name, None) for f in TIER_FIELDS if f.name != "region_code"}
    initial["region_code"] = tier.region.code if tier.region else ""
    return _form_page(
        request,
        Form.initial(TIER_FIELDS, initial),
        title=_("Edit %(name)s") % {"name": tier.name},
        action=f"/stations/tiers/{tier.id}",
        back=f"/stations/tiers/{tier.id}",
        crumbs=[tiers_crumb(), (f"/stations/tiers/{tier.id}", tier.name)],
    )


@router.post("/stations/tiers/{tier_id}")
async def tier_update(request: Request, viewer: BureauViewer, tier_id: Id) -> Response:
    tier = await _editable_tier(viewer, tier_id)
    form = Form.bind(TIER_FIELDS, await request.form())
    if form.validate():
        region = await _region_from_form(viewer, form)
        if not form.errors:
            try:
                await services.tier_update(
                    actor=viewer.user, scope=viewer.scope, tier=tier, **_tier_values(form, region)
                )
            except ServiceError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return flash(see_other(request, f"/stations/tiers/{tier.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": tier.name},
        action=f"/stations/tiers/{tier.id}",
        back=f"/stations/tiers/{tier.id}",
        crumbs=[tiers_crumb(), (f"/stations/tiers/{tier.id}", tier.name)],
        status_code=422,
    )


# ── stations ─────────────────────────────────────────────────────────────────────────────────────


def stations_crumb() -> tuple[str, str]:
    return ("/stations", _("Stations"))


def _station_filters(params, tier: str, organisation: str) -> tuple[int | None, int | None]:
    tier_id = _int_or_none(tier)
    organisation_id = _int_or_none(organisation)
    params.extra = {"tier": str(tier_id or ""), "organisation": str(organisation_id or "")}
    return tier_id, organisation_id


@router.get("/stations")
async def station_list(
    request: Request, viewer: StaffViewer, params: Listing, tier: str = "", organisation: str = ""
) -> Response:
    tier_id, organisation_id = _station_filters(params, tier, organisation)
    page = await selectors.station_list(
        scope=viewer.scope, params=params, today=local_today(), tier_id=tier_id, organisation_id=organisation_id
    )
    options = await selectors.station_filter_options(scope=viewer.scope)
    return render(
        request,
        "places/stations.html",
        {
            "page": page,
            "tier_id": tier_id,
            "organisation_id": organisation_id,
            "can_create": services.is_writer(viewer.scope),
            **options,
        },
        fragment="places/_stations.html",
    )


@router.get("/stations/export")
async def station_export(
    viewer: StaffViewer, params: Listing, fmt: ExportFormat = "xlsx", tier: str = "", organisation: str = ""
) -> Response:
    """The filtered station list (every page), in the columns of the stations import."""
    tier_id, organisation_id = _station_filters(params, tier, organisation)
    stations = selectors.station_export(
        scope=viewer.scope, params=params, tier_id=tier_id, organisation_id=organisation_id
    )
    return exports.respond(fmt, "stations", exports.kind_headers("stations"), exports.station_rows(stations))


@router.get("/stations/suggest")
async def station_suggest(request: Request, viewer: StaffViewer) -> Response:
    rows = await selectors.station_suggest(scope=viewer.scope, term=_term(request))
    return _options(request, [(r["code"], f"{r['name']} ({r['code']})") for r in rows])


@router.get("/stations/new")
async def station_new(request: Request, viewer: BureauViewer) -> Response:
    _require_writer(viewer)
    fields = station_fields(await selectors.tier_choices(scope=viewer.scope))
    return _form_page(
        request,
        Form.initial(fields),
        title=_("New station"),
        action="/stations",
        back="/stations",
        crumbs=[stations_crumb()],
    )


async def _station_refs(viewer, form: Form) -> dict | None:
    """Resolve the typed township code, organisation name and tier id; field errors when unknown."""
    region = await _region_from_form(viewer, form)
    org = None
    if form.cleaned.get("organisation"):
        org = await selectors.organisation_for_name(scope=viewer.scope, name=form.cleaned["organisation"])
        if org is None:
            form.add_error("organisation", _("No such organisation in your scope."))
    tier = None
    if form.cleaned.get("tier"):
        tier = await selectors.tier_get(scope=viewer.scope, tier_id=int(form.cleaned["tier"]))
    if form.errors:
        return None
    c = form.cleaned
    return {
        "code": c["code"],
        "name": c["name"],
        "region": region,
        "organisation": org,
        "tier": tier,
        "opened_on": c["opened_on"],
        "address": c["address"] or "",
    }


@router.post("/stations")
async def station_create(request: Request, viewer: BureauViewer) -> Response:
    _require_writer(viewer)
    form = Form.bind(station_fields(await selectors.tier_choices(scope=viewer.scope)), await request.form())
    if form.validate() and (values := await _station_refs(viewer, form)) is not None:
        try:
            station = await services.station_create(actor=viewer.user, scope=viewer.scope, **values)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return flash(see_other(request, f"/stations/{station.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("New station"),
        action="/stations",
        back="/stations",
        crumbs=[stations_crumb()],
        status_code=422,
    )


@router.get("/stations/{station_id}")
async def station_detail(request: Request, viewer: StaffViewer, station_id: Id) -> Response:
    station = await selectors.station_get(scope=viewer.scope, station_id=station_id)
    today = local_today()
    staff = await selectors.station_staff(station=station, today=today)
    compliance = await selectors.station_compliance(station=station, today=today)
    return render(
        request,
        "places/station_detail.html",
        {
            "station": station,
            "today": today,
            "compliance": compliance,
            "editable": services.station_editable(viewer.scope, station),
            "show_audit": viewer.scope.role in AUDIT_ROLES,
            **staff,
        },
    )


async def _editable_station(viewer, station_id: int):
    station = await selectors.station_get(scope=viewer.scope, station_id=station_id)
    if not services.station_editable(viewer.scope, station):
        raise Forbidden()
    return station


def _station_crumbs(station) -> list:
    return [stations_crumb(), (f"/stations/{station.id}", station.name)]


@router.get("/stations/{station_id}/edit")
async def station_edit(request: Request, viewer: BureauViewer, station_id: Id) -> Response:
    station = await _editable_station(viewer, station_id)
    fields = station_fields(await selectors.tier_choices(scope=viewer.scope))
    initial = {
        "code": station.code,
        "name": station.name,
        "region_code": station.region.code,
        "organisation": station.organisation.name if station.organisation else "",
        "tier": str(station.tier_id or ""),
        "opened_on": station.opened_on.isoformat() if station.opened_on else "",
        "address": station.address,
    }
    return _form_page(
        request,
        Form.initial(fields, initial),
        title=_("Edit %(name)s") % {"name": station.name},
        action=f"/stations/{station.id}",
        back=f"/stations/{station.id}",
        crumbs=_station_crumbs(station),
    )


@router.post("/stations/{station_id}")
async def station_update(request: Request, viewer: BureauViewer, station_id: Id) -> Response:
    station = await _editable_station(viewer, station_id)
    form = Form.bind(station_fields(await selectors.tier_choices(scope=viewer.scope)), await request.form())
    if form.validate() and (values := await _station_refs(viewer, form)) is not None:
        try:
            await services.station_update(actor=viewer.user, scope=viewer.scope, station=station, **values)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return flash(see_other(request, f"/stations/{station.id}"), _("Saved."))
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": station.name},
        action=f"/stations/{station.id}",
        back=f"/stations/{station.id}",
        crumbs=_station_crumbs(station),
        status_code=422,
    )
