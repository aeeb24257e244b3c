from tortoise.migrations import operations as ops
from tortoise import fields
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('examprep', '0001_examprep_initial')]

    initial = False

    operations = [
        ops.AddField(model_name='AttemptItem', name='self_score', field=fields.DecimalField(null=True, max_digits=5, decimal_places=1)),
    ]
