"""Jurisdiction: what a signed-in user may see, as query filters every selector applies.

A bureau sees its region's subtree, HR the stations its organisation operates, a supervisor the
stations with an active assignment, a worker only themself. Anything else answers 404.
"""

from dataclasses import dataclass, field
from datetime import date

from tortoise.expressions import Q, Subquery

from talent.accounts.models import Role
from talent.web.i18n import local_today

NOTHING = Q(id__in=[])


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
        """Workers with any spell (current or past) at a station in scope; a worker sees themself.

        A subquery rather than a join, so a worker with several spells is still one row.
        """
        from talent.people.models import EmploymentSpell
        from talent.places.models import Station

        if self.role == Role.ADMIN:
            return Q()
        if self.role == Role.WORKER:
            return Q(id=self.worker_id or 0)
        stations = Subquery(Station.filter(self.stations()).values("id"))
        return Q(id__in=Subquery(EmploymentSpell.filter(station_id__in=stations).values("worker_id")))

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
