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
