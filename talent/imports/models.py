from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ImportStatus(StrEnum):
    UPLOADED = "uploaded"  # stored, not yet checked
    CHECKING = "checking"
    INVALID = "invalid"  # checked, has errors, nothing written
    VALID = "valid"  # checked, ready to confirm
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"


class ImportJob(Model):
    """One uploaded spreadsheet and what became of it: kept in the database so a user can leave and come back."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    user = fields.ForeignKeyField("models.User", related_name="import_jobs", on_delete=fields.CASCADE, db_index=True)
    file_name = fields.CharField(max_length=255)
    # The upload lives in the storage directory under its SHA-256, never under the user's file name.
    file_sha256 = fields.CharField(max_length=64)
    file_size = fields.BigIntField(default=0)
    status = fields.CharEnumField(ImportStatus, max_length=16, default=ImportStatus.UPLOADED)
    rows_total = fields.IntField(default=0)
    rows_done = fields.IntField(default=0)
    # {"errors": [{row, column, value, reason}], "preview": [...], "counts": {created, updated, unchanged}}
    report = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Last sign of life of a check or import in progress (start, progress): a job whose server process died
    # stays "checking" or "importing" until jobs_recover marks it failed.
    touched_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "import_jobs"
        ordering = ["-id"]
