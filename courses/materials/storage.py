"""Content-addressed file storage under settings.storage_dir: a file lives at materials/ab/cd/<sha256>, so
identical uploads are stored once, and no user-supplied name ever reaches the file system."""

import hashlib
import os
import tempfile
from pathlib import Path

from talent.settings import get_settings

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK = 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(get_settings(), "upload_max_bytes", DEFAULT_MAX_BYTES))


def storage_root() -> Path:
    return Path(get_settings().storage_dir) / "materials"


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return storage_root() / sha256[:2] / sha256[2:4] / sha256


class TooLarge(Exception):
    pass


async def spool(upload, limit: int) -> tuple[Path, str, int]:
    """Copy an upload to a temporary file in the storage directory, hashing as it goes; stops (and
    removes the file) as soon as it passes `limit` bytes. Returns (path, sha256, size)."""
    root = storage_root()
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=root / "tmp", prefix="up-")
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge()
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


def keep(temp: Path, sha256: str) -> Path:
    """Move a spooled file to its address, or drop it if an identical file is already stored."""
    target = blob_path(sha256)
    if target.exists():
        temp.unlink(missing_ok=True)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, target)
    return target
