"""Pay pages under /pay: compliance on a date (the section's front page), salary standards (list, detail with
bands, allowances, version chain, diff and back pay; form; publish after a confirmation; new version; simulator),
a worker's salary history and records, and "My pay"; and the JSON report /api/v1/reports/pay-compliance."""

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import JSONResponse, Response
from tortoise.exceptions import DoesNotExist

from talent.core.access import Permission, Scope
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.pay import selectors, services, simulator
from talent.pay.access import standard_region_allowed, standard_writer
from talent.pay.forms import (
    ALLOWANCE_KEYS,
    ASSESSMENT_FIELDS,
    BAND_KEYS,
    EXTRA_ROWS,
    LEVEL_CHOICES,
    NEW_VERSION_FIELDS,
    RECORD_FIELDS,
    STANDARD_FIELDS,
    STEP_FIELDS,
    AllowanceRow,
    BandRow,
    allowance_rows_of,
    band_rows_of,
    parse_allowances,
    parse_bands,
    posted_rows,
    steps_of,
)
from talent.pay.models import Grade, SalaryStandard, StandardStatus
from talent.pay.rules import STATUSES
from talent.people.selectors import worker_find_by_no
from talent.places.pages import region_from_form
from talent.places.selectors import region_for_code
from talent.web import exports
from talent.web.auth import Allowed, Viewer
from talent.web.crud import outcome, page_with_form, post_form
from talent.web.errors import Forbidden
from talent.web.exports import ExportFormat
from talent.web.forms import Form
from talent.web.pages import list_page
from talent.web.pagination import Listing, code_filter
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, render, see_other

router = Router(tags=["pay"])

FORMULAS = N_(
    "Pay = monthly base + monthly allowances of the latest salary record effective on the day. Compa-ratio = pay ÷ "
    "band mid; range penetration = (pay − band min) ÷ (band max − band min); monthly shortfall = max(0, max(floor, "
    "band min) − pay). Full-time workers active on the day; certificate level = the highest certificate obtained "
    "by the day; years of service = whole years from the start of the worker's first employment spell."
)
API_FORMULA = (
    "Full-time workers active on `on` at stations in the region; pay = base + allowances of the latest salary record "
    "effective on or before `on`, compared with the floor and the band (highest certificate held, whole years since "
    "the first spell started) of the standard applying at the station; monthly shortfall = max(0, max(floor, band "
    "min) − pay); workers no published standard covers are counted in `uncovered`."
)


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value) if value else local_today()
    except ValueError:
        return local_today()
    return day if date(1990, 1, 1) <= day <= date(2100, 12, 31) else local_today()


async def _region(scope: Scope, code: str):
    """A region typed into a filter, in scope (HR has no regions: its stations are its scope)."""
    return await region_for_code(scope=scope, code=code.strip()) if code.strip() else None


def standards_crumb() -> tuple[str, str]:
    return ("/pay/standards", _("Salary standards"))


def pay_crumb() -> tuple[str, str]:
    return ("/pay", _("Pay"))


# ── compliance ────────────────────────────────────────────────────────────────────────────────────


