from typing import Any

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_


class Entity(Coded):
    """What an audit entry is about (its `entity` column)."""

    REGION = "region", N_("Region")
    ORGANISATION = "organisation", N_("Organisation")
    TIER = "tier", N_("Station tier")
    STATION = "station", N_("Station")
    WORKER = "worker", N_("Worker")
    SPELL = "spell", N_("Employment spell")
    PRIOR_EXPERIENCE = "prior_experience", N_("Prior experience")
    CERTIFICATE = "certificate", N_("Certificate")
    USER = "user", N_("Account")
    DEMO = "demo", N_("Demo data")
    EXAM_RESULT = "exam_result", N_("Exam result")
    CE_CREDIT = "ce_credit", N_("CE credit")
    EXAM_LEVEL = "exam_level", N_("Exam level")
    EXAM_SUBJECT = "exam_subject", N_("Exam subject")
    PAPER_SECTION = "paper_section", N_("Paper section")
    EXAM_YEAR = "exam_year", N_("Exam year")
    PASS_LINE = "pass_line", N_("Pass line")
    ELIGIBILITY_RULE = "eligibility_rule", N_("Eligibility rule")
    CE_CREDIT_RULE = "ce_credit_rule", N_("CE credit rule")
    CE_YEARLY_RULE = "ce_yearly_rule", N_("Yearly CE rule")
    COURSE = "course", N_("Course")
    LESSON = "lesson", N_("Lesson")
    ENROLMENT = "enrolment", N_("Enrolment")
    MATERIAL = "material", N_("Material")
    CLASS_SESSION = "class_session", N_("Classroom session")
    COURSE_CERTIFICATE = "course_certificate", N_("Completion certificate")
    QUESTION = "question", N_("Question")
    SALARY_STANDARD = "salary_standard", N_("Salary standard")
    SALARY_RECORD = "salary_record", N_("Salary record")
    SUPERVISOR = "supervisor", N_("Supervisor")
    ASSIGNMENT = "assignment", N_("Supervisor assignment")
    SUPERVISION_SESSION = "supervision_session", N_("Supervision session")
    SESSION_CE_RULE = "session_ce_rule", N_("CE rule of supervision sessions")
    COHORT = "cohort", N_("Cohort")
    COHORT_MEMBER = "cohort_member", N_("Cohort member")
    MILESTONE = "milestone", N_("Cohort milestone")
    PAY_ASSESSMENT = "pay_assessment", N_("Yearly assessment")
    PAY_CHANGE = "pay_change", N_("Proposed pay change")


class Action(Coded):
    """What happened (an audit entry's `action` column)."""

    CREATE = "create", N_("Created")
    UPDATE = "update", N_("Changed")
    DELETE = "delete", N_("Deleted")
    HIRE = "hire", N_("Hired")
    EXIT = "exit", N_("Exit recorded")
    TRANSFER = "transfer", N_("Transferred")
    PASSWORD = "password", N_("Password changed")
    UNLOCK = "unlock", N_("Failed sign-ins cleared")
    REGISTER = "register", N_("Registered")
    RENEW = "renew", N_("Renewed")
    PUBLISH = "publish", N_("Published")
    ARCHIVE = "archive", N_("Archived")
    UNPUBLISH = "unpublish", N_("Returned to draft")
    ENROL = "enrol", N_("Enrolled")
    WAITLIST = "waitlist", N_("Waitlisted")
    PROMOTE = "promote", N_("Promoted from the waitlist")
    WITHDRAW = "withdraw", N_("Withdrew")
    LESSON_DONE = "lesson_done", N_("Lesson done")
    PRESENT = "present", N_("Marked present")
    ABSENT = "absent", N_("Marked absent")
    COMPLETE = "complete", N_("Completed")
    REVOKE = "revoke", N_("Revoked")
    NEW_VERSION = "new_version", N_("New version")
    ACCEPTED = "accepted", N_("Accepted")
    DISMISSED = "dismissed", N_("Dismissed")


# The actor_name of an entry no account wrote (the command line, the demo): shown in the reader's language
# (talent.audit.present.actor_text), and no account may take the name (accounts.services).
SYSTEM_ACTOR = "system"


def actor_name_of(actor: Any) -> str:
    """What an entry written by `actor` (an account, or None) records as its author's name."""
    return (getattr(actor, "username", "") or SYSTEM_ACTOR)[:100]


class AuditEntry(Model):
    """Append-only: written only by talent.audit.services.audit_record, never updated or deleted."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor = fields.ForeignKeyField(
        "models.User", null=True, related_name="audit_entries", on_delete=fields.SET_NULL, db_index=True
    )
    actor_name = fields.CharField(max_length=100, default="")
    action = fields.CharField(max_length=32)
    entity = fields.CharField(max_length=32, db_index=True)
    entity_id = fields.CharField(max_length=64)
    summary = fields.CharField(max_length=255, default="")
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    # Denormalised scope so a bureau or HR browses its own entries with one indexed filter.
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    organisation_id = fields.IntField(null=True, db_index=True)

    class Meta:
        table = "audit_entries"
        ordering = ["-id"]
        # The list's sorts by action and by actor, and a record's history (entity and id, newest first), each
        # read in order from an index: the national demo's 729,902 entries were sorted whole for each.
        indexes = (("action", "id"), ("actor_name", "id"), ("entity", "entity_id", "id"))


class AuditJurisdiction(Model):
    """A further jurisdiction an entry is filed under. A change that touches records of several jurisdictions
    (a transfer between organisations, an enrolment into another region's course, a station moved to another
    organisation) is read by the audit readers of each; the entry's own region_path/organisation_id hold the
    first, these rows the others. Written with the entry, never changed."""

    id = fields.BigIntField(primary_key=True)
    entry = fields.ForeignKeyField(
        "models.AuditEntry", related_name="jurisdictions", on_delete=fields.CASCADE, db_index=True
    )
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    organisation_id = fields.IntField(null=True, db_index=True)

    class Meta:
        table = "audit_jurisdictions"
