"""Files that would import something other than what they say: a CSV whose quote never closes, text that hides
or reverses characters, and a file named as something other than a spreadsheet."""

import os

import pytest
from rich.console import Console

from talent.imports.commands import import_command
from talent.people.models import Worker
from tests.imports.conftest import csv_bytes, write
from tests.imports.test_bad_input import GOOD, HEADER, check


@pytest.mark.parametrize(
    "tail",
    [
        b'N2,"\xe4\xb9\x99,female,1990-01-01,bachelor,yes,other,,\nN3,\xe4\xb8\x99,male,1991-01-01,bachelor,no,other,,\n',
        b'N2,"\xe4\xb9\x99"x,female,1990-01-01,bachelor,yes,other,,\n',
    ],
    ids=["quote-left-open-to-the-end", "text-after-the-closing-quote"],
)
async def test_a_csv_with_broken_quoting_is_refused_instead_of_importing_a_glued_row(db, tmp_path, tail):
    # Before: the open quote swallowed the rest of the file into one name, and a valid-looking row was imported.
    data = csv_bytes([HEADER, GOOD]) + tail
    problems = await check(write(tmp_path, "w.csv", data))
    assert len(problems) == 1 and problems[0][0] is None and "The CSV file is malformed" in problems[0][3]


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff"])
async def test_a_name_with_invisible_or_direction_override_characters_is_refused(db, tmp_path, char):
    row = ["N1", f"张{char}三", *GOOD[2:]]
    problems = await check(write(tmp_path, "w.csv", csv_bytes([HEADER, row])))
    assert [(p[0], p[1]) for p in problems] == [(2, "name")]
    assert "invisible characters" in problems[0][3]


@pytest.mark.parametrize("name", ["workers.txt", "workers.xls", "workers"])
async def test_the_import_command_refuses_a_file_not_named_as_a_spreadsheet(db, tmp_path, name):
    path = write(tmp_path, name, csv_bytes([HEADER, GOOD]))
    console = Console(file=open(os.devnull, "w"), width=120)  # noqa: SIM115
    assert await import_command("workers", path, dry_run=False, console=console) == 2
    assert not await Worker.exists()
