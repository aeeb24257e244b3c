from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import IndexForeignKey

class Migration(migrations.Migration):
    dependencies = [('examprep', '0002_self_marking'), ('models', '0011_foreign_key_indexes')]

    initial = False

    operations = [
        IndexForeignKey(
            model_name='Answer',
            name='question',
            field=fields.ForeignKeyField('examprep.Question', source_field='question_id', db_index=True, db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Answer',
            name='version',
            field=fields.ForeignKeyField('examprep.QuestionVersion', source_field='version_id', db_index=True, db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='AttemptItem',
            name='question',
            field=fields.ForeignKeyField('examprep.Question', source_field='question_id', db_index=True, db_constraint=True, to_field='id', related_name='attempt_items', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='AttemptItem',
            name='version',
            field=fields.ForeignKeyField('examprep.QuestionVersion', source_field='version_id', db_index=True, db_constraint=True, to_field='id', related_name='attempt_items', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='NotebookEntry',
            name='question',
            field=fields.ForeignKeyField('examprep.Question', source_field='question_id', db_index=True, db_constraint=True, to_field='id', related_name='notebook_entries', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Question',
            name='created_by',
            field=fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='examprep_questions', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='QuestionVersion',
            name='created_by',
            field=fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='examprep_versions', on_delete=OnDelete.SET_NULL),
        ),
    ]