@router.get("/pay")
async def compliance_page(
    request: Request,
    viewer: Allowed(Permission.PAY_VIEW),
    params: Listing,
    on: Annotated[str, Query(max_length=10)] = "",
    region: Annotated[str, Query(max_length=12)] = "",
    group: Annotated[str, Query(max_length=10)] = "",
    status: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    day = _day(on)
    chosen = await _region(viewer.scope, region or _own_region_code(viewer))
    group = group if group in selectors.GROUPS else ("region" if viewer.can(Permission.REGIONS_VIEW) else "station")
    status = status if status in {s.value for s in STATUSES} | {"below", "uncovered"} else ""
    summary, page = await selectors.compliance_overview(
        scope=viewer.scope, on=day, params=params, region=chosen, group_by=group, status=status
    )
    params.extra = {"on": day.isoformat(), "region": chosen.code if chosen else "", "group": group, "status": status}
    context = {
        "summary": summary,
        "page": page,
        "day": day,
        "region": chosen,
        "region_code": region,
        "group": group,
        "status": status,
        "statuses": STATUSES,
        "formula": FORMULAS.tr(),
        "export_query": f"on={day.isoformat()}&region={chosen.code if chosen else ''}&status={status or 'below'}",
    }
    return list_page(request, "pay/compliance.html", context)


@router.get("/pay/export")
async def compliance_export(
    viewer: Allowed(Permission.PAY_VIEW),
    fmt: ExportFormat = "xlsx",
    on: Annotated[str, Query(max_length=10)] = "",
    region: Annotated[str, Query(max_length=12)] = "",
    status: Annotated[str, Query(max_length=12)] = "below",
) -> Response:
    day = _day(on)
    chosen = await _region(viewer.scope, region)
    status = status if status in {s.value for s in STATUSES} | {"below", "uncovered"} else "below"
    headers = [
        N_("Worker no."),
        N_("Full name"),
        N_("Station code"),
        N_("Certificate level"),
        N_("Years of service"),
        N_("Monthly pay"),
        N_("Floor"),
        N_("Band min"),
        N_("Band mid"),
        N_("Band max"),
        N_("Status"),
        N_("Compa-ratio"),
        N_("Range penetration"),
        N_("Monthly shortfall"),
    ]

    async def rows():
        async for r in selectors.compliance_export(scope=viewer.scope, on=day, region=chosen, status=status):
            yield (
                r["worker_no"],
                r["name"],
                r["station_code"],
                r["level"].label.tr(),
                r["years"],
                r["pay"],
                r["floor"],
                r["bmin"],
                r["bmid"],
                r["bmax"],
                r["status"].label.tr() if r["status"] else _("No standard"),
                _ratio(r["compa_ratio"]),
                _ratio(r["penetration"]),
                r["shortfall"],
            )

    return exports.respond(fmt, f"pay-{status}", exports.headers(headers), rows())


def _ratio(value) -> float | None:
    return None if value is None else round(float(value), 4)


@router.get("/api/v1/reports/pay-compliance")
async def pay_compliance_api(
    viewer: Allowed(Permission.PAY_VIEW),
    region: Annotated[str, Query(max_length=12)] = "",
    on: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """DESIGN §3: headcount, counts by status, monthly_shortfall_total (and uncovered) on `on` for `region`."""
    try:
        day = date.fromisoformat(on) if on else local_today()
    except ValueError:
        return JSONResponse({"detail": "on: expected an ISO date (YYYY-MM-DD)"}, status_code=422)
    chosen = await _region(viewer.scope, region)
    if region and chosen is None:
        return JSONResponse({"detail": _("There is nothing here, or you may not see it.")}, status_code=404)
    s = await selectors.compliance_summary(scope=viewer.scope, on=day, region=chosen)
    return JSONResponse(
        {
            "region": chosen.code if chosen else None,
            "on": day.isoformat(),
            "formula": API_FORMULA,
            "headcount": s.headcount,
            "counts": s.counts,
            "uncovered": s.uncovered,
            "monthly_shortfall_total": str(s.shortfall_total),
        }
    )


# ── standards ─────────────────────────────────────────────────────────────────────────────────────


@router.get("/pay/standards")
async def standard_list(
    request: Request,
    viewer: Allowed(Permission.PAY_VIEW),
    params: Listing,
    status: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    status = code_filter(params, "status", status, StandardStatus)
    page = await selectors.standard_list(scope=viewer.scope, params=params, status=status)
    context = {"page": page, "status": status, "writer": _writer(viewer)}
    return list_page(request, "pay/standards.html", context)


def _writer(viewer: Viewer) -> bool:
    return viewer.can(Permission.PAY_STANDARDS_EDIT) and standard_writer(viewer.scope)


def _editable(viewer: Viewer, standard: SalaryStandard) -> bool:
    return _writer(viewer) and standard_region_allowed(viewer.scope, standard.region_path)


def _standard_form(
    request: Request,
    form: Form,
    bands: list,
    allowances: list,
    *,
    title: str,
    action: str,
    back: str,
    crumbs: list,
    grid_errors: dict | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "form": form,
        "bands": bands + [BandRow() for _i in range(EXTRA_ROWS)],
        "allowances": allowances + [AllowanceRow() for _i in range(EXTRA_ROWS)],
        "levels": LEVEL_CHOICES,
        "grid_errors": grid_errors or {},
        "title": title,
        "action": action,
        "back": back,
        "crumbs": crumbs,
    }
    return form_page(request, "pay/standard_form.html", context, status_code)


@router.get("/pay/standards/new")
async def standard_new(request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT)) -> Response:
    if not _writer(viewer):
        raise Forbidden()
    initial = {"region_code": _own_region_code(viewer), "effective_from": local_today().replace(month=1, day=1)}
    return _standard_form(
        request,
        Form.initial(STANDARD_FIELDS, initial),
        [],
        [],
        title=_("New salary standard"),
        action="/pay/standards",
        back="/pay/standards",
        crumbs=[pay_crumb(), standards_crumb()],
    )


def _own_region_code(viewer: Viewer) -> str:
    path = viewer.scope.region_path or ""
    return path.rstrip("/").rsplit("/", 1)[-1] if path else ""


async def _posted_standard(viewer: Viewer, request: Request) -> tuple[Form, list, list, dict, dict | None]:
    """The posted standard: its form, grids, grid errors, and the services' keyword arguments (None on errors)."""
    data = await request.form()
    form = Form.bind(STANDARD_FIELDS, data)
    bands = posted_rows(data, "band", BAND_KEYS, BandRow)
    allowances = posted_rows(data, "allowance", ALLOWANCE_KEYS, AllowanceRow)
    grid_errors: dict[str, str] = {}
    values = None
    parsed_bands = parsed_allowances = None
    try:
        parsed_bands = parse_bands(bands)
    except ServiceError as exc:
        grid_errors["bands"] = exc.message
    try:
        parsed_allowances = parse_allowances(allowances)
    except ServiceError as exc:
        grid_errors["allowances"] = exc.message
    if form.validate():
        region = await region_from_form(viewer.scope, form)
        if not form.errors and not grid_errors:
            c = form.cleaned
            values = {
                "region": region,
                "title": c["title"],
                "document_no": c["document_no"] or "",
                "effective_from": c["effective_from"],
                "floor": c["floor"],
                "benchmark": c["benchmark"],
                "benchmark_label": c["benchmark_label"] or "",
                "notes": c["notes"] or "",
                "bands": parsed_bands,
                "allowances": parsed_allowances,
                "steps": {grade: c[name] for grade, name in STEP_FIELDS.items()},
            }
    return form, bands, allowances, grid_errors, values


async def _save(form: Form, grid_errors: dict, action) -> object | None:
    try:
        return await action()
    except ServiceError as exc:
        if exc.field in ("bands", "allowances"):
            grid_errors[exc.field] = exc.message
        else:
            form.add_error(exc.field, exc.message)
        return None


@router.post("/pay/standards")
async def standard_create(request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT)) -> Response:
    if not _writer(viewer):
        raise Forbidden()
    form, bands, allowances, grid_errors, values = await _posted_standard(viewer, request)
    if values is not None:
        standard = await _save(
            form, grid_errors, lambda: services.standard_create(actor=viewer.user, scope=viewer.scope, **values)
        )
        if standard is not None:
            return flash(see_other(request, f"/pay/standards/{standard.id}"), _("Saved."))
    return _standard_form(
        request,
        form,
        bands,
        allowances,
        title=_("New salary standard"),
        action="/pay/standards",
        back="/pay/standards",
        crumbs=[pay_crumb(), standards_crumb()],
        grid_errors=grid_errors,
        status_code=422,
    )


@router.get("/pay/standards/{standard_id}")
async def standard_detail(
    request: Request,
    viewer: Allowed(Permission.PAY_VIEW),
    standard_id: Id,
) -> Response:
    standard = await selectors.standard_get(scope=viewer.scope, standard_id=standard_id)
    chain = await selectors.standard_chain(scope=viewer.scope, standard=standard)
    previous = next((s for s in chain if s.id == standard.previous_id), None)
    diff = await selectors.standard_diff(old=previous, new=standard) if previous else []
    back_pay = await selectors.back_pay(scope=viewer.scope, standard=standard)
    context = {
        "standard": standard,
        "chain": chain,
        "previous": previous,
        "diff": diff,
        "back_pay": back_pay,
        "editable": _editable(viewer, standard) and standard.status == StandardStatus.DRAFT,
        "versionable": _editable(viewer, standard),
    }
    return render(request, "pay/standard_detail.html", context)


@router.get("/pay/standards/{standard_id}/diff")
async def standard_diff(
    request: Request,
    viewer: Allowed(Permission.PAY_VIEW),
    standard_id: Id,
    against: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    """What changed from `against` (by default the previous version) to this standard."""
    standard = await selectors.standard_get(scope=viewer.scope, standard_id=standard_id)
    other_id = against or standard.previous_id
    if other_id is None:
        raise DoesNotExist("no previous version")
    other = await selectors.standard_get(scope=viewer.scope, standard_id=other_id)
    diff = await selectors.standard_diff(old=other, new=standard)
    return render(request, "pay/diff.html", {"standard": standard, "other": other, "diff": diff})


async def _draft_for_edit(viewer: Viewer, standard_id: int) -> SalaryStandard:
    standard = await selectors.standard_get(scope=viewer.scope, standard_id=standard_id)
    if not _editable(viewer, standard) or standard.status != StandardStatus.DRAFT:
        raise Forbidden()
    return standard


@router.get("/pay/standards/{standard_id}/edit")
async def standard_edit(request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT), standard_id: Id) -> Response:
    standard = await _draft_for_edit(viewer, standard_id)
    initial = {f.name: getattr(standard, f.name, None) for f in STANDARD_FIELDS if f.name != "region_code"}
    initial["region_code"] = standard.region.code
    initial.update(steps_of(standard))
    url = f"/pay/standards/{standard.id}"
    return _standard_form(
        request,
        Form.initial(STANDARD_FIELDS, initial),
        band_rows_of(standard)[:-EXTRA_ROWS],
        allowance_rows_of(standard)[:-EXTRA_ROWS],
        title=_("Edit %(name)s") % {"name": standard.title},
        action=url,
        back=url,
        crumbs=[pay_crumb(), standards_crumb(), (url, standard.title)],
    )


@router.post("/pay/standards/{standard_id}")
async def standard_update(
    request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT), standard_id: Id
) -> Response:
    standard = await _draft_for_edit(viewer, standard_id)
    form, bands, allowances, grid_errors, values = await _posted_standard(viewer, request)
    url = f"/pay/standards/{standard.id}"
    if values is not None:
        saved = await _save(
            form,
            grid_errors,
            lambda: services.standard_update(actor=viewer.user, scope=viewer.scope, standard=standard, **values),
        )
        if saved is not None:
            return flash(see_other(request, url), _("Saved."))
    return _standard_form(
        request,
        form,
        bands,
        allowances,
        title=_("Edit %(name)s") % {"name": standard.title},
        action=url,
        back=url,
        crumbs=[pay_crumb(), standards_crumb(), (url, standard.title)],
        grid_errors=grid_errors,
        status_code=422,
    )


