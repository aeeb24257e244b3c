from tortoise.migrations import operations as ops
from tortoise import fields
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0004_account_email')]

    initial = False

    operations = [
        ops.AddField(model_name='CeCredit', name='evidence_name', field=fields.CharField(null=True, max_length=200)),
        ops.AddField(model_name='CeCredit', name='evidence_sha256', field=fields.CharField(null=True, max_length=64)),
        ops.AddField(model_name='CeCredit', name='evidence_size', field=fields.IntField(null=True)),
        ops.AddField(model_name='CeCredit', name='evidence_type', field=fields.CharField(null=True, max_length=64)),
    ]
