from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from talent.core import migration_ops

# A registration's CE hours per kind over its period (talent.certification.expressions) read from this index alone.

class Migration(migration_ops.Migration):
    dependencies = [('models', '0019_exam_result_pass_rate_index')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='CeCredit',
            index=Index(fields=['worker_id', 'earned_on', 'source', 'hours']),
        ),
    ]
