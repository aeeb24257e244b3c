from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from talent.cohorts.models import CohortKind, MilestoneKind


class Migration(migrations.Migration):
    dependencies = [("models", "0008_supervision_pool_sessions")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Cohort",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=100)),
                (
                    "kind",
                    fields.CharEnumField(
                        db_index=True,
                        description="INTERNAL: internal_incubation\nEXTERNAL: external_introduction",
                        enum_type=CohortKind,
                        max_length=32,
                    ),
                ),
                (
                    "region",
                    fields.ForeignKeyField(
                        "models.Region",
                        source_field="region_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cohorts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("region_path", fields.CharField(db_index=True, max_length=255)),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="organisation_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="cohorts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("start_on", fields.DateField()),
                ("end_on", fields.DateField()),
                ("goal_cert_rate", fields.DecimalField(null=True, max_digits=4, decimal_places=3)),
                ("goal_ce_hours", fields.DecimalField(null=True, max_digits=6, decimal_places=1)),
                ("goal_retention", fields.DecimalField(null=True, max_digits=4, decimal_places=3)),
                ("description", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "cohorts", "app": "cohorts", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CohortMember",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "cohort",
                    fields.ForeignKeyField(
                        "cohorts.Cohort",
                        source_field="cohort_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="members",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "worker",
                    fields.ForeignKeyField(
                        "models.Worker",
                        source_field="worker_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cohort_memberships",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "mentor",
                    fields.ForeignKeyField(
                        "models.Supervisor",
                        source_field="mentor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mentees",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("joined_on", fields.DateField()),
            ],
            options={
                "table": "cohort_members",
                "app": "cohorts",
                "unique_together": (("cohort", "worker"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Milestone",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "cohort",
                    fields.ForeignKeyField(
                        "cohorts.Cohort",
                        source_field="cohort_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="milestones",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="COURSE: course\nSUBJECT: subject\nCE_HOURS: ce_hours\nCUSTOM: custom",
                        enum_type=MilestoneKind,
                        max_length=16,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("due_on", fields.DateField()),
                ("course_id", fields.IntField(null=True)),
                (
                    "subject",
                    fields.ForeignKeyField(
                        "models.ExamSubject",
                        source_field="subject_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="milestones",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("hours", fields.DecimalField(null=True, max_digits=6, decimal_places=1)),
            ],
            options={
                "table": "cohort_milestones",
                "app": "cohorts",
                "pk_attr": "id",
                "table_description": "A typed milestone with its due date: a course completed (course_id), an exam subject passed (subject), N CE",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MilestoneMark",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "milestone",
                    fields.ForeignKeyField(
                        "cohorts.Milestone",
                        source_field="milestone_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="marks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "member",
                    fields.ForeignKeyField(
                        "cohorts.CohortMember",
                        source_field="member_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="marks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("done_on", fields.DateField()),
            ],
            options={
                "table": "cohort_milestone_marks",
                "app": "cohorts",
                "unique_together": (("milestone", "member"),),
                "pk_attr": "id",
                "table_description": "A custom milestone ticked off for a member, on a day.",
            },
            bases=["Model"],
        ),
    ]
