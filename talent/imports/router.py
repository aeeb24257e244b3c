"""Import pages: the kinds a user may import, a template per kind, upload → dry-run preview → confirm.

Fixed paths (/imports/jobs/…) are declared before /imports/{kind}.
"""

from urllib.parse import quote

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from talent.core.access import Permission
from talent.core.errors import ServiceError
from talent.core.i18n import get_locale
from talent.core.i18n import gettext as _
from talent.core.pagination import Page
from talent.imports import framework, readers, selectors, services
from talent.imports.framework import Kind
from talent.imports.models import ImportStatus
from talent.imports.workbook import column_rows, template_xlsx
from talent.web.auth import Allowed, Viewer
from talent.web.errors import Forbidden
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, render, see_other

router = Router(prefix="/imports", tags=["imports"])
Importer = Allowed(Permission.IMPORTS)

ERRORS_PER_PAGE = 50
IN_PROGRESS = (ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.IMPORTING)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind(viewer: Viewer, name: str) -> Kind:
    kind = framework.get_kind(name[:32])
    if kind is None:
        raise HTTPException(status_code=404)
    if not kind.allowed(viewer.role):
        raise Forbidden()
    return kind


@router.get("")
async def import_index(request: Request, viewer: Importer) -> Response:
    # Cheap (one indexed read) and it means a job orphaned by a restart shows as failed without waiting for cron.
    await services.jobs_recover()
    jobs = await selectors.job_recent(user_id=viewer.user.id)
    kinds = framework.kinds_for(viewer.role)
    return render(request, "imports/index.html", {"kinds": kinds, "jobs": jobs, "titles": _titles()})


def _titles() -> dict[str, str]:
    return {kind.name: kind.title.tr() for kind in framework.all_kinds()}


def _job_context(job, params) -> dict:
    report = job.report or {}
    errors = report.get("errors", [])
    params.per_page = ERRORS_PER_PAGE
    pages = max(1, -(-len(errors) // ERRORS_PER_PAGE))
    params.page = min(params.page, pages)
    start = (params.page - 1) * ERRORS_PER_PAGE
    page = Page(items=errors[start : start + ERRORS_PER_PAGE], total=len(errors), params=params)
    kind = framework.get_kind(job.kind)
    return {
        "job": job,
        "report": report,
        "errors": page,
        "kind_title": kind.title.tr() if kind else job.kind,
        "in_progress": job.status in IN_PROGRESS,
        "percent": min(100, round(100 * job.rows_done / job.rows_total)) if job.rows_total else 0,
    }


@router.get("/jobs/{job_id}")
async def job_page(request: Request, viewer: Importer, job_id: Id, params: Listing) -> Response:
    job = await selectors.job_get(user_id=viewer.user.id, job_id=job_id)
    return render(request, "imports/job.html", _job_context(job, params), fragment="imports/_job.html")


@router.get("/jobs/{job_id}/progress")
async def job_progress(request: Request, viewer: Importer, job_id: Id, params: Listing) -> Response:
    job = await selectors.job_get(user_id=viewer.user.id, job_id=job_id)
    context = _job_context(job, params)
    headers = None if context["in_progress"] else {"HX-Refresh": "true"}
    return render(request, "imports/progress.html", context, fragment="imports/_progress.html", headers=headers)


@router.post("/jobs/{job_id}/confirm")
async def job_confirm(request: Request, viewer: Importer, job_id: Id) -> Response:
    job = await selectors.job_get(user_id=viewer.user.id, job_id=job_id)
    _kind(viewer, job.kind)
    url = f"/imports/jobs/{job.id}"
    try:
        await services.job_confirm(job=job, scope=viewer.scope, actor=viewer.user)
    except ServiceError as exc:
        return flash(see_other(request, url), exc.message, "danger")
    return see_other(request, url)


@router.get("/jobs/{job_id}/errors.csv")
async def job_errors(request: Request, viewer: Importer, job_id: Id) -> Response:
    job = await selectors.job_get(user_id=viewer.user.id, job_id=job_id)
    rows = [[_("Row"), _("Column"), _("Value"), _("Reason")]]
    for e in (job.report or {}).get("errors", []):
        rows.append([e.get("row") or "", e.get("column", ""), e.get("value", ""), e.get("reason", "")])
    body = "\ufeff" + readers.csv_text([[_neutral(v) for v in row] for row in rows])
    return attachment(body.encode("utf-8"), f"import-{job.id}-errors.csv", "text/csv; charset=utf-8")


def _neutral(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(readers.FORMULA_PREFIXES) else text


@router.get("/{kind}")
async def kind_page(request: Request, viewer: Importer, kind: str) -> Response:
    spec = _kind(viewer, kind)
    return _kind_page(request, spec)


def _kind_page(request: Request, kind: Kind, error: str = "", status_code: int = 200) -> Response:
    return render(
        request,
        "imports/kind.html",
        {
            "kind": kind,
            "title": kind.title.tr(),
            "columns": column_rows(kind),
            "error": error,
            "limit": readers.format_size(readers.max_bytes()),
        },
        fragment="imports/_upload.html",
        status_code=status_code,
    )


@router.get("/{kind}/template.xlsx")
async def kind_template(request: Request, viewer: Importer, kind: str) -> Response:
    spec = _kind(viewer, kind)
    return attachment(template_xlsx(spec, get_locale()), f"{spec.name}-template.xlsx", XLSX_TYPE)


@router.post("/{kind}")
async def kind_upload(request: Request, viewer: Importer, kind: str) -> Response:
    spec = _kind(viewer, kind)
    limit = readers.max_bytes()
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + 64 * 1024:
        return _kind_page(request, spec, readers.too_large_message(limit), 413)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:  # noqa: BLE001 — a malformed multipart body is a bad upload, not a crash
        return _kind_page(request, spec, _("Choose a spreadsheet file to upload."), 422)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _kind_page(request, spec, _("Choose a spreadsheet file to upload."), 422)
    try:
        sha, size = await services.upload_store(upload=upload, limit=limit)
    except services.TooLarge as exc:
        return _kind_page(request, spec, exc.message, 413)
    except ServiceError as exc:
        return _kind_page(request, spec, exc.message, 422)
    job = await services.job_create(actor=viewer.user, kind=spec.name, file_name=upload.filename, sha256=sha, size=size)
    await services.job_check(job=job, scope=viewer.scope)
    return see_other(request, f"/imports/jobs/{job.id}")


def attachment(body: bytes, filename: str, media_type: str) -> Response:
    """A download (never shown inline), named in ASCII with the UTF-8 name beside it."""
    disposition = (
        f"attachment; filename=\"{filename.encode('ascii', 'replace').decode()}\"; filename*=UTF-8''{quote(filename)}"
    )
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
