"""Question bank (with versions), answers, the wrong-question notebook, and mock-exam attempts.

A mock attempt stores its paper as one item row per question (the version used included), so the same attempt
always shows the same paper, and the item row is also where the taker's answer is saved.
"""

from datetime import datetime
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_


class Kind(Coded):
    """A question's kind in the bank. A paper's programme-design and essay sections draw on the cases."""

    SINGLE = "single", N_("Single choice")
    MULTIPLE = "multiple", N_("Multiple choice")
    CASE = "case", N_("Case analysis")


class AnswerSource(StrEnum):
    PRACTICE = "practice"
    REVIEW = "review"
    MOCK = "mock"


class AttemptStatus(Coded):
    IN_PROGRESS = "in_progress", N_("In progress")
    SUBMITTED = "submitted", N_("Handed in")
    EXPIRED = "expired", N_("Time ran out")


class Question(Model):
    """A question's identity: subject, topic, kind, difficulty. Its text lives in versions."""

    id = fields.IntField(primary_key=True)
    subject = fields.CharField(max_length=16, db_index=True)
    topic = fields.CharField(max_length=100)
    kind = fields.CharEnumField(Kind, max_length=16)
    difficulty = fields.SmallIntField(default=2)  # 1 easy, 2 medium, 3 hard
    is_active = fields.BooleanField(default=True)
    # The authoring bureau's region path ('' for the national bank), which decides who may edit it.
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    version = fields.IntField(default=1)  # number of the current version
    created_by = fields.ForeignKeyField(
        "models.User", null=True, related_name="examprep_questions", on_delete=fields.SET_NULL, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "examprep_questions"
        ordering = ["subject", "topic", "id"]
        indexes = (("subject", "topic"),)


class QuestionVersion(Model):
    """One wording of a question. Editing adds a version, and attempts keep pointing at the one they used."""

    id = fields.IntField(primary_key=True)
    question = fields.ForeignKeyField("examprep.Question", related_name="versions", on_delete=fields.CASCADE)
    number = fields.IntField()
    is_current = fields.BooleanField(default=True)
    stem = fields.TextField()
    options = fields.JSONField(default=list)  # option texts, A first
    answer = fields.CharField(max_length=8, default="")  # correct letters, e.g. 'B' or 'ACD'; '' for a case
    model_answer = fields.TextField(default="")
    rubric = fields.TextField(default="")
    explanation = fields.TextField(default="")
    note = fields.CharField(max_length=255, default="")  # the change note
    created_by = fields.ForeignKeyField(
        "models.User", null=True, related_name="examprep_versions", on_delete=fields.SET_NULL, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "examprep_question_versions"
        ordering = ["question_id", "-number"]
        unique_together = (("question", "number"),)
        indexes = (("question_id", "is_current"),)


class Answer(Model):
    """Every answer a worker gives: in practice, in review, and each answered item of a scored mock."""

    id = fields.BigIntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="examprep_answers", on_delete=fields.RESTRICT)
    question = fields.ForeignKeyField(
        "examprep.Question", related_name="answers", on_delete=fields.CASCADE, db_index=True
    )
    version = fields.ForeignKeyField(
        "examprep.QuestionVersion", related_name="answers", on_delete=fields.CASCADE, db_index=True
    )
    source = fields.CharEnumField(AnswerSource, max_length=16)
    response = fields.TextField(default="")  # chosen letters, or a case answer's text
    correct = fields.BooleanField(null=True)  # empty while a case answer is not yet self-marked
    answered_at = fields.DatetimeField()

    class Meta:
        table = "examprep_answers"
        ordering = ["-answered_at", "-id"]
        indexes = (("worker_id", "answered_at"), ("worker_id", "question_id"))


class NotebookEntry(Model):
    """A question the worker got wrong, scheduled by Leitner boxes (1, 2, 4, 8, 16 days)."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="examprep_notebook", on_delete=fields.RESTRICT)
    question = fields.ForeignKeyField(
        "examprep.Question", related_name="notebook_entries", on_delete=fields.CASCADE, db_index=True
    )
    box = fields.SmallIntField(default=1)
    due_on = fields.DateField()
    wrong_count = fields.IntField(default=1)
    reviewed_at = fields.DatetimeField(null=True)
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "examprep_notebook"
        ordering = ["due_on", "box", "id"]
        unique_together = (("worker", "question"),)
        indexes = (("worker_id", "due_on"),)


class MockAttempt(Model):
    """A timed mock exam. The deadline is kept here, and answers after it are refused."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="examprep_attempts", on_delete=fields.RESTRICT)
    subject = fields.CharField(max_length=16)
    seed = fields.BigIntField()
    status = fields.CharEnumField(AttemptStatus, max_length=16, default=AttemptStatus.IN_PROGRESS)
    started_at = fields.DatetimeField()
    deadline_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    # The paper structure it was assembled to (sections of kind × count × points, minutes, pass mark).
    structure = fields.JSONField(default=dict)
    full_marks = fields.DecimalField(max_digits=6, decimal_places=1)
    pass_mark = fields.DecimalField(max_digits=6, decimal_places=1)
    score = fields.DecimalField(max_digits=6, decimal_places=1, null=True)
    question_count = fields.IntField(default=0)

    class Meta:
        table = "examprep_attempts"
        ordering = ["-started_at", "-id"]
        indexes = (("worker_id", "status"), ("worker_id", "subject", "started_at"))

    def status_at(self, now: datetime) -> AttemptStatus:
        """The status as of `now`: an attempt still in progress at its deadline has run out of time, though it is
        stored (and scored) as expired only by the next write (services.mock_expire_overdue); reads never write."""
        if self.status == AttemptStatus.IN_PROGRESS and self.deadline_at <= now:
            return AttemptStatus.EXPIRED
        return self.status


class AttemptItem(Model):
    """One question of an attempt's stored paper, and the taker's saved answer to it."""

    id = fields.BigIntField(primary_key=True)
    attempt = fields.ForeignKeyField("examprep.MockAttempt", related_name="items", on_delete=fields.CASCADE)
    position = fields.SmallIntField()
    question = fields.ForeignKeyField(
        "examprep.Question", related_name="attempt_items", on_delete=fields.RESTRICT, db_index=True
    )
    version = fields.ForeignKeyField(
        "examprep.QuestionVersion", related_name="attempt_items", on_delete=fields.RESTRICT, db_index=True
    )
    kind = fields.CharEnumField(Kind, max_length=16)
    points = fields.DecimalField(max_digits=5, decimal_places=1)
    response = fields.TextField(default="")
    answered_at = fields.DatetimeField(null=True)
    awarded = fields.DecimalField(max_digits=5, decimal_places=1, null=True)  # auto-marked, empty for a case
    # A case answer's mark, given by the worker against the model answer and rubric after hand-in.
    self_score = fields.DecimalField(max_digits=5, decimal_places=1, null=True)

    class Meta:
        table = "examprep_attempt_items"
        ordering = ["attempt_id", "position"]
        unique_together = (("attempt", "question"), ("attempt", "position"))
