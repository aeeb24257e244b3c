import functools
from json import dumps, loads
from talent.core.access import Role
from talent.people.models import ExitReason, ExitType, Gender, Source
from talent.places.models import CertLevel, Education, RegionLevel
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    initial = True

    operations = [
        create_model('LoginAttempt', app='models', table='login_attempts', pk=fields.BigIntField, description='Failed sign-ins, counted per account and per address to throttle guessing.', fields=[
            ('username', fields.CharField(db_index=True, max_length=64)),
            ('ip', fields.CharField(db_index=True, max_length=64)),
            ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
        ]),
        create_model('Region', app='models', table='regions', fields=[
            ('code', fields.CharField(unique=True, max_length=12)),
            ('name', fields.CharField(max_length=100)),
            ('level', fields.CharEnumField(description='PROVINCE: province\nCITY: city\nCOUNTY: county\nTOWNSHIP: township', enum_type=RegionLevel, max_length=16)),
            foreign_key('parent', 'models.Region', 'children', OnDelete.RESTRICT, null=True),
            ('path', fields.CharField(unique=True, max_length=255)),
            ('depth', fields.SmallIntField(default=0)),
        ]),
        create_model('Organisation', app='models', table='organisations', fields=[
            ('name', fields.CharField(unique=True, max_length=200)),
            ('credit_code', fields.CharField(default='', max_length=32)),
            ('contact', fields.CharField(default='', max_length=100)),
            ('phone', fields.CharField(default='', max_length=32)),
            foreign_key('region', 'models.Region', 'organisations', OnDelete.RESTRICT, null=True),
        ]),
        create_model('StationTier', app='models', table='station_tiers', unique_together=(('region', 'name'),), description='A programme level with its staffing norms, every norm is data a bureau edits.', fields=[
            ('name', fields.CharField(max_length=100)),
            foreign_key('region', 'models.Region', 'tiers', OnDelete.RESTRICT, null=True),
            ('min_fulltime', fields.SmallIntField(default=1)),
            ('min_certified', fields.SmallIntField(default=0)),
            ('min_level', fields.CharEnumField(null=True, description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
            ('max_age', fields.SmallIntField(null=True)),
            ('min_education', fields.CharEnumField(null=True, description='SECONDARY: secondary\nASSOCIATE: associate\nBACHELOR: bachelor\nMASTER: master\nDOCTORATE: doctorate', enum_type=Education, max_length=16)),
            ('major_required', fields.BooleanField(default=False)),
            ('certificate_required', fields.BooleanField(default=False)),
            ('notes', fields.TextField(default='', unique=False)),
        ]),
        create_model('Station', app='models', table='stations', fields=[
            ('code', fields.CharField(unique=True, max_length=32)),
            ('name', fields.CharField(max_length=200)),
            foreign_key('region', 'models.Region', 'stations', OnDelete.RESTRICT),
            ('region_path', fields.CharField(db_index=True, max_length=255)),
            foreign_key('organisation', 'models.Organisation', 'stations', OnDelete.RESTRICT, null=True),
            foreign_key('tier', 'models.StationTier', 'stations', OnDelete.RESTRICT, null=True),
            ('opened_on', fields.DateField(null=True)),
            ('address', fields.CharField(default='', max_length=255)),
        ]),
        create_model('Worker', app='models', table='workers', fields=[
            ('worker_no', fields.CharField(unique=True, max_length=32)),
            ('name', fields.CharField(db_index=True, max_length=50)),
            ('gender', fields.CharEnumField(null=True, description='FEMALE: female\nMALE: male', enum_type=Gender, max_length=8)),
            ('birth_date', fields.DateField(null=True)),
            ('education', fields.CharEnumField(null=True, description='SECONDARY: secondary\nASSOCIATE: associate\nBACHELOR: bachelor\nMASTER: master\nDOCTORATE: doctorate', enum_type=Education, max_length=16)),
            ('social_work_major', fields.BooleanField(default=False)),
            ('source', fields.CharEnumField(default=Source.OTHER, description='INCUBATED: incubated\nINTRODUCED: introduced\nTRANSFERRED: transferred\nOTHER: other', enum_type=Source, max_length=16)),
            ('phone', fields.CharField(default='', max_length=32)),
            ('id_number', fields.CharField(default='', max_length=18)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('Certificate', app='models', table='certificates', description='A national social-work certificate held by a worker (registry grows in the certification issue).', fields=[
            foreign_key('worker', 'models.Worker', 'certificates', OnDelete.RESTRICT),
            ('level', fields.CharEnumField(description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
            ('number', fields.CharField(unique=True, max_length=64)),
            ('obtained_on', fields.DateField()),
            ('registered_on', fields.DateField(null=True)),
        ]),
        create_model('EmploymentSpell', app='models', table='employment_spells', description='Worker × station. end_on is the last working day, empty while the spell is active.', fields=[
            foreign_key('worker', 'models.Worker', 'spells', OnDelete.RESTRICT),
            foreign_key('station', 'models.Station', 'spells', OnDelete.RESTRICT),
            ('start_on', fields.DateField(db_index=True)),
            ('end_on', fields.DateField(null=True, db_index=True)),
            ('full_time', fields.BooleanField(default=True)),
            ('position', fields.CharField(default='', max_length=64)),
            ('exit_type', fields.CharEnumField(null=True, description='VOLUNTARY: voluntary\nINVOLUNTARY: involuntary\nTRANSFER: transfer\nRETIREMENT: retirement\nOTHER: other', enum_type=ExitType, max_length=16)),
            ('exit_reason', fields.CharEnumField(null=True, description='PAY: pay\nCAREER: career\nFAMILY: family\nSTUDY: study\nWORKLOAD: workload\nCONTRACT_END: contract_end\nDISMISSAL: dismissal\nHEALTH: health\nOTHER: other', enum_type=ExitReason, max_length=16)),
            ('exit_note', fields.CharField(default='', max_length=255)),
        ]),
        create_model('User', app='models', table='users', fields=[
            ('username', fields.CharField(unique=True, max_length=64)),
            ('display_name', fields.CharField(default='', max_length=100)),
            ('password_hash', fields.CharField(max_length=255)),
            ('role', fields.CharEnumField(description='ADMIN: admin\nBUREAU: bureau\nHR: hr\nSUPERVISOR: supervisor\nWORKER: worker', enum_type=Role, max_length=16)),
            foreign_key('region', 'models.Region', 'users', OnDelete.RESTRICT, null=True),
            foreign_key('organisation', 'models.Organisation', 'users', OnDelete.RESTRICT, null=True),
            foreign_key('worker', 'models.Worker', 'users', OnDelete.RESTRICT, null=True),
            ('locale', fields.CharField(null=True, max_length=8)),
            ('is_active', fields.BooleanField(default=True)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('password_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ]),
        create_model('AuditEntry', app='models', table='audit_entries', pk=fields.BigIntField, description='Append-only: written only by talent.audit.services.audit_record, never updated or deleted.', fields=[
            ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            foreign_key('actor', 'models.User', 'audit_entries', OnDelete.SET_NULL, null=True),
            ('actor_name', fields.CharField(default='', max_length=100)),
            ('action', fields.CharField(max_length=32)),
            ('entity', fields.CharField(db_index=True, max_length=32)),
            ('entity_id', fields.CharField(max_length=64)),
            ('summary', fields.CharField(default='', max_length=255)),
            ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('organisation_id', fields.IntField(null=True, db_index=True)),
        ]),
        create_model('Session', app='models', table='sessions', pk=None, description='A server-side login session: the cookie holds a random token whose SHA-256 is the key.', fields=[
            ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
            foreign_key('user', 'models.User', 'sessions', OnDelete.CASCADE),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ('ip', fields.CharField(default='', max_length=64)),
            ('user_agent', fields.CharField(default='', max_length=255)),
            ('flashes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
        ]),
        create_model('Supervisor', app='models', table='supervisors', description='A member of the training-and-supervision expert pool (督导).', fields=[
            ('user', fields.OneToOneField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='supervisor', on_delete=OnDelete.SET_NULL)),
            ('name', fields.CharField(max_length=50)),
            ('affiliation', fields.CharField(default='', max_length=200)),
            ('level', fields.CharField(default='', max_length=32)),
            ('bio', fields.TextField(default='', unique=False)),
        ]),
        create_model('Assignment', app='models', table='supervision_assignments', description="A supervisor assigned to a station for a period, which is the supervisor's scope.", fields=[
            foreign_key('supervisor', 'models.Supervisor', 'assignments', OnDelete.CASCADE),
            foreign_key('station', 'models.Station', 'assignments', OnDelete.RESTRICT),
            ('start_on', fields.DateField()),
            ('end_on', fields.DateField(null=True)),
        ]),
    ]
