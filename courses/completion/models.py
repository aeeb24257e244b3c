"""Completion certificates: one per completed enrolment, verifiable in public by an unguessable code."""

from tortoise import fields
from tortoise.models import Model


class CompletionCertificate(Model):
    id = fields.IntField(primary_key=True)
    enrolment = fields.OneToOneField("courses.Enrolment", related_name="certificate", on_delete=fields.RESTRICT)
    worker = fields.ForeignKeyField(
        "models.Worker", related_name="course_certificates", on_delete=fields.RESTRICT, db_index=True
    )
    course = fields.ForeignKeyField(
        "courses.Course", related_name="certificates", on_delete=fields.RESTRICT, db_index=True
    )
    code = fields.CharField(max_length=64, unique=True)
    hours = fields.DecimalField(max_digits=5, decimal_places=1)
    issued_on = fields.DateField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=255, default="")

    class Meta:
        table = "course_certificates"
        app = "courses"
        ordering = ["-issued_on", "-id"]

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
