"""What pages about workers and stations show of certificates, for the packages above certification to compose
(people's worker page, staffing's station page, the dashboard). People itself sits below certification and
never reads a certificate: the router of a page puts the two together."""

from datetime import date

from talent.certification.expressions import date_literal
from talent.certification.models import Certificate
from talent.core.access import Scope
from talent.core.sql import dialect, inline_sql
from talent.people.access import of_reached_worker_q
from talent.places.models import CertLevel
from talent.rawsql import fetch_all

LEVEL_ORDER = list(CertLevel)  # lowest first, the order CertLevel declares


def levels_at_or_above(level: CertLevel | str | None) -> list[str]:
    """The codes of `level` and every higher level (every level when none is given)."""
    if not level:
        return [lv.value for lv in LEVEL_ORDER]
    return [lv.value for lv in LEVEL_ORDER[LEVEL_ORDER.index(CertLevel(level)) :]]


def _at_or_above_sql(certificate: str, min_level: CertLevel | str | None) -> str:
    levels = ", ".join(f"'{code}'" for code in levels_at_or_above(min_level))
    return f"{certificate}.level IN ({levels})"


def first_certified_sql(worker: str, min_level: CertLevel | str | None = None) -> str:
    """The day the worker of SQL column `worker` first held a certificate (of `min_level` or higher): the earliest
    `obtained_on`, NULL without one. "Holds one obtained on or before d" is this day ≤ d; as a per-worker lookup
    through the certificates' worker index it costs a few rows per worker counted, where `id IN (the workers of the
    certificates obtained by d)` reads every certificate of the country once per day asked."""
    held = _at_or_above_sql("c", min_level)
    return f"(SELECT MIN(c.obtained_on) FROM certificates c WHERE c.worker_id = {worker} AND {held})"


def first_certified_aggregate(certificate: str, min_level: CertLevel | str | None = None) -> str:
    """`first_certified_sql` as an aggregate over the worker's certificates `certificate` (a statement joining
    them on the worker and grouping per worker): one join serves every level, where a lookup runs per level."""
    return f"MIN(CASE WHEN {_at_or_above_sql(certificate, min_level)} THEN {certificate}.obtained_on END)"


async def certified_counts(*, worker_ids, on: date, min_level: CertLevel | str | None = None) -> dict[str, int]:
    """Of the workers `worker_ids` (a one-column values query of their ids): how many (`headcount`), how many hold a
    certificate obtained on or before `on` (`certified`) and how many one of `min_level` or higher (`at_level`,
    0 without a level): one statement, each worker's first certificate read through the certificates' worker
    index. As `id IN (the workers of the certificates obtained by on)`, SQLite read every certificate of the
    country into a table for each count (a station page's two: 22 and 30 ms on the national demo)."""
    day = date_literal(on, dialect() == "postgres")
    first_any = first_certified_sql("w.id")
    first_level = first_certified_sql("w.id", min_level) if min_level else "NULL"
    rows = await fetch_all(
        Certificate,
        f"SELECT COUNT(*) AS headcount, COALESCE(SUM(CASE WHEN {first_any} <= {day} THEN 1 ELSE 0 END), 0)"
        f" AS certified, COALESCE(SUM(CASE WHEN {first_level} <= {day} THEN 1 ELSE 0 END), 0) AS at_level"
        f" FROM workers w WHERE w.id IN ({inline_sql(worker_ids)})",
    )
    return {key: int(value or 0) for key, value in rows[0].items()}


async def levels_for(*, worker_ids: list[int], on: date) -> dict[int, CertLevel]:
    """Each worker's highest certificate level obtained on or before `on`; a worker without one is absent.
    One query over their certificates (a handful per worker)."""
    if not worker_ids:
        return {}
    rows = await Certificate.filter(worker_id__in=worker_ids, obtained_on__lte=on).values_list("worker_id", "level")
    best: dict[int, CertLevel] = {}
    for worker_id, level in rows:
        level = CertLevel(level)
        held = best.get(worker_id)
        if held is None or LEVEL_ORDER.index(level) > LEVEL_ORDER.index(held):
            best[worker_id] = level
    return best


async def certificates_of(*, scope: Scope, worker_id: int) -> list[Certificate]:
    """The certificates of a worker the viewer may see (none for a worker out of scope), latest first."""
    return await Certificate.filter(of_reached_worker_q(scope, worker_id)).order_by("-obtained_on", "-id")
