from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """Append-only: written only by talent.audit.services.audit_record, never updated or deleted."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor = fields.ForeignKeyField("models.User", null=True, related_name="audit_entries", on_delete=fields.SET_NULL)
    actor_name = fields.CharField(max_length=100, default="")
    action = fields.CharField(max_length=32)
    entity = fields.CharField(max_length=32, db_index=True)
    entity_id = fields.CharField(max_length=64)
    summary = fields.CharField(max_length=255, default="")
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    # Denormalised scope so a bureau or HR browses its own entries with one indexed filter.
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    organisation_id = fields.IntField(null=True, db_index=True)

    class Meta:
        table = "audit_entries"
        ordering = ["-id"]


class AuditJurisdiction(Model):
    """A further jurisdiction an entry is filed under. A change that touches records of several jurisdictions
    (a transfer between organisations, an enrolment into another region's course, a station moved to another
    organisation) is read by the audit readers of each; the entry's own region_path/organisation_id hold the
    first, these rows the others. Written with the entry, never changed."""

    id = fields.BigIntField(primary_key=True)
    entry = fields.ForeignKeyField("models.AuditEntry", related_name="jurisdictions", on_delete=fields.CASCADE)
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    organisation_id = fields.IntField(null=True, db_index=True)

    class Meta:
        table = "audit_jurisdictions"
