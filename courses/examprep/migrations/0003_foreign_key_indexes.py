from tortoise.fields.base import OnDelete

from talent.core.migration_ops import index_foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('examprep', '0002_self_marking'), ('models', '0011_foreign_key_indexes')]

    initial = False

    operations = [
        index_foreign_key('Answer', 'question', 'examprep.Question', 'answers', OnDelete.CASCADE),
        index_foreign_key('Answer', 'version', 'examprep.QuestionVersion', 'answers', OnDelete.CASCADE),
        index_foreign_key('AttemptItem', 'question', 'examprep.Question', 'attempt_items', OnDelete.RESTRICT),
        index_foreign_key('AttemptItem', 'version', 'examprep.QuestionVersion', 'attempt_items', OnDelete.RESTRICT),
        index_foreign_key('NotebookEntry', 'question', 'examprep.Question', 'notebook_entries', OnDelete.CASCADE),
        index_foreign_key('Question', 'created_by', 'models.User', 'examprep_questions', OnDelete.SET_NULL, null=True),
        index_foreign_key('QuestionVersion', 'created_by', 'models.User', 'examprep_versions', OnDelete.SET_NULL, null=True),
    ]
