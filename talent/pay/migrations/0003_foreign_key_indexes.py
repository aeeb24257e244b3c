from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import IndexForeignKey

class Migration(migrations.Migration):
    dependencies = [('models', '0012_session_ce_rules'), ('pay', '0002_incentives')]

    initial = False

    operations = [
        IndexForeignKey(
            model_name='ChangeDecision',
            name='salary_record',
            field=fields.ForeignKeyField('pay.SalaryRecord', source_field='salary_record_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='SalaryAllowance',
            name='standard',
            field=fields.ForeignKeyField('pay.SalaryStandard', source_field='standard_id', db_index=True, db_constraint=True, to_field='id', related_name='allowances', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='SalaryStandard',
            name='previous',
            field=fields.ForeignKeyField('pay.SalaryStandard', source_field='previous_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='SalaryStandard',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', db_index=True, db_constraint=True, to_field='id', related_name='pay_standards', on_delete=OnDelete.RESTRICT),
        ),
    ]
