"""Which salary standards and salary records a viewer reaches (the one row filter of each), and who may change
them. A bureau reads the standards of its region's subtree and the published ones of the regions enclosing it
(the floors it must respect); an admin all; HR the published standards of the regions enclosing its stations;
a worker none here (their own standard is shown on "My pay"). Salary records follow the workers
(people.access.workers_q)."""

from tortoise.expressions import Q

from talent.core.access import Role, Scope
from talent.core.sql import NOTHING, TextList, inline_sql, literal_code, under
from talent.pay.models import SalaryRecord, SalaryStandard, StandardStatus
from talent.people.access import of_reached_workers_q, reached_rows_q
from talent.places.access import stations_q
from talent.places.models import Station
from talent.places.rules import ancestor_paths, within


async def standards_q(scope: Scope) -> Q:
    """Filter on SalaryStandard. HR's reach depends on where its stations are: one query for their paths."""
    match scope.role:
        case Role.ADMIN:
            return Q()
        case Role.BUREAU if scope.region_path:
            above = [p for p in ancestor_paths(scope.region_path) if p != scope.region_path]
            # The enclosing paths and the status written in (TextList, literal_code): the count and the page keep no
            # parameter and are planned once per connection.
            published = Q(region_path__in=TextList(above), status=literal_code(StandardStatus.PUBLISHED))
            return under("region_path", scope.region_path) | published
        case Role.HR if scope.organisation_id:
            paths = (
                await Station.filter(stations_q(scope))
                .order_by("region_path")
                .distinct()
                .values_list("region_path", flat=True)
            )
            enclosing = sorted({a for path in paths for a in ancestor_paths(path)})
            return Q(region_path__in=TextList(enclosing), status=literal_code(StandardStatus.PUBLISHED))
    return NOTHING


async def readable_standards(scope: Scope):
    return SalaryStandard.filter(await standards_q(scope))


def standard_writer(scope: Scope) -> bool:
    """Admins, and bureaus with a region, issue standards (for which regions: standard_region_allowed)."""
    return scope.is_admin or (scope.role == Role.BUREAU and bool(scope.region_path))


def standard_region_allowed(scope: Scope, region_path: str) -> bool:
    """May the viewer issue a standard for the region at `region_path` (its own region or one below)?"""
    return scope.is_admin or (scope.role == Role.BUREAU and within(region_path, scope.region_path))


def salary_records_q(scope: Scope, **lookup) -> Q:
    """Filter on SalaryRecord: the records of the workers the viewer reaches; with `lookup` (a record's id), those
    matching it, the reach asked for their workers alone (people.access.reached_rows_q)."""
    return reached_rows_q(scope, SalaryRecord, **lookup) if lookup else of_reached_workers_q(scope)


def readable_salary_records(scope: Scope):
    return SalaryRecord.filter(salary_records_q(scope))


def station_ids_sql(scope: Scope, region_path: str = "") -> str:
    """The ids of the stations in scope (inside `region_path` if given) as an SQL subquery, for the hand-written
    compliance and simulator statements: the very filter of places.access.stations_q, rendered by the ORM. Its
    values are inlined: they come from the scope and the region table (ids and paths of digits), never from
    what a user typed, and pypika quotes them."""
    qs = Station.filter(stations_q(scope))
    if region_path:
        qs = qs.filter(under("region_path", region_path))
    return "(" + inline_sql(qs.values("id")) + ")"
