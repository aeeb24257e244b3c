"""The training-and-supervision expert pool (督导), supervisors' assignments to stations ("one station, one
supervisor") and the supervision sessions they hold.

Sessions are recorded here (a session belongs to a supervisor and a station), but written by talent.cohorts:
a session's attendees are workers and may earn CE hours, and this package sits below people and certification
(accounts reads a supervisor's stations from it to build the scope)."""

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_
from talent.places.models import CertLevel, RegionalRule


class Affiliation(Coded):
    """Where a supervisor comes from: the seed asks for an expert pool built with universities."""

    UNIVERSITY = "university", N_("University")
    ORGANISATION = "organisation", N_("Social-work organisation")
    EXTERNAL = "external", N_("External expert")
    LOCAL = "local", N_("Local (in-house) supervisor")


class SessionFormat(Coded):
    INDIVIDUAL = "individual", N_("Individual")
    GROUP = "group", N_("Group")
    ON_SITE = "on_site", N_("On-site")
    REMOTE = "remote", N_("Remote")


class Supervisor(Model):
    """A member of the training-and-supervision expert pool (督导)."""

    id = fields.IntField(primary_key=True)
    user = fields.OneToOneField("models.User", null=True, related_name="supervisor", on_delete=fields.SET_NULL)
    name = fields.CharField(max_length=50)
    affiliation_type = fields.CharEnumField(Affiliation, max_length=16, default=Affiliation.ORGANISATION)
    # The institution (a university's school, an association, an organisation).
    affiliation = fields.CharField(max_length=200, default="")
    # The supervisor's grade in the pool, e.g. 市级督导.
    level = fields.CharField(max_length=32, default="")
    cert_level = fields.CharEnumField(CertLevel, max_length=16, null=True)
    # The home region (whose bureau keeps the profile); empty for the national pool.
    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="supervisors", on_delete=fields.RESTRICT, db_index=True
    )
    bio = fields.TextField(default="")
    active = fields.BooleanField(default=True)

    class Meta:
        table = "supervisors"


class SupervisorExpertise(Model):
    """One expertise tag of a supervisor (儿童保护, 社区治理 …): searched and counted as a facet."""

    id = fields.IntField(primary_key=True)
    supervisor = fields.ForeignKeyField("models.Supervisor", related_name="expertise", on_delete=fields.CASCADE)
    tag = fields.CharField(max_length=32, db_index=True)

    class Meta:
        table = "supervisor_expertise"
        unique_together = (("supervisor", "tag"),)
        ordering = ["tag"]


class Assignment(Model):
    """A supervisor assigned to a station for a period, which is the supervisor's scope. A station has at most one
    active primary supervisor on any day (talent.supervision.services enforces it)."""

    id = fields.IntField(primary_key=True)
    supervisor = fields.ForeignKeyField(
        "models.Supervisor", related_name="assignments", on_delete=fields.CASCADE, db_index=True
    )
    station = fields.ForeignKeyField(
        "models.Station", related_name="assignments", on_delete=fields.RESTRICT, db_index=True
    )
    start_on = fields.DateField()
    end_on = fields.DateField(null=True)
    is_primary = fields.BooleanField(default=True)

    class Meta:
        table = "supervision_assignments"
        # A region's supervisors are those assigned to its stations: with (station, supervisor) in one index,
        # PostgreSQL probes a city's 150 stations (index only) where it had read all 32,277 assignments of the
        # country into a hash join (a city's supervisors list: 6.1 → 1.7 ms, EXPLAIN ANALYZE).
        indexes = (("station_id", "supervisor_id"),)


class SupervisionSession(Model):
    """A supervision session held at a station. Its attendees may earn CE hours (`ce_hours` each, 0 for none),
    credited to the CE ledger as "supervision:<id>"."""

    id = fields.IntField(primary_key=True)
    supervisor = fields.ForeignKeyField(
        "models.Supervisor", related_name="sessions", on_delete=fields.RESTRICT, db_index=True
    )
    station = fields.ForeignKeyField(
        "models.Station", related_name="supervision_sessions", on_delete=fields.RESTRICT, db_index=True
    )
    held_on = fields.DateField(db_index=True)
    hours = fields.DecimalField(max_digits=4, decimal_places=1)
    format = fields.CharEnumField(SessionFormat, max_length=16)
    topics = fields.TextField(default="")
    ce_hours = fields.DecimalField(max_digits=4, decimal_places=1, default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "supervision_sessions"


class SessionAttendee(Model):
    id = fields.IntField(primary_key=True)
    session = fields.ForeignKeyField("models.SupervisionSession", related_name="attendees", on_delete=fields.CASCADE)
    worker = fields.ForeignKeyField(
        "models.Worker", related_name="supervision_attended", on_delete=fields.RESTRICT, db_index=True
    )

    class Meta:
        table = "supervision_attendees"
        unique_together = (("session", "worker"),)


class SessionCeRule(RegionalRule):
    """How supervision sessions earn CE hours in a region from a day on (talent.supervision.rules): whether they
    count at all, and at most which share of a session's own hours each attendee is credited; `source` names the
    document the rule comes from. The rule applying to a session is that of the most specific region enclosing its
    station in force on the day it was held (region_path "" = national). A rule is never changed once added (a
    province that changes its mind adds a rule from a later day); adding one is audited. The migration seeds the
    national default (talent.supervision.defaults)."""

    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="session_ce_rules", on_delete=fields.RESTRICT, db_index=True
    )
    counts = fields.BooleanField(default=True)
    max_share = fields.DecimalField(max_digits=4, decimal_places=3, default=Decimal("1"))

    class Meta:
        table = "supervision_ce_rules"
        unique_together = (("region_path", "effective_from"),)
