from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_ce_evidence')]

    initial = False

    operations = [
        ops.AddField(model_name='ImportJob', name='touched_at', field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
    ]
