from tortoise.fields.base import OnDelete

from talent.core.migration_ops import index_foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0010_domain_truth')]

    initial = False

    operations = [
        index_foreign_key('ApiToken', 'user', 'models.User', 'api_tokens', OnDelete.CASCADE),
        index_foreign_key('Assignment', 'station', 'models.Station', 'assignments', OnDelete.RESTRICT),
        index_foreign_key('Assignment', 'supervisor', 'models.Supervisor', 'assignments', OnDelete.CASCADE),
        index_foreign_key('AuditEntry', 'actor', 'models.User', 'audit_entries', OnDelete.SET_NULL, null=True),
        index_foreign_key('AuditJurisdiction', 'entry', 'models.AuditEntry', 'jurisdictions', OnDelete.CASCADE),
        index_foreign_key('EmploymentSpell', 'station', 'models.Station', 'spells', OnDelete.RESTRICT),
        index_foreign_key('EmploymentSpell', 'worker', 'models.Worker', 'spells', OnDelete.RESTRICT),
        index_foreign_key('ExamResult', 'subject', 'models.ExamSubject', 'results', OnDelete.RESTRICT),
        index_foreign_key('ImportJob', 'user', 'models.User', 'import_jobs', OnDelete.CASCADE),
        index_foreign_key('Organisation', 'region', 'models.Region', 'organisations', OnDelete.RESTRICT, null=True),
        index_foreign_key('PassLine', 'region', 'models.Region', 'pass_lines', OnDelete.RESTRICT, null=True),
        index_foreign_key('PriorExperience', 'worker', 'models.Worker', 'prior_experiences', OnDelete.CASCADE),
        index_foreign_key('Region', 'parent', 'models.Region', 'children', OnDelete.RESTRICT, null=True),
        index_foreign_key('Registration', 'certificate', 'models.Certificate', 'registrations', OnDelete.CASCADE),
        index_foreign_key('Session', 'user', 'models.User', 'sessions', OnDelete.CASCADE),
        index_foreign_key('SessionAttendee', 'worker', 'models.Worker', 'supervision_attended', OnDelete.RESTRICT),
        index_foreign_key('Station', 'organisation', 'models.Organisation', 'stations', OnDelete.RESTRICT, null=True),
        index_foreign_key('Station', 'parent', 'models.Station', 'rooms', OnDelete.RESTRICT, null=True),
        index_foreign_key('Station', 'region', 'models.Region', 'stations', OnDelete.RESTRICT),
        index_foreign_key('Station', 'tier', 'models.StationTier', 'stations', OnDelete.RESTRICT, null=True),
        index_foreign_key('SupervisionSession', 'station', 'models.Station', 'supervision_sessions', OnDelete.RESTRICT),
        index_foreign_key('SupervisionSession', 'supervisor', 'models.Supervisor', 'sessions', OnDelete.RESTRICT),
        index_foreign_key('Supervisor', 'region', 'models.Region', 'supervisors', OnDelete.RESTRICT, null=True),
        index_foreign_key('User', 'organisation', 'models.Organisation', 'users', OnDelete.RESTRICT, null=True),
        index_foreign_key('User', 'region', 'models.Region', 'users', OnDelete.RESTRICT, null=True),
        index_foreign_key('User', 'worker', 'models.Worker', 'users', OnDelete.RESTRICT, null=True),
    ]
