"""Courses and their lessons. A course belongs to a region (a bureau's) and is visible to workers at
stations in that region's subtree; a course without a region is national (authored by an admin)."""

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_
from talent.places.models import CertLevel


class Category(Coded):
    EXAM_PREP = "exam_prep", N_("Exam preparation")
    PRACTICAL = "practical", N_("Practical training")
    POLICY = "policy", N_("Policy")
    CASE_WORK = "case_work", N_("Case work")
    GROUP_WORK = "group_work", N_("Group work")
    COMMUNITY_WORK = "community_work", N_("Community work")
    SUPERVISION = "supervision", N_("Supervision")
    ETHICS = "ethics", N_("Ethics")


class Delivery(Coded):
    ONLINE = "online", N_("Online")
    CLASSROOM = "classroom", N_("Classroom")
    BLENDED = "blended", N_("Blended")


class CourseStatus(Coded):
    DRAFT = "draft", N_("Draft")
    PUBLISHED = "published", N_("Published")
    ARCHIVED = "archived", N_("Archived")


class Course(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    summary = fields.CharField(max_length=500, default="")
    description = fields.TextField(default="")  # Markdown, rendered sanitised
    category = fields.CharEnumField(Category, max_length=16, db_index=True)
    # Empty: open to every level.
    target_level = fields.CharEnumField(CertLevel, max_length=16, null=True)
    delivery = fields.CharEnumField(Delivery, max_length=16, default=Delivery.ONLINE)
    ce_hours = fields.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))
    # Empty: no limit.
    capacity = fields.IntField(null=True)
    # Seats held by enrolled and completed learners; changed only under the course's row lock.
    seats_taken = fields.IntField(default=0)
    waitlisted = fields.IntField(default=0)
    enrol_opens_on = fields.DateField(null=True)
    enrol_closes_on = fields.DateField(null=True)
    starts_on = fields.DateField(null=True)
    ends_on = fields.DateField(null=True)
    # Classroom and blended courses: attended sessions ÷ sessions must reach this share (percent).
    attendance_threshold = fields.SmallIntField(default=80)
    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="courses", on_delete=fields.RESTRICT, db_index=True
    )
    # Copied from the region ("" for national courses) so scope filters need no join.
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    status = fields.CharEnumField(CourseStatus, max_length=16, default=CourseStatus.DRAFT, db_index=True)
    created_by = fields.ForeignKeyField(
        "models.User", null=True, related_name="courses_created", on_delete=fields.SET_NULL, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "courses"
        app = "courses"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.seats_taken)

    @property
    def needs_attendance(self) -> bool:
        return self.delivery != Delivery.ONLINE


class Lesson(Model):
    id = fields.IntField(primary_key=True)
    course = fields.ForeignKeyField("courses.Course", related_name="lessons", on_delete=fields.CASCADE, db_index=True)
    position = fields.IntField(default=1)
    title = fields.CharField(max_length=200)
    body = fields.TextField(default="")  # Markdown
    required = fields.BooleanField(default=True)
    minutes = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_lessons"
        app = "courses"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title
