from tortoise.migrations import operations as ops
from tortoise import fields
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0005_ce_evidence')]

    initial = False

    operations = [
        ops.AddField(model_name='ImportJob', name='touched_at', field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
    ]