@router.get("/pay/standards/{standard_id}/publish")
async def standard_publish_confirm(
    request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT), standard_id: Id
) -> Response:
    standard = await _draft_for_edit(viewer, standard_id)
    return render(request, "pay/publish.html", {"standard": standard, "error": None, "today": local_today()})


@router.post("/pay/standards/{standard_id}/publish")
async def standard_publish(
    request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT), standard_id: Id
) -> Response:
    standard = await _draft_for_edit(viewer, standard_id)
    try:
        await services.standard_publish(actor=viewer.user, scope=viewer.scope, standard=standard)
    except ServiceError as exc:
        context = {"standard": standard, "error": exc.message, "today": local_today()}
        return render(request, "pay/publish.html", context, status_code=422)
    return flash(see_other(request, f"/pay/standards/{standard.id}"), _("Published."))


@router.post("/pay/standards/{standard_id}/delete")
async def standard_delete(
    request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT), standard_id: Id
) -> Response:
    standard = await _draft_for_edit(viewer, standard_id)
    await services.standard_delete(actor=viewer.user, scope=viewer.scope, standard=standard)
    return flash(see_other(request, "/pay/standards"), _("Deleted."))


def _version_page(request: Request, form: Form, standard: SalaryStandard, status_code: int = 200) -> Response:
    url = f"/pay/standards/{standard.id}"
    context = {
        "form": form,
        "title": _("New version of %(name)s") % {"name": standard.title},
        "action": f"{url}/new-version",
        "back": url,
        "crumbs": [pay_crumb(), standards_crumb(), (url, standard.title)],
    }
    return form_page(request, "pay/version_form.html", context, status_code)


