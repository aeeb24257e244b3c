"""Reads about the staff of stations: head counts, staff lists and compliance with the tier's norms. Counts are
SQL aggregates (one query per figure, never one per row)."""

from datetime import date
from functools import lru_cache

from tortoise.expressions import RawSQL
from tortoise.functions import Count

from talent.certification.for_people import certified_counts, levels_for
from talent.core.access import Scope
from talent.core.sql import dialect, inline_sql
from talent.people.access import spells_q
from talent.people.models import EmploymentSpell
from talent.people.rules import active_on
from talent.places.models import Station
from talent.places.rules import tier_applies


def headcount_column(*, today: date) -> RawSQL:
    """A station's head count (workers active on `today` in a full-time spell) as a correlated subquery of the
    stations' row: a column the stations list computes for its page's rows in the page's own statement (paginate's
    shown), where a statement after the page counted them for its ids. The day is written into it (a statement
    without parameters is planned once per connection on PostgreSQL)."""
    return RawSQL(_headcount_sql(today, dialect()))


@lru_cache(maxsize=8)
def _headcount_sql(today: date, _dialect: str) -> str:
    # Written once a day and dialect: built through Tortoise on each request, it delayed the list's first statement.
    spells = EmploymentSpell.filter(active_on(today), full_time=True, station_id=RawSQL('"stations"."id"'))
    return f"({inline_sql(spells.annotate(n=Count('worker_id', distinct=True)).values('n'))})"


async def station_staff(*, scope: Scope, station: Station, today: date) -> dict:
    """Current staff (spells active today, full-time first) with each one's highest certificate held today, and
    the spells that ended before today (latest first, at most 200)."""
    spells = EmploymentSpell.filter(spells_q(scope), station_id=station.id)
    current = await spells.filter(active_on(today)).select_related("worker")
    current = sorted(current, key=lambda s: (not s.full_time, s.start_on, s.id))
    history = await spells.filter(end_on__lt=today).select_related("worker").order_by("-end_on", "-id").limit(200)
    return {
        "current": current,
        "certificates": await levels_for(worker_ids=[s.worker_id for s in current], on=today),
        "history": history,
    }


async def station_compliance(*, station: Station, today: date) -> list[dict]:
    """Staffing of the station on `today` against its tier's norms, counted in one statement. A tier of another kind
    of station is no norm of this one (places.rules.tier_applies): no checks.

    headcount  = active full-time workers (a spell with start_on ≤ today ≤ end_on, or no end_on)
    certified  = those of them holding a certificate obtained on or before today
    at level   = those holding a certificate of the tier's minimum level or higher (when the tier sets one)
    """
    tier = station.tier
    if tier is None or not tier_applies(station_kind=station.kind, tier_kind=tier.station_kind):
        return []
    active = EmploymentSpell.filter(active_on(today), station_id=station.id, full_time=True).values("worker_id")
    counts = await certified_counts(worker_ids=active, on=today, min_level=tier.min_level)
    headcount, certified = counts["headcount"], counts["certified"]
    checks = [
        {"key": "fulltime", "actual": headcount, "required": tier.min_fulltime, "met": headcount >= tier.min_fulltime},
        {
            "key": "certified",
            "actual": certified,
            "required": tier.min_certified,
            "met": certified >= tier.min_certified,
        },
    ]
    if tier.min_level:
        at_level = counts["at_level"]
        required = max(tier.min_certified, 1)
        checks.append(
            {
                "key": "level",
                "actual": at_level,
                "required": required,
                "met": at_level >= required,
                "level": tier.min_level,
            }
        )
    return checks
