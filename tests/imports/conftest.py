"""Import tests: an app with the imports router, and builders for small spreadsheet files."""

import csv
import io
from pathlib import Path

import pytest

from talent import domains
from talent.core.access import Role, Scope
from talent.imports import framework

# The kinds register themselves when their modules are imported, which the app and the command line do
# (talent.domains); so do these tests.
domains.load()


@pytest.fixture
def storage(tmp_path, monkeypatch):
    from talent.settings import get_settings

    monkeypatch.setattr(get_settings(), "storage_dir", tmp_path / "storage")
    return tmp_path / "storage"


ADMIN = Scope(user_id=0, role=Role.ADMIN)


def columns_of(kind: str):
    """The spreadsheet columns of a registered kind."""
    return framework.get_kind(kind).spec.columns


def column_of(kind: str, key: str):
    return next(column for column in columns_of(kind) if column.key == key)


def xlsx_bytes(rows: list[list], title: str = "data") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
