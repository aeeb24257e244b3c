from tortoise.expressions import Q

from talent.accounts.models import Role
from talent.accounts.scope import NOTHING, Scope
from talent.audit.models import AuditEntry
from talent.web.pagination import ListParams, Page, paginate

SORTS = {"at": "id", "entity": "entity", "action": "action", "actor": "actor_name"}


def _scope_filter(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.BUREAU and scope.region_path:
        return Q(region_path__startswith=scope.region_path)
    if scope.role == Role.HR and scope.organisation_id:
        return Q(organisation_id=scope.organisation_id)
    return NOTHING


async def audit_list(*, scope: Scope, params: ListParams, entity: str = "", entity_id: str = "") -> Page:
    qs = AuditEntry.filter(_scope_filter(scope))
    if entity:
        qs = qs.filter(entity=entity)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if params.q:
        qs = qs.filter(Q(summary__icontains=params.q) | Q(actor_name__icontains=params.q))
    return await paginate(qs, params, SORTS, default="-at")
