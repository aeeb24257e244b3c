import functools
from courses.examprep.models import AnswerSource, AttemptStatus, Kind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0003_exam_catalogue_results_registrations_notifications')]

    initial = True

    operations = [
        create_model('MockAttempt', app='examprep', table='examprep_attempts', indexes=[Index(fields=['worker_id', 'status']), Index(fields=['worker_id', 'subject', 'started_at'])], description='A timed mock exam. The deadline is kept here, and answers after it are refused.', fields=[
            foreign_key('worker', 'models.Worker', 'examprep_attempts', OnDelete.RESTRICT),
            ('subject', fields.CharField(max_length=16)),
            ('seed', fields.BigIntField()),
            ('status', fields.CharEnumField(default=AttemptStatus.IN_PROGRESS, description='IN_PROGRESS: in_progress\nSUBMITTED: submitted\nEXPIRED: expired', enum_type=AttemptStatus, max_length=16)),
            ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ('deadline_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('structure', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ('full_marks', fields.DecimalField(max_digits=6, decimal_places=1)),
            ('pass_mark', fields.DecimalField(max_digits=6, decimal_places=1)),
            ('score', fields.DecimalField(null=True, max_digits=6, decimal_places=1)),
            ('question_count', fields.IntField(default=0)),
        ]),
        create_model('Question', app='examprep', table='examprep_questions', indexes=[Index(fields=['subject', 'topic'])], description="A question's identity: subject, topic, kind, difficulty. Its text lives in versions.", fields=[
            ('subject', fields.CharField(db_index=True, max_length=16)),
            ('topic', fields.CharField(max_length=100)),
            ('kind', fields.CharEnumField(description='SINGLE: single\nMULTIPLE: multiple\nCASE: case', enum_type=Kind, max_length=16)),
            ('difficulty', fields.SmallIntField(default=2)),
            ('is_active', fields.BooleanField(default=True)),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('version', fields.IntField(default=1)),
            foreign_key('created_by', 'models.User', 'examprep_questions', OnDelete.SET_NULL, null=True),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
        ]),
        create_model('NotebookEntry', app='examprep', table='examprep_notebook', unique_together=(('worker', 'question'),), indexes=[Index(fields=['worker_id', 'due_on'])], description='A question the worker got wrong, scheduled by Leitner boxes (1, 2, 4, 8, 16 days).', fields=[
            foreign_key('worker', 'models.Worker', 'examprep_notebook', OnDelete.RESTRICT),
            foreign_key('question', 'examprep.Question', 'notebook_entries', OnDelete.CASCADE),
            ('box', fields.SmallIntField(default=1)),
            ('due_on', fields.DateField()),
            ('wrong_count', fields.IntField(default=1)),
            ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('QuestionVersion', app='examprep', table='examprep_question_versions', unique_together=(('question', 'number'),), indexes=[Index(fields=['question_id', 'is_current'])], description='One wording of a question. Editing adds a version, and attempts keep pointing at the one they used.', fields=[
            foreign_key('question', 'examprep.Question', 'versions', OnDelete.CASCADE),
            ('number', fields.IntField()),
            ('is_current', fields.BooleanField(default=True)),
            ('stem', fields.TextField(unique=False)),
            ('options', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ('answer', fields.CharField(default='', max_length=8)),
            ('model_answer', fields.TextField(default='', unique=False)),
            ('rubric', fields.TextField(default='', unique=False)),
            ('explanation', fields.TextField(default='', unique=False)),
            ('note', fields.CharField(default='', max_length=255)),
            foreign_key('created_by', 'models.User', 'examprep_versions', OnDelete.SET_NULL, null=True),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('Answer', app='examprep', table='examprep_answers', pk=fields.BigIntField, indexes=[Index(fields=['worker_id', 'answered_at']), Index(fields=['worker_id', 'question_id'])], description='Every answer a worker gives: in practice, in review, and each answered item of a scored mock.', fields=[
            foreign_key('worker', 'models.Worker', 'examprep_answers', OnDelete.RESTRICT),
            foreign_key('question', 'examprep.Question', 'answers', OnDelete.CASCADE),
            foreign_key('version', 'examprep.QuestionVersion', 'answers', OnDelete.CASCADE),
            ('source', fields.CharEnumField(description='PRACTICE: practice\nREVIEW: review\nMOCK: mock', enum_type=AnswerSource, max_length=16)),
            ('response', fields.TextField(default='', unique=False)),
            ('correct', fields.BooleanField(null=True)),
            ('answered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
        ]),
        create_model('AttemptItem', app='examprep', table='examprep_attempt_items', pk=fields.BigIntField, unique_together=(('attempt', 'question'), ('attempt', 'position')), description="One question of an attempt's stored paper, and the taker's saved answer to it.", fields=[
            foreign_key('attempt', 'examprep.MockAttempt', 'items', OnDelete.CASCADE),
            ('position', fields.SmallIntField()),
            foreign_key('question', 'examprep.Question', 'attempt_items', OnDelete.RESTRICT),
            foreign_key('version', 'examprep.QuestionVersion', 'attempt_items', OnDelete.RESTRICT),
            ('kind', fields.CharEnumField(description='SINGLE: single\nMULTIPLE: multiple\nCASE: case', enum_type=Kind, max_length=16)),
            ('points', fields.DecimalField(max_digits=5, decimal_places=1)),
            ('response', fields.TextField(default='', unique=False)),
            ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('awarded', fields.DecimalField(null=True, max_digits=5, decimal_places=1)),
        ]),
    ]
