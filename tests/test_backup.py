"""`talent backup` / `talent restore` through the real command: the database and the stored files come back as
they were, a damaged or foreign archive is refused with nothing changed, and the archive is owner-only."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from talent.backup import BackupError, restore
from tests.conftest import PASSWORD


def talent(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talent.cli", *args], env=env, capture_output=True, text=True)


def usernames_sqlite(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT username FROM users ORDER BY username")]


def _env(root: Path) -> dict:
    return {
        **os.environ,
        "TALENT_DATABASE_URL": f"sqlite://{root / 'db' / 'talent.sqlite3'}",
        "TALENT_STORAGE_DIR": str(root / "storage"),
        "TALENT_DEFAULT_LOCALE": "en",
    }


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory) -> Path:
    # Migrated and with its first admin once per module (the command takes some 20 s on a slow machine); each test
    # works on its own copy. These tests back up a SQLite file whatever the suite's database: the SQLite suite runs
    # them, and the PostgreSQL suite, which CI runs after it, does not migrate one more file for them.
    if os.environ.get("TALENT_TEST_DATABASE_URL"):
        pytest.skip("a SQLite file's backup: run by the SQLite suite")
    root = tmp_path_factory.mktemp("template")
    env = _env(root)
    assert talent(env, "migrate").returncode == 0
    assert talent(env, "create-admin", "first", "--password", PASSWORD).returncode == 0
    return root / "db" / "talent.sqlite3"


@pytest.fixture
def sqlite_env(tmp_path, migrated_template) -> dict:
    env = _env(tmp_path)
    (tmp_path / "db").mkdir()
    with sqlite3.connect(migrated_template) as source, sqlite3.connect(tmp_path / "db" / "talent.sqlite3") as copy:
        source.backup(copy)
    blob = tmp_path / "storage" / "materials" / "ab" / "cd" / ("ab" * 32)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(b"%PDF-1.7 evidence")
    return env


def test_a_sqlite_backup_restores_the_database_and_the_stored_files(sqlite_env, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    done = talent(sqlite_env, "backup", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert archive.stat().st_mode & 0o777 == 0o600  # personal data: owner only
    # After the backup: a second admin appears and the stored file is lost.
    assert talent(sqlite_env, "create-admin", "second", "--password", PASSWORD).returncode == 0
    blob = tmp_path / "storage" / "materials" / "ab" / "cd" / ("ab" * 32)
    blob.unlink()
    database = tmp_path / "db" / "talent.sqlite3"
    assert usernames_sqlite(database) == ["first", "second"]
    done = talent(sqlite_env, "restore", str(archive), "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert usernames_sqlite(database) == ["first"]
    assert blob.read_bytes() == b"%PDF-1.7 evidence"


def test_a_damaged_archive_is_refused_and_nothing_changes(sqlite_env, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    assert talent(sqlite_env, "backup", str(archive)).returncode == 0
    assert talent(sqlite_env, "create-admin", "second", "--password", PASSWORD).returncode == 0
    # Rewrite the archive with one byte of the database changed but the manifest as it was.
    members = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            members[member.name] = tar.extractfile(member).read()
    members["database.sqlite3"] = members["database.sqlite3"][:-1] + b"\x01"
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    done = talent(sqlite_env, "restore", str(damaged), "--yes")
    assert done.returncode == 1 and "damaged" in done.stdout
    assert usernames_sqlite(tmp_path / "db" / "talent.sqlite3") == ["first", "second"]
    # Not an archive at all, and a backup of the other engine, are refused the same way.
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    assert talent(sqlite_env, "restore", str(junk), "--yes").returncode == 1
    manifest = json.loads(members["manifest.json"])
    with pytest.raises(BackupError, match="is a sqlite backup; the configured database is postgresql"):
        restore(archive, url="postgres://postgres@127.0.0.1:5432/nowhere", storage=tmp_path / "elsewhere")
    assert manifest["engine"] == "sqlite" and not (tmp_path / "elsewhere").exists()


@pytest.mark.skipif(not os.environ.get("TALENT_TEST_DATABASE_URL"), reason="needs a PostgreSQL server")
def test_a_postgresql_backup_restores_the_database(tmp_path):
    import asyncio

    from tests.conftest import _admin, _with_database

    name = "talent_backup_" + uuid.uuid4().hex[:8]
    url = _with_database(os.environ["TALENT_TEST_DATABASE_URL"], name)
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        env = {**os.environ, "TALENT_DATABASE_URL": url, "TALENT_STORAGE_DIR": str(tmp_path / "storage")}
        env.pop("TALENT_TEST_DATABASE_URL", None)
        assert talent(env, "migrate").returncode == 0
        assert talent(env, "create-admin", "first", "--password", PASSWORD).returncode == 0
        archive = tmp_path / "pg.tar.gz"
        done = talent(env, "backup", str(archive))
        assert done.returncode == 0, done.stdout + done.stderr
        assert talent(env, "create-admin", "second", "--password", PASSWORD).returncode == 0
        done = talent(env, "restore", str(archive), "--yes")
        assert done.returncode == 0, done.stdout + done.stderr
        listed = subprocess.run(
            ["psql", urlunsplit(urlsplit(url)._replace(scheme="postgresql")), "-Atc", "SELECT username FROM users"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert listed.stdout.split() == ["first"]
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_a_manifest_naming_a_file_outside_the_archive_is_refused_before_anything_changes(sqlite_env, tmp_path):
    # A crafted archive: its manifest lists "storage/../../…/victim" with the victim's real checksum, so on
    # restore it would be read from outside the unpacked archive and written outside the storage folder.
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not yours")
    archive = tmp_path / "backup.tar.gz"
    assert talent(sqlite_env, "backup", str(archive)).returncode == 0
    assert talent(sqlite_env, "create-admin", "second", "--password", PASSWORD).returncode == 0
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members["manifest.json"])
    sneaky = "storage/" + "../" * 30 + str(victim).lstrip("/")
    import hashlib

    manifest["files"][sneaky] = {"sha256": hashlib.sha256(b"not yours").hexdigest(), "size": 9}
    members["manifest.json"] = json.dumps(manifest).encode()
    crafted = tmp_path / "crafted.tar.gz"
    with tarfile.open(crafted, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="outside the archive"):
        restore(crafted, url=sqlite_env["TALENT_DATABASE_URL"], storage=tmp_path / "storage")
    assert usernames_sqlite(tmp_path / "db" / "talent.sqlite3") == ["first", "second"]
    assert victim.read_bytes() == b"not yours"
