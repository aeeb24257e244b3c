"""What a file really is, read from its bytes (never from its name or the browser's claim).

Allowed: PDF, DOCX, PPTX, XLSX (checked inside the ZIP), PNG, JPEG, GIF, WebP, MP4. The file name's
extension must agree with the content, so "notes.pdf" holding HTML (or a PNG) is refused.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    "pdf": Kind("pdf", "application/pdf", (".pdf",)),
    "docx": Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "pptx": Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    "xlsx": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "png": Kind("png", "image/png", (".png",)),
    "jpeg": Kind("jpeg", "image/jpeg", (".jpg", ".jpeg")),
    "gif": Kind("gif", "image/gif", (".gif",)),
    "webp": Kind("webp", "image/webp", (".webp",)),
    "mp4": Kind("mp4", "video/mp4", (".mp4", ".m4v")),
}
OOXML_PARTS = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "xlsx": "xl/workbook.xml"}
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"MSNV"}


def sniff(path: Path) -> Kind | None:
    with path.open("rb") as fh:
        head = fh.read(64)
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return KINDS["gif"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return KINDS["webp"]
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return KINDS["mp4"]
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(path)
    return None


def _ooxml(path: Path) -> Kind | None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind, part in OOXML_PARTS.items():
        if part in names:
            return KINDS[kind]
    return None
