from tortoise import fields
from tortoise.models import Model


class DataVersion(Model):
    """A counter that database triggers raise in the transaction of every change to the tables a cached figure
    reads (talent.figures.freshness.WATCHED): a figure stored under one version is exact while it is current."""

    name = fields.CharField(max_length=32, primary_key=True)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "data_versions"


class FigureCache(Model):
    """Figures computed for one viewer's scope and day under a data version (talent.figures.freshness.cached):
    served while the version and the day are current, computed again otherwise. Not a record: never audited."""

    key = fields.CharField(max_length=191, primary_key=True)
    version = fields.BigIntField()
    day = fields.DateField()
    payload = fields.TextField()
    computed_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "figure_cache"