def _version_values(c: dict) -> dict:
    """A new version's cleaned values as the service takes them (empty title and document number: none)."""
    return {**c, "title": c["title"] or "", "document_no": c["document_no"] or ""}


@router.get("/pay/standards/{standard_id}/new-version")
async def standard_version_new(
    request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT), standard_id: Id
) -> Response:
    standard = await selectors.standard_get(scope=viewer.scope, standard_id=standard_id)
    if not _editable(viewer, standard):
        raise Forbidden()
    initial = {
        "effective_from": standard.effective_from.replace(year=standard.effective_from.year + 1)
        if not (standard.effective_from.month == 2 and standard.effective_from.day == 29)
        else date(standard.effective_from.year + 1, 3, 1),
        "uplift_pct": "0",
        "title": standard.title,
    }
    return _version_page(request, Form.initial(NEW_VERSION_FIELDS, initial), standard)


@router.post("/pay/standards/{standard_id}/new-version")
async def standard_version_create(
    request: Request, viewer: Allowed(Permission.PAY_STANDARDS_EDIT), standard_id: Id
) -> Response:
    standard = await selectors.standard_get(scope=viewer.scope, standard_id=standard_id)
    if not _editable(viewer, standard):
        raise Forbidden()
    create = services.standard_new_version
    form, copy = await post_form(request, viewer, NEW_VERSION_FIELDS, create, _version_values, source=standard)
    again = partial(_version_page, request, standard=standard, status_code=422)
    return await outcome(request, form, copy, done=lambda copy: f"/pay/standards/{copy.id}", again=again)


