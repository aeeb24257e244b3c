from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_


class RegionLevel(Coded):
    """Levels of the region tree, top down (the order is the tree's: a region is one level below its parent)."""

    PROVINCE = "province", N_("Province")
    CITY = "city", N_("City")
    COUNTY = "county", N_("County / district")
    TOWNSHIP = "township", N_("Township / street")


class CertLevel(Coded):
    """Levels of the national certificate, lowest first (a tier's minimum level means this one or above)."""

    ASSISTANT = "assistant", N_("Assistant social worker")
    INTERMEDIATE = "intermediate", N_("Social worker (intermediate)")
    SENIOR = "senior", N_("Senior social worker")


class Education(Coded):
    SECONDARY = "secondary", N_("Secondary school")
    ASSOCIATE = "associate", N_("Associate degree")
    BACHELOR = "bachelor", N_("Bachelor")
    MASTER = "master", N_("Master")
    DOCTORATE = "doctorate", N_("Doctorate")


class Region(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=12, unique=True)
    name = fields.CharField(max_length=100)
    level = fields.CharEnumField(RegionLevel, max_length=16)
    parent = fields.ForeignKeyField(
        "models.Region", null=True, related_name="children", on_delete=fields.RESTRICT, db_index=True
    )
    # Materialised path of codes ("320000/320100/320102/"): a subtree is one prefix query on an index.
    path = fields.CharField(max_length=255, unique=True)
    depth = fields.SmallIntField(default=0)

    class Meta:
        table = "regions"
        ordering = ["path"]
        # The region list's sorts by name and by level (depth), with the id that breaks ties.
        indexes = (("name", "id"), ("depth", "id"))

    def __str__(self) -> str:
        return self.name


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    credit_code = fields.CharField(max_length=32, default="")
    contact = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=32, default="")
    region = fields.ForeignKeyField(
        "models.Region", null=True, related_name="organisations", on_delete=fields.RESTRICT, db_index=True
    )

    class Meta:
        table = "organisations"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StationKind(Coded):
    """The county–township–village network of social work stations (民政部 "乡镇（街道）社会工作服务站" building:
    a county guidance centre, a station in every township or street, rooms in villages and communities under
    them). Reports may count township stations alone; norms apply per kind."""

    COUNTY_CENTRE = "county_centre", N_("County social work guidance centre")  # 县级社会工作指导中心
    TOWNSHIP_STATION = "township_station", N_("Township (street) station")  # 乡镇（街道）社工站
    VILLAGE_ROOM = "village_room", N_("Village (community) room")  # 村（社区）社工室，under a station


# A tier's staffing and recruitment rules (its fields besides its name, region, kind and notes): what its form audits
# and its list shows, in that order.
TIER_RULES = (
    "min_fulltime",
    "min_certified",
    "min_level",
    "max_age",
    "min_education",
    "major_required",
    "certificate_required",
    "related_major_accepted",
    "major_or_certificate",
)


class StationTier(Model):
    """A programme level with its staffing norms, every norm is data a bureau edits."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    region = fields.ForeignKeyField("models.Region", null=True, related_name="tiers", on_delete=fields.RESTRICT)
    min_fulltime = fields.SmallIntField(default=1)
    min_certified = fields.SmallIntField(default=0)
    min_level = fields.CharEnumField(CertLevel, max_length=16, null=True)
    max_age = fields.SmallIntField(null=True)
    min_education = fields.CharEnumField(Education, max_length=16, null=True)
    major_required = fields.BooleanField(default=False)
    certificate_required = fields.BooleanField(default=False)
    # Issue 16: a related major (sociology, psychology, …) counts as the major, and "major OR certificate":
    # with both required flags set, either one qualifies (Guangdong 双百: social work or a related major, or the
    # assistant certificate). places.rules.recruitment_qualifies reads them.
    related_major_accepted = fields.BooleanField(default=False, db_default=False)
    major_or_certificate = fields.BooleanField(default=False, db_default=False)
    notes = fields.TextField(default="")
    # Norms apply per kind of station (issue 16): a station is checked only against a tier of its own kind
    # (places.rules.tier_applies); the tiers that existed before were written for township stations.
    station_kind = fields.CharEnumField(
        StationKind, max_length=20, default=StationKind.TOWNSHIP_STATION, db_default="township_station"
    )

    class Meta:
        table = "station_tiers"
        ordering = ["name"]
        unique_together = (("region", "name"),)

    def __str__(self) -> str:
        return self.name


class Station(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    region = fields.ForeignKeyField("models.Region", related_name="stations", on_delete=fields.RESTRICT, db_index=True)
    # Copied from the region so scope filters need no join; kept in step by the services.
    region_path = fields.CharField(max_length=255, db_index=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", null=True, related_name="stations", on_delete=fields.RESTRICT, db_index=True
    )
    tier = fields.ForeignKeyField(
        "models.StationTier", null=True, related_name="stations", on_delete=fields.RESTRICT, db_index=True
    )
    opened_on = fields.DateField(null=True)
    address = fields.CharField(max_length=255, default="")
    # db_default: the columns are added to tables that already hold stations (all of them township stations).
    kind = fields.CharEnumField(
        StationKind, max_length=20, default=StationKind.TOWNSHIP_STATION, db_default="township_station", db_index=True
    )
    # A village (community) room's township station; empty for the other kinds.
    parent = fields.ForeignKeyField(
        "models.Station", null=True, related_name="rooms", on_delete=fields.RESTRICT, db_index=True
    )

    class Meta:
        table = "stations"
        ordering = ["code"]
        # The station list's sort by name, with the id that breaks ties.
        indexes = (("name", "id"),)

    def __str__(self) -> str:
        return self.name


class RegionalRule(Model):
    """The fields every effective-dated regional rule shares (the CE credit caps, the yearly CE rule, CE per
    supervision session): the region it holds in, as a path ("" = national), the day it takes effect from, and the
    document it comes from. The rule of a day is that of the most specific region in force on it; a rule is never
    changed once added. Each rule adds its own foreign key to its region (its own related name) and its values."""

    id = fields.IntField(primary_key=True)
    region_path = fields.CharField(max_length=255, default="", db_index=True)
    effective_from = fields.DateField()
    source = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
