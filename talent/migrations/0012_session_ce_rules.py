from tortoise.migrations import operations as ops
from decimal import Decimal
from tortoise.fields.base import OnDelete
from tortoise import fields
from talent.supervision.defaults import seed_session_ce_rules

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops


async def seed_national_rule(apps, schema_editor):
    """Issue 14: the CE rule of supervision sessions becomes data, seeded with the national default."""
    await seed_session_ce_rules(lambda name: apps.get_model("models", name))

class Migration(migration_ops.Migration):
    dependencies = [('models', '0011_foreign_key_indexes')]

    initial = False

    operations = [
        create_model('SessionCeRule', app='models', table='supervision_ce_rules', unique_together=(('region_path', 'effective_from'),), description='How supervision sessions earn CE hours in a region from a day on (talent.supervision.rules): whether they', fields=[
            foreign_key('region', 'models.Region', 'session_ce_rules', OnDelete.RESTRICT, null=True, db_index=True),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('effective_from', fields.DateField()),
            ('counts', fields.BooleanField(default=True)),
            ('max_share', fields.DecimalField(default=Decimal('1'), max_digits=4, decimal_places=3)),
            ('source', fields.TextField(unique=False)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        ops.RunPython(seed_national_rule, ops.RunPython.noop),
    ]