# ── simulator ─────────────────────────────────────────────────────────────────────────────────────


def _decimal(value: str, default: Decimal, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(value.replace(",", "")) if value.strip() else default
    except InvalidOperation:
        return default
    return number if number.is_finite() and low <= number <= high else default


@router.get("/pay/standards/{standard_id}/simulate")
async def standard_simulate(
    request: Request,
    viewer: Allowed(Permission.PAY_STANDARDS_EDIT),
    standard_id: Id,
    on: Annotated[str, Query(max_length=10)] = "",
    floor: Annotated[str, Query(max_length=20)] = "",
    uplift: Annotated[str, Query(max_length=10)] = "",
    share: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    standard = await selectors.standard_get(scope=viewer.scope, standard_id=standard_id)
    if not _editable(viewer, standard):
        raise Forbidden()
    day = _day(on) if on else max(local_today(), standard.effective_from)
    inputs = simulator.Inputs(
        on=day,
        floor=_decimal(floor, standard.floor, Decimal(0), Decimal("9999999")),
        uplift_pct=_decimal(uplift, Decimal(0), Decimal(-99), Decimal(1000)),
        upper_share_pct=_decimal(share, Decimal(60), Decimal(0), Decimal(100)),
    )
    result = await simulator.simulate(scope=viewer.scope, standard=standard, inputs=inputs)
    url = f"/pay/standards/{standard.id}"
    context = {
        "standard": standard,
        "inputs": inputs,
        "result": result,
        "crumbs": [pay_crumb(), standards_crumb(), (url, standard.title)],
    }
    return list_page(request, "pay/simulate.html", context)


# ── salary records ────────────────────────────────────────────────────────────────────────────────


def _record_page(request: Request, viewer: Viewer, worker, history, form: Form, status_code: int = 200, **more):
    context = {
        "worker": worker,
        "history": history,
        "form": form,
        "can_edit": viewer.can(Permission.PAY_SALARIES_EDIT),
        "crumbs": [pay_crumb()],
        **more,
    }
    return page_with_form(request, "pay/worker.html", context, "pay/_record_form.html", status_code)


@router.get("/pay/workers/{worker_id}")
async def worker_pay_page(request: Request, viewer: Allowed(Permission.PAY_VIEW), worker_id: Id) -> Response:
    worker = await selectors.worker_in_scope(scope=viewer.scope, worker_id=worker_id)
    history = await selectors.salary_history(scope=viewer.scope, worker_id=worker.id)
    today = local_today()
    now = await selectors.worker_pay(worker_id=worker.id, on=today, scope=viewer.scope)
    form = Form.initial(RECORD_FIELDS, {"effective_from": today.replace(day=1), "monthly_allowances": "0"})
    return _record_page(request, viewer, worker, history, form, now=now, today=today)


def _record_values(c: dict) -> dict:
    """A salary record form's cleaned values as the services take them (empty allowances and note: none)."""
    return {
        "effective_from": c["effective_from"],
        "monthly_base": c["monthly_base"],
        "monthly_allowances": c["monthly_allowances"] or 0,
        "note": c["note"] or "",
    }


@router.post("/pay/workers/{worker_id}/salaries")
async def salary_create(request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), worker_id: Id) -> Response:
    worker = await selectors.worker_in_scope(scope=viewer.scope, worker_id=worker_id)
    form, saved = await post_form(
        request, viewer, RECORD_FIELDS, services.salary_record_create, _record_values, worker=worker
    )
    if saved:
        return flash(see_other(request, f"/pay/workers/{worker.id}"), _("Saved."))
    history = await selectors.salary_history(scope=viewer.scope, worker_id=worker.id)
    return _record_page(request, viewer, worker, history, form, 422, now=None, today=local_today())


def _edit_record_page(request: Request, form: Form, record, status_code: int = 200) -> Response:
    url = f"/pay/workers/{record.worker_id}"
    context = {
        "form": form,
        "title": _("Salary from %(day)s") % {"day": record.effective_from.isoformat()},
        "action": f"/pay/salaries/{record.id}",
        "back": url,
        "delete_url": f"/pay/salaries/{record.id}/delete",
        "crumbs": [pay_crumb(), (url, record.worker.name)],
    }
    return form_page(request, "pay/record_edit.html", context, status_code)


@router.get("/pay/salaries/{record_id}/edit")
async def salary_edit(request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), record_id: Id) -> Response:
    record = await selectors.salary_record_get(scope=viewer.scope, record_id=record_id)
    initial = {f.name: getattr(record, f.name) for f in RECORD_FIELDS}
    return _edit_record_page(request, Form.initial(RECORD_FIELDS, initial), record)


