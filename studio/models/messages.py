"""Messages, their versions (the review workflow's subject) and chatbot profiles.

A `Message` is the marketer's named item; each `MessageVersion` holds one message document
(renderers.codec JSON). Approved versions are immutable: editing an approved message makes
a new draft version while the approved one stays usable.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label_zh(self) -> str:
        return {
            "draft": "草稿",
            "in_review": "审核中",
            "approved": "已通过",
            "rejected": "已驳回",
        }[self.value]


class ChatbotProfile(Model):
    """The sender shown on previews and CH5 pages (a workspace may have several)."""

    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="chatbots", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=50)
    description = fields.CharField(max_length=500, default="")
    #: media asset id of the logo, or null
    logo_asset_id = fields.IntField(null=True)
    #: service-number menu: up to 3 entries with up to 5 children, as JSON
    menu = fields.JSONField(default=list)
    #: signature for 5G fallback SMS (CTCU autograph), without the brackets
    fallback_signature = fields.CharField(max_length=20, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "chatbot_profile"


class Message(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="messages", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    #: text | rich | card | carousel (mirrors the latest version's document)
    kind = fields.CharField(max_length=16)
    chatbot = fields.ForeignKeyField(
        "studio.ChatbotProfile", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    #: the version the editor works on (a draft, or the latest one)
    current_version = fields.IntField(default=1)
    #: the newest approved version number, or null
    approved_version = fields.IntField(null=True)
    created_by = fields.ForeignKeyField(
        "studio.User", related_name="messages_created", null=True, on_delete=fields.SET_NULL
    )
    updated_by = fields.ForeignKeyField(
        "studio.User", related_name="messages_updated", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "message"
        indexes = (("workspace_id", "updated_at"),)


class MessageVersion(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="message_versions", on_delete=fields.CASCADE
    )
    message = fields.ForeignKeyField(
        "studio.Message", related_name="versions", on_delete=fields.CASCADE
    )
    #: 1, 2, 3 ... within the message
    number = fields.IntField()
    #: the message document (renderers.codec.to_json)
    document = fields.JSONField()
    status = fields.CharEnumField(ReviewStatus, max_length=16, default=ReviewStatus.DRAFT)
    #: optimistic lock: bumped on every save of a draft
    revision = fields.IntField(default=1)
    reject_reason = fields.CharField(max_length=500, default="")
    submitted_by = fields.ForeignKeyField(
        "studio.User", related_name="versions_submitted", null=True, on_delete=fields.SET_NULL
    )
    submitted_at = fields.DatetimeField(null=True)
    reviewed_by = fields.ForeignKeyField(
        "studio.User", related_name="versions_reviewed", null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "message_version"
        unique_together = (("message", "number"),)


class ReviewEvent(Model):
    """One step of a review (submit, approve, reject, withdraw): the history of any reviewable.

    Shared by every reviewable kind (message versions now, signatures and SMS templates later):
    `subject_type` names the model, `subject_id` its row.
    """

    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="review_events", on_delete=fields.CASCADE
    )
    #: model of the reviewed row, e.g. message_version
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField()
    #: submit | approve | reject | withdraw | auto_approve | reopen
    action = fields.CharField(max_length=16)
    actor = fields.ForeignKeyField(
        "studio.User", related_name="review_events", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=500, default="")
    at = fields.DatetimeField()

    class Meta:
        table = "review_event"
        indexes = (("subject_type", "subject_id"),)
