from tortoise.migrations import operations as ops
from talent.certification.models import CeSource
from tortoise.fields.base import OnDelete
from tortoise import fields
from talent.certification.defaults import seed_ce_rules

from talent.core.migration_ops import DescribeField, create_model, foreign_key
from talent.core import migration_ops


async def seed_national_ce_rules(apps, schema_editor):
    """Issue 16 item 6: what counts toward CE, and how much, becomes data. Seeds one national rule per kind of credit
    from 《社会工作者继续教育办法》（民发〔2009〕123号，2009-09-07）: training at its actual hours (no cap), a social-work
    degree 90 hours (一次性记90小时), supervision as training, publications and public subjects not counted nationally;
    and the yearly rule of 《专业技术人员继续教育规定》（人社部令第25号）: 90 学时 a year, 60 of them professional (⅔),
    seeded off (a region switches it on). Values and wording: talent.certification.rules."""
    await seed_ce_rules(lambda name: apps.get_model("models", name))


class Migration(migration_ops.Migration):
    dependencies = [('models', '0013_tier_station_kind')]

    initial = False

    operations = [
        create_model('CeCreditRule', app='models', table='ce_credit_rules', unique_together=(('region_path', 'kind', 'effective_from'),), description="How much of one kind of CE credit (CeSource) counts toward a registration period's required hours in a region", fields=[
            foreign_key('region', 'models.Region', 'ce_credit_rules', OnDelete.RESTRICT, null=True, db_index=True),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('kind', fields.CharEnumField(description='COURSE: course\nSUPERVISION: supervision\nEXTERNAL: external\nDEGREE: degree\nPUBLICATION: publication\nPUBLIC: public\nOTHER: other', enum_type=CeSource, max_length=16)),
            ('effective_from', fields.DateField()),
            ('max_hours', fields.DecimalField(null=True, max_digits=6, decimal_places=1)),
            ('source', fields.TextField(unique=False)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('CeYearlyRule', app='models', table='ce_yearly_rules', unique_together=(('region_path', 'effective_from'),), description="Whether a region also holds its certified workers to the professional-technical staff's yearly CE", fields=[
            foreign_key('region', 'models.Region', 'ce_yearly_rules', OnDelete.RESTRICT, null=True, db_index=True),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('effective_from', fields.DateField()),
            ('applies', fields.BooleanField(default=True)),
            ('yearly_hours', fields.DecimalField(default=90, max_digits=5, decimal_places=1)),
            ('professional_hours', fields.DecimalField(default=60, max_digits=5, decimal_places=1)),
            ('source', fields.TextField(unique=False)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        # Two kinds added to CeSource (publication, public): the varchar column is unchanged.
        DescribeField(model_name='CeCredit', name='source', field=fields.CharEnumField(description='COURSE: course\nSUPERVISION: supervision\nEXTERNAL: external\nDEGREE: degree\nPUBLICATION: publication\nPUBLIC: public\nOTHER: other', enum_type=CeSource, max_length=16)),
        ops.RunPython(seed_national_ce_rules, ops.RunPython.noop),
    ]
