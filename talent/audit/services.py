"""The single way anything is written to the audit log. Call it inside the service's transaction.

An entry is filed under the jurisdiction of the record it describes (region_path, organisation_id); a change
that touches records of other jurisdictions too names them in `also`, so the audit readers of each see it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.models import Model

from talent.audit.models import Action, AuditEntry, AuditJurisdiction, actor_name_of
from talent.core.bulk import WRITE_BATCH, batches, insert_rows, reserve_ids

Jurisdiction = tuple[str, int | None]  # (region path, organisation id)


def snapshot(instance: Model | None, fields: list[str]) -> dict[str, Any] | None:
    if instance is None:
        return None
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_PLAIN = frozenset({str, int, bool, float, type(None)})


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """The values as an entry stores them (enums as codes, dates as ISO text), fast for the common types: an
    import turns 100,000 rows into entries."""
    out = {}
    for k, v in values.items():
        cls = v.__class__
        if cls in _PLAIN:
            out[k] = v
        elif issubclass(cls, Enum):
            out[k] = v._value_
        else:
            out[k] = _jsonable(v)
    return out


def audit_entry(
    *,
    actor,
    action: str,
    entity: str,
    entity_id: Any,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    region_path: str = "",
    organisation_id: int | None = None,
    also: Iterable[Any] = (),
) -> dict[str, Any]:
    """The fields of an entry, before and after reduced to what changed. `also`: further jurisdictions the change
    touched, each a (region_path, organisation_id) pair, a dict with those keys or a record with those
    attributes (a Station); its readers in each see it."""
    if before is not None and after is not None:
        # Keep only what changed, so entries read as diffs.
        changed = [k for k in after if before.get(k) != after.get(k)]
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    return {
        "actor_id": getattr(actor, "id", None),
        "actor_name": actor_name_of(actor),
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "summary": summary[:255],
        "before": before,
        "after": after,
        "region_path": region_path or "",
        "organisation_id": organisation_id,
        "also": further_jurisdictions((region_path, organisation_id), also) if also else [],
    }


async def audit_record(**fields) -> AuditEntry:
    """Write one entry (see audit_entry for the fields)."""
    values = audit_entry(**fields)
    extra = values.pop("also")
    entry = await AuditEntry.create(**values)
    if extra:
        await AuditJurisdiction.bulk_create(
            [AuditJurisdiction(entry_id=entry.id, region_path=path, organisation_id=org) for path, org in extra]
        )
    return entry


async def audit_record_many(entries: Iterable[dict[str, Any]], batch: int = WRITE_BATCH) -> None:
    """Write many entries made by audit_entry, in bulk (imports, the demo), in the caller's transaction. A batch
    without further jurisdictions goes in as plain rows; otherwise its entries get reserved ids first, so the
    jurisdiction rows can name them."""
    for chunk in batches(entries, batch):
        further = [entry.pop("also", None) or () for entry in chunk]
        if not any(further):
            await insert_rows(AuditEntry, chunk, batch=batch)
            continue
        ids = await reserve_ids(AuditEntry, len(chunk))
        for entry, entry_id in zip(chunk, ids, strict=True):
            entry["id"] = entry_id
        await insert_rows(AuditEntry, chunk, batch=batch, with_pk=True)
        await insert_rows(
            AuditJurisdiction,
            [
                {"entry_id": entry_id, "region_path": path, "organisation_id": org}
                for entry_id, jurisdictions in zip(ids, further, strict=True)
                for path, org in jurisdictions
            ],
            batch=batch,
        )


@dataclass(frozen=True)
class Audited:
    """One kind of record as the audit log shows it: its entity and the fields its entries hold before and after.
    A service declares one per kind it writes and records each change through it, in its own transaction, so
    "snapshot, change, save, record what changed" is written once. `where` is audit_record's jurisdiction
    (region_path, organisation_id, also)."""

    entity: str
    fields: Sequence[str] = ()

    def snapshot(self, instance: Model | None) -> dict[str, Any] | None:
        return snapshot(instance, list(self.fields))

    def entry(self, actor, action: str, entity_id: Any, summary: str = "", **fields) -> dict[str, Any]:
        """The values of an entry about the record `entity_id` (audit_entry: before, after, jurisdiction), for
        audit_record_many."""
        return audit_entry(
            actor=actor, action=action, entity=self.entity, entity_id=entity_id, summary=summary, **fields
        )

    async def record(self, actor, action: str, instance: Model, summary: str = "", **fields) -> AuditEntry:
        """Write an entry about `instance` (audit_record: before, after, jurisdiction), for an act that is not a
        plain field change."""
        return await audit_record(
            actor=actor, action=action, entity=self.entity, entity_id=instance.id, summary=summary, **fields
        )

    async def created(self, actor, instance: Model, summary: str, *, action: str = Action.CREATE, **where) -> None:
        """Record that `instance` was just created (or a like act that starts a record: a hire), with its fields
        after."""
        await self.record(actor, action, instance, summary, after=self.snapshot(instance), **where)

    async def update(
        self,
        actor,
        instance: Model,
        values: dict[str, Any],
        summary: str,
        *,
        action: str = Action.UPDATE,
        update_fields: list[str] | None = None,
        only_changed: bool = False,
        **where,
    ) -> bool:
        """Set `values` on the record, save it and record its fields before and after. With `only_changed`, a
        change that leaves the audited fields as they were saves and records nothing (False)."""
        before = self.snapshot(instance)
        for name, value in values.items():
            setattr(instance, name, value)
        after = self.snapshot(instance)
        if only_changed and before == after:
            return False
        await instance.save(update_fields=update_fields)
        await self.record(actor, action, instance, summary, before=before, after=after, **where)
        return True

    async def delete(self, actor, instance: Model, summary: str, **where) -> None:
        """Delete the record and record its fields before."""
        before = self.snapshot(instance)
        await type(instance).filter(id=instance.id).delete()
        await self.record(actor, Action.DELETE, instance, summary, before=before, **where)


def jurisdiction_of(item: Any) -> Jurisdiction:
    if isinstance(item, tuple):
        path, org = item
    elif isinstance(item, dict):
        path, org = item.get("region_path"), item.get("organisation_id")
    else:
        path, org = getattr(item, "region_path", ""), getattr(item, "organisation_id", None)
    return (path or "", org)


def further_jurisdictions(primary: Any, also: Iterable[Any]) -> list[Jurisdiction]:
    """The distinct jurisdictions of `also` other than the primary one, in order; empty ones (no region and
    no organisation: seen by admins only, as the primary already is) are dropped."""
    seen = {jurisdiction_of(primary)}
    out = []
    for item in also or ():
        j = jurisdiction_of(item)
        if j in seen or j == ("", None):
            continue
        seen.add(j)
        out.append(j)
    return out
