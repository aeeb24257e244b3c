from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0008_supervision_pool_sessions')]

    initial = False

    operations = [
        create_model('ApiToken', app='models', table='api_tokens', description='A personal API token: read-only access to the JSON API (GET /api/v1/…) as its owner, scoped like them.', fields=[
            foreign_key('user', 'models.User', 'api_tokens', OnDelete.CASCADE),
            ('name', fields.CharField(max_length=100)),
            ('token_hash', fields.CharField(unique=True, max_length=64)),
            ('prefix', fields.CharField(max_length=12)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ]),
    ]
