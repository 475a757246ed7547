"""The audit log: one row for every change a user makes."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditLog(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="audit_logs", null=True, on_delete=fields.CASCADE
    )
    user = fields.ForeignKeyField(
        "studio.User", related_name="audit_logs", null=True, on_delete=fields.SET_NULL
    )
    #: dotted verb, e.g. "member.add", "message.approve"
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=32, default="")
    object_id = fields.CharField(max_length=64, default="")
    detail = fields.JSONField(default=dict)
    ip = fields.CharField(max_length=64, default="")
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_log"
        indexes = (("workspace_id", "at"),)
