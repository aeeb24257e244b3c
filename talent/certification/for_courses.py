"""The CE ledger as the learning side writes it: a completed course credits its hours, a revoked completion
certificate takes them back. Both go through certification's own services and audit, so the ledger has one
writer (this package); courses.completion calls these inside its transaction.

A course credits a worker once: its source_ref ("course:<id>") is unique per worker in the ledger.
"""

from datetime import date
from decimal import Decimal

from tortoise.transactions import in_transaction

from talent.audit.models import Entity
from talent.audit.services import Audited
from talent.certification.models import CeCredit, CeSource
from talent.certification.services import CE_FIELDS, ce_credit_add
from talent.people.models import Worker
from talent.people.selectors import worker_audit_scope

# A course's credit carries no evidence file: its entries hold the ledger's own fields.
COURSE_CREDIT = Audited(Entity.CE_CREDIT, CE_FIELDS)


def course_ref(course_id: int) -> str:
    """The ledger's source_ref of a course's credit."""
    return f"course:{course_id}"


async def course_hours_credit(
    *, actor, worker_id: int, course_id: int, hours: Decimal, earned_on: date, note: str = ""
) -> CeCredit | None:
    """Credit a completed course's CE hours to the worker (ce_credit_add, audited there). Nothing when the course
    carries no hours or the worker already has this course's credit; returns the credit written, or None."""
    ref = course_ref(course_id)
    if hours <= 0 or await CeCredit.filter(worker_id=worker_id, source_ref=ref).exists():
        return None
    worker = await Worker.get(id=worker_id)
    return await ce_credit_add(
        actor=actor,
        worker=worker,
        hours=hours,
        source=CeSource.COURSE,
        earned_on=earned_on,
        note=note[:255],
        source_ref=ref,
    )


async def course_hours_withdraw(*, actor, worker_id: int, course_id: int, reason: str = "") -> int:
    """Take back the CE hours a course credited the worker (its completion certificate was revoked), audited as
    the ledger's own deletion; returns how many credits were removed (0 or 1)."""
    credits = await CeCredit.filter(worker_id=worker_id, source_ref=course_ref(course_id))
    if not credits:
        return 0
    scope = await worker_audit_scope(worker_id)
    async with in_transaction():
        for credit in credits:
            await COURSE_CREDIT.delete(actor, credit, f"{credit.source_ref} {credit.hours} h: {reason}"[:255], **scope)
    return len(credits)
