"""Checks every upload passes before it is kept: a clean name, the size limit, and content of an allowed kind
that agrees with the name (talent.core.sniff reads what a file really is)."""

import unicodedata
from collections.abc import Collection
from pathlib import PurePosixPath

from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.core.sniff import sniff
from talent.core.storage import UPLOADS, TooLarge, max_upload_bytes

ALLOWED_TEXT = "PDF, DOCX, PPTX, XLSX, PNG, JPEG, GIF, WebP, MP4"


def clean_file_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError("file", _("Choose a file."))
    if len(name) > 200:
        raise ServiceError("file", _("The file name is too long (at most 200 characters)."))
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise ServiceError("file", _("The file name contains control characters."))
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise ServiceError("file", _("The file name may not contain a path (/, \\ or ..)."))
    return name


async def upload_check(upload, *, kinds: Collection[str] | None = None, types_text: str = ALLOWED_TEXT) -> tuple:
    """Check an upload (a clean name, the size limit, content of an allowed kind that agrees with the name)
    and leave it in a temporary file: returns (temp path, {file_name, size, sha256, content_type}). The
    caller keeps it with UPLOADS.keep or drops it. `kinds` narrows the allowed kinds by name."""
    name = clean_file_name(getattr(upload, "filename", None))
    limit = max_upload_bytes()
    try:
        temp, sha256, size = await UPLOADS.spool(upload, limit)
    except TooLarge:
        raise ServiceError(
            "file", _("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:.0f}"}
        ) from None
    if size == 0:
        temp.unlink(missing_ok=True)
        raise ServiceError("file", _("The file is empty."))
    kind = sniff(temp)
    allowed = kind is not None and (kinds is None or kind.name in kinds)
    if not allowed or PurePosixPath(name.lower()).suffix not in kind.extensions:
        temp.unlink(missing_ok=True)
        raise ServiceError(
            "file",
            _("This type of file is not allowed, or its content does not match its name. Allowed: %(types)s.")
            % {"types": types_text},
        )
    return temp, {"file_name": name, "size": size, "sha256": sha256, "content_type": kind.content_type}
