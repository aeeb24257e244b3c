"""The national exam catalogue (levels, subjects, paper structures, pass lines, exam years, eligibility),
national exam results, certificates with their registrations, and the continuing-education ledger.

Every rule is a row with a default (seeded by migration 0003 and by services.catalogue_seed), so a
province or a year that differs is an edit, not a code change.
"""

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_, localised
from talent.places.models import CertLevel, Education, RegionalRule


class QuestionKind(Coded):
    SINGLE = "single", N_("Single choice")
    MULTIPLE = "multiple", N_("Multiple choice")  # the national marking rule
    CASE = "case", N_("Case analysis")  # model answer and rubric
    PROGRAMME = "programme", N_("Programme design")
    ESSAY = "essay", N_("Essay")


class ExamLevel(Model):
    """A certificate level with its carry-over window, registration and continuing-education rules."""

    id = fields.IntField(primary_key=True)
    level = fields.CharEnumField(CertLevel, max_length=16, unique=True)
    # Every subject of the level must be passed within this many consecutive exam years.
    carry_over_years = fields.SmallIntField(default=1)
    # A passed level needs a further review (senior: provincial review) before a certificate is issued.
    review_required = fields.BooleanField(default=False)
    # How long an exam pass stays valid for that review.
    review_valid_years = fields.SmallIntField(default=0)
    first_registration_months = fields.SmallIntField(default=12)
    registration_valid_years = fields.SmallIntField(default=3)
    renewal_window_months = fields.SmallIntField(default=3)
    ce_hours_per_period = fields.SmallIntField(default=90)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "exam_levels"
        ordering = ["position", "id"]


class ExamSubject(Model):
    """One paper of the national exam, e.g. A-ZH. pass_mark is the national default line."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    level = fields.CharEnumField(CertLevel, max_length=16, db_index=True)
    name = fields.CharField(max_length=100)
    name_en = fields.CharField(max_length=100, default="")
    minutes = fields.SmallIntField(default=120)
    full_marks = fields.DecimalField(max_digits=5, decimal_places=1, default=100)
    pass_mark = fields.DecimalField(max_digits=5, decimal_places=1, default=60)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "exam_subjects"
        ordering = ["position", "code"]

    @property
    def title(self) -> str:
        """The subject's name in the reader's language."""
        return localised(self.name, self.name_en)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PaperSection(Model):
    """A block of a subject's paper: so many questions of one kind at so many points each."""

    id = fields.IntField(primary_key=True)
    subject = fields.ForeignKeyField("models.ExamSubject", related_name="sections", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(QuestionKind, max_length=16)
    count = fields.SmallIntField()
    points = fields.DecimalField(max_digits=5, decimal_places=1)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "exam_paper_sections"
        ordering = ["position", "id"]
        unique_together = (("subject", "kind"),)


class ExamYear(Model):
    """One exam sitting: its date and the cut-off date years of social work are counted to."""

    id = fields.IntField(primary_key=True)
    year = fields.SmallIntField(unique=True)
    exam_on = fields.DateField()
    cutoff_on = fields.DateField()
    note = fields.CharField(max_length=255, default="")

    class Meta:
        table = "exam_years"
        ordering = ["-year"]


class PassLine(Model):
    """A pass line for a subject, optionally for one year and/or one region (designated areas are lower).
    For a result the line of the deepest region containing it wins, then a year-specific line over an
    any-year one; without any line the subject's pass_mark applies."""

    id = fields.IntField(primary_key=True)
    subject = fields.ForeignKeyField("models.ExamSubject", related_name="pass_lines", on_delete=fields.CASCADE)
    year = fields.SmallIntField(null=True)
    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="pass_lines", on_delete=fields.RESTRICT, db_index=True
    )
    pass_mark = fields.DecimalField(max_digits=5, decimal_places=1)
    note = fields.CharField(max_length=255, default="")

    class Meta:
        table = "exam_pass_lines"
        ordering = ["subject_id", "year", "id"]
        unique_together = (("subject", "year", "region"),)


