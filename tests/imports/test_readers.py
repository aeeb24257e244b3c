"""Cell and header parsing shared by every import kind."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from talent.imports import readers
from talent.people.models import ExitReason
from talent.places.models import RegionLevel
from tests.imports.conftest import column_of, columns_of


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.3.1",
        "2024年3月1日",
        " 2024-03-01 00:00:00 ",
        "20240301",
        datetime(2024, 3, 1),
        date(2024, 3, 1),
        45352,
    ],  # 45352 is Excel's serial number of 2024-03-01
)
def test_dates_are_read_in_every_common_form(raw):
    assert readers.parse_date(raw) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2023-02-30", "There is no such date."),
        ("1.3.2024", "Enter a date such as 2024-03-01."),
        ("1800-01-01", "The date is out of range."),
    ],
)
def test_impossible_or_unreadable_dates_are_refused(raw, reason):
    with pytest.raises(readers.CellError, match=reason):
        readers.parse_date(raw)


def test_numbers_accept_thousands_separators_and_whole_numbers_must_be_whole():
    assert readers.parse_decimal("12,345.50") == Decimal("12345.50")
    assert readers.parse_decimal("4 500") == Decimal("4500")
    assert readers.parse_int("12,000") == 12000 and readers.parse_int(3.0) == 3
    with pytest.raises(readers.CellError):
        readers.parse_int("2.5")
    with pytest.raises(readers.CellError):
        readers.parse_decimal("abc")


@pytest.mark.parametrize(
    ("raw", "value"), [("是", True), ("否", False), ("YES", True), ("false", False), (1, True), (True, True)]
)
def test_yes_and_no_words_are_understood(raw, value):
    assert readers.parse_bool(raw) is value


def test_codes_are_read_as_english_codes_or_chinese_words():
    level, reason = column_of("regions", "level"), column_of("employment", "exit_reason")
    assert readers.parse_cell(level, "街道") == RegionLevel.TOWNSHIP
    assert readers.parse_cell(level, " County ") == RegionLevel.COUNTY
    assert readers.parse_cell(reason, "合同到期") == ExitReason.CONTRACT_END


def test_text_keeps_long_numbers_whole_and_reads_neutralised_cells_back():
    assert readers.parse_text(13812345678.0) == "13812345678"
    with pytest.raises(readers.CellError, match="lost digits"):
        readers.parse_text(3.20102199001011e17)
    assert readers.parse_text("'+86 138") == "+86 138" and readers.parse_text("'=x") == "=x"
    assert readers.parse_text("O'Brien") == "O'Brien"


def test_headers_match_trimmed_case_insensitively_in_either_language():
    index = readers.header_index(columns_of("stations"))
    assert index[readers.normalise_header(" Region_Code ")].key == "region_code"
    assert index[readers.normalise_header("所在乡镇(街道)代码")].key == "region_code"
    assert index[readers.normalise_header("Opened On")].key == "opened_on"
