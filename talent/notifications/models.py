from tortoise import fields
from tortoise.models import Model


class Notification(Model):
    """An in-app message to one user. `text` is an English msgid translated when shown, with `params`
    filled in. `dedupe_key` is unique, so a reminder is never created twice."""

    id = fields.BigIntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="notifications", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=32)
    text = fields.CharField(max_length=255)
    params = fields.JSONField(default=dict)
    link = fields.CharField(max_length=255, default="")
    dedupe_key = fields.CharField(max_length=191, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    read_at = fields.DatetimeField(null=True)
    emailed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        ordering = ["-id"]
        indexes = (("user_id", "read_at"),)
