from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import create_model, foreign_key, foreign_key_field
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0006_import_job_touched_at')]

    initial = False

    operations = [
        create_model('AuditJurisdiction', app='models', table='audit_jurisdictions', pk=fields.BigIntField, description='A further jurisdiction an entry is filed under. A change that touches records of several jurisdictions', fields=[
            foreign_key('entry', 'models.AuditEntry', 'jurisdictions', OnDelete.CASCADE),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('organisation_id', fields.IntField(null=True, db_index=True)),
        ]),
        ops.AddField(model_name='Worker', name='registered_organisation', field=foreign_key_field('registered_organisation', 'models.Organisation', 'registered_workers', OnDelete.SET_NULL, null=True, db_index=True)),
        ops.AddField(model_name='Worker', name='registered_region_path', field=fields.CharField(default='', db_index=True, db_default='', max_length=255)),
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
