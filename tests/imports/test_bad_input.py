"""Bad input that must get a clear error and write nothing (issue 3)."""

import io
import random
import zipfile

import pytest

from talent.audit.models import AuditEntry
from talent.core.access import Scope
from talent.imports import framework
from talent.people.models import EmploymentSpell, Worker
from tests.factories import world
from tests.imports.conftest import ADMIN, csv_bytes, write, xlsx_bytes

HEADER = ["worker_no", "name", "gender", "birth_date", "education", "social_work_major", "source", "phone", "id_number"]
GOOD = ["N1", "甲", "female", "1990-01-01", "bachelor", "yes", "other", "", ""]


async def check(path, kind="workers", scope=ADMIN, **kwargs):
    """Run a real (not dry) import and prove that nothing was written."""
    workers, spells, audit = (
        await Worker.all().count(),
        await EmploymentSpell.all().count(),
        await AuditEntry.all().count(),
    )
    outcome = await framework.run(framework.get_kind(kind), path, scope=scope, actor=None, dry_run=False, **kwargs)
    assert not outcome.ok and not outcome.written
    assert (await Worker.all().count(), await EmploymentSpell.all().count(), await AuditEntry.all().count()) == (
        workers,
        spells,
        audit,
    )
    return [(p.row, p.column, p.value, p.reason) for p in outcome.problems]


async def test_an_unknown_column_is_reported_on_the_header_row(db, tmp_path):
    problems = await check(write(tmp_path, "w.csv", csv_bytes([HEADER + ["备注"], GOOD + ["x"]])))
    assert problems[0][:3] == (1, "备注", "备注") and problems[0][3].startswith("Unknown column. Expected: worker_no")


async def test_a_missing_required_column_is_named(db, tmp_path):
    problems = await check(write(tmp_path, "w.csv", csv_bytes([HEADER[1:], GOOD[1:]])))
    assert problems == [(1, "worker_no", "", "This required column is missing.")]


async def test_a_file_whose_first_row_is_data_not_headers_is_refused(db, tmp_path):
    problems = await check(write(tmp_path, "w.csv", csv_bytes([GOOD, GOOD])))
    assert len(problems) == 1 and "The first row must name the columns" in problems[0][3]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (csv_bytes([HEADER]), "The file has no data rows below the header."),
        (csv_bytes([HEADER, [""] * 9, []]), "The file has no data rows below the header."),
    ],
)
async def test_an_empty_file_or_one_without_data_rows_is_refused(db, tmp_path, data, reason):
    assert await check(write(tmp_path, "w.csv", data)) == [(None, "", "", reason)]


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4,  # a renamed .exe
        random.Random(7).randbytes(4096),  # random bytes
        _zip_without_workbook(),  # a zip that is not an .xlsx
    ],
    ids=["renamed-exe", "random-bytes", "zip-not-xlsx"],
)
async def test_a_file_that_is_not_a_spreadsheet_is_refused_whatever_its_name(db, tmp_path, data):
    problems = await check(write(tmp_path, "workers.xlsx", data))
    assert problems == [(None, "", "", "This is not a spreadsheet: use an .xlsx or .csv file.")]
    assert await check(write(tmp_path, "workers.csv", data)) == problems


async def test_a_file_over_the_size_limit_is_refused_before_reading(db, tmp_path):
    path = write(tmp_path, "w.csv", csv_bytes([HEADER] + [GOOD] * 100))
    assert await check(path, limit=1024) == [(None, "", "", "The file is larger than the limit of 1 KB.")]


async def test_a_gbk_file_with_bad_bytes_is_refused_with_a_clear_message(db, tmp_path):
    # 0xFF can start no character in UTF-8 or GBK/GB18030.
    data = csv_bytes([HEADER, GOOD], "gbk").replace("甲".encode("gbk"), b"\xff\xfe")
    problems = await check(write(tmp_path, "w.csv", data))
    assert len(problems) == 1 and problems[0][3].startswith("The text is neither UTF-8 nor GBK")


async def test_formulas_in_cells_are_refused_in_csv_and_xlsx(db, tmp_path):
    csv_problems = await check(write(tmp_path, "w.csv", csv_bytes([HEADER, ["N1", '=HYPERLINK("x")', *GOOD[2:]]])))
    assert csv_problems == [(2, "name", '=HYPERLINK("x")', "Formulas are not accepted; paste the values instead.")]
    xlsx_problems = await check(write(tmp_path, "w.xlsx", xlsx_bytes([HEADER, ["N1", '=A1&"x"', *GOOD[2:]]])))
    assert xlsx_problems == [(2, "name", '=A1&"x"', "Formulas are not accepted; paste the values instead.")]


async def test_a_date_that_does_not_exist_is_refused(db, tmp_path):
    problems = await check(
        write(tmp_path, "w.csv", csv_bytes([HEADER, ["N1", "甲", "", "2023-02-30", "", "", "", "", ""]]))
    )
    assert problems == [(2, "birth_date", "2023-02-30", "There is no such date.")]


async def test_a_worker_no_repeated_with_different_data_is_refused(db, tmp_path):
    rows = [HEADER, GOOD, ["N2", "乙", "", "", "", "", "", "", ""], ["N1", "丙", *GOOD[2:]], GOOD]
    problems = await check(write(tmp_path, "w.csv", csv_bytes(rows)))
    # Row 4 repeats N1 (row 2) with another name; row 5 is row 2 again, word for word.
    assert problems == [
        (4, "worker_no", "N1", "Row 2 has the same worker_no with different data."),
        (5, "worker_no", "N1", "This row repeats row 2."),
    ]


async def test_a_row_referencing_a_station_outside_the_users_scope_is_refused(db, tmp_path):
    w = await world()
    hr = Scope(user_id=w["users"]["hr"].id, role=w["users"]["hr"].role, organisation_id=w["orgs"][0].id)
    rows = [
        ["worker_no", "station_code", "start_on", "end_on", "full_time", "exit_type", "exit_reason"],
        ["W1", "S2", "2030-01-01", "", "yes", "", ""],  # fine on its own: S2 is HR's, the spell is new
        ["W1", "S3", "2031-01-01", "", "yes", "", ""],  # S3 belongs to the other organisation
    ]
    problems = await check(write(tmp_path, "e.csv", csv_bytes(rows)), kind="employment", scope=hr)
    # Answered as an unknown code: nothing says the station exists elsewhere.
    assert (3, "station_code", "S3", "No station with this code in your scope.") in problems


async def test_every_problem_of_a_file_is_reported_with_its_row_column_value_and_reason(db, tmp_path):
    rows = [
        ["工号", "姓名", "性别", "出生日期"],
        ["N1", "", "女", "2024-01-01"],
        ["N2", "乙", "未知", "1990/13/01"],
    ]
    problems = await check(write(tmp_path, "w.xlsx", xlsx_bytes(rows)))
    assert problems == [
        (2, "姓名", "", "This value is required."),
        (3, "性别", "未知", "Unknown code; use one of: female (女), male (男)."),
        (3, "出生日期", "1990/13/01", "There is no such date."),
    ]
