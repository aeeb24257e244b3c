"""The work behind `talent import` and `talent export` (talent/cli.py keeps only the Typer wrappers).

The CLI acts with an administrator's scope and no user: audit entries name "system".
"""

import csv
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from talent.core.access import Role, Scope
from talent.imports import framework
from talent.imports.exporting import EXPORTABLE, export_kind
from talent.imports.readers import FORMULA_PREFIXES

CLI_SCOPE = Scope(user_id=0, role=Role.ADMIN)
PHASES = {"reading": "Reading", "checking": "Checking", "writing": "Writing"}


def errors_path(file: Path) -> Path:
    return file.with_name(file.name + ".errors.csv")


def write_errors(path: Path, problems: list[framework.Problem]) -> None:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "column", "value", "reason"])
        for p in problems:
            writer.writerow([cell(p.row), cell(p.column), cell(p.value), cell(p.reason)])


SPREADSHEET_SUFFIXES = (".xlsx", ".csv")


async def import_command(kind_name: str, file: Path, *, dry_run: bool, console: Console) -> int:
    """Returns the exit code: 0 when the file is valid (and, unless a dry run, imported), 1 otherwise."""
    kind = framework.get_kind(kind_name)
    # The name says what the file is meant to be; a .txt or .xls that happens to parse as CSV is refused
    # rather than guessed at (the web upload, which has no reliable name, goes by content alone).
    if file.suffix.lower() not in SPREADSHEET_SUFFIXES:
        console.print("[red]The file name must end in .xlsx or .csv.[/red]")
        return 2
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, int] = {}

        async def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=None)
            bar.update(tasks[phase], completed=done, total=total if total and total >= done else None)

        outcome = await framework.run(kind, file, scope=CLI_SCOPE, actor=None, dry_run=dry_run, progress=progress)
        for task_id in tasks.values():
            finished = max(1, int(bar.tasks[task_id].completed))
            bar.update(task_id, completed=finished, total=finished)
    counts = outcome.counts.as_dict()
    table = Table(title=f"talent import {kind_name} {file.name}" + (" --dry-run" if dry_run else ""))
    for column in ("rows", "created", "updated", "unchanged", "problems"):
        table.add_column(column, justify="right")
    table.add_row(
        str(outcome.rows),
        str(counts["created"]),
        str(counts["updated"]),
        str(counts["unchanged"]),
        str(outcome.problem_count),
    )
    console.print(table)
    report = errors_path(file)
    if not outcome.ok:
        write_errors(report, outcome.problems)
        shown = Table(title="Problems (first 20)")
        for column in ("row", "column", "value", "reason"):
            shown.add_column(column)
        for p in outcome.problems[:20]:
            shown.add_row("" if p.row is None else str(p.row), p.column, p.value, p.reason)
        console.print(shown)
        console.print(f"[red]Nothing was written.[/red] The full report is in {report}")
        return 1
    if report.exists():
        report.unlink()  # a report from an earlier failed run would only mislead
    if dry_run:
        console.print("[green]The file is valid.[/green] Nothing was written (dry run).")
    elif counts["created"] or counts["updated"]:
        console.print("[green]Imported.[/green]")
    else:
        console.print("[green]Nothing changed:[/green] every row was already up to date.")
    return 0


async def export_command(kind: str, file: Path, *, console: Console) -> int:
    if kind not in EXPORTABLE:
        console.print(f"[red]Unknown kind {kind!r}; choose one of: {', '.join(EXPORTABLE)}.[/red]")
        return 2
    if file.suffix.lower() not in SPREADSHEET_SUFFIXES:
        console.print("[red]The file name must end in .xlsx or .csv.[/red]")
        return 2
    with console.status(f"Exporting {kind}…") as status:
        count = await export_kind(kind, file, progress=lambda n: status.update(f"Exporting {kind}… {n:,} rows"))
    console.print(f"[green]Exported {count:,} {kind} rows to {file}.[/green]")
    return 0
