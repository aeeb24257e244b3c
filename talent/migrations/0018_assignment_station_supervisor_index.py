from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from talent.core import migration_ops

# A region's supervisors include those assigned to its stations: probing a city's stations through (station,
# supervisor) instead of hashing every assignment of the country (talent.supervision.access).

class Migration(migration_ops.Migration):
    dependencies = [('models', '0017_region_path_statistics')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Assignment',
            index=Index(fields=['station_id', 'supervisor_id']),
        ),
    ]
