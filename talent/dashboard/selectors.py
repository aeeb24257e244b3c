"""The dashboard's figures: each is a measure of talent.analytics over the viewer's scope, and each card links
to the list of exactly the rows it counts (talent.analytics.lists; the stations card to the stations list)."""

from datetime import date, timedelta

from talent.analytics.area import Area, area_for, child_regions
from talent.analytics.measures import TOTAL, certification, separations_qs
from talent.analytics.reports import children_overview
from talent.analytics.workforce import registration_counts
from talent.core.access import Scope
from talent.places.access import readable_stations


def year_to(today: date) -> date:
    """The first day of the twelve months ending today (365 days, both ends included)."""
    return today - timedelta(days=364)


async def dashboard_figures(*, scope: Scope, today: date) -> dict:
    """Headline numbers for a staff dashboard (one SQL aggregate each, over the viewer's scope)."""
    area = await area_for(scope) or Area(scope)
    cert = (await certification(area, today))[TOTAL]
    return {
        "stations": await readable_stations(scope).count(),
        "headcount": cert.headcount,
        "certified": cert.certified,
        "exits_12m": await separations_qs(area, year_to(today), today).count(),
    }


async def dashboard_regions(*, scope: Scope, today: date) -> dict:
    """A bureau's (or an admin's) regions one level down, with their figures, and the level they are at: a city
    bureau sees its counties, a county bureau its townships; HR and supervisors get none."""
    area = await area_for(scope) or Area(scope)
    if not (scope.is_admin or scope.region_path):
        return {"rows": [], "level": None}
    children = await child_regions(area)
    if not children:
        return {"rows": [], "level": None}
    overview = await children_overview(area, today, year_to(today), today)
    return {"rows": overview["children"], "level": children[0].level}


async def dashboard_attention(*, scope: Scope, today: date) -> dict[str, int]:
    area = await area_for(scope) or Area(scope)
    return await registration_counts(area, today)
