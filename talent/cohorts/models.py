"""Incubation cohorts (DESIGN §1 "Cohorts and supervision"): internal incubation and external introduction
programmes, their members with a mentor each, their goals and milestones.

Its own Tortoise app ("cohorts", talent/cohorts/migrations); foreign keys into the platform read "models.X".
A milestone's progress is computed from the real records (course enrolments, exam results, the CE ledger); only a
custom milestone is ticked off by hand (MilestoneMark)."""

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_


class CohortKind(Coded):
    INTERNAL = "internal_incubation", N_("Internal incubation")
    EXTERNAL = "external_introduction", N_("External introduction")


class MilestoneKind(Coded):
    COURSE = "course", N_("Course completed")
    SUBJECT = "subject", N_("Exam subject passed")
    CE_HOURS = "ce_hours", N_("CE hours reached")
    CUSTOM = "custom", N_("Custom (ticked off)")


class Cohort(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(CohortKind, max_length=32, db_index=True)
    region = fields.ForeignKeyField("models.Region", related_name="cohorts", on_delete=fields.RESTRICT, db_index=True)
    # The region's path, copied: a bureau's cohorts are one prefix match.
    region_path = fields.CharField(max_length=255, db_index=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", null=True, related_name="cohorts", on_delete=fields.RESTRICT, db_index=True
    )
    start_on = fields.DateField()
    end_on = fields.DateField()
    # Goals: a certification rate (a fraction, 0.6), CE hours per member, a 12-month retention (a fraction).
    goal_cert_rate = fields.DecimalField(max_digits=4, decimal_places=3, null=True)
    goal_ce_hours = fields.DecimalField(max_digits=6, decimal_places=1, null=True)
    goal_retention = fields.DecimalField(max_digits=4, decimal_places=3, null=True)
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cohorts"
        app = "cohorts"


class CohortMember(Model):
    id = fields.IntField(primary_key=True)
    cohort = fields.ForeignKeyField("cohorts.Cohort", related_name="members", on_delete=fields.CASCADE)
    worker = fields.ForeignKeyField(
        "models.Worker", related_name="cohort_memberships", on_delete=fields.RESTRICT, db_index=True
    )
    mentor = fields.ForeignKeyField(
        "models.Supervisor", null=True, related_name="mentees", on_delete=fields.SET_NULL, db_index=True
    )
    joined_on = fields.DateField()

    class Meta:
        table = "cohort_members"
        app = "cohorts"
        unique_together = (("cohort", "worker"),)


class Milestone(Model):
    """A typed milestone with its due date: a course completed (course_id), an exam subject passed (subject), N CE
    hours earned from the cohort's start (hours), or a custom one ticked off per member."""

    id = fields.IntField(primary_key=True)
    cohort = fields.ForeignKeyField(
        "cohorts.Cohort", related_name="milestones", on_delete=fields.CASCADE, db_index=True
    )
    kind = fields.CharEnumField(MilestoneKind, max_length=16)
    title = fields.CharField(max_length=200)
    due_on = fields.DateField()
    # A course of the learning side (courses.Course); an id, not a foreign key: the platform does not depend on it.
    course_id = fields.IntField(null=True)
    subject = fields.ForeignKeyField(
        "models.ExamSubject", null=True, related_name="milestones", on_delete=fields.RESTRICT, db_index=True
    )
    hours = fields.DecimalField(max_digits=6, decimal_places=1, null=True)

    class Meta:
        table = "cohort_milestones"
        app = "cohorts"
        ordering = ["due_on", "id"]


class MilestoneMark(Model):
    """A custom milestone ticked off for a member, on a day."""

    id = fields.IntField(primary_key=True)
    milestone = fields.ForeignKeyField("cohorts.Milestone", related_name="marks", on_delete=fields.CASCADE)
    member = fields.ForeignKeyField(
        "cohorts.CohortMember", related_name="marks", on_delete=fields.CASCADE, db_index=True
    )
    done_on = fields.DateField()

    class Meta:
        table = "cohort_milestone_marks"
        app = "cohorts"
        unique_together = (("milestone", "member"),)