@router.post("/pay/salaries/{record_id}")
async def salary_update(request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), record_id: Id) -> Response:
    record = await selectors.salary_record_get(scope=viewer.scope, record_id=record_id)
    form, saved = await post_form(
        request, viewer, RECORD_FIELDS, services.salary_record_update, _record_values, record=record
    )
    again = partial(_edit_record_page, request, record=record, status_code=422)
    return await outcome(request, form, saved, done=f"/pay/workers/{record.worker_id}", again=again)


@router.post("/pay/salaries/{record_id}/delete")
async def salary_delete(request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), record_id: Id) -> Response:
    record = await selectors.salary_record_get(scope=viewer.scope, record_id=record_id)
    await services.salary_record_delete(actor=viewer.user, scope=viewer.scope, record=record)
    return flash(see_other(request, f"/pay/workers/{record.worker_id}"), _("Deleted."))


# ── my pay ────────────────────────────────────────────────────────────────────────────────────────


@router.get("/pay/my")
async def my_pay(request: Request, viewer: Allowed(Permission.PAY_OWN)) -> Response:
    worker_id = viewer.scope.worker_id or 0
    today = local_today()
    row = await selectors.worker_pay(worker_id=worker_id, on=today) if worker_id else None
    standard = None
    next_band = None
    if row and row["standard_id"]:
        standard = await selectors.applying_standard(standard_id=row["standard_id"])
        next_band = simulator.next_level_band(standard, row)
    history = await selectors.salary_history(scope=viewer.scope, worker_id=worker_id) if worker_id else []
    context = {
        "row": row,
        "standard": standard,
        "next_band": next_band,
        "history": history,
        "today": today,
        "formula": FORMULAS.tr(),
    }
    return render(request, "pay/my.html", context)


