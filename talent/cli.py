"""The `talent` command."""

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from talent.db import statistics_refresh, tortoise_config

app = typer.Typer(
    help="Talent: training, certification, pay and retention of township social workers.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


def run_with_db(fn: Callable[[], Awaitable[Any]]) -> Any:
    """Run a coroutine inside an initialised Tortoise context, closing connections afterwards."""
    from tortoise.context import TortoiseContext

    async def runner():
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config())
            return await fn()

    return asyncio.run(runner())


async def _migrate() -> None:
    from tortoise.cli.cli import tortoise_cli_context
    from tortoise.migrations.api import migrate

    config = tortoise_config()
    async with tortoise_cli_context(config):
        await migrate(
            config=config,
            progress=lambda event, app_label, name: (
                console.print(f"  applied {app_label}.{name}") if event == "apply_done" else None
            ),
        )


@app.command()
def migrate() -> None:
    """Apply every pending database migration."""
    asyncio.run(_migrate())
    console.print("[green]Database is up to date.[/green]")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    reload: bool = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="server processes, one per core")] = 1,
) -> None:
    """Serve the web application."""
    import uvicorn

    from talent.settings import get_settings

    settings = get_settings()
    uvicorn.run(
        "talent.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        # The templates are compiled once per process (talent.web.templating), so an edited one restarts it.
        reload_includes=["*.py", "*.html"] if reload else None,
        workers=None if reload else workers,
        proxy_headers=True,
    )


@app.command("create-admin")
def create_admin(username: str, password: Annotated[str | None, typer.Option()] = None) -> None:
    """Create an administrator account (prompts for the password when omitted)."""
    from talent.accounts import services
    from talent.core.access import Role
    from talent.core.errors import ServiceError

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def create():
        return await services.user_create(actor=None, username=username, password=password, role=Role.ADMIN)

    try:
        run_with_db(create)
    except ServiceError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"[green]Administrator {username} created.[/green]")


class Scale(StrEnum):
    small = "small"
    county = "county"
    national = "national"


@app.command()
def demo(
    scale: Annotated[Scale, typer.Option()] = Scale.small,
    seed: int = 2026,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing if data exists.")] = False,
) -> None:
    """Load realistic demo data and the demo accounts."""
    from talent.core.errors import ServiceError
    from talent.demo import load_demo

    try:
        result = run_with_db(lambda: load_demo(scale=scale.value, seed=seed, if_empty=if_empty, console=console))
    except ServiceError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    if result is None:
        console.print("The database already holds data; demo not loaded.")
        return
    console.print(result)


@app.command("import")
def import_(
    kind: Annotated[str, typer.Argument(help="regions, stations, workers, employment, …")],
    file: Annotated[Path, typer.Argument(help="An .xlsx or .csv file (UTF-8 or GBK).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only check the file; write nothing.")] = False,
) -> None:
    """Import a spreadsheet: checked whole first, then written in one transaction (nothing on any error).

    On errors the exit code is 1 and the report is written next to the file as FILE.errors.csv.
    """
    from talent.domains import load as load_domains
    from talent.imports import framework
    from talent.imports.commands import import_command

    load_domains()
    names = [k.name for k in framework.all_kinds()]
    if kind not in names:
        console.print(f"[red]Unknown kind {kind!r}; choose one of: {', '.join(names)}.[/red]")
        raise typer.Exit(2)
    if not file.is_file():
        console.print(f"[red]No such file: {file}[/red]")
        raise typer.Exit(2)
    code = run_with_db(lambda: import_command(kind, file, dry_run=dry_run, console=console))
    raise typer.Exit(code)


@app.command("export")
def export(
    kind: Annotated[
        str, typer.Argument(help="regions, stations, workers, employment, exam_results, certificates or questions")
    ],
    file: Annotated[Path, typer.Argument(help="The .xlsx or .csv file to write.")],
) -> None:
    """Export every record of a kind with the import columns (English headers); it re-imports unchanged."""
    from talent.domains import load as load_domains
    from talent.imports.commands import export_command

    load_domains()
    code = run_with_db(lambda: export_command(kind, file, console=console))
    raise typer.Exit(code)


def _archive_step(status: str, step: Callable[[], Any]) -> Any:
    """Run a backup or restore step; a BackupError is printed and ends the command with exit code 1."""
    from talent.backup import BackupError

    try:
        with console.status(status):
            return step()
    except BackupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


@app.command("backup")
def backup_command(
    file: Annotated[Path, typer.Argument(help="The archive to write, e.g. talent-2026-11-27.tar.gz.")],
) -> None:
    """Write the database and the uploaded files to one archive (safe while the server runs)."""
    from talent.backup import backup

    summary = _archive_step("Backing up…", lambda: backup(file))
    console.print(
        f"[green]Backed up[/green] the {summary.engine} database and {summary.files} stored files "
        f"({summary.bytes / 1024 / 1024:,.1f} MB before compression) to {file}. It holds personal data: keep it safe."
    )


@app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="An archive written by talent backup.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database and the uploaded files with a backup's, then migrate. Stop the server first."""
    from talent.backup import restore
    from talent.settings import get_settings

    target = get_settings().database_url.split("?")[0]
    if not yes and not typer.confirm(f"This replaces ALL data in {target} with the backup's. Continue?"):
        raise typer.Exit(1)
    summary = _archive_step("Restoring…", lambda: restore(file))
    asyncio.run(_migrate())
    console.print(
        f"[green]Restored[/green] the {summary.engine} backup of {summary.created_at} and {summary.files} stored files."
    )


@app.command()
def remind() -> None:
    """Create the due reminders once (registration expiry, CE shortfall, course sessions), e-mail them when
    SMTP is set up, purge expired sessions and mark interrupted imports failed; for cron. Exit code 1 if the
    SMTP server could not be used."""
    from talent.accounts.services import sessions_purge
    from talent.domains import load as load_domains
    from talent.figures.freshness import figures_prune
    from talent.imports.services import jobs_recover
    from talent.notifications.services import remind_main

    load_domains()
    counts = remind_main(run_with_db)
    purged = run_with_db(sessions_purge)
    console.print(f"Purged {purged['sessions']} expired sessions and {purged['login_attempts']} old failed sign-ins.")
    recovered = run_with_db(jobs_recover)
    if recovered:
        console.print(f"Marked {recovered} interrupted import job(s) as failed.")
    # Stored figures of an earlier day are never served again.
    run_with_db(figures_prune)
    # The reports' plans depend on the planners' statistics being current (talent.db.statistics_refresh).
    run_with_db(statistics_refresh)
    if counts["mail"].error:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