class EligibilityRule(Model):
    """Who may sit a level (a route of the exam notice): education × social-work major or not × years of social
    work by the cut-off (for a route that requires a lower certificate first, the years since that
    certificate's date). A worker is eligible when any rule of the level holds. Seeded from
    defaults.ELIGIBILITY, each row with its source document and year."""

    id = fields.IntField(primary_key=True)
    level = fields.CharEnumField(CertLevel, max_length=16, db_index=True)
    min_education = fields.CharEnumField(Education, max_length=16, null=True)
    social_work_major = fields.BooleanField(null=True)  # None: any major
    min_years = fields.SmallIntField(default=0)
    requires_level = fields.CharEnumField(CertLevel, max_length=16, null=True)
    # The route as the notice words it.
    note = fields.CharField(max_length=255, default="")
    # The document the route comes from, and the year of that document (a province's rule names its own).
    source = fields.CharField(max_length=255, default="", db_default="")
    source_year = fields.SmallIntField(null=True)

    class Meta:
        table = "exam_eligibility_rules"
        ordering = ["level", "min_years", "id"]


class ExamResult(Model):
    """A worker's national exam score in one subject and year, and whether it passed the line that applied."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="exam_results", on_delete=fields.RESTRICT)
    year = fields.SmallIntField(db_index=True)
    subject = fields.ForeignKeyField(
        "models.ExamSubject", related_name="results", on_delete=fields.RESTRICT, db_index=True
    )
    score = fields.DecimalField(max_digits=5, decimal_places=1)
    pass_mark = fields.DecimalField(max_digits=5, decimal_places=1)
    passed = fields.BooleanField()
    # Where the worker sat (their station's region): decides the pass line and scopes pass rates.
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "exam_results"
        ordering = ["-year", "subject_id"]
        unique_together = (("worker", "year", "subject"),)
        # Pass rates per year and subject read only these columns (talent.analytics.workforce.pass_rates): the
        # country's 1,030,260 results from the index alone, 3.0 s → 0.2 s on SQLite, 0.3 → 0.1 s on PostgreSQL.
        indexes = (("year", "subject_id", "passed"),)


class CertSource(Coded):
    EXAM = "exam", N_("From exam results")  # created by the carry-over rule from recorded results
    RECORDED = "recorded", N_("Recorded")  # entered or imported directly


class Certificate(Model):
    """A national social-work certificate held by a worker, with its current registration."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="certificates", on_delete=fields.RESTRICT)
    level = fields.CharEnumField(CertLevel, max_length=16)
    number = fields.CharField(max_length=64, unique=True)
    obtained_on = fields.DateField()
    # The start of the current registration period (empty until first registered).
    registered_on = fields.DateField(null=True)
    registration_expires_on = fields.DateField(null=True)
    source = fields.CharEnumField(CertSource, max_length=16, default=CertSource.RECORDED)
    exam_year = fields.SmallIntField(null=True)

    class Meta:
        table = "certificates"
        ordering = ["-obtained_on"]
        unique_together = (("worker", "level"),)


class RegistrationKind(Coded):
    FIRST = "first", N_("First registration")
    RENEWAL = "renewal", N_("Renewal")


