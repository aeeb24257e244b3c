from datetime import date, timedelta

from tortoise.expressions import Q, Subquery

from talent.certification.for_people import certified_worker_ids
from talent.core.access import Scope
from talent.people.models import EmploymentSpell, Worker
from talent.people.rules import active_on
from talent.places.access import stations_q
from talent.places.models import Station


def active_fulltime_worker_ids(scope: Scope, day: date) -> Subquery:
    return Subquery(
        EmploymentSpell.filter(stations_q(scope, prefix="station__"), active_on(day), full_time=True).values(
            "worker_id"
        )
    )


async def dashboard_figures(*, scope: Scope, today: date) -> dict:
    """Headline numbers for a staff dashboard; each is one COUNT in SQL over the viewer's scope."""
    active = active_fulltime_worker_ids(scope, today)
    year_ago = today - timedelta(days=365)
    return {
        "stations": await Station.filter(stations_q(scope)).count(),
        "headcount": await Worker.filter(id__in=active).count(),
        "certified": await Worker.filter(Q(id__in=active) & Q(id__in=certified_worker_ids(today))).count(),
        "exits_12m": await EmploymentSpell.filter(
            stations_q(scope, prefix="station__"), full_time=True, end_on__gte=year_ago, end_on__lte=today
        ).count(),
    }
