"""Which workers and employment spells a viewer reaches: the one row filter of each, used by every page,
export, import and report. A worker is reached through any of their spells (current or past) at a station in
scope, or, while they have no spell at all, by the jurisdiction that registered them; a worker account reaches
only its own record. A supervisor also reaches the workers it mentors that day (scope.worker_ids) and their spells
active that day (where the mentee works now; not their past at other stations, nor their station's records or
colleagues), read-only like every worker it reaches (the permission table gives a supervisor no edit and no
unmasked personal data)."""

import functools

from tortoise.expressions import Q

from talent.core.access import Role, Scope
from talent.core.sql import IntList, RawSubquery, Union, Unordered, dialect, inline_sql, literal_int, reach, under
from talent.people.models import EmploymentSpell, Worker
from talent.people.rules import active_on
from talent.places.access import station_ids, stations_q
from talent.places.models import Station


def spells_q(scope: Scope, prefix: str = "") -> Q:
    """Spells the viewer may see: at stations in scope (a worker sees all of their own). `prefix` filters
    through a relation to spells (e.g. "spells__" from Worker)."""
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.WORKER:
        return Q(**{f"{prefix}worker_id": scope.worker_id or 0})
    if _mentoring(scope):
        # The assigned stations as their ids, not the stations subquery: inside an OR, PostgreSQL can only test a
        # subquery row by row (a hashed subplan over every spell of the country: 45 ms for a supervisor's count,
        # 450 ms for a page's ids), where two lists of ids are two index scans joined by a BitmapOr.
        assigned = Q(**{f"{prefix}station_id__in": IntList(sorted(scope.station_ids))})
        mentored = Q(**{f"{prefix}worker_id__in": IntList(sorted(scope.worker_ids))}) & active_on(scope.today, prefix)
        return assigned | mentored
    return Q(**{f"{prefix}station_id__in": station_ids(scope)})


def _mentoring(scope: Scope) -> bool:
    """A supervisor reaching its mentees' spells of the day besides its stations' (spells_q)."""
    return scope.role == Role.SUPERVISOR and bool(scope.worker_ids) and scope.today is not None


def spells_at_q(scope: Scope, code: str) -> Q:
    """Filter on EmploymentSpell: spells_q(scope) at the station with this code. Where a scope's spells are those of
    its stations (an administrator's are every station's), the code goes into that stations subquery: a join to
    stations beside it cost HR's count of one station's workers 0.80 against 0.52 ms (PostgreSQL, national demo). A
    worker's own spells and a supervisor's mentees are not its stations': there the station is a subquery of its
    own beside them."""
    if scope.role == Role.WORKER or _mentoring(scope):
        return spells_q(scope) & Q(station_id__in=Unordered(Station.filter(code=code).values("id")))
    return Q(station_id__in=Unordered(Station.filter(stations_q(scope), code=code).values("id")))


def registered_here(scope: Scope) -> Q | None:
    """A filter on Worker: registered by this jurisdiction (a bureau's subtree, HR's organisation); None for a
    role that registers nobody."""
    match scope.role:
        case Role.BUREAU if scope.region_path:
            return under("registered_region_path", scope.region_path)
        case Role.HR if scope.organisation_id:
            return Q(registered_organisation_id=literal_int(scope.organisation_id))
    return None


def unplaced_workers(scope: Scope, among=None):
    """Ids of the workers this jurisdiction registered who have no spell anywhere yet (a values query), or
    None. Once a worker has a spell, only spells decide who sees them. `among`: of these ids only."""
    registered = registered_here(scope)
    if registered is None:
        return None
    # A LEFT JOIN … IS NULL: the planner reads it as an anti-join on the spells' worker index.
    workers = Worker.filter(registered, spells__id__isnull=True)
    return (workers if among is None else workers.filter(id__in=among)).values("id")


def worker_id_queries(scope: Scope, among=None) -> list | None:
    """The ids of the workers the viewer reaches as one-column values queries whose union is the set (None: every
    worker, for an admin). workers_q filters on them; a hand-written statement tests its worker column against
    their UNION directly (wrapped in a `workers` lookup, a city's pass rates probed the workers once per worker).
    `among` (ids, or a subquery of them): each part of those workers only (workers_among_q)."""
    if scope.role == Role.ADMIN:
        return None
    if scope.role == Role.WORKER:
        return [Worker.filter(id=scope.worker_id or 0).values("id")]
    spelled = EmploymentSpell.filter(station_id__in=station_ids(scope))
    spelled = (spelled if among is None else spelled.filter(worker_id__in=among)).values("worker_id")
    if scope.role == Role.SUPERVISOR and scope.worker_ids:
        mentored = Worker.filter(id__in=sorted(scope.worker_ids))
        return [spelled, (mentored if among is None else mentored.filter(id__in=among)).values("id")]
    unplaced = unplaced_workers(scope, among)
    return [spelled] if unplaced is None else [spelled, unplaced]


def workers_among_q(scope: Scope, ids) -> Q:
    """workers_q for the workers of `ids` alone (the few a page names): each part of the reach asked for those ids,
    so that the planner probes their spells by the workers' index instead of computing the jurisdiction's whole
    reach first (the audit log's page of a province named 22 workers by hashing its 7,141: 48 ms)."""
    if not reaches_a_jurisdiction(scope):
        return workers_q(scope) & Q(id__in=ids)
    return Q(id__in=_reach_among(scope, ids))


