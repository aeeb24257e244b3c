from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from talent.places.models import CertLevel


class Certificate(Model):
    """A national social-work certificate held by a worker (registry grows in the certification issue)."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="certificates", on_delete=fields.RESTRICT)
    level = fields.CharEnumField(CertLevel, max_length=16)
    number = fields.CharField(max_length=64, unique=True)
    obtained_on = fields.DateField()
    registered_on = fields.DateField(null=True)

    class Meta:
        table = "certificates"
        ordering = ["-obtained_on"]


class CeSource(StrEnum):
    COURSE = "course"  # a completed certified course
    SUPERVISION = "supervision"
    EXTERNAL = "external"  # outside training, with evidence
    DEGREE = "degree"
    OTHER = "other"


class CeCredit(Model):
    """The continuing-education ledger: one row per credited hour block, with where it came from."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="ce_credits", on_delete=fields.RESTRICT)
    hours = fields.DecimalField(max_digits=6, decimal_places=1)
    source = fields.CharEnumField(CeSource, max_length=16)
    # What earned it, e.g. "course:12" or "supervision:7": a source credits a worker at most once.
    # Empty (NULL) for manual entries, which may repeat.
    source_ref = fields.CharField(max_length=64, null=True)
    earned_on = fields.DateField(db_index=True)
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ce_credits"
        ordering = ["-earned_on", "-id"]
        unique_together = (("worker", "source_ref"),)
