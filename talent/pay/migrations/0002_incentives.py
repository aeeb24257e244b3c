from talent.pay.models import ChangeReason, Grade, Outcome
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0010_domain_truth'), ('pay', '0001_pay_initial')]

    initial = False

    operations = [
        create_model('Assessment', app='pay', table='pay_assessments', unique_together=(('worker', 'year'),), indexes=[Index(fields=['year', 'grade'])], description="A worker's yearly assessment, recorded by HR: one per worker per year.", fields=[
            foreign_key('worker', 'models.Worker', 'pay_assessments', OnDelete.RESTRICT),
            ('year', fields.SmallIntField()),
            ('grade', fields.CharEnumField(description='EXCELLENT: excellent\nCOMPETENT: competent\nBASICALLY_COMPETENT: basically_competent\nINCOMPETENT: incompetent', enum_type=Grade, max_length=24)),
            ('note', fields.CharField(default='', max_length=255)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('ChangeDecision', app='pay', table='pay_change_decisions', unique_together=(('worker', 'reason', 'key'),), description="HR's decision on one reason of a proposed pay change: the certificate level reached (`key` the level), the", fields=[
            foreign_key('worker', 'models.Worker', 'pay_decisions', OnDelete.CASCADE),
            ('reason', fields.CharEnumField(description='CERTIFICATE: certificate\nASSESSMENT: assessment\nUPLIFT: uplift', enum_type=ChangeReason, max_length=16)),
            ('key', fields.CharField(max_length=32)),
            ('outcome', fields.CharEnumField(description='ACCEPTED: accepted\nDISMISSED: dismissed', enum_type=Outcome, max_length=16)),
            foreign_key('salary_record', 'pay.SalaryRecord', 'decisions', OnDelete.SET_NULL, null=True),
            ('decided_on', fields.DateField()),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('PerformanceStep', app='pay', table='pay_performance_steps', unique_together=(('standard', 'grade'),), description="A standard's performance step: the monthly raise of base pay a worker earns by a yearly assessment of", fields=[
            foreign_key('standard', 'pay.SalaryStandard', 'steps', OnDelete.CASCADE),
            ('grade', fields.CharEnumField(description='EXCELLENT: excellent\nCOMPETENT: competent\nBASICALLY_COMPETENT: basically_competent\nINCOMPETENT: incompetent', enum_type=Grade, max_length=24)),
            ('amount', fields.DecimalField(max_digits=12, decimal_places=2)),
        ]),
    ]
