from tortoise import fields, migrations
from tortoise.fields.base import OnDelete

from talent.cohorts.models import CohortKind, MilestoneKind
from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    dependencies = [("models", "0008_supervision_pool_sessions")]

    initial = True

    operations = [
        create_model("Cohort", app="cohorts", table="cohorts", fields=[
            ("name", fields.CharField(max_length=100)),
            ("kind", fields.CharEnumField(db_index=True, description="INTERNAL: internal_incubation\nEXTERNAL: external_introduction", enum_type=CohortKind, max_length=32)),
            foreign_key("region", "models.Region", "cohorts", OnDelete.RESTRICT),
            ("region_path", fields.CharField(db_index=True, max_length=255)),
            foreign_key("organisation", "models.Organisation", "cohorts", OnDelete.RESTRICT, null=True),
            ("start_on", fields.DateField()),
            ("end_on", fields.DateField()),
            ("goal_cert_rate", fields.DecimalField(null=True, max_digits=4, decimal_places=3)),
            ("goal_ce_hours", fields.DecimalField(null=True, max_digits=6, decimal_places=1)),
            ("goal_retention", fields.DecimalField(null=True, max_digits=4, decimal_places=3)),
            ("description", fields.TextField(default="", unique=False)),
            ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model("CohortMember", app="cohorts", table="cohort_members", unique_together=(("cohort", "worker"),), fields=[
            foreign_key("cohort", "cohorts.Cohort", "members", OnDelete.CASCADE),
            foreign_key("worker", "models.Worker", "cohort_memberships", OnDelete.RESTRICT),
            foreign_key("mentor", "models.Supervisor", "mentees", OnDelete.SET_NULL, null=True),
            ("joined_on", fields.DateField()),
        ]),
        create_model("Milestone", app="cohorts", table="cohort_milestones", description="A typed milestone with its due date: a course completed (course_id), an exam subject passed (subject), N CE", fields=[
            foreign_key("cohort", "cohorts.Cohort", "milestones", OnDelete.CASCADE),
            ("kind", fields.CharEnumField(description="COURSE: course\nSUBJECT: subject\nCE_HOURS: ce_hours\nCUSTOM: custom", enum_type=MilestoneKind, max_length=16)),
            ("title", fields.CharField(max_length=200)),
            ("due_on", fields.DateField()),
            ("course_id", fields.IntField(null=True)),
            foreign_key("subject", "models.ExamSubject", "milestones", OnDelete.RESTRICT, null=True),
            ("hours", fields.DecimalField(null=True, max_digits=6, decimal_places=1)),
        ]),
        create_model("MilestoneMark", app="cohorts", table="cohort_milestone_marks", unique_together=(("milestone", "member"),), description="A custom milestone ticked off for a member, on a day.", fields=[
            foreign_key("milestone", "cohorts.Milestone", "marks", OnDelete.CASCADE),
            foreign_key("member", "cohorts.CohortMember", "marks", OnDelete.CASCADE),
            ("done_on", fields.DateField()),
        ]),
    ]