# Where the ids go in the text of a reach asked for some workers (_reach_among_text).
_AMONG = "__reached_among__"


@functools.lru_cache(maxsize=4096)
def _reach_among_text(scope: Scope, _dialect: str) -> str:
    """The reach asked for some workers (worker_id_queries' UNION) as SQL text with _AMONG where their ids go:
    written once per scope, as `core.sql.reach` writes the whole reach. Built through Tortoise for each statement,
    it cost a worker's page on PostgreSQL more than it saved (five statements: 14 → 16 ms)."""
    return " UNION ".join(inline_sql(query) for query in worker_id_queries(scope, among=RawSubquery(_AMONG)))


def _reach_among(scope: Scope, ids):
    """worker_id_queries(scope, among=ids) as one subquery: from the text kept per scope when the ids are integers
    (a list, an IntList: digits only, never user text), else built."""
    if isinstance(ids, IntList):
        ids = ids.values
    if isinstance(ids, list | tuple) and all(type(i) is int for i in ids):
        listed = ",".join(map(str, ids)) or "NULL"  # IN (NULL): no worker
        return RawSubquery(_reach_among_text(scope, dialect()).replace(_AMONG, listed))
    return Union(*worker_id_queries(scope, among=ids))


def reached_worker_q(scope: Scope, **lookup) -> Q:
    """Filter on Worker: the worker matching `lookup` (an id, a worker number) when the viewer reaches them, the
    reach asked for that worker alone (workers_among_q). Beside `workers_q(scope)`, SQLite read a jurisdiction's
    whole reach into a table before looking at the one worker (a province's: 13–15 ms a statement, five of them on
    a worker's certificates page, national demo)."""
    among = [lookup["id"]] if set(lookup) == {"id"} else Unordered(Worker.filter(**lookup).values("id"))
    return Q(**lookup) & workers_among_q(scope, among)


def of_reached_worker_q(scope: Scope, worker_id: int) -> Q:
    """Filter on a table whose worker_id names a worker: the rows of worker `worker_id` when the viewer reaches them
    (none otherwise), the reach asked for that worker alone (reached_worker_q)."""
    return _of_reached_among(scope, Q(worker_id=worker_id), [worker_id])


def reaches_a_jurisdiction(scope: Scope) -> bool:
    """Whether the viewer reaches the workers of a jurisdiction (a bureau's region, an organisation's stations, a
    supervisor's), not the country's (an administrator) nor one (a worker's own): a set worth reading once to join
    many rows to it."""
    return scope.role not in (Role.ADMIN, Role.WORKER)


def of_reached_workers_q(scope: Scope, column: str = "worker_id") -> Q:
    """Filter on a table whose `column` names a worker: the rows of the workers the viewer reaches. None for an
    administrator, who reaches every worker (each row's worker exists): `worker_id IN (SELECT id FROM workers)`
    made PostgreSQL semi-join the country's 184,287 workers (the administrator's assessments of a year). For a
    few rows chosen by other columns (one by its id, a course's learners), reached_rows_q."""
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.WORKER:
        return Q(**{column: scope.worker_id or 0})
    # The reach's ids themselves (each names a worker), not the workers looked up by them: PostgreSQL read the
    # country's 185,268 worker ids to semi-join them to a province's 7,395 (its assessments of a year by grade,
    # EXPLAIN ANALYZE 46 → 28 ms). workers_q is this filter on the workers' own ids.
    return Q(**{f"{column}__in": reached_worker_ids(scope)})


def reached_rows_q(scope: Scope, model, **lookup) -> Q:
    """Filter on `model` (a table whose worker_id names a worker): its rows matching `lookup` (a record's id, a
    course's learners) whose worker the viewer reaches, the reach asked for those rows' workers alone. Chosen by
    another column than the worker's, the rows gave PostgreSQL no bound on the reach's subquery, which it computed
    whole: a province's (7,395 workers) for one course certificate, 27 ms, where asked for its worker it is 0.2;
    a course's 56 learners 62 → 1.1 ms (EXPLAIN ANALYZE, national demo)."""
    return _of_reached_among(scope, Q(**lookup), Unordered(model.filter(**lookup).values("worker_id")))


def _of_reached_among(scope: Scope, rows: Q, among) -> Q:
    """`rows` (a filter on a table whose worker_id names a worker) of the workers the viewer reaches, the reach
    asked for `among` alone (the ids of the rows' workers, or a subquery of them)."""
    if not reaches_a_jurisdiction(scope):
        return rows & of_reached_workers_q(scope)
    return rows & Q(worker_id__in=_reach_among(scope, among))


def workers_q(scope: Scope) -> Q:
    """Filter on Worker. One `id IN (… UNION …)` subquery rather than a join (a worker with several spells is
    still one row) or an OR of two subqueries (which the planner can only answer by reading every worker)."""
    return of_reached_workers_q(scope, "id")


@reach
def reached_worker_ids(scope: Scope):
    """The ids of the workers a non-admin viewer reaches (the UNION of worker_id_queries), as a subquery."""
    return worker_id_queries(scope)


def readable_workers(scope: Scope):
    return Worker.filter(workers_q(scope))


def readable_spells(scope: Scope):
    return EmploymentSpell.filter(spells_q(scope))
