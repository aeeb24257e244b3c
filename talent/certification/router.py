"""Certificates: the HR/bureau list, a worker's certificates with registration and CE ledger, results entry,
direct certificate records, registration and renewal, CE credits, and pass rates."""

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.responses import Response

from talent.certification import selectors, services
from talent.certification.forms import CE_FIELDS, CERTIFICATE_FIELDS, REGISTER_FIELDS, RESULT_FIELDS
from talent.certification.rules import STATUSES, CertStatus
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.codes import choices
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.core.i18n import localised
from talent.core.storage import UPLOADS
from talent.people.selectors import worker_find_by_no
from talent.places import selectors as places
from talent.places.models import CertLevel
from talent.web import uploads
from talent.web.auth import Allowed
from talent.web.exports import ExportFormat, respond
from talent.web.forms import Form
from talent.web.labels import label
from talent.web.pages import list_page
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, render, see_other

router = Router(prefix="/certificates", tags=["certification"])

Viewer = Allowed(Permission.CERTIFICATES_VIEW)
Editor = Allowed(Permission.CERTIFICATES_EDIT)


def _printable(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()


Level = Annotated[str, Query(max_length=16)]
Status = Annotated[str, Query(max_length=16)]
Station = Annotated[str, Query(max_length=32)]
Flag = Annotated[str, Query(max_length=8)]
Days = Annotated[str, Query(max_length=8)]


def _on(value: str) -> bool:
    return value in ("1", "on", "true", "yes")


def _days(value: str) -> int | None:
    value = value.strip()
    if not value.isdigit() or len(value) > 4:
        return None
    return min(int(value), selectors.EXPIRING_MAX_DAYS)


async def _filters(
    level: Level = "", status: Status = "", station: Station = "", expiring: Days = "", renewal_open: Flag = "",
    ce_short: Flag = "", expired: Flag = "",
) -> selectors.ListFilters:  # fmt: skip
    """The list's filters from the query string (the list's and the export's): unknown values are dropped rather
    than refused."""
    return selectors.ListFilters(
        level=level if level in (*selectors.LEVEL_ORDER, "none") else "",
        status=status if status in STATUSES else "",
        station_code=_printable(station),
        expiring_days=_days(expiring),
        renewal_open=_on(renewal_open),
        ce_short=_on(ce_short),
        expired=_on(expired),
    )


def _query(filters: selectors.ListFilters) -> dict[str, str]:
    """The filters as the query string carries them (the pager's, the sort links' and the export's)."""
    values = {"level": filters.level, "status": filters.status, "station": filters.station_code}
    values["expiring"] = "" if filters.expiring_days is None else str(filters.expiring_days)
    values.update({name: "1" if on else "" for name, on in filters.flags.items()})
    return values


Filters = Annotated[selectors.ListFilters, Depends(_filters)]


@router.get("")
async def certificate_list(request: Request, viewer: Viewer, filters: Filters, params: Listing) -> Response:
    if viewer.can(Permission.OWN_RECORD):
        # A worker's certificate page is their own.
        return see_other(request, f"/certificates/workers/{viewer.user.worker_id or 0}")
    params.q = _printable(params.q)
    params.extra = _query(filters)
    # The filter's station named beside the list's total, where it was read after the page.
    code = filters.station_code
    named = {"station_name": lambda: places.station_name_for_code(scope=viewer.scope, code=code)} if code else {}
    page = await selectors.certificate_list(
        scope=viewer.scope, params=params, today=local_today(), filters=filters, beside=named
    )
    return list_page(
        request,
        "certification/list.html",
        {
            "page": page,
            "filters": filters,
            "station": code,
            "station_name": page.beside.get("station_name", ""),
            "levels": [*choices(CertLevel), (CertStatus.NONE.value, CertStatus.NONE.label)],
            "statuses": choices(CertStatus),
            "can_edit": viewer.can(Permission.CERTIFICATES_EDIT),
        },
    )


@router.get("/export")
async def certificate_export(
    request: Request,
    # The list of every worker in scope: for those who see worker lists (a worker has only their own page).
    viewer: Allowed(Permission.WORKERS_VIEW),
    filters: Filters,
    q: Annotated[str, Query(max_length=100)] = "",
    fmt: ExportFormat = "xlsx",
) -> Response:
    rows = selectors.certificate_export_rows(scope=viewer.scope, today=local_today(), q=_printable(q), filters=filters)

    async def cells():
        async for row in rows:
            yield (
                row["worker_no"],
                row["name"],
                row["station_code"],
                row["station_name"],
                label(row["cert_level"]),
                row["cert_number"] or "",
                row["cert_expires"],
                row["cert_ce"],
                row["required"],
                label(row["cert_status"]),
            )

    headers = [
        _("Worker no."),
        _("Full name"),
        _("Station code"),
        _("Station"),
        _("Highest level"),
        _("Certificate number"),
        _("Registration expires"),
        _("CE hours this period"),
        _("CE hours required"),
        _("Status"),
    ]
    return respond(fmt, "certificates", headers, cells())


# --- a worker's certificates ----------------------------------------------------------------------------


async def _worker_context(viewer, worker) -> dict:
    today = local_today()
    scope = viewer.scope
    return {
        "worker": worker,
        "certificates": await selectors.worker_certificates(scope=scope, worker_id=worker.id, today=today),
        "results": await selectors.worker_results(scope=scope, worker_id=worker.id),
        "ledger": await selectors.ce_ledger(scope=scope, worker_id=worker.id),
        "ledger_total": await selectors.ce_ledger_total(scope=scope, worker_id=worker.id),
        "yearly_ce": await selectors.worker_yearly_ce(scope=scope, worker_id=worker.id, today=today),
        "can_edit": viewer.can(Permission.CERTIFICATES_EDIT),
        "today": today,
    }


@router.get("/workers/{worker_id}")
async def worker_certificates(request: Request, viewer: Viewer, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    return render(request, "certification/worker.html", await _worker_context(viewer, worker))


def _certificate_page(request, form, worker, status_code=200):
    action = f"/certificates/workers/{worker.id}/certificates/new"
    return form_page(
        request, "certification/certificate_form.html", {"form": form, "worker": worker, "action": action}, status_code
    )


@router.get("/workers/{worker_id}/certificates/new")
async def certificate_new(request: Request, viewer: Editor, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    return _certificate_page(request, Form.initial(CERTIFICATE_FIELDS), worker)


@router.post("/workers/{worker_id}/certificates/new")
async def certificate_create(request: Request, viewer: Editor, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    form = await Form.posted(CERTIFICATE_FIELDS, request)
    if await form.run(lambda values: services.certificate_record(actor=viewer.user, worker=worker, **values)):
        return flash(see_other(request, f"/certificates/workers/{worker.id}"), _("Saved."))
    return _certificate_page(request, form, worker, 422)


def _register_page(request, form, certificate, status_code=200):
    worker = certificate.worker
    context = {
        "form": form,
        "worker": worker,
        "certificate": certificate,
        "action": f"/certificates/workers/{worker.id}/certificates/{certificate.id}/register",
    }
    return form_page(request, "certification/register_form.html", context, status_code)


@router.get("/workers/{worker_id}/certificates/{certificate_id}/register")
async def register_form(request: Request, viewer: Editor, worker_id: Id, certificate_id: Id) -> Response:
    certificate = await selectors.certificate_get(
        scope=viewer.scope, worker_id=worker_id, certificate_id=certificate_id
    )
    return _register_page(request, Form.initial(REGISTER_FIELDS, {"on": local_today()}), certificate)


@router.post("/workers/{worker_id}/certificates/{certificate_id}/register")
async def register(request: Request, viewer: Editor, worker_id: Id, certificate_id: Id) -> Response:
    certificate = await selectors.certificate_get(
        scope=viewer.scope, worker_id=worker_id, certificate_id=certificate_id
    )
    form = await Form.posted(REGISTER_FIELDS, request)

    async def record(values):
        try:
            return await services.certificate_register(actor=viewer.user, certificate=certificate, on=values["on"])
        except ServiceError as exc:
            # The service names the date by the model's field; the form calls it `on`.
            if exc.field == "registered_on":
                exc.field = "on"
            raise

    if await form.run(record):
        return flash(see_other(request, f"/certificates/workers/{worker_id}"), _("Registration recorded."))
    return _register_page(request, form, certificate, 422)


def _ce_page(request, form, worker, status_code=200):
    context = {
        "form": form,
        "worker": worker,
        "action": f"/certificates/workers/{worker.id}/ce/new",
        "max_mb": uploads.max_mb(),
    }
    return form_page(request, "certification/ce_form.html", context, status_code)


@router.get("/workers/{worker_id}/ce/new")
async def ce_new(request: Request, viewer: Editor, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    return _ce_page(request, Form.initial(CE_FIELDS, {"earned_on": local_today(), "source": "external"}), worker)


@router.post("/workers/{worker_id}/ce/new")
async def ce_create(request: Request, viewer: Editor, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    if uploads.body_too_big(request):
        form = Form.initial(CE_FIELDS)
        form.errors["file"] = uploads.too_big_message()
        return _ce_page(request, form, worker, 422)
    data = await request.form()
    form = Form.bind(CE_FIELDS, data)

    async def credit(values):
        try:
            return await services.ce_credit_add(
                actor=viewer.user, worker=worker, evidence=uploads.upload_field(data), **values
            )
        except ServiceError as exc:
            if exc.field != "file":
                raise
            # The file input is not a declared field: its message goes next to it, not to the form's top.
            form.errors["file"] = exc.message

    if await form.run(credit):
        return flash(see_other(request, f"/certificates/workers/{worker.id}"), _("CE hours credited."))
    return _ce_page(request, form, worker, 422)


@router.get("/workers/{worker_id}/ce/{credit_id}/evidence")
async def ce_evidence(request: Request, viewer: Viewer, worker_id: Id, credit_id: Id) -> Response:
    credit = await selectors.ce_evidence_get(scope=viewer.scope, worker_id=worker_id, credit_id=credit_id)
    return uploads.attachment(
        UPLOADS.path(credit.evidence_sha256), content_type=credit.evidence_type, file_name=credit.evidence_name
    )


# --- national exam results ------------------------------------------------------------------------------


async def _result_fields():
    subjects = await selectors.subjects()
    options = [(s.code, f"{s.code} {s.title}") for s in subjects]
    return [replace(f, choices=options) if f.name == "subject" else f for f in RESULT_FIELDS]


def _result_page(request, form, status_code=200):
    return form_page(
        request, "certification/result_form.html", {"form": form, "action": "/certificates/results"}, status_code
    )


@router.get("/results/new")
async def result_new(
    request: Request, viewer: Editor, worker_no: Annotated[str, Query(max_length=32)] = ""
) -> Response:
    initial = {"year": local_today().year, "worker_no": _printable(worker_no)}
    return _result_page(request, Form.initial(await _result_fields(), initial))


@router.post("/results")
async def result_create(request: Request, viewer: Editor) -> Response:
    form = await Form.posted(await _result_fields(), request)

    async def record(values):
        worker = await worker_find_by_no(scope=viewer.scope, worker_no=values["worker_no"])
        if worker is None:
            raise ServiceError("worker_no", _("No worker with this number in your scope."))
        _result, certificate = await services.result_record(
            actor=viewer.user, worker=worker, year=values["year"], subject=values["subject"], score=values["score"]
        )
        return worker, certificate

    done = await form.run(record)
    if done is None:
        return _result_page(request, form, 422)
    worker, certificate = done
    message = _("Result saved.")
    if certificate is not None:
        message = _("Result saved. All subjects of the level are passed: certificate %(number)s created.") % {
            "number": certificate.number
        }
    return flash(see_other(request, f"/certificates/workers/{worker.id}"), message)


# --- pass rates -----------------------------------------------------------------------------------------


@router.get("/pass-rates")
async def pass_rates(
    request: Request,
    viewer: Allowed(Permission.PASS_RATES),
    region: Annotated[str, Query(max_length=12)] = "",
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    subject: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    region_obj = await selectors.region_by_code(scope=viewer.scope, code=_printable(region))
    subject_obj = await selectors.subject_by_code(_printable(subject))
    rows = await selectors.pass_rates(
        scope=viewer.scope,
        region_path=region_obj.path if region_obj else "",
        year=year,
        subject_code=subject_obj.code if subject_obj else "",
    )
    context = {
        "rows": rows,
        "region": region_obj,
        "region_code": _printable(region),
        "year": year,
        "subject": subject_obj,
        "subject_code": _printable(subject),
    }
    return list_page(request, "certification/pass_rates.html", context)


@router.get("/subjects/suggest")
async def subject_suggest(
    request: Request, viewer: Allowed(Permission.PICKERS), q: Annotated[str, Query(max_length=100)] = "",
    subject: Annotated[str, Query(max_length=100)] = "",
) -> Response:  # fmt: skip
    """Options for a subject picker: code, and the name beside it; the typed text comes as `q` or `subject`."""
    rows = await selectors.subject_suggest(term=_printable(q or subject))
    return render(
        request,
        "places/_options.html",
        {"options": [(r["code"], f"{localised(r['name'], r['name_en'])} ({r['code']})") for r in rows]},
    )
