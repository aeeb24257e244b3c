from tortoise.migrations import operations as ops
from tortoise import fields

from talent.figures.freshness import FIRST_WATCHED, watch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    dependencies = [("models", "0014_ce_credit_rules")]

    initial = False

    operations = [
        ops.CreateModel(
            name="DataVersion",
            fields=[
                ("name", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ("version", fields.BigIntField(default=0)),
            ],
            options={
                "table": "data_versions",
                "app": "models",
                "pk_attr": "name",
                "table_description": "A counter that database triggers raise in the transaction of every change to the tables a cached figure",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FigureCache",
            fields=[
                ("key", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=191)),
                ("version", fields.BigIntField()),
                ("day", fields.DateField()),
                ("payload", fields.TextField(unique=False)),
                ("computed_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "figure_cache",
                "app": "models",
                "pk_attr": "key",
                "table_description": "Figures computed for one viewer's scope and day under a data version (talent.figures.freshness.cached):",
            },
            bases=["Model"],
        ),
        # Issue 11: the dashboard's figures are stored under a data version that triggers raise on every change to
        # the tables they read (talent.figures.freshness), so they are exact without being computed on each visit.
        watch_tables(FIRST_WATCHED),
    ]
