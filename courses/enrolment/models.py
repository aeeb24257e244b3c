"""Enrolments (one row per course × worker) and lesson progress."""

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_


class EnrolmentStatus(Coded):
    ENROLLED = "enrolled", N_("Enrolled")
    WAITLISTED = "waitlisted", N_("Waitlisted")
    WITHDRAWN = "withdrawn", N_("Withdrawn")
    COMPLETED = "completed", N_("Completed")


# Statuses that hold a seat.
SEATED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


class Enrolment(Model):
    id = fields.IntField(primary_key=True)
    course = fields.ForeignKeyField("courses.Course", related_name="enrolments", on_delete=fields.CASCADE)
    worker = fields.ForeignKeyField(
        "models.Worker", related_name="enrolments", on_delete=fields.RESTRICT, db_index=True
    )
    status = fields.CharEnumField(EnrolmentStatus, max_length=16, db_index=True)
    # Place on the waitlist (1 = next to be promoted); empty unless waitlisted.
    position = fields.IntField(null=True)
    enrolled_by = fields.ForeignKeyField(
        "models.User", null=True, related_name="enrolments_made", on_delete=fields.SET_NULL, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    enrolled_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    # "Continue where you left off".
    last_lesson = fields.ForeignKeyField(
        "courses.Lesson", null=True, related_name="last_seen_by", on_delete=fields.SET_NULL, db_index=True
    )

    class Meta:
        table = "course_enrolments"
        app = "courses"
        ordering = ["id"]
        unique_together = (("course", "worker"),)


class LessonProgress(Model):
    id = fields.IntField(primary_key=True)
    enrolment = fields.ForeignKeyField("courses.Enrolment", related_name="progress", on_delete=fields.CASCADE)
    lesson = fields.ForeignKeyField("courses.Lesson", related_name="progress", on_delete=fields.CASCADE, db_index=True)
    done_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_lesson_progress"
        app = "courses"
        unique_together = (("enrolment", "lesson"),)
