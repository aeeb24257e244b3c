from tortoise.migrations import operations as ops
from tortoise import fields
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0003_exam_catalogue_results_registrations_notifications')]

    initial = False

    operations = [
        # db_default: the column is added to a table that may already hold accounts.
        ops.AddField(model_name='User', name='email', field=fields.CharField(default='', db_default='', max_length=254)),
    ]
