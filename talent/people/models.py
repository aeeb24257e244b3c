from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_
from talent.places.models import Education


class Gender(Coded):
    FEMALE = "female", N_("Female")
    MALE = "male", N_("Male")


class Source(Coded):
    INCUBATED = "incubated", N_("Incubated")
    INTRODUCED = "introduced", N_("Introduced")
    TRANSFERRED = "transferred", N_("Transferred")
    OTHER = "other", N_("Other")


class ExitType(Coded):
    VOLUNTARY = "voluntary", N_("Voluntary")
    INVOLUNTARY = "involuntary", N_("Involuntary")
    TRANSFER = "transfer", N_("Transfer")
    RETIREMENT = "retirement", N_("Retirement")
    OTHER = "other", N_("Other")


class ExitReason(Coded):
    PAY = "pay", N_("Pay")
    CAREER = "career", N_("Career move")
    FAMILY = "family", N_("Family")
    STUDY = "study", N_("Further study")
    WORKLOAD = "workload", N_("Workload")
    CONTRACT_END = "contract_end", N_("Contract ended")
    DISMISSAL = "dismissal", N_("Dismissal")
    HEALTH = "health", N_("Health")
    OTHER = "other", N_("Other")


class Worker(Model):
    id = fields.IntField(primary_key=True)
    worker_no = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=50, db_index=True)
    gender = fields.CharEnumField(Gender, max_length=8, null=True)
    birth_date = fields.DateField(null=True)
    education = fields.CharEnumField(Education, max_length=16, null=True)
    social_work_major = fields.BooleanField(default=False)
    source = fields.CharEnumField(Source, max_length=16, default=Source.OTHER)
    phone = fields.CharField(max_length=32, default="")
    id_number = fields.CharField(max_length=18, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    # The jurisdiction that registered the worker (a bureau's region, or an HR user's organisation). A
    # worker is otherwise seen through their spells only; these keep a worker who has no spell yet (the
    # workers import runs before the employment import) in the view of whoever registered them, and of
    # nobody else (DESIGN §1). Once the worker has a spell they no longer decide anything.
    # db_default: the column is added to tables that already hold workers.
    registered_region_path = fields.CharField(max_length=255, default="", db_default="", db_index=True)
    registered_organisation = fields.ForeignKeyField(
        "models.Organisation",
        null=True,
        related_name="registered_workers",
        on_delete=fields.SET_NULL,
        db_index=True,
    )

    class Meta:
        table = "workers"
        ordering = ["worker_no"]

    def __str__(self) -> str:
        return self.name


class EmploymentSpell(Model):
    """Worker × station. end_on is the last working day, empty while the spell is active."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="spells", on_delete=fields.RESTRICT, db_index=True)
    station = fields.ForeignKeyField("models.Station", related_name="spells", on_delete=fields.RESTRICT, db_index=True)
    start_on = fields.DateField(db_index=True)
    end_on = fields.DateField(null=True, db_index=True)
    full_time = fields.BooleanField(default=True)
    position = fields.CharField(max_length=64, default="")
    exit_type = fields.CharEnumField(ExitType, max_length=16, null=True)
    exit_reason = fields.CharEnumField(ExitReason, max_length=16, null=True)
    exit_note = fields.CharField(max_length=255, default="")

    class Meta:
        table = "employment_spells"
        ordering = ["-start_on", "-id"]


class ExperienceKind(Coded):
    """What a prior experience was. The exam notices count all social work, before and after the degree, but
    not the time of full-time study (全日制学历报考人员未毕业期间经历不计入工作年限)."""

    SOCIAL_WORK = "social_work", N_("Social work post")  # a social-work post at another employer
    COMMUNITY = "community", N_("Village or community work")  # 村（社区）工作
    STUDY = "study", N_("During full-time study (not counted)")  # placements, internships, volunteering


# The kinds whose days count as years of social work (rules.counts_as_social_work, and the SQL of
# certification.expressions.social_work_days_sql).
COUNTED_EXPERIENCE = (ExperienceKind.SOCIAL_WORK.value, ExperienceKind.COMMUNITY.value)


class PriorExperience(Model):
    """Social work a worker did before (or beside) their spells in Talent: at another employer, from, to
    (both included). Its days count towards the years of social work once, where they overlap a spell or each
    other (the union of the periods), unless done during full-time study."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField(
        "models.Worker", related_name="prior_experiences", on_delete=fields.CASCADE, db_index=True
    )
    employer = fields.CharField(max_length=100)
    start_on = fields.DateField()
    end_on = fields.DateField()
    kind = fields.CharEnumField(ExperienceKind, max_length=16, default=ExperienceKind.SOCIAL_WORK)
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "prior_experiences"
        ordering = ["-start_on", "-id"]
