from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete
from talent.people.models import ExperienceKind
from talent.places.models import StationKind
from talent.certification.defaults import correct_catalogue

from talent.core.migration_ops import create_model, foreign_key, foreign_key_field
from talent.core import migration_ops


async def correct_exam_catalogue(apps, schema_editor):
    """Issue 16: the eligibility routes and exam dates of the published notices, each route with its source."""
    await correct_catalogue(lambda name: apps.get_model("models", name))


class Migration(migration_ops.Migration):
    dependencies = [('models', '0009_api_tokens')]

    initial = False

    operations = [
        ops.AlterModelOptions(name='EligibilityRule', options={'table': 'exam_eligibility_rules', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who may sit a level (a route of the exam notice): education × social-work major or not × years of social'}),
        ops.AddField(model_name='EligibilityRule', name='source', field=fields.CharField(default='', db_default='', max_length=255)),
        ops.AddField(model_name='EligibilityRule', name='source_year', field=fields.SmallIntField(null=True)),
        create_model('PriorExperience', app='models', table='prior_experiences', description='Social work a worker did before (or beside) their spells in Talent: at another employer, from, to', fields=[
            foreign_key('worker', 'models.Worker', 'prior_experiences', OnDelete.CASCADE),
            ('employer', fields.CharField(max_length=100)),
            ('start_on', fields.DateField()),
            ('end_on', fields.DateField()),
            ('kind', fields.CharEnumField(default=ExperienceKind.SOCIAL_WORK, description='SOCIAL_WORK: social_work\nCOMMUNITY: community\nSTUDY: study', enum_type=ExperienceKind, max_length=16)),
            ('note', fields.CharField(default='', max_length=255)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
    
        ops.AddField(model_name='Station', name='kind', field=fields.CharEnumField(default=StationKind.TOWNSHIP_STATION, db_index=True, description='COUNTY_CENTRE: county_centre\nTOWNSHIP_STATION: township_station\nVILLAGE_ROOM: village_room', db_default='township_station', enum_type=StationKind, max_length=20)),
        ops.AddField(model_name='Station', name='parent', field=foreign_key_field('parent', 'models.Station', 'rooms', OnDelete.RESTRICT, null=True)),
        # AddField creates the column but not its index: the one generate_schemas makes.
        ops.RunSQL(
            ['CREATE INDEX "idx_stations_kind_truth" ON "stations" ("kind")'],
            reverse_sql=['DROP INDEX "idx_stations_kind_truth"'],
        ),
        ops.AddField(model_name='StationTier', name='major_or_certificate', field=fields.BooleanField(default=False, db_default=False)),
        ops.AddField(model_name='StationTier', name='related_major_accepted', field=fields.BooleanField(default=False, db_default=False)),
        ops.RunPython(correct_exam_catalogue, ops.RunPython.noop),
    ]
