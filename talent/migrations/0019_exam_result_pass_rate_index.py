from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from talent.core import migration_ops

# Pass rates per year and subject (talent.analytics.workforce.pass_rates) read the results from this index alone.

class Migration(migration_ops.Migration):
    dependencies = [('models', '0018_assignment_station_supervisor_index')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='ExamResult',
            index=Index(fields=['year', 'subject_id', 'passed']),
        ),
    ]
