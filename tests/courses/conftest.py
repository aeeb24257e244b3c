"""The course routers on top of the platform app (until talent/app.py includes them), and a private storage
directory for uploads."""

import pytest


@pytest.fixture
def app(db):
    from courses.router import router as courses_router
    from talent.app import create_app

    app = create_app(manage_db=False)
    if not any(getattr(r, "path", "").startswith("/courses") for r in app.routes):
        app.include_router(courses_router)  # until talent/app.py includes it
    return app


@pytest.fixture(autouse=True)
def storage(tmp_path, monkeypatch):
    from courses.materials import storage

    root = tmp_path / "storage"
    monkeypatch.setattr(storage, "storage_root", lambda: root / "materials")
    return root
