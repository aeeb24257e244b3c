"""The single way anything is written to the audit log. Call it inside the service's transaction."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.models import Model

from talent.audit.models import AuditEntry


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


async def audit_record(
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
) -> AuditEntry:
    if before is not None and after is not None:
        # Keep only what changed (plus nothing else), so entries read as diffs.
        changed = [k for k in after if before.get(k) != after.get(k)]
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    return await AuditEntry.create(
        actor_id=getattr(actor, "id", None),
        actor_name=(getattr(actor, "username", "") or "system")[:100],
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        summary=summary[:255],
        before=before,
        after=after,
        region_path=region_path,
        organisation_id=organisation_id,
    )
