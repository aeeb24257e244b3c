from tortoise.migrations import operations as ops
from talent.places.models import StationKind
from tortoise import fields
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0012_session_ce_rules')]

    initial = False

    operations = [
        ops.AddField(model_name='StationTier', name='station_kind', field=fields.CharEnumField(default=StationKind.TOWNSHIP_STATION, description='COUNTY_CENTRE: county_centre\nTOWNSHIP_STATION: township_station\nVILLAGE_ROOM: village_room', db_default='township_station', enum_type=StationKind, max_length=20)),
    ]