RETENTION_FORMULA = N_(
    "Workers: full-time workers active on the first day at stations in the region, grouped by their pay status "
    "that day. 12-month retention = those still active on the last day at a station of the region ÷ workers; "
    "turnover = 1 − retention (a move inside the region is not a loss)."
)


@router.get("/pay/retention")
async def pay_retention(
    request: Request,
    viewer: Allowed(Permission.PAY_VIEW),
    on: Annotated[str, Query(max_length=10)] = "",
    region: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    day = _day(on)
    chosen = await _region(viewer.scope, region or _own_region_code(viewer))
    start, lines = await selectors.retention_by_status(scope=viewer.scope, on=day, region=chosen)
    context = {
        "day": day,
        "start": start,
        "lines": lines,
        "region": chosen,
        "region_code": region,
        "formula": RETENTION_FORMULA.tr(),
        "labels": {s.value: s.label for s in STATUSES},
    }
    return list_page(request, "pay/retention.html", context)


# ── proposed pay changes ──────────────────────────────────────────────────────────────────────────

PROPOSAL_FORMULA = N_(
    "A change is proposed from the latest salary record (base B, allowances A) when, since it took effect, the "
    "worker reached a higher certificate level whose allowance or band minimum is higher; or last year's "
    "assessment has a performance step in the standard and the record is older than this January; or the "
    "standard applying has an uplift and the record is older than the standard. Proposed base = B × (1 + uplift) "
    "+ step; proposed allowances = A × (1 + uplift) + the rise of the certificate allowance; with a new "
    "certificate the base is raised further to the band minimum. Accepted or dismissed reasons are not proposed "
    "again."
)


@router.get("/pay/changes")
async def proposal_list(
    request: Request,
    viewer: Allowed(Permission.PAY_SALARIES_EDIT),
    params: Listing,
    on: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    day = _day(on)
    params.extra = {"on": day.isoformat()}
    totals, page = await selectors.proposals(scope=viewer.scope, on=day, params=params)
    context = {"totals": totals, "page": page, "day": day, "formula": PROPOSAL_FORMULA.tr(), "crumbs": [pay_crumb()]}
    return list_page(request, "pay/changes.html", context)


async def _decided(request: Request, viewer: Viewer, worker_id: int, accept: bool) -> Response:
    # A worker outside the viewer's reach is not found (404), like every other record, not "no change proposed".
    await selectors.worker_in_scope(scope=viewer.scope, worker_id=worker_id)
    data = await request.form()
    day = _day(str(data.get("on") or ""))
    back = f"/pay/changes?on={day.isoformat()}"
    try:
        if accept:
            await services.pay_change_accept(actor=viewer.user, scope=viewer.scope, worker_id=worker_id, on=day)
        else:
            await services.pay_change_dismiss(actor=viewer.user, scope=viewer.scope, worker_id=worker_id, on=day)
    except ServiceError as exc:
        return flash(see_other(request, back), exc.message, "danger")
    return flash(see_other(request, back), _("Salary recorded.") if accept else _("Dismissed."))


@router.post("/pay/changes/{worker_id}/accept")
async def proposal_accept(request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), worker_id: Id) -> Response:
    return await _decided(request, viewer, worker_id, accept=True)


@router.post("/pay/changes/{worker_id}/dismiss")
async def proposal_dismiss(request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), worker_id: Id) -> Response:
    return await _decided(request, viewer, worker_id, accept=False)


