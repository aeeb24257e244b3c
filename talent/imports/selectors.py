"""Reads for import jobs: a job is visible only to the user who uploaded it."""

from talent.imports.models import ImportJob

RECENT = 20


async def job_get(*, user_id: int, job_id: int) -> ImportJob:
    """The job if it is the user's own; DoesNotExist (→ 404) otherwise."""
    return await ImportJob.filter(user_id=user_id).get(id=job_id)


async def job_recent(*, user_id: int, limit: int = RECENT) -> list[ImportJob]:
    return await ImportJob.filter(user_id=user_id).order_by("-id").limit(limit)
