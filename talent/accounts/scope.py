"""Jurisdiction: what a signed-in user may see, as query filters every selector applies.

A bureau sees its region's subtree, HR the stations its organisation operates, a supervisor the
stations with an active assignment, a worker only themself. Anything else answers 404.
"""

from dataclasses import dataclass, field
from datetime import date

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import Term
from tortoise.expressions import Q, Subquery

from talent.accounts.models import Role
from talent.core.clock import local_today

NOTHING = Q(id__in=[])


class Union(Term):
    """`(SELECT … UNION SELECT …)` of one-column queries, for an `__in` filter: one subquery the planner can
    turn into a semi-join, where an OR of two IN-subqueries makes it read the whole outer table."""

    def __init__(self, *queries) -> None:
        super().__init__()
        self.queries = queries

    def get_sql(self, ctx: SqlContext) -> str:
        parts = []
        for query in self.queries:
            query._choose_db_if_not_chosen()
            query._make_query()
            # A model's default ordering would put ORDER BY inside the compound SELECT (an SQLite syntax error).
            query.query._orderbys = []
            parts.append(query.query.get_sql(ctx.copy(subquery=False)))
        return "(" + " UNION ".join(parts) + ")"


@dataclass(frozen=True)
class Scope:
    user_id: int
    role: Role
    region_path: str | None = None
    organisation_id: int | None = None
    worker_id: int | None = None
    station_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def stations(self, prefix: str = "") -> Q:
        """Filter on Station (or, with a prefix such as 'station__', on a relation to it)."""
        match self.role:
            case Role.ADMIN:
                return Q()
            case Role.BUREAU if self.region_path:
                return Q(**{f"{prefix}region_path__startswith": self.region_path})
            case Role.HR if self.organisation_id:
                return Q(**{f"{prefix}organisation_id": self.organisation_id})
            case Role.SUPERVISOR:
                return Q(**{f"{prefix}id__in": list(self.station_ids)})
        return Q(**{f"{prefix}id__in": []})

    def regions(self) -> Q:
        match self.role:
            case Role.ADMIN:
                return Q()
            case Role.BUREAU if self.region_path:
                return Q(path__startswith=self.region_path)
        return NOTHING

    def workers(self) -> Q:
        """Workers with any spell (current or past) at a station in scope, and workers with no spell at all
        whom this jurisdiction registered (see Worker.registered_*); a worker sees themself.

        One `id IN (… UNION …)` subquery rather than a join (a worker with several spells is still one row)
        or an OR of two subqueries (which the planner can only answer by reading every worker)."""
        from talent.people.models import EmploymentSpell
        from talent.places.models import Station

        if self.role == Role.ADMIN:
            return Q()
        if self.role == Role.WORKER:
            return Q(id=self.worker_id or 0)
        stations = Subquery(Station.filter(self.stations()).values("id"))
        spelled = EmploymentSpell.filter(station_id__in=stations).values("worker_id")
        unplaced = self.unplaced_workers()
        if unplaced is None:
            return Q(id__in=Subquery(spelled))
        return Q(id__in=Union(spelled, unplaced))

    def registered_here(self) -> Q | None:
        """A filter on Worker: registered by this jurisdiction (a bureau's subtree, HR's organisation);
        None for a role that registers nobody."""
        match self.role:
            case Role.BUREAU if self.region_path:
                return Q(registered_region_path__startswith=self.region_path)
            case Role.HR if self.organisation_id:
                return Q(registered_organisation_id=self.organisation_id)
        return None

    def unplaced_workers(self):
        """Ids of the workers this jurisdiction registered who have no spell anywhere yet (a values query),
        or None. Once a worker has a spell, only spells decide who sees them."""
        from talent.people.models import Worker

        registered = self.registered_here()
        if registered is None:
            return None
        # A LEFT JOIN … IS NULL: the planner reads it as an anti-join on the spells' worker index.
        return Worker.filter(registered, spells__id__isnull=True).values("id")

    def organisations(self) -> Q:
        """Organisations of the bureau's region or operating a station in it; HR its own (no join)."""
        from talent.places.models import Station

        match self.role:
            case Role.ADMIN:
                return Q()
            case Role.BUREAU if self.region_path:
                operating = Subquery(Station.filter(region_path__startswith=self.region_path).values("organisation_id"))
                return Q(region__path__startswith=self.region_path) | Q(id__in=operating)
            case Role.HR if self.organisation_id:
                return Q(id=self.organisation_id)
        return NOTHING

    def tiers(self) -> Q:
        """National tiers (no region), and tiers of regions above or inside a bureau's region."""
        if self.role == Role.ADMIN:
            return Q()
        if self.role == Role.BUREAU and self.region_path:
            ancestors = _ancestor_paths(self.region_path)
            return Q(region_id=None) | Q(region__path__in=ancestors) | Q(region__path__startswith=self.region_path)
        return NOTHING

    def can_edit_region_path(self, path: str) -> bool:
        if self.role == Role.ADMIN:
            return True
        return self.role == Role.BUREAU and bool(self.region_path) and path.startswith(self.region_path)


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def today() -> date:
    return local_today()