# ── yearly assessments ────────────────────────────────────────────────────────────────────────────


def _year(value: str, default: int) -> int:
    return int(value) if value.isdigit() and 1990 <= int(value) <= 2100 else default


async def _assessment_page(
    request: Request, viewer: Viewer, params, year: int, grade: str, form: Form, status_code: int = 200
) -> Response:
    params.extra = {"year": str(year), "grade": grade}
    counts, page = await selectors.assessment_page(scope=viewer.scope, params=params, year=year, grade=grade)
    context = {
        "page": page,
        "counts": counts,
        "year": year,
        "grade": grade,
        "grades": list(Grade),
        "form": form,
        "can_edit": viewer.can(Permission.PAY_SALARIES_EDIT),
        "crumbs": [pay_crumb()],
    }
    return render(
        request,
        "pay/assessments.html",
        context,
        fragment="pay/_assessment_form.html" if status_code == 422 else "pay/_assessments.html",
        status_code=status_code,
    )


@router.get("/pay/assessments")
async def assessment_list(
    request: Request,
    viewer: Allowed(Permission.PAY_VIEW),
    params: Listing,
    year: Annotated[str, Query(max_length=4)] = "",
    grade: Annotated[str, Query(max_length=24)] = "",
) -> Response:
    last_year = local_today().year - 1
    chosen = _year(year, last_year)
    grade = grade if grade in {g.value for g in Grade} else ""
    form = Form.initial(ASSESSMENT_FIELDS, {"year": chosen})
    return await _assessment_page(request, viewer, params, chosen, grade, form)


@router.post("/pay/assessments")
async def assessment_save(request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), params: Listing) -> Response:
    form = await Form.posted(ASSESSMENT_FIELDS, request)

    async def save(c: dict):
        worker = await worker_find_by_no(scope=viewer.scope, worker_no=c["worker_no"])
        if worker is None:
            raise ServiceError("worker_no", N_("No worker with this number in your scope."))
        return await services.assessment_save(
            actor=viewer.user, scope=viewer.scope, worker=worker, year=c["year"], grade=c["grade"], note=c["note"] or ""
        )

    if saved := await form.run(save):
        return flash(see_other(request, f"/pay/assessments?year={saved.year}"), _("Saved."))
    year = form.cleaned.get("year") or local_today().year - 1
    return await _assessment_page(request, viewer, params, _year(str(year), local_today().year - 1), "", form, 422)


@router.post("/pay/assessments/{assessment_id}/delete")
async def assessment_delete(
    request: Request, viewer: Allowed(Permission.PAY_SALARIES_EDIT), assessment_id: Id
) -> Response:
    assessment = await selectors.assessment_get(scope=viewer.scope, assessment_id=assessment_id)
    await services.assessment_delete(actor=viewer.user, scope=viewer.scope, assessment=assessment)
    return flash(see_other(request, f"/pay/assessments?year={assessment.year}"), _("Deleted."))


@router.get("/pay/assessments/export")
async def assessment_export(
    viewer: Allowed(Permission.PAY_VIEW),
    fmt: ExportFormat = "xlsx",
    year: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    """The assessments in scope in the `assessments` spreadsheet kind's columns (codes: re-imports unchanged)."""
    chosen = _year(year, 0) or None
    rows = selectors.assessment_export(scope=viewer.scope, year=chosen)
    return exports.respond(fmt, f"assessments-{chosen or 'all'}", exports.kind_headers("assessments"), rows)
