"""Which cohorts, members and supervision sessions a viewer reaches: the one row filter of each.

- cohorts: an admin all; a bureau those of its region's subtree; HR those of its organisation and those with a
  member working at one of its stations; a supervisor those where they mentor a member on the scope's day
  (talent.supervision.rules.mentoring_on: from the member's joined_on to the cohort's last day); a worker those
  they belong to.
- members: of the cohorts above; HR and a worker see only the members they reach otherwise (HR: workers at its
  stations; a worker: self); a supervisor the members they mentor that day, and in those cohorts the members
  working at their stations. Once a cohort has ended its members are nobody's mentees, so its pages close to
  the supervisor; a member joining later is not yet theirs.
"""

from tortoise.expressions import Q, RawSQL

from talent.cohorts.models import Cohort, CohortMember
from talent.core.access import Role, Scope
from talent.core.clock import local_today
from talent.core.sql import NOTHING, Unordered, literal_int, reach, under
from talent.people.access import reached_worker_ids
from talent.people.models import EmploymentSpell
from talent.places.access import station_ids
from talent.supervision.access import mentored_by


def _mentored_by(scope: Scope):
    """The supervisor's members on the scope's day (rules.mentoring_on)."""
    return mentored_by(scope.user_id, scope.today or local_today())


def cohorts_q(scope: Scope) -> Q:
    match scope.role:
        case Role.ADMIN:
            return Q()
        case Role.BUREAU if scope.region_path:
            return under("region_path", scope.region_path)
        case Role.HR if scope.organisation_id:
            own = Q(organisation_id=literal_int(scope.organisation_id))  # written in, as HR's stations are
            return own | Q(id__in=_cohorts_of_reached_workers(scope))
        case Role.SUPERVISOR:
            return Q(id__in=Unordered(_mentored_by(scope).values("cohort_id")))
        case Role.WORKER if scope.worker_id:
            return Q(id__in=Unordered(CohortMember.filter(worker_id=scope.worker_id).values("cohort_id")))
    return NOTHING


@reach
def _cohorts_of_reached_workers(scope: Scope):
    return CohortMember.filter(worker_id__in=reached_worker_ids(scope)).values("cohort_id")


@reach
def _readable_cohort_ids(scope: Scope):
    # Not for a supervisor: its cohorts depend on the day (mentoring_on), which a reach may not read.
    return Cohort.filter(cohorts_q(scope)).values("id")


def readable_cohorts(scope: Scope):
    return Cohort.filter(cohorts_q(scope))


def members_of_row_q(scope: Scope) -> Q:
    """members_q for the members of the outer cohorts row (a correlated count, the cohorts list's column), a cohort
    the viewer reads. An administrator or a bureau sees every member of a cohort it reads: the cohort alone, without
    the cohorts' scope again (the administrator's `IN (SELECT id FROM cohorts)`, which SQLite read whole: its
    /cohorts counts 3.3–4.5 → 0.25 ms, the page 11–13 → 7 ms, national demo)."""
    of_row = Q(cohort_id=RawSQL('"cohorts"."id"'))  # the outer row: Tortoise has no OuterRef
    if scope.role in (Role.ADMIN, Role.BUREAU):
        return of_row
    return members_q(scope) & of_row


def members_q(scope: Scope) -> Q:
    """Filter on CohortMember: of readable cohorts; below a bureau, only the members the viewer reaches."""
    if scope.role == Role.SUPERVISOR:
        cohorts = Unordered(Cohort.filter(cohorts_q(scope)).values("id"))
        stationed = EmploymentSpell.filter(station_id__in=station_ids(scope)).values("worker_id")
        return Q(id__in=Unordered(_mentored_by(scope).values("id"))) | Q(
            cohort_id__in=cohorts, worker_id__in=Unordered(stationed)
        )
    cohorts = _readable_cohort_ids(scope)
    if scope.role in (Role.ADMIN, Role.BUREAU):
        return Q(cohort_id__in=cohorts)
    return Q(cohort_id__in=cohorts, worker_id__in=reached_worker_ids(scope))


def readable_members(scope: Scope):
    return CohortMember.filter(members_q(scope))


def may_run(scope: Scope, cohort: Cohort | None = None, region_path: str | None = None) -> bool:
    """Admins run any cohort; a bureau those of its subtree."""
    path = cohort.region_path if cohort is not None else region_path
    if scope.is_admin:
        return True
    return scope.role == Role.BUREAU and bool(scope.region_path) and bool(path) and path.startswith(scope.region_path)
