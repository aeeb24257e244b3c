from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talent.certification.models import CertSource, QuestionKind, RegistrationKind
from talent.places.models import CertLevel, Education
from tortoise.fields.base import OnDelete
from tortoise import fields
from talent.certification.defaults import seed_catalogue
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops

async def seed_exam_catalogue(apps, schema_editor):
    """The exam catalogue's defaults (DESIGN §1), through the historical models."""
    await seed_catalogue(lambda name: apps.get_model("models", name))


class Migration(migration_ops.Migration):
    dependencies = [('models', '0002_imports_and_ce_ledger')]

    initial = False

    operations = [
        create_model('EligibilityRule', app='models', table='exam_eligibility_rules', description='Who may sit a level: education × social-work major or not × years of social work by the cut-off', fields=[
            ('level', fields.CharEnumField(db_index=True, description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
            ('min_education', fields.CharEnumField(null=True, description='SECONDARY: secondary\nASSOCIATE: associate\nBACHELOR: bachelor\nMASTER: master\nDOCTORATE: doctorate', enum_type=Education, max_length=16)),
            ('social_work_major', fields.BooleanField(null=True)),
            ('min_years', fields.SmallIntField(default=0)),
            ('requires_level', fields.CharEnumField(null=True, description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
            ('note', fields.CharField(default='', max_length=255)),
        ]),
        create_model('ExamLevel', app='models', table='exam_levels', description='A certificate level with its carry-over window, registration and continuing-education rules.', fields=[
            ('level', fields.CharEnumField(unique=True, description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
            ('carry_over_years', fields.SmallIntField(default=1)),
            ('review_required', fields.BooleanField(default=False)),
            ('review_valid_years', fields.SmallIntField(default=0)),
            ('first_registration_months', fields.SmallIntField(default=12)),
            ('registration_valid_years', fields.SmallIntField(default=3)),
            ('renewal_window_months', fields.SmallIntField(default=3)),
            ('ce_hours_per_period', fields.SmallIntField(default=90)),
            ('position', fields.SmallIntField(default=0)),
        ]),
        create_model('ExamSubject', app='models', table='exam_subjects', description='One paper of the national exam, e.g. A-ZH. pass_mark is the national default line.', fields=[
            ('code', fields.CharField(unique=True, max_length=16)),
            ('level', fields.CharEnumField(db_index=True, description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
            ('name', fields.CharField(max_length=100)),
            ('name_en', fields.CharField(default='', max_length=100)),
            ('minutes', fields.SmallIntField(default=120)),
            ('full_marks', fields.DecimalField(default=100, max_digits=5, decimal_places=1)),
            ('pass_mark', fields.DecimalField(default=60, max_digits=5, decimal_places=1)),
            ('position', fields.SmallIntField(default=0)),
        ]),
        create_model('ExamResult', app='models', table='exam_results', unique_together=(('worker', 'year', 'subject'),), description="A worker's national exam score in one subject and year, and whether it passed the line that applied.", fields=[
            foreign_key('worker', 'models.Worker', 'exam_results', OnDelete.RESTRICT),
            ('year', fields.SmallIntField(db_index=True)),
            foreign_key('subject', 'models.ExamSubject', 'results', OnDelete.RESTRICT),
            ('score', fields.DecimalField(max_digits=5, decimal_places=1)),
            ('pass_mark', fields.DecimalField(max_digits=5, decimal_places=1)),
            ('passed', fields.BooleanField()),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('ExamYear', app='models', table='exam_years', description='One exam sitting: its date and the cut-off date years of social work are counted to.', fields=[
            ('year', fields.SmallIntField(unique=True)),
            ('exam_on', fields.DateField()),
            ('cutoff_on', fields.DateField()),
            ('note', fields.CharField(default='', max_length=255)),
        ]),
        create_model('Notification', app='models', table='notifications', pk=fields.BigIntField, indexes=[Index(fields=['user_id', 'read_at'])], description='An in-app message to one user. `text` is an English msgid translated when shown, with `params`', fields=[
            foreign_key('user', 'models.User', 'notifications', OnDelete.CASCADE),
            ('kind', fields.CharField(max_length=32)),
            ('text', fields.CharField(max_length=255)),
            ('params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ('link', fields.CharField(default='', max_length=255)),
            ('dedupe_key', fields.CharField(unique=True, max_length=191)),
            ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('emailed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ]),
        create_model('PaperSection', app='models', table='exam_paper_sections', unique_together=(('subject', 'kind'),), description="A block of a subject's paper: so many questions of one kind at so many points each.", fields=[
            foreign_key('subject', 'models.ExamSubject', 'sections', OnDelete.CASCADE),
            ('kind', fields.CharEnumField(description='SINGLE: single\nMULTIPLE: multiple\nCASE: case\nPROGRAMME: programme\nESSAY: essay', enum_type=QuestionKind, max_length=16)),
            ('count', fields.SmallIntField()),
            ('points', fields.DecimalField(max_digits=5, decimal_places=1)),
            ('position', fields.SmallIntField(default=0)),
        ]),
        create_model('PassLine', app='models', table='exam_pass_lines', unique_together=(('subject', 'year', 'region'),), description='A pass line for a subject, optionally for one year and/or one region (designated areas are lower).', fields=[
            foreign_key('subject', 'models.ExamSubject', 'pass_lines', OnDelete.CASCADE),
            ('year', fields.SmallIntField(null=True)),
            foreign_key('region', 'models.Region', 'pass_lines', OnDelete.RESTRICT, null=True),
            ('pass_mark', fields.DecimalField(max_digits=5, decimal_places=1)),
            ('note', fields.CharField(default='', max_length=255)),
        ]),
        create_model('Registration', app='models', table='certificate_registrations', description='One registration period of a certificate (first registration or a renewal), kept as history.', fields=[
            foreign_key('certificate', 'models.Certificate', 'registrations', OnDelete.CASCADE),
            ('kind', fields.CharEnumField(description='FIRST: first\nRENEWAL: renewal', enum_type=RegistrationKind, max_length=16)),
            ('registered_on', fields.DateField()),
            ('expires_on', fields.DateField()),
            ('ce_hours', fields.DecimalField(default=0, max_digits=6, decimal_places=1)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        ops.AlterModelOptions(name='Certificate', options={'table': 'certificates', 'app': 'models', 'unique_together': (('worker', 'level'),), 'pk_attr': 'id', 'table_description': 'A national social-work certificate held by a worker, with its current registration.'}),
        ops.AddField(model_name='Certificate', name='exam_year', field=fields.SmallIntField(null=True)),
        ops.AddField(model_name='Certificate', name='registration_expires_on', field=fields.DateField(null=True)),
        ops.AddField(model_name='Certificate', name='source', field=fields.CharEnumField(default=CertSource.RECORDED, description='EXAM: exam\nRECORDED: recorded', enum_type=CertSource, max_length=16)),
        ops.AddConstraint(model_name='Certificate', constraint=UniqueConstraint(fields=('worker', 'level'), name=None)),
        ops.RunPython(seed_exam_catalogue, ops.RunPython.noop),
    ]
