from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import IndexForeignKey

class Migration(migrations.Migration):
    dependencies = [('cohorts', '0001_initial'), ('models', '0011_foreign_key_indexes')]

    initial = False

    operations = [
        IndexForeignKey(
            model_name='Cohort',
            name='organisation',
            field=fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='cohorts', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Cohort',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', db_index=True, db_constraint=True, to_field='id', related_name='cohorts', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='CohortMember',
            name='mentor',
            field=fields.ForeignKeyField('models.Supervisor', source_field='mentor_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='mentees', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='CohortMember',
            name='worker',
            field=fields.ForeignKeyField('models.Worker', source_field='worker_id', db_index=True, db_constraint=True, to_field='id', related_name='cohort_memberships', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Milestone',
            name='cohort',
            field=fields.ForeignKeyField('cohorts.Cohort', source_field='cohort_id', db_index=True, db_constraint=True, to_field='id', related_name='milestones', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Milestone',
            name='subject',
            field=fields.ForeignKeyField('models.ExamSubject', source_field='subject_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='milestones', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='MilestoneMark',
            name='member',
            field=fields.ForeignKeyField('cohorts.CohortMember', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='marks', on_delete=OnDelete.CASCADE),
        ),
    ]
