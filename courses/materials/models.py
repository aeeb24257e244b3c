"""Teaching materials: a file or a link with versions; files live in the storage directory by checksum."""

from tortoise import fields
from tortoise.models import Model

from talent.core.codes import Coded
from talent.core.i18n import N_


class MaterialKind(Coded):
    FILE = "file", N_("File")
    LINK = "link", N_("Link")


class Material(Model):
    id = fields.IntField(primary_key=True)
    course = fields.ForeignKeyField("courses.Course", related_name="materials", on_delete=fields.CASCADE, db_index=True)
    title = fields.CharField(max_length=200)
    kind = fields.CharEnumField(MaterialKind, max_length=8)
    # The number of the newest version, the one learners get.
    current_no = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_materials"
        app = "courses"
        ordering = ["title", "id"]


class MaterialVersion(Model):
    id = fields.IntField(primary_key=True)
    material = fields.ForeignKeyField("courses.Material", related_name="versions", on_delete=fields.CASCADE)
    number = fields.IntField()
    # Files: the original name (shown and used for downloads), size, SHA-256 (the storage address), type.
    file_name = fields.CharField(max_length=255, default="")
    size = fields.BigIntField(default=0)
    sha256 = fields.CharField(max_length=64, default="", db_index=True)
    content_type = fields.CharField(max_length=100, default="")
    # Links: the address.
    url = fields.CharField(max_length=1000, default="")
    change_note = fields.CharField(max_length=255, default="")
    uploaded_by = fields.ForeignKeyField(
        "models.User", null=True, related_name="material_versions", on_delete=fields.SET_NULL, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_material_versions"
        app = "courses"
        ordering = ["-number"]
        unique_together = (("material", "number"),)
