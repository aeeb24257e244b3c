from tortoise import fields
from tortoise.models import Model


class Supervisor(Model):
    """A member of the training-and-supervision expert pool (督导)."""

    id = fields.IntField(primary_key=True)
    user = fields.OneToOneField("models.User", null=True, related_name="supervisor", on_delete=fields.SET_NULL)
    name = fields.CharField(max_length=50)
    affiliation = fields.CharField(max_length=200, default="")
    level = fields.CharField(max_length=32, default="")
    bio = fields.TextField(default="")

    class Meta:
        table = "supervisors"


class Assignment(Model):
    """A supervisor assigned to a station for a period, which is the supervisor's scope."""

    id = fields.IntField(primary_key=True)
    supervisor = fields.ForeignKeyField("models.Supervisor", related_name="assignments", on_delete=fields.CASCADE)
    station = fields.ForeignKeyField("models.Station", related_name="assignments", on_delete=fields.RESTRICT)
    start_on = fields.DateField()
    end_on = fields.DateField(null=True)

    class Meta:
        table = "supervision_assignments"
