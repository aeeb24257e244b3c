from collections.abc import AsyncIterator, Sequence
from typing import Any

from tortoise.expressions import Q, RawSQL

from talent.audit.models import AuditEntry, AuditJurisdiction
from talent.audit.present import REFERENCE_KEYS, REFERENCE_KEYS_END
from talent.core.access import Role, Scope
from talent.core.export import list_rows
from talent.core.filters import filtered_by_given
from talent.core.pagination import ListParams, Page, order_for, paginate
from talent.core.sql import NOTHING, Union, dialect, icontains, under

SORTS = {"at": "id", "entity": "entity", "action": "action", "actor": "actor_name"}


def _jurisdiction(scope: Scope) -> Q | None:
    if scope.role == Role.BUREAU and scope.region_path:
        return under("region_path", scope.region_path)
    if scope.role == Role.HR and scope.organisation_id:
        return Q(organisation_id=scope.organisation_id)
    return None


def _scope_filter(scope: Scope) -> Q:
    """Entries filed under the viewer's jurisdiction, first-hand or as one of the further jurisdictions of a
    change that touched several (AuditJurisdiction)."""
    if scope.role == Role.ADMIN:
        return Q()
    mine = _jurisdiction(scope)
    if mine is None:
        return NOTHING
    return Q(id__in=Union(AuditEntry.filter(mine).values("id"), AuditJurisdiction.filter(mine).values("entry_id")))


def _audit_filtered(*, scope: Scope, params: ListParams, entity: str = "", entity_id: str = ""):
    qs = filtered_by_given(AuditEntry.filter(_scope_filter(scope)), entity=entity, entity_id=entity_id)
    if params.q:
        qs = qs.filter(icontains("summary", params.q) | icontains("actor_name", params.q))
    return qs


async def audit_list(*, scope: Scope, params: ListParams, entity: str = "", entity_id: str = "") -> Page:
    qs = _audit_filtered(scope=scope, params=params, entity=entity, entity_id=entity_id)
    return await paginate(qs, params, SORTS, default="-at")


def _referring(column: str) -> str:
    """A document's JSON text when it holds a key that may name a record (present.REFERENCE_KEYS), else NULL: on
    PostgreSQL by the document's own key test (jsonb `?|`, its top-level keys, the ones present reads), on SQLite
    by the keys' text in the JSON."""
    if dialect() == "postgres":
        keys = ", ".join(f"'{key}'" for key in REFERENCE_KEYS)
        return f"CASE WHEN {column} ?| ARRAY[{keys}] THEN {column} END"
    found = " OR ".join(f"instr({column}, '\"{key}\"') > 0" for key in REFERENCE_KEYS)
    # The keys' common ending ("_id") searched first: most documents lack it and are passed over by one search, not
    # one per key (the national log's 1.46 million documents: 1.34 → 0.63 s to read the references).
    return f"CASE WHEN instr({column}, '{REFERENCE_KEYS_END}\"') > 0 AND ({found}) THEN {column} END"


# Fields an export may ask for besides the model's: an entry's documents as their JSON text, not decoded, and as
# that text only when they may name a record (what an export shows of an entry is read by talent.audit.present:
# TEXT_REFERENCE_FIELDS, then TEXT_FIELDS).
JSON_TEXT = {
    "before_text": lambda: RawSQL('"audit_entries"."before"'),
    "after_text": lambda: RawSQL('"audit_entries"."after"'),
    "referring_before": lambda: RawSQL(_referring('"audit_entries"."before"')),
    "referring_after": lambda: RawSQL(_referring('"audit_entries"."after"')),
}


def audit_export(
    *,
    scope: Scope,
    params: ListParams,
    fields: Sequence[str],
    entity: str = "",
    entity_id: str = "",
    upto: int | None = None,
) -> AsyncIterator[Any]:
    """Every entry of the filtered log (all pages) in the list's order, as values of `fields` (the model's and
    JSON_TEXT's), up to entry id `upto` when given (the log only grows: a reading as of an earlier one): one streamed
    statement. Values, not model instances, which cost as much again per entry of a whole country's log."""
    qs = _audit_filtered(scope=scope, params=params, entity=entity, entity_id=entity_id)
    qs = qs.annotate(**{name: sql() for name, sql in JSON_TEXT.items() if name in fields})
    if upto is not None:
        qs = qs.filter(id__lte=upto)
    return list_rows(qs, order_for(params, SORTS, "-at"), fields)
