from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import IndexForeignKey

class Migration(migrations.Migration):
    dependencies = [('models', '0010_domain_truth')]

    initial = False

    operations = [
        IndexForeignKey(
            model_name='ApiToken',
            name='user',
            field=fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Assignment',
            name='station',
            field=fields.ForeignKeyField('models.Station', source_field='station_id', db_index=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Assignment',
            name='supervisor',
            field=fields.ForeignKeyField('models.Supervisor', source_field='supervisor_id', db_index=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='AuditEntry',
            name='actor',
            field=fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='AuditJurisdiction',
            name='entry',
            field=fields.ForeignKeyField('models.AuditEntry', source_field='entry_id', db_index=True, db_constraint=True, to_field='id', related_name='jurisdictions', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='EmploymentSpell',
            name='station',
            field=fields.ForeignKeyField('models.Station', source_field='station_id', db_index=True, db_constraint=True, to_field='id', related_name='spells', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='EmploymentSpell',
            name='worker',
            field=fields.ForeignKeyField('models.Worker', source_field='worker_id', db_index=True, db_constraint=True, to_field='id', related_name='spells', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='ExamResult',
            name='subject',
            field=fields.ForeignKeyField('models.ExamSubject', source_field='subject_id', db_index=True, db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='ImportJob',
            name='user',
            field=fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='import_jobs', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Organisation',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='organisations', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='PassLine',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='pass_lines', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='PriorExperience',
            name='worker',
            field=fields.ForeignKeyField('models.Worker', source_field='worker_id', db_index=True, db_constraint=True, to_field='id', related_name='prior_experiences', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Region',
            name='parent',
            field=fields.ForeignKeyField('models.Region', source_field='parent_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Registration',
            name='certificate',
            field=fields.ForeignKeyField('models.Certificate', source_field='certificate_id', db_index=True, db_constraint=True, to_field='id', related_name='registrations', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Session',
            name='user',
            field=fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='SessionAttendee',
            name='worker',
            field=fields.ForeignKeyField('models.Worker', source_field='worker_id', db_index=True, db_constraint=True, to_field='id', related_name='supervision_attended', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Station',
            name='organisation',
            field=fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='stations', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Station',
            name='parent',
            field=fields.ForeignKeyField('models.Station', source_field='parent_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='rooms', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Station',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', db_index=True, db_constraint=True, to_field='id', related_name='stations', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Station',
            name='tier',
            field=fields.ForeignKeyField('models.StationTier', source_field='tier_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='stations', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='SupervisionSession',
            name='station',
            field=fields.ForeignKeyField('models.Station', source_field='station_id', db_index=True, db_constraint=True, to_field='id', related_name='supervision_sessions', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='SupervisionSession',
            name='supervisor',
            field=fields.ForeignKeyField('models.Supervisor', source_field='supervisor_id', db_index=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Supervisor',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='supervisors', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='User',
            name='organisation',
            field=fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='User',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='User',
            name='worker',
            field=fields.ForeignKeyField('models.Worker', source_field='worker_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.RESTRICT),
        ),
    ]
