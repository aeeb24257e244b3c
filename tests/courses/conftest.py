"""The course routers on top of the platform app (until talent/app.py includes them), and a private storage
directory for uploads."""

import pytest


@pytest.fixture(autouse=True)
def storage(tmp_path, monkeypatch):
    from courses.materials import storage

    root = tmp_path / "storage"
    monkeypatch.setattr(storage, "storage_root", lambda: root / "materials")
    return root
