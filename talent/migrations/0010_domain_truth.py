from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from talent.certification.defaults import correct_catalogue


async def correct_exam_catalogue(apps, schema_editor):
    """Issue 16: the eligibility routes and exam dates of the published notices, each route with its source."""
    await correct_catalogue(lambda name: apps.get_model("models", name))


class Migration(migrations.Migration):
    dependencies = [('models', '0007_worker_registration_audit_jurisdictions')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='EligibilityRule',
            options={'table': 'exam_eligibility_rules', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who may sit a level (a route of the exam notice): education × social-work major or not × years of social'},
        ),
        ops.AddField(
            model_name='EligibilityRule',
            name='source',
            field=fields.CharField(default='', db_default='', max_length=255),
        ),
        ops.AddField(
            model_name='EligibilityRule',
            name='source_year',
            field=fields.SmallIntField(null=True),
        ),
        ops.RunPython(correct_exam_catalogue, ops.RunPython.noop),
    ]
