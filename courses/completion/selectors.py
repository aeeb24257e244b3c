"""Reads of completion certificates: the public verification by code, and scoped lookups."""

import re

from tortoise.expressions import Subquery

from courses.completion.models import CompletionCertificate
from talent.core.access import Role, Scope
from talent.people.access import workers_q
from talent.people.models import Worker

CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, Li Ming → L*****g: enough to recognise, not to identify."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


async def certificate_by_code(*, code: str) -> CompletionCertificate | None:
    # Codes are URL-safe base64 (secrets.token_urlsafe); anything else (NUL included) matches nothing.
    if not CODE_RE.fullmatch(code or ""):
        return None
    return await CompletionCertificate.filter(code=code).select_related("course", "worker").first()


async def certificate_get(*, scope: Scope, certificate_id: int) -> CompletionCertificate:
    """A certificate the viewer may see: their own (a worker), or a worker's in the viewer's scope."""
    qs = CompletionCertificate.all()
    if scope.role != Role.ADMIN:
        qs = qs.filter(worker_id__in=Subquery(Worker.filter(workers_q(scope)).values("id")))
    return await qs.select_related("course", "worker").get(id=certificate_id)


async def certificates_of_worker(*, worker_id: int) -> list[CompletionCertificate]:
    return await CompletionCertificate.filter(worker_id=worker_id).select_related("course").order_by("-issued_on")
