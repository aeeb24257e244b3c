from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, RawSQL

from talent.audit.models import AuditEntry, AuditJurisdiction
from talent.audit.present import REFERENCE_KEYS, REFERENCE_KEYS_END
from talent.core.access import Role, Scope
from talent.core.export import list_rows, sql_batches
from talent.core.filters import filtered_by_given
from talent.core.pagination import ListParams, Page, order_for, paginate, read_page
from talent.core.sql import NOTHING, RawSubquery, dialect, icontains, reach, under, unordered
from talent.rawsql import fetch_all

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
    return NOTHING if _jurisdiction(scope) is None else Q(id__in=_jurisdiction_ids(scope))


@reach
def _jurisdiction_ids(scope: Scope) -> list:
    """The ids of the entries filed under a viewer's jurisdiction (one they have: _jurisdiction), first-hand and
    further, as the union of two one-column queries; its text written once per scope (core.sql.reach), where
    Tortoise built it for each page and export."""
    mine = _jurisdiction(scope)
    return [AuditEntry.filter(mine).values("id"), AuditJurisdiction.filter(mine).values("entry_id")]


def _audit_filtered(*, scope: Scope, params: ListParams, entity: str = "", entity_id: str = ""):
    qs = filtered_by_given(AuditEntry.filter(_scope_filter(scope)), entity=entity, entity_id=entity_id)
    if params.q:
        qs = qs.filter(icontains("summary", params.q) | icontains("actor_name", params.q))
    return qs


async def audit_list(*, scope: Scope, params: ListParams, entity: str = "", entity_id: str = "") -> Page:
    qs = _audit_filtered(scope=scope, params=params, entity=entity, entity_id=entity_id)
    order = order_for(params, SORTS, "-at")
    union = _jurisdiction_union_sql(scope)
    if union is not None and not (params.q or entity or entity_id) and order[0].lstrip("-") == "id":
        return await _union_page(union, params, order)
    return await paginate(qs, params, SORTS, default="-at")


def _jurisdiction_union_sql(scope: Scope) -> str | None:
    """The ids of the entries filed under the viewer's jurisdiction (_scope_filter's union) as SQL, or None for a
    viewer who reads the whole log or none of it."""
    if scope.role == Role.ADMIN or _jurisdiction(scope) is None:
        return None
    return _jurisdiction_ids(scope).sql


async def _union_page(union: str, params: ListParams, order: list[str]) -> Page:
    """A page of a jurisdiction's whole log in time order (read_page: paginate's pages, cursors and total), the
    page's ids chosen from the union of the jurisdiction's entry ids and counted there: with the entries tested
    against the union, PostgreSQL walked the log's id index back through every later entry of the country (a
    province's first page 110 → 25 ms, its count 47 → 20; a city's 5.3 → 1.2 and 3.2 → 0.9; psql, national demo)."""
    per_page, descending = int(params.per_page), order[0].startswith("-")

    async def counted() -> int:
        return int((await fetch_all(AuditEntry, f"SELECT COUNT(*) AS n FROM ({union}) u"))[0]["n"])

    async def window(after_id: int | None, desc: bool, offset: int = 0) -> list[AuditEntry]:
        since = "" if after_id is None else f" WHERE u.id {'<' if desc else '>'} {int(after_id)}"
        ids = f"SELECT u.id FROM ({union}) u{since} ORDER BY u.id{' DESC' if desc else ''} LIMIT {per_page}"
        ids += f" OFFSET {int(offset)}" if offset else ""
        return list(await AuditEntry.filter(id__in=RawSubquery(ids)).order_by("-id" if desc else "id"))

    return await read_page(
        params,
        order,
        count=counted,
        from_cursor=lambda _value, row_id, backwards: window(row_id, descending != backwards),
        numbered=lambda offset, _total: window(None, descending, offset),
    )


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
# that text only when they may name a record (AuditLogExport.references, then present.TEXT_FIELDS).
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


@dataclass(frozen=True)
class AuditLogExport:
    """The filtered log (all pages) as an export reads it (talent.web.exports.audit_rows): the references its
    entries hold with the log's last id, then the entries up to that id (and for a large log, the entries as SQL for
    the statement that names what they refer to)."""

    scope: Scope
    params: ListParams
    entity: str = ""
    entity_id: str = ""

    @property
    def large(self) -> bool:
        """An administrator's log not searched: as large as the table (729,902 entries in the national demo), its
        parts found by the table's own indexes, so that the naming statements read its references themselves
        (present.names_in_log); a log in a jurisdiction's bounds sends them in a first reading."""
        return self.scope.role == Role.ADMIN and not self.params.q

    def _filtered(self):
        return _audit_filtered(scope=self.scope, params=self.params, entity=self.entity, entity_id=self.entity_id)

    def references(self) -> AsyncIterator[list[dict]]:
        """The references the entries hold (id, entity, entity_id, summary, referring_before, referring_after: the
        documents' JSON text when they may name a record, else NULL), then one row of the last entry id of the
        whole log (entity NULL; id NULL when it is empty): one streamed statement. Of a large log, only the entries
        whose documents may name a record, without their own record and summary (the national demo's whole log:
        12 of 729,902 entries)."""
        qs = self._filtered().annotate(
            referring_before=JSON_TEXT["referring_before"](), referring_after=JSON_TEXT["referring_after"]()
        )
        columns = qs.values("id", "entity", "entity_id", "summary", "referring_before", "referring_after")
        sql, values = unordered(columns).get_parameterized_sql()
        if self.large:
            sql = (
                "SELECT d.id, d.entity, NULL AS entity_id, NULL AS summary, d.referring_before, d.referring_after"
                f" FROM ({sql}) d WHERE d.referring_before IS NOT NULL OR d.referring_after IS NOT NULL"
            )
        sql += ' UNION ALL SELECT MAX(id), NULL, NULL, NULL, NULL, NULL FROM "audit_entries"'
        return sql_batches(AuditEntry._meta.db, sql, values)

    def entries_sql(self, upto: int) -> tuple[str, list]:
        """The entries up to id `upto` (id, entity, entity_id, summary) as SQL with its values, unordered."""
        qs = self._filtered().filter(id__lte=upto).values("id", "entity", "entity_id", "summary")
        return unordered(qs).get_parameterized_sql()

    def entries(self, fields: Sequence[str], upto: int) -> AsyncIterator[Any]:
        return audit_export(
            scope=self.scope, params=self.params, entity=self.entity, entity_id=self.entity_id, fields=fields, upto=upto
        )
