"""Completion certificates: the PDF (owner or staff in scope), revocation (course authors), and the public
verification page /verify/{code} (no sign-in; masked name)."""

from typing import Annotated

from fastapi import Path, Request
from starlette.responses import Response

from courses.completion import pages as _audit_names  # noqa: F401  (registers the audit log's names)
from courses.completion import selectors, services
from courses.completion.pdf import certificate_pdf
from courses.pages import Author, CourseReader
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, render, see_other

router = Router(prefix="/courses/certificates", tags=["courses"])
verify_router = Router(tags=["courses"])


def verify_url(request: Request, code: str) -> str:
    return str(request.base_url).rstrip("/") + f"/verify/{code}"


@router.get("/{certificate_id}/pdf")
async def certificate_download(request: Request, viewer: CourseReader, certificate_id: Id) -> Response:
    certificate = await selectors.certificate_get(scope=viewer.scope, certificate_id=certificate_id)
    pdf = certificate_pdf(certificate, verify_url(request, certificate.code))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.id}.pdf"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/{certificate_id}/revoke")
async def certificate_revoke(request: Request, viewer: Author, certificate_id: Id) -> Response:
    certificate = await selectors.certificate_get(scope=viewer.scope, certificate_id=certificate_id)
    data = await request.form()
    reason = str(data.get("reason") or "").strip()[:255]
    url = f"/courses/{certificate.course_id}/enrolments"
    try:
        await services.certificate_revoke(actor=viewer.user, scope=viewer.scope, certificate=certificate, reason=reason)
    except ServiceError as exc:
        return flash(see_other(request, url), exc.message, "danger")
    return flash(see_other(request, url), _("Certificate revoked."))


@router.get("/{certificate_id}")
async def certificate_page(request: Request, viewer: CourseReader, certificate_id: Id) -> Response:
    certificate = await selectors.certificate_get(scope=viewer.scope, certificate_id=certificate_id)
    return see_other(request, f"/verify/{certificate.code}")


@verify_router.get("/verify/{code}")
async def verify(request: Request, code: Annotated[str, Path(max_length=64)]) -> Response:
    certificate = await selectors.certificate_by_code(code=code)
    if certificate is None:
        return render(request, "verify/page.html", {"certificate": None, "code": code}, status_code=404)
    return render(
        request,
        "verify/page.html",
        {"certificate": certificate, "masked_name": selectors.mask_name(certificate.worker.name), "code": code},
    )
