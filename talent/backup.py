"""`talent backup FILE` and `talent restore FILE`: the whole database and the uploaded files in one archive.

The archive is a .tar.gz holding `manifest.json` (when, which database engine, the file list with SHA-256),
the database — a consistent SQLite copy made with SQLite's online backup API, or a `pg_dump` custom-format
dump for PostgreSQL — and `storage/`, the uploaded files (course materials, imports, CE evidence), which are
stored under their checksums. A backup can be taken while the server runs.

Restore replaces the database of the same engine with the archive's (SQLite: the file is swapped in;
PostgreSQL: `pg_restore --clean` in one transaction), puts the files back into the storage directory, and
applies the migrations the archive predates. Stop the server first. Every file is checked against the
manifest before anything is replaced.

Backups hold personal data (names, ID numbers, phone numbers): they are written readable by their owner only.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from talent.db import is_postgres, normalise_url
from talent.settings import get_settings

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, and nothing was changed."""


@dataclass
class Summary:
    engine: str
    files: int
    bytes: int
    created_at: str


def sqlite_path(url: str) -> Path:
    parts = urlsplit(normalise_url(url))
    if ":memory:" in url:
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(parts.netloc + parts.path)


def pg_url(url: str) -> str:
    """The URL for pg_dump/pg_restore: libpq's scheme, without the driver options Tortoise takes."""
    parts = urlsplit(normalise_url(url))
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(args: list[str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run([tool, *args[1:]], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(url: str, work: Path) -> tuple[str, Path]:
    if is_postgres(url):
        target = work / PG_MEMBER
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", pg_url(url)])
        return "postgresql", target
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    target = work / SQLITE_MEMBER
    # The online backup API copies a consistent state even while the server writes (WAL included).
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return "sqlite", target


def backup(file: Path, *, url: str | None = None, storage: Path | None = None) -> Summary:
    url = url or get_settings().database_url
    storage = storage if storage is not None else Path(get_settings().storage_dir)
    file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="talent-backup-") as tmp:
        engine, dump = _dump_database(url, Path(tmp))
        stored = sorted(p for p in storage.rglob("*") if p.is_file()) if storage.exists() else []
        members = {dump.name: dump} | {f"storage/{p.relative_to(storage).as_posix()}": p for p in stored}
        created_at = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = {
            "format": FORMAT,
            "created_at": created_at,
            "engine": engine,
            "files": {name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in members.items()},
        }
        partial = file.with_name(file.name + ".partial")
        # Owner-only from the first byte: the archive holds personal data.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(body), int(datetime.now(UTC).timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, file)
    total = sum(f["size"] for f in manifest["files"].values())
    return Summary(engine=engine, files=len(stored), bytes=total, created_at=created_at)


def _plain_member(name: str, work: Path) -> bool:
    """A manifest name is a plain relative path inside the archive: no "..", no absolute path, no backslash.
    The tar filter already keeps extraction inside `work`; the manifest is read separately, and a name like
    "storage/../../x" would otherwise send a restore to read, and write, outside its folders."""
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in parts):
        return False
    return (work / name).resolve().is_relative_to(work.resolve())


def _unpack(file: Path, work: Path) -> dict:
    if not file.exists():
        raise BackupError(f"There is no file {file}.")
    try:
        with tarfile.open(file, mode="r:gz") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, links out or devices
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{file} is not a Talent backup ({exc}).") from exc
    try:
        manifest = json.loads((work / "manifest.json").read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError) as exc:
        raise BackupError(f"{file} has no readable manifest; it is not a Talent backup.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{file} is a backup of format {manifest.get('format')}; this version reads {FORMAT}.")
    for name, meta in files.items():
        if not _plain_member(name, work):
            raise BackupError(f"{file} names a file outside the archive ({name!r}); nothing was restored.")
        path = work / name
        if not path.is_file() or _sha256(path) != meta["sha256"]:
            raise BackupError(f"{name} in {file} is missing or damaged; nothing was restored.")
    return manifest


def restore(file: Path, *, url: str | None = None, storage: Path | None = None) -> Summary:
    """Replace the database and put the stored files back; the caller applies migrations afterwards."""
    url = url or get_settings().database_url
    storage = storage if storage is not None else Path(get_settings().storage_dir)
    engine = "postgresql" if is_postgres(url) else "sqlite"
    with tempfile.TemporaryDirectory(prefix="talent-restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(file, work)
        if manifest["engine"] != engine:
            raise BackupError(
                f"{file} is a {manifest['engine']} backup; the configured database is {engine}. "
                "Restore it into a database of the same kind."
            )
        if engine == "postgresql":
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  f"--dbname={pg_url(url)}", str(work / PG_MEMBER)])  # fmt: skip
        else:
            target = sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(work / SQLITE_MEMBER, staged)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            os.replace(staged, target)
        restored = 0
        for name in manifest["files"]:
            if name.startswith("storage/"):
                destination = storage / name.removeprefix("storage/")
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(work / name, destination)
                restored += 1
    total = sum(f["size"] for f in manifest["files"].values())
    return Summary(engine=engine, files=restored, bytes=total, created_at=manifest["created_at"])
