"""What a router needs to take a file upload: the file field, and a refusal of an oversized body judged from
its Content-Length before it is read (the service still checks the real size while storing)."""

from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from talent.core.i18n import gettext as _
from talent.settings import get_settings

# Room for the other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def max_upload_bytes() -> int:
    return int(get_settings().upload_max_bytes)


def max_mb() -> str:
    return f"{max_upload_bytes() / 1024 / 1024:.0f}"


def too_big_message() -> str:
    return _("The file is larger than %(mb)s MB.") % {"mb": max_mb()}


def upload_field(data, name: str = "file") -> UploadFile | None:
    value = data.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


def body_too_big(request: Request) -> bool:
    try:
        length = int(request.headers.get("content-length") or 0)
    except ValueError:
        return False
    return length > max_upload_bytes() + FORM_OVERHEAD_BYTES


def attachment(path: Path, *, content_type: str | None, file_name: str) -> Response:
    """A stored upload sent back as a download, never rendered in the page's origin (404 if the file is gone)."""
    if not path.exists():
        raise HTTPException(status_code=404)
    return FileResponse(
        path,
        media_type=content_type or "application/octet-stream",
        filename=file_name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
