"""Classroom sessions of a course and who attended them."""

from tortoise import fields
from tortoise.models import Model


class ClassSession(Model):
    id = fields.IntField(primary_key=True)
    course = fields.ForeignKeyField("courses.Course", related_name="sessions", on_delete=fields.CASCADE, db_index=True)
    title = fields.CharField(max_length=200, default="")
    starts_at = fields.DatetimeField(db_index=True)
    minutes = fields.IntField(default=120)
    place = fields.CharField(max_length=255, default="")
    trainer = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_sessions"
        app = "courses"
        ordering = ["starts_at", "id"]


class Attendance(Model):
    """A row means the learner was present (absence is the lack of a row)."""

    id = fields.IntField(primary_key=True)
    session = fields.ForeignKeyField("courses.ClassSession", related_name="attendance", on_delete=fields.CASCADE)
    enrolment = fields.ForeignKeyField(
        "courses.Enrolment", related_name="attendance", on_delete=fields.CASCADE, db_index=True
    )
    marked_by = fields.ForeignKeyField(
        "models.User", null=True, related_name="attendance_marked", on_delete=fields.SET_NULL, db_index=True
    )
    marked_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_attendance"
        app = "courses"
        unique_together = (("session", "enrolment"),)
