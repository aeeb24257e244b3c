from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

# Pass rates per year and subject (talent.analytics.workforce.pass_rates) read the results from this index alone.

class Migration(migrations.Migration):
    dependencies = [('models', '0018_assignment_station_supervisor_index')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='ExamResult',
            index=Index(fields=['year', 'subject_id', 'passed']),
        ),
    ]
