"""The shared writers: every cell neutralised, times without a time zone, an attachment response."""

from datetime import UTC, datetime, timedelta, timezone
from enum import Enum, IntEnum, StrEnum

import pytest

from talent.core.export import _cell, _csv_text, csv_chunks
from talent.people.models import Source
from talent.web.exports import export_format, file_name


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_prefix_gets_an_apostrophe(value):
    assert _cell(value) == "'" + value


def test_plain_values_pass_unchanged_and_booleans_become_yes_or_no():
    assert _cell("社工站1") == "社工站1"
    assert _cell(-3) == -3  # a number is not a formula
    assert _cell(True) == "yes" and _cell(False) == "no" and _cell(None) == ""


def test_an_aware_time_is_written_in_utc_without_a_time_zone():
    shanghai = timezone(timedelta(hours=8))
    assert _cell(datetime(2026, 1, 1, 8, 30, tzinfo=shanghai)) == datetime(2026, 1, 1, 0, 30)
    assert _cell(datetime(2026, 1, 1, 8, 30, tzinfo=UTC)).tzinfo is None


async def test_csv_starts_with_a_bom_and_neutralises_headers_and_cells():
    async def rows():
        yield ["=evil", "ok"]

    body = b"".join([chunk async for chunk in csv_chunks(["-h", "b"], rows())]).decode("utf-8")
    assert body == "\ufeff'-h,b\r\n'=evil,ok\r\n"


def test_file_names_are_ascii_with_the_date_and_unknown_formats_are_xlsx():
    assert file_name("workers", datetime(2026, 11, 27).date()) == "workers-2026-11-27"
    assert export_format("csv") == "csv" and export_format("pdf") == "xlsx" and export_format("") == "xlsx"


CELLS = ["", "社工站1", "=1+1", "+cmd", "-2", "@x", "\tx", "a=b", 0, -3, 10**20, None, True, False, 1.5]


@pytest.mark.parametrize("value", CELLS)
def test_a_csv_cell_is_the_cell_written_as_text_whatever_path_it_takes(value):
    # The text and integer fast path of _csv_text answers as the general one does: the neutralised cell, as text.
    cell = _cell(value)
    assert _csv_text(value) == (cell if isinstance(cell, str) else str(cell))


@pytest.mark.parametrize("zone", [None, UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
def test_a_csv_time_is_the_cell_written_as_text_in_any_zone(zone):
    # The time's fast paths of _csv_text answer as the general one does: in UTC, without a zone, with and without
    # a fraction of a second.
    for microsecond in (250, 0):
        value = datetime(2026, 1, 1, 3, 30, 15, microsecond, tzinfo=zone)
        assert _csv_text(value) == _cell(value).isoformat()


def test_a_subclass_of_text_takes_the_general_path():
    assert _csv_text(Source.INCUBATED) == "incubated"


class _Code(StrEnum):
    PLAIN = "county"
    FORMULA = "=1+1"


class _Bare(Enum):
    FORMULA = "-2"


class _Number(IntEnum):
    ONE = 1


@pytest.mark.parametrize("value", [_Code.PLAIN, _Code.FORMULA, _Bare.FORMULA, _Number.ONE, Source.INCUBATED])
def test_a_coded_csv_cell_is_its_value_written_as_text_as_the_general_path_writes_it(value):
    # A code's fast path (a region's level in every row of the regions export) answers as the general one does.
    cell = _cell(value)
    assert _csv_text(value) == (cell if isinstance(cell, str) else str(cell))
