"""Content-addressed file storage under settings.storage_dir: a file lives at <area>/ab/cd/<sha256>, so an
identical file is stored once and no user-supplied name ever reaches the file system. One store serves every
upload (course materials, CE evidence, import spreadsheets); `talent backup` copies the whole directory."""

import hashlib
import os
import tempfile
from pathlib import Path

from talent.settings import get_settings

CHUNK = 1024 * 1024


class TooLarge(Exception):
    pass


class Store:
    def __init__(self, area: str) -> None:
        self.area = area

    def root(self) -> Path:
        return Path(get_settings().storage_dir) / self.area

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root() / sha256[:2] / sha256[2:4] / sha256

    async def spool(self, upload, limit: int) -> tuple[Path, str, int]:
        """Copy an upload (anything with an async read(n)) to a temporary file in the store, hashing as it goes;
        stops, and removes the file, as soon as it passes `limit` bytes. Returns (path, sha256, size)."""
        (self.root() / "tmp").mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.root() / "tmp", prefix="up-")
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

    def keep(self, temp: Path, sha256: str) -> Path:
        """Move a spooled file to its address, or drop it if an identical file is already stored."""
        target = self.path(sha256)
        if target.exists():
            temp.unlink(missing_ok=True)
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
        return target


# Course materials and CE evidence share one area (files stored before the split stay where they are).
UPLOADS = Store("materials")
IMPORTS = Store("imports")


def max_upload_bytes() -> int:
    return int(get_settings().upload_max_bytes)
