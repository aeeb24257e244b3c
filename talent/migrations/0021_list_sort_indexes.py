from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from talent.core import migration_ops

# Issue 11: the sorts and filters that the account, region, station and audit lists offer, each led by its column(s)
# and ended by the id that breaks ties, so a page is read in order from an index instead of sorting the whole table.

class Migration(migration_ops.Migration):
    dependencies = [('models', '0020_ce_credit_hours_index')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['action', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['actor_name', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['entity', 'entity_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Region',
            index=Index(fields=['name', 'id']),
        ),
        ops.AddIndex(
            model_name='Region',
            index=Index(fields=['depth', 'id']),
        ),
        ops.AddIndex(
            model_name='Station',
            index=Index(fields=['name', 'id']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['role', 'username']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['role', 'id']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['display_name', 'id']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['last_login_at', 'id']),
        ),
    ]
