"""Import jobs: store an upload by its SHA-256, check it (dry run), and on confirmation import it.

Small files are checked and imported inside the request; larger ones in a background asyncio task that
keeps ImportJob.status/rows_done current, so the user can leave the page and come back.
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise.expressions import Q

from talent.core.access import Scope
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.core.storage import IMPORTS
from talent.core.storage import TooLarge as StorageTooLarge
from talent.imports import framework, readers
from talent.imports.models import ImportJob, ImportStatus

log = logging.getLogger("talent.imports")

# Files up to this size are handled within the request; larger ones in the background.
INLINE_BYTES = 256 * 1024
_TASKS: set[asyncio.Task] = set()  # references keep running tasks from being garbage-collected


class TooLarge(ServiceError):
    pass


def stored_path(sha256: str) -> Path:
    return IMPORTS.path(sha256)


async def upload_store(*, upload, limit: int | None = None) -> tuple[str, int]:
    """Copy an uploaded file into storage under its SHA-256 (never its own name); refuse it past the limit."""
    limit = readers.max_bytes() if limit is None else limit
    try:
        temp, sha, size = await IMPORTS.spool(upload, limit)
    except StorageTooLarge:
        raise TooLarge("file", readers.too_large_message(limit)) from None
    if size == 0:
        temp.unlink(missing_ok=True)
        raise ServiceError("file", _("The file is empty."))
    IMPORTS.keep(temp, sha)
    return sha, size


async def job_create(*, actor, kind: str, file_name: str, sha256: str, size: int) -> ImportJob:
    return await ImportJob.create(
        kind=kind, user_id=actor.id, file_name=(file_name or "")[:255], file_sha256=sha256, file_size=size
    )


def _progress(job_id: int):
    async def update(phase: str, done: int, total: int | None) -> None:
        # Writes happen in one transaction; progress rows written inside it would only show at the end.
        if phase in ("reading", "checking"):
            await ImportJob.filter(id=job_id).update(
                rows_done=done, rows_total=total or done, touched_at=datetime.now(UTC)
            )

    return update


async def _execute(job: ImportJob, *, scope: Scope, actor, dry_run: bool) -> None:
    kind = framework.get_kind(job.kind)
    try:
        outcome = await framework.run(
            kind,
            stored_path(job.file_sha256),
            scope=scope,
            actor=actor,
            dry_run=dry_run,
            progress=_progress(job.id),
        )
    except Exception:  # noqa: BLE001 — a failure must leave a readable job, never a stuck one
        log.exception("import job %s failed", job.id)
        report = dict(job.report or {})
        report["failure"] = _("The import failed unexpectedly; nothing was written. Try again later.")
        await ImportJob.filter(id=job.id).update(
            status=ImportStatus.FAILED, report=report, finished_at=datetime.now(UTC)
        )
        return
    if not outcome.ok:
        status = ImportStatus.INVALID
    elif dry_run:
        status = ImportStatus.VALID
    else:
        status = ImportStatus.DONE
    await ImportJob.filter(id=job.id).update(
        status=status,
        rows_total=outcome.rows,
        rows_done=outcome.rows,
        report=outcome.report(),
        finished_at=None if status == ImportStatus.VALID else datetime.now(UTC),
    )


def _launch(job: ImportJob, coro_factory) -> asyncio.Task | None:
    task = asyncio.create_task(coro_factory())
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return task


async def job_check(*, job: ImportJob, scope: Scope) -> None:
    """Dry run: the whole file is checked and the preview and problems stored on the job."""
    await ImportJob.filter(id=job.id).update(status=ImportStatus.CHECKING, rows_done=0, touched_at=datetime.now(UTC))
    if job.file_size <= INLINE_BYTES:
        await _execute(job, scope=scope, actor=None, dry_run=True)
    else:
        _launch(job, lambda: _execute(job, scope=scope, actor=None, dry_run=True))


async def job_confirm(*, job: ImportJob, scope: Scope, actor) -> None:
    """Import a checked job: checked again (the data may have changed since) and written in one transaction."""
    started = await ImportJob.filter(id=job.id, user_id=actor.id, status=ImportStatus.VALID).update(
        status=ImportStatus.IMPORTING, touched_at=datetime.now(UTC)
    )
    if not started:
        raise ServiceError("__all__", _("This import is not ready to be confirmed."))
    if job.file_size <= INLINE_BYTES:
        await _execute(job, scope=scope, actor=actor, dry_run=False)
    else:
        _launch(job, lambda: _execute(job, scope=scope, actor=actor, dry_run=False))


# A check reports progress every few thousand rows, but an import writes in one transaction without a word:
# a job silent for this long has lost its server process (a restart, a crash).
STALE_AFTER = timedelta(minutes=30)


async def jobs_recover(*, now: datetime | None = None) -> int:
    """Mark checks and imports whose server process died as failed (nothing was written: the write is one
    transaction), so their owners see what happened and can start again. Returns how many were marked."""
    now = now or datetime.now(UTC)
    stale = now - STALE_AFTER
    failure = _("The import was interrupted (the server stopped); nothing was written. Start it again.")
    stuck = ImportJob.filter(status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING]).filter(
        Q(touched_at__lt=stale) | Q(touched_at=None, created_at__lt=stale)
    )
    recovered = 0
    for job in await stuck.only("id", "report"):
        report = {**(job.report or {}), "failure": failure}
        recovered += await ImportJob.filter(
            id=job.id, status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING]
        ).update(status=ImportStatus.FAILED, report=report, finished_at=now)
    return recovered


async def wait_for_background() -> None:
    """Let running background checks and imports finish (tests, shutdown)."""
    while _TASKS:
        await asyncio.gather(*list(_TASKS), return_exceptions=True)
