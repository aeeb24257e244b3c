"""Pay (DESIGN §1 "Pay"): salary standards a bureau issues for its region, with their bands and allowances, and
the salary records HR keeps per worker. Money is Decimal (SQL numeric), in yuan per month."""

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_


class StandardStatus(Coded):
    DRAFT = "draft", N_("Draft")
    PUBLISHED = "published", N_("Published")


class PayLevel(Coded):
    """The certificate level a band is for: the highest certificate a worker holds on the day, or none. Ordered
    lowest first; the certificate codes sort the same way (assistant < intermediate < senior)."""

    NONE = "none", N_("No certificate")
    ASSISTANT = "assistant", N_("Assistant social worker")
    INTERMEDIATE = "intermediate", N_("Social worker (intermediate)")
    SENIOR = "senior", N_("Senior social worker")


MONEY = {"max_digits": 12, "decimal_places": 2}


class SalaryStandard(Model):
    """A salary standard for full-time station workers, issued by the bureau of `region`. A published standard is
    never changed: a correction or a yearly uplift is a new standard copied from it (`previous`)."""

    id = fields.IntField(primary_key=True)
    region = fields.ForeignKeyField(
        "models.Region", related_name="pay_standards", on_delete=fields.RESTRICT, db_index=True
    )
    # Copied from the region: the applicable standard is found by comparing paths (no join).
    region_path = fields.CharField(max_length=255, db_index=True)
    title = fields.CharField(max_length=200)
    document_no = fields.CharField(max_length=100, default="")
    effective_from = fields.DateField()
    status = fields.CharEnumField(StandardStatus, max_length=16, default=StandardStatus.DRAFT)
    # The monthly minimum of a full-time station worker.
    floor = fields.DecimalField(**MONEY)
    # An optional reference wage (e.g. the region's average monthly wage) to show pay as a share of.
    benchmark = fields.DecimalField(null=True, **MONEY)
    benchmark_label = fields.CharField(max_length=100, default="")
    previous = fields.ForeignKeyField(
        "pay.SalaryStandard", null=True, related_name="versions", on_delete=fields.SET_NULL, db_index=True
    )
    uplift_pct = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    notes = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "pay_standards"
        ordering = ["-effective_from", "-id"]
        indexes = (("status", "effective_from"),)

    def __str__(self) -> str:
        return self.title


class SalaryBand(Model):
    """Certificate level × years of service [years_from, years_to) → monthly min / mid / max (total monthly
    pay). years_to empty: open-ended."""

    id = fields.IntField(primary_key=True)
    standard = fields.ForeignKeyField("pay.SalaryStandard", related_name="bands", on_delete=fields.CASCADE)
    level = fields.CharEnumField(PayLevel, max_length=16)
    years_from = fields.SmallIntField(default=0)
    years_to = fields.SmallIntField(null=True)
    min_pay = fields.DecimalField(**MONEY)
    mid_pay = fields.DecimalField(**MONEY)
    max_pay = fields.DecimalField(**MONEY)

    class Meta:
        table = "pay_bands"
        ordering = ["standard_id", "level", "years_from"]
        indexes = (("standard_id", "level", "years_from"),)


class SalaryAllowance(Model):
    """A monthly allowance of a standard: for a certificate level (level set), or a named other one."""

    id = fields.IntField(primary_key=True)
    standard = fields.ForeignKeyField(
        "pay.SalaryStandard", related_name="allowances", on_delete=fields.CASCADE, db_index=True
    )
    name = fields.CharField(max_length=100)
    level = fields.CharEnumField(PayLevel, max_length=16, null=True)
    amount = fields.DecimalField(**MONEY)

    class Meta:
        table = "pay_allowances"
        ordering = ["standard_id", "id"]


class SalaryRecord(Model):
    """A worker's monthly pay from `effective_from` on: pay on day d is the latest record effective on or
    before d (DESIGN §1)."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="salary_records", on_delete=fields.RESTRICT)
    effective_from = fields.DateField()
    monthly_base = fields.DecimalField(**MONEY)
    monthly_allowances = fields.DecimalField(default=0, **MONEY)
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pay_salary_records"
        ordering = ["-effective_from", "-id"]
        unique_together = (("worker", "effective_from"),)


class Grade(Coded):
    """The yearly assessment (年度考核) of a worker, best first."""

    EXCELLENT = "excellent", N_("Excellent")
    COMPETENT = "competent", N_("Competent")
    BASICALLY_COMPETENT = "basically_competent", N_("Basically competent")
    INCOMPETENT = "incompetent", N_("Incompetent")


# The Chinese words of the grades, accepted on import besides the codes.
GRADE_WORDS = {"优秀": "excellent", "合格": "competent", "基本合格": "basically_competent", "不合格": "incompetent"}


class PerformanceStep(Model):
    """A standard's performance step: the monthly raise of base pay a worker earns by a yearly assessment of
    `grade` (proposed from the January after the assessment year)."""

    id = fields.IntField(primary_key=True)
    standard = fields.ForeignKeyField("pay.SalaryStandard", related_name="steps", on_delete=fields.CASCADE)
    grade = fields.CharEnumField(Grade, max_length=24)
    amount = fields.DecimalField(**MONEY)

    class Meta:
        table = "pay_performance_steps"
        ordering = ["standard_id", "id"]
        unique_together = (("standard", "grade"),)


class Assessment(Model):
    """A worker's yearly assessment, recorded by HR: one per worker per year."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="pay_assessments", on_delete=fields.RESTRICT)
    year = fields.SmallIntField()
    grade = fields.CharEnumField(Grade, max_length=24)
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pay_assessments"
        ordering = ["-year", "worker_id"]
        unique_together = (("worker", "year"),)
        indexes = (("year", "grade", "id"), ("year", "id"))


class ChangeReason(Coded):
    """Why a pay change is proposed."""

    CERTIFICATE = "certificate", N_("New certificate")
    ASSESSMENT = "assessment", N_("Yearly assessment")
    UPLIFT = "uplift", N_("Yearly uplift of the standard")


class Outcome(Coded):
    ACCEPTED = "accepted", N_("Accepted")
    DISMISSED = "dismissed", N_("Dismissed")


class ChangeDecision(Model):
    """HR's decision on one reason of a proposed pay change: the certificate level reached (`key` the level), the
    assessment of a year (`key` the year) or the uplift of a standard (`key` its id). A decided reason is not
    proposed again."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="pay_decisions", on_delete=fields.CASCADE)
    reason = fields.CharEnumField(ChangeReason, max_length=16)
    key = fields.CharField(max_length=32)
    outcome = fields.CharEnumField(Outcome, max_length=16)
    salary_record = fields.ForeignKeyField(
        "pay.SalaryRecord", null=True, related_name="decisions", on_delete=fields.SET_NULL, db_index=True
    )
    decided_on = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pay_change_decisions"
        ordering = ["-id"]
        unique_together = (("worker", "reason", "key"),)
