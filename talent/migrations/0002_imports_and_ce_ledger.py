import functools
from json import dumps, loads
from talent.certification.models import CeSource
from talent.imports.models import ImportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        create_model('CeCredit', app='models', table='ce_credits', unique_together=(('worker', 'source_ref'),), description='The continuing-education ledger: one row per credited hour block, with where it came from.', fields=[
            foreign_key('worker', 'models.Worker', 'ce_credits', OnDelete.RESTRICT),
            ('hours', fields.DecimalField(max_digits=6, decimal_places=1)),
            ('source', fields.CharEnumField(description='COURSE: course\nSUPERVISION: supervision\nEXTERNAL: external\nDEGREE: degree\nOTHER: other', enum_type=CeSource, max_length=16)),
            ('source_ref', fields.CharField(null=True, max_length=64)),
            ('earned_on', fields.DateField(db_index=True)),
            ('note', fields.CharField(default='', max_length=255)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('ImportJob', app='models', table='import_jobs', description='One uploaded spreadsheet and what became of it: kept in the database so a user can leave and come back.', fields=[
            ('kind', fields.CharField(max_length=32)),
            foreign_key('user', 'models.User', 'import_jobs', OnDelete.CASCADE),
            ('file_name', fields.CharField(max_length=255)),
            ('file_sha256', fields.CharField(max_length=64)),
            ('file_size', fields.BigIntField(default=0)),
            ('status', fields.CharEnumField(default=ImportStatus.UPLOADED, description='UPLOADED: uploaded\nCHECKING: checking\nINVALID: invalid\nVALID: valid\nIMPORTING: importing\nDONE: done\nFAILED: failed', enum_type=ImportStatus, max_length=16)),
            ('rows_total', fields.IntField(default=0)),
            ('rows_done', fields.IntField(default=0)),
            ('report', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ]),
    ]
