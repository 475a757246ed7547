"""Short links (智能短链): a code that redirects to a URL or shows a CH5 message page."""

from __future__ import annotations

from datetime import datetime

from tortoise import fields
from tortoise.models import Model


class ShortLink(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="short_links", on_delete=fields.CASCADE
    )
    #: the path segment after the short domain, unique across workspaces
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=100, default="")
    #: normalised http(s) target, empty for a CH5 link
    target_url = fields.CharField(max_length=2048, default="")
    #: the approved message version shown on the CH5 page, null for a URL link
    message_version = fields.ForeignKeyField(
        "studio.MessageVersion", related_name="short_links", null=True,
        on_delete=fields.SET_NULL,
    )
    #: the message of that version (kept for per-message statistics)
    message_id = fields.IntField(null=True)
    #: send batch that made this personalised link, or null
    batch_id = fields.IntField(null=True)
    #: recipient reference of a personalised link (delivery id or masked number)
    recipient = fields.CharField(max_length=64, default="")
    #: recipient values for the message variables (personalised CH5 links)
    variables = fields.JSONField(default=dict)
    expires_at = fields.DatetimeField(null=True)
    disabled = fields.BooleanField(default=False)
    #: non-bot opens so far (kept by the visit writer, for sorting the list)
    visits = fields.IntField(default=0)
    created_by = fields.ForeignKeyField(
        "studio.User", related_name="short_links_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "short_link"
        indexes = (("workspace_id", "created_at"), ("workspace_id", "batch_id"))

    @property
    def is_ch5(self) -> bool:
        return self.message_version_id is not None  # type: ignore[attr-defined]

    def is_enabled(self, now: datetime) -> bool:
        return not self.disabled and (self.expires_at is None or self.expires_at > now)


class LinkTargetChange(Model):
    """The history of a link's target: one row per edit."""

    id = fields.IntField(primary_key=True)
    link = fields.ForeignKeyField(
        "studio.ShortLink", related_name="target_changes", on_delete=fields.CASCADE
    )
    old_target_url = fields.CharField(max_length=2048, default="")
    old_message_version_id = fields.IntField(null=True)
    new_target_url = fields.CharField(max_length=2048, default="")
    new_message_version_id = fields.IntField(null=True)
    changed_by = fields.ForeignKeyField(
        "studio.User", related_name="link_target_changes", null=True, on_delete=fields.SET_NULL
    )
    changed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "link_target_change"
