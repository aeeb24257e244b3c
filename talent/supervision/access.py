"""Which supervisors, assignments and sessions a viewer reaches: the one row filter of each, used by every page,
export and report of supervision (and by talent.cohorts for sessions and mentors).

- supervisors: an admin all; a bureau those of its region's subtree, those of the regions above it and of the
  national pool (the experts it may call on), and any assigned at some time to a station in its subtree; HR those
  ever assigned to its organisation's stations; a supervisor their own profile; a worker none.
- assignments and sessions: those at the stations in the viewer's scope (places.access.stations_q); a supervisor
  also sees all of their own.
- CE rules of sessions: an admin all; a bureau the national ones, those of the regions above it (which apply in its
  region until it has its own) and those of its subtree; nobody else. A bureau adds rules only inside its region,
  an admin anywhere (places.access.can_write_under).
"""

from datetime import date

from tortoise.expressions import Q, RawSQL

from talent.core.access import Role, Scope
from talent.core.sql import NOTHING, RawSubquery, Union, Unordered, inline_sql, reach, under
from talent.places.access import regional_rules_q, station_ids
from talent.places.models import Region
from talent.places.rules import ancestor_paths, within
from talent.supervision.models import Assignment, SessionCeRule, SupervisionSession, Supervisor
from talent.supervision.rules import mentoring_on


def supervisors_q(scope: Scope) -> Q:
    match scope.role:
        case Role.ADMIN:
            return Q()
        case Role.BUREAU if scope.region_path:
            return Q(id__in=_reached_supervisor_ids(scope))
        case Role.HR if scope.organisation_id:
            return Q(id__in=_reached_supervisor_ids(scope))
        case Role.SUPERVISOR:
            return Q(user_id=scope.user_id)
    return NOTHING


@reach
def _reached_supervisor_ids(scope: Scope):
    """A bureau's pool (national, above and inside its region) and those assigned in its subtree; HR those assigned
    to its organisation's stations."""
    if scope.role == Role.HR:
        return Assignment.filter(station__organisation_id=scope.organisation_id).values("supervisor_id")
    # Each part by its own index: an OR across the join to regions made PostgreSQL hash the country's regions and
    # read every supervisor, and the join to stations every assignment (a city's supervisors list: 11 ms to count).
    regions = Region.filter(under("path", scope.region_path) | Q(path__in=ancestor_paths(scope.region_path)))
    return [
        Supervisor.filter(region_id=None).values("id"),
        Supervisor.filter(region_id__in=Unordered(regions.values("id"))).values("id"),
        Assignment.filter(station_id__in=station_ids(scope)).values("supervisor_id"),
    ]


def region_pool_q(region_path: str) -> Q:
    """Filter on Supervisor: the pool of the region at `region_path`, as that region's bureau reaches it (the
    national pool, the region's own and those of the regions above it, those assigned to a station inside it);
    every supervisor for the country (an empty path). A cohort's mentors are offered from its region's pool: an
    administrator's form listed the country's 6,231 supervisors (425 KB a page, national demo)."""
    if not region_path:
        return Q()
    return Q(id__in=_reached_supervisor_ids(Scope(user_id=0, role=Role.BUREAU, region_path=region_path)))


def readable_supervisors(scope: Scope):
    return Supervisor.filter(supervisors_q(scope))


def supervisor_editable(scope: Scope, supervisor: Supervisor) -> bool:
    """An admin changes any profile; a bureau those whose home region lies in its subtree (`region` loaded)."""
    if scope.is_admin:
        return True
    return scope.role == Role.BUREAU and within(supervisor.region.path if supervisor.region else "", scope.region_path)


def may_assign(scope: Scope) -> bool:
    """Admins and bureaus with a region assign supervisors (to stations in their scope)."""
    return scope.is_admin or (scope.role == Role.BUREAU and bool(scope.region_path))


def assignments_q(scope: Scope) -> Q:
    """Filter on Assignment: at stations in scope; a supervisor also all of their own (one subquery of ids, as
    sessions_q, where an OR across the join to the supervisors would read every assignment)."""
    if scope.role == Role.ADMIN:
        return Q()
    q = Q(station_id__in=station_ids(scope))
    if scope.role == Role.SUPERVISOR:
        return Q(id__in=Union(Assignment.filter(q).values("id"), Assignment.filter(_own(scope)).values("id")))
    return q


def readable_assignments(scope: Scope):
    return Assignment.filter(assignments_q(scope))


def sessions_q(scope: Scope) -> Q:
    """Filter on SupervisionSession: held at stations in scope; a supervisor also all of their own."""
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.WORKER:
        return NOTHING
    q = Q(station_id__in=station_ids(scope))
    if scope.role == Role.SUPERVISOR:
        # One subquery of ids, not an OR across the join to the supervisors: with the OR both planners read every
        # session of the country (SQLite: 218 ms for a supervisor's first page among the national demo's 108,989).
        return Q(
            id__in=Union(SupervisionSession.filter(q).values("id"), SupervisionSession.filter(_own(scope)).values("id"))
        )
    return q


def _own(scope: Scope) -> Q:
    """A supervisor's own rows (assignments, sessions): by their profile's id."""
    return Q(supervisor_id__in=Unordered(Supervisor.filter(user_id=scope.user_id).values("id")))


def readable_sessions(scope: Scope):
    return SupervisionSession.filter(sessions_q(scope))


def readable_ce_rules(scope: Scope):
    return SessionCeRule.filter(regional_rules_q(scope))


def mentored_by(user_id: int | RawSQL, day: date):
    """The cohort members the supervisor signed in as `user_id` mentors on `day` (mentoring_on), as a queryset of the
    members, read through the reverse relation's model (this package imports no cohorts). The supervisor's id is
    chosen by a subquery, so the planner starts from the mentor's index: joined from the supervisor, SQLite built a
    Bloom filter over every cohort (0.56 → 0.03 ms a statement, national demo)."""
    members = Supervisor._meta.fields_map["mentees"].related_model
    mentor = RawSubquery(inline_sql(Supervisor.filter(user_id=user_id).values("id")))
    return members.filter(mentoring_on(day), mentor_id__in=mentor)
