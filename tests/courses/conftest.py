"""A private storage directory for uploads (tests/conftest.py sets it for every test)."""

import pytest


@pytest.fixture
def storage(storage_dir):
    return storage_dir
