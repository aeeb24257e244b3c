"""`talent import` / `talent export`: exit codes, the errors file, and the export → import round trip."""

import csv
import os
import subprocess
import sys
from datetime import date

import pytest
from rich.console import Console

from talent.imports import framework
from talent.imports.commands import CLI_SCOPE, errors_path, import_command
from talent.imports.exporting import export_kind
from talent.people.models import EmploymentSpell, ExitReason, ExitType, Worker
from tests.factories import region, world
from tests.imports.conftest import csv_bytes, write

HEADER = ["worker_no", "name", "birth_date"]


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"), width=120)  # noqa: SIM115


async def test_a_bad_file_exits_1_and_leaves_an_errors_csv_next_to_it(db, tmp_path):
    path = write(tmp_path, "people.csv", csv_bytes([HEADER, ["N1", "甲", "2023-02-30"], ["N2", "=1+1", ""]]))
    assert await import_command("workers", path, dry_run=False, console=quiet()) == 1
    report = errors_path(path)
    assert report.name == "people.csv.errors.csv"
    with report.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["row", "column", "value", "reason"],
        ["2", "birth_date", "2023-02-30", "There is no such date."],
        ["3", "name", "'=1+1", "Formulas are not accepted; paste the values instead."],  # neutralised for Excel
    ]
    assert not await Worker.exists()


async def test_a_dry_run_checks_writes_nothing_and_a_good_run_clears_an_old_errors_file(db, tmp_path):
    path = write(tmp_path, "people.csv", csv_bytes([HEADER, ["N1", "甲", "2001-02-03"]]))
    errors_path(path).write_text("stale")
    assert await import_command("workers", path, dry_run=True, console=quiet()) == 0
    assert not await Worker.exists() and not errors_path(path).exists()
    assert await import_command("workers", path, dry_run=False, console=quiet()) == 0
    assert (await Worker.get(worker_no="N1")).birth_date == date(2001, 2, 3)


async def _richer_world() -> dict:
    w = await world()
    # A region without stations, a spell that ended with an exit, and values an export must neutralise.
    await region("320102002", "新街口街道", "township", w["regions"]["county_a"])
    spell = await EmploymentSpell.get(worker=w["workers"][1])
    spell.end_on, spell.exit_type, spell.exit_reason = date(2023, 5, 31), ExitType.VOLUNTARY, ExitReason.PAY
    await spell.save()
    w["workers"][2].phone = "+86 138 0000 0000"
    w["workers"][2].name = "-减号开头"
    await w["workers"][2].save()
    return w


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("kind", ["regions", "stations", "workers", "employment"])
async def test_an_export_imports_back_unchanged(db, tmp_path, kind, suffix):
    await _richer_world()
    path = tmp_path / f"{kind}{suffix}"
    count = await export_kind(kind, path)
    # world(): 6 regions + 1 added, 4 stations, 4 workers, 4 spells.
    assert count == {"regions": 7, "stations": 4, "workers": 4, "employment": 4}[kind]
    outcome = await framework.run(framework.get_kind(kind), path, scope=CLI_SCOPE, actor=None, dry_run=False)
    assert outcome.ok, outcome.problems
    assert outcome.counts.created == 0
    assert (outcome.counts.updated, outcome.counts.unchanged) == (0, count)


def test_the_talent_command_exits_nonzero_on_errors_and_zero_on_a_valid_file(tmp_path):
    env = {**os.environ, "TALENT_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}", "TALENT_DEFAULT_LOCALE": "en"}
    talent = [sys.executable, "-m", "talent.cli"]
    subprocess.run([*talent, "migrate"], env=env, check=True, capture_output=True)
    bad = write(tmp_path, "bad.csv", b"MZ\x90\x00" + bytes(100))
    result = subprocess.run([*talent, "import", "workers", str(bad)], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "Nothing was written" in result.stdout
    assert "not a spreadsheet" in errors_path(bad).read_text(encoding="utf-8-sig")
    good = write(tmp_path, "good.csv", csv_bytes([HEADER, ["N1", "甲", ""]]))
    result = subprocess.run([*talent, "import", "workers", str(good)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "out.xlsx"
    result = subprocess.run([*talent, "export", "workers", str(out)], env=env, capture_output=True, text=True)
    assert result.returncode == 0 and out.exists()
    again = subprocess.run([*talent, "import", "workers", str(out)], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "Nothing changed" in again.stdout
    unknown = subprocess.run([*talent, "import", "nothing", str(good)], env=env, capture_output=True, text=True)
    assert unknown.returncode == 2