class Registration(Model):
    """One registration period of a certificate (first registration or a renewal), kept as history."""

    id = fields.IntField(primary_key=True)
    certificate = fields.ForeignKeyField(
        "models.Certificate", related_name="registrations", on_delete=fields.CASCADE, db_index=True
    )
    kind = fields.CharEnumField(RegistrationKind, max_length=16)
    registered_on = fields.DateField()
    expires_on = fields.DateField()
    # CE hours credited in the previous period when a renewal was accepted.
    ce_hours = fields.DecimalField(max_digits=6, decimal_places=1, default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "certificate_registrations"
        ordering = ["-registered_on", "-id"]


class CeSource(Coded):
    COURSE = "course", N_("Course completion")  # a completed certified course
    SUPERVISION = "supervision", N_("Supervision")
    EXTERNAL = "external", N_("External training")  # outside training, with evidence
    DEGREE = "degree", N_("Degree study")
    # A social-work publication or research project (论著、课题): counted only where a province says so.
    PUBLICATION = "publication", N_("Publication or research")
    # Public-subject training (公需科目) of the professional-technical staff's yearly CE: not social-work CE.
    PUBLIC = "public", N_("Public-subject training")
    OTHER = "other", N_("Other")


class CeCredit(Model):
    """The continuing-education ledger: one row per credited hour block, with where it came from.

    A manual credit may carry an evidence file (the scan or PDF of an outside training certificate). The
    file lives in the checksum-addressed upload store of courses.materials, so its SHA-256 is its storage
    key and no user-supplied name reaches the file system. The evidence fields are all empty or all set."""

    id = fields.IntField(primary_key=True)
    worker = fields.ForeignKeyField("models.Worker", related_name="ce_credits", on_delete=fields.RESTRICT)
    hours = fields.DecimalField(max_digits=6, decimal_places=1)
    source = fields.CharEnumField(CeSource, max_length=16)
    # What earned it, e.g. "course:12" or "supervision:7": a source credits a worker at most once.
    # Empty (NULL) for manual entries, which may repeat.
    source_ref = fields.CharField(max_length=64, null=True)
    earned_on = fields.DateField(db_index=True)
    note = fields.CharField(max_length=255, default="")
    # The uploader's file name (checked clean), for the download and the ledger only.
    evidence_name = fields.CharField(max_length=200, null=True)
    evidence_size = fields.IntField(null=True)
    evidence_sha256 = fields.CharField(max_length=64, null=True)
    # Decided from the bytes (PDF, JPEG or PNG), never from the name or the browser.
    evidence_type = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ce_credits"
        ordering = ["-earned_on", "-id"]
        unique_together = (("worker", "source_ref"),)
        # A registration's CE hours (certification.expressions: each kind summed over the period) read from this
        # index alone, without a visit to each credit's row: the country's registration counts 621 -> 380 ms on
        # PostgreSQL and 721 -> 347 ms on SQLite (migration 0020).
        indexes = (("worker_id", "earned_on", "source", "hours"),)


class CeCreditRule(RegionalRule):
    """How much of one kind of CE credit (CeSource) counts toward a registration period's required hours in a region
    from a day on: at most `max_hours` per period (None: no cap, 0: the kind does not count); `source` names the
    document. The rule of a period is, per kind, that of the most specific region enclosing the worker's region in
    force on the period's first day (talent.certification.rules.CeCaps); a region's row overrides the national one
    (region_path "") for its kind only. A rule is never changed once added (a region adds one from a later day);
    adding one is audited. Migration 0013 seeds the national defaults (talent.certification.ce_defaults)."""

    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="ce_credit_rules", on_delete=fields.RESTRICT, db_index=True
    )
    kind = fields.CharEnumField(CeSource, max_length=16)
    max_hours = fields.DecimalField(max_digits=6, decimal_places=1, null=True)

    class Meta:
        table = "ce_credit_rules"
        ordering = ["region_path", "kind", "-effective_from"]
        unique_together = (("region_path", "kind", "effective_from"),)


class CeYearlyRule(RegionalRule):
    """Whether a region also holds its certified workers to the professional-technical staff's yearly CE
    (《专业技术人员继续教育规定》): at least `yearly_hours` a calendar year, of them at least `professional_hours`
    in professional subjects (every kind but public-subject training). Off unless a region switches it on; the
    rule of a worker is that of the most specific region enclosing theirs in force on the day. Never changed once
    added; adding one is audited."""

    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="ce_yearly_rules", on_delete=fields.RESTRICT, db_index=True
    )
    applies = fields.BooleanField(default=True)
    yearly_hours = fields.DecimalField(max_digits=5, decimal_places=1, default=90)
    professional_hours = fields.DecimalField(max_digits=5, decimal_places=1, default=60)

    class Meta:
        table = "ce_yearly_rules"
        ordering = ["region_path", "-effective_from"]
        unique_together = (("region_path", "effective_from"),)
