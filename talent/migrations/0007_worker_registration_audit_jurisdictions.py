from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_import_job_touched_at')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditJurisdiction',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.ForeignKeyField('models.AuditEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='jurisdictions', on_delete=OnDelete.CASCADE)),
                ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
                ('organisation_id', fields.IntField(null=True, db_index=True)),
            ],
            options={'table': 'audit_jurisdictions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A further jurisdiction an entry is filed under. A change that touches records of several jurisdictions'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Worker',
            name='registered_organisation',
            field=fields.ForeignKeyField('models.Organisation', source_field='registered_organisation_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='registered_workers', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Worker',
            name='registered_region_path',
            field=fields.CharField(default='', db_index=True, db_default='', max_length=255),
        ),
        # AddField creates the columns but not their indexes: the same ones generate_schemas makes.
        ops.RunSQL(
            [
                'CREATE INDEX "idx_workers_registe_d10a8a" ON "workers" ("registered_region_path")',
                'CREATE INDEX "idx_workers_registe_b58d30" ON "workers" ("registered_organisation_id")',
            ],
            reverse_sql=[
                'DROP INDEX "idx_workers_registe_d10a8a"',
                'DROP INDEX "idx_workers_registe_b58d30"',
            ],
        ),
    ]
