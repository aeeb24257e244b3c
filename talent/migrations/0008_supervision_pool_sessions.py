from tortoise.migrations import operations as ops
from talent.places.models import CertLevel
from talent.supervision.models import Affiliation, SessionFormat
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import create_model, foreign_key, foreign_key_field
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0007_worker_registration_audit_jurisdictions')]

    initial = False

    operations = [
        create_model('SupervisionSession', app='models', table='supervision_sessions', description='A supervision session held at a station. Its attendees may earn CE hours (`ce_hours` each, 0 for none),', fields=[
            foreign_key('supervisor', 'models.Supervisor', 'sessions', OnDelete.RESTRICT),
            foreign_key('station', 'models.Station', 'supervision_sessions', OnDelete.RESTRICT),
            ('held_on', fields.DateField(db_index=True)),
            ('hours', fields.DecimalField(max_digits=4, decimal_places=1)),
            ('format', fields.CharEnumField(description='INDIVIDUAL: individual\nGROUP: group\nON_SITE: on_site\nREMOTE: remote', enum_type=SessionFormat, max_length=16)),
            ('topics', fields.TextField(default='', unique=False)),
            ('ce_hours', fields.DecimalField(default=0, max_digits=4, decimal_places=1)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('SessionAttendee', app='models', table='supervision_attendees', unique_together=(('session', 'worker'),), fields=[
            foreign_key('session', 'models.SupervisionSession', 'attendees', OnDelete.CASCADE),
            foreign_key('worker', 'models.Worker', 'supervision_attended', OnDelete.RESTRICT),
        ]),
        create_model('SupervisorExpertise', app='models', table='supervisor_expertise', unique_together=(('supervisor', 'tag'),), description='One expertise tag of a supervisor (儿童保护, 社区治理 …): searched and counted as a facet.', fields=[
            foreign_key('supervisor', 'models.Supervisor', 'expertise', OnDelete.CASCADE),
            ('tag', fields.CharField(db_index=True, max_length=32)),
        ]),
        ops.AlterModelOptions(name='Assignment', options={'table': 'supervision_assignments', 'app': 'models', 'pk_attr': 'id', 'table_description': "A supervisor assigned to a station for a period, which is the supervisor's scope. A station has at most one"}),
        ops.AddField(model_name='Assignment', name='is_primary', field=fields.BooleanField(default=True)),
        ops.AddField(model_name='Supervisor', name='active', field=fields.BooleanField(default=True)),
        ops.AddField(model_name='Supervisor', name='affiliation_type', field=fields.CharEnumField(default=Affiliation.ORGANISATION, description='UNIVERSITY: university\nORGANISATION: organisation\nEXTERNAL: external\nLOCAL: local', enum_type=Affiliation, max_length=16)),
        ops.AddField(model_name='Supervisor', name='cert_level', field=fields.CharEnumField(null=True, description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
        ops.AddField(model_name='Supervisor', name='region', field=foreign_key_field('region', 'models.Region', 'supervisors', OnDelete.RESTRICT, null=True)),
    ]
