"""Signatures (签名), text SMS templates (短信模板) and video SMS templates (视频短信模板).

The three reviewable kinds of the fallback channels. Each row carries the review fields the
shared workflow (`studio.messages.review`) expects. Templates keep the approved content as an
immutable snapshot (`approved`): editing an approved template makes a new draft while the
snapshot stays sendable. Carriers review each approved version again (`CarrierReview`).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from studio.models.messages import ReviewStatus


class SmsKind(StrEnum):
    VERIFICATION = "verification"
    NOTIFICATION = "notification"
    MARKETING = "marketing"

    @property
    def label_zh(self) -> str:
        return {"verification": "验证码短信", "notification": "通知短信",
                "marketing": "营销短信"}[self.value]


class Carrier(StrEnum):
    MOBILE = "mobile"
    UNICOM = "unicom"
    TELECOM = "telecom"

    @property
    def label_zh(self) -> str:
        return {"mobile": "中国移动", "unicom": "中国联通", "telecom": "中国电信"}[self.value]


class CarrierStatus(StrEnum):
    NOT_SUBMITTED = "not_submitted"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label_zh(self) -> str:
        return {"not_submitted": "未报备", "pending": "运营商审核中", "approved": "运营商通过",
                "rejected": "运营商驳回"}[self.value]


class QualificationKind(StrEnum):
    LICENCE = "licence"
    AUTHORISATION = "authorisation"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return {"licence": "营业执照", "authorisation": "签名授权书", "other": "其他证明"}[
            self.value]


class TemplateSettings(Model):
    """A workspace's rules for signatures and SMS content (one row, created on first use)."""

    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="template_settings", on_delete=fields.CASCADE,
        unique=True,
    )
    #: tighter signature length than the carriers' 20 (e.g. 8), within 2 to 20
    signature_max_chars = fields.IntField(default=20)
    #: the phrase every marketing template must end with
    opt_out_phrase = fields.CharField(max_length=30, default="拒收请回复R")
    #: extra forbidden words, added to the defaults
    forbidden_words = fields.JSONField(default=list)

    class Meta:
        table = "template_settings"


class Signature(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="signatures", on_delete=fields.CASCADE
    )
    #: the name without brackets, the 【】 are added when sent
    text = fields.CharField(max_length=20)
    #: purpose or remark for the reviewer
    purpose = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(ReviewStatus, max_length=16, default=ReviewStatus.DRAFT)
    revision = fields.IntField(default=1)
    reject_reason = fields.CharField(max_length=500, default="")
    submitted_by = fields.ForeignKeyField(
        "studio.User", related_name="signatures_submitted", null=True, on_delete=fields.SET_NULL
    )
    submitted_at = fields.DatetimeField(null=True)
    reviewed_by = fields.ForeignKeyField(
        "studio.User", related_name="signatures_reviewed", null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    #: set when the signature is withdrawn (已注销), it can no longer be chosen
    withdrawn_at = fields.DatetimeField(null=True)
    created_by = fields.ForeignKeyField(
        "studio.User", related_name="signatures_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "signature"
        indexes = (("workspace_id", "text"),)


class QualificationFile(Model):
    """A business licence or authorisation letter, stored privately as uploaded."""

    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="qualification_files", on_delete=fields.CASCADE
    )
    signature = fields.ForeignKeyField(
        "studio.Signature", related_name="files", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(QualificationKind, max_length=16)
    #: the uploader's file name, for display and the download name only
    filename = fields.CharField(max_length=255)
    #: sniffed from the content: application/pdf, image/jpeg or image/png
    mime = fields.CharField(max_length=32)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    #: key in the private qualification storage
    storage_key = fields.CharField(max_length=64)
    uploaded_by = fields.ForeignKeyField(
        "studio.User", related_name="qualification_files", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "qualification_file"


class _TemplateBase(Model):
    id = fields.IntField(primary_key=True)
    status = fields.CharEnumField(ReviewStatus, max_length=16, default=ReviewStatus.DRAFT)
    #: optimistic lock, bumped on every save and review step
    revision = fields.IntField(default=1)
    #: content version, bumped when an approved template is edited again
    version = fields.IntField(default=1)
    reject_reason = fields.CharField(max_length=500, default="")
    submitted_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    #: the approved content, never changed once written (replaced by the next approval)
    approved = fields.JSONField(null=True)
    approved_version = fields.IntField(null=True)
    variables = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        abstract = True


class SmsTemplate(_TemplateBase):
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="sms_templates", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=50)
    kind = fields.CharEnumField(SmsKind, max_length=16)
    signature = fields.ForeignKeyField(
        "studio.Signature", related_name="sms_templates", null=True, on_delete=fields.SET_NULL
    )
    #: the content without the signature, variables as {{name}}
    text = fields.TextField(default="")
    submitted_by = fields.ForeignKeyField(
        "studio.User", related_name="sms_templates_submitted", null=True,
        on_delete=fields.SET_NULL,
    )
    reviewed_by = fields.ForeignKeyField(
        "studio.User", related_name="sms_templates_reviewed", null=True,
        on_delete=fields.SET_NULL,
    )

    class Meta:
        table = "sms_template"
        indexes = (("workspace_id", "updated_at"),)


class VideoSmsTemplate(_TemplateBase):
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="video_sms_templates", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=15)
    title = fields.CharField(max_length=15, default="")
    signature = fields.ForeignKeyField(
        "studio.Signature", related_name="video_sms_templates", null=True,
        on_delete=fields.SET_NULL,
    )
    #: ordered frames as renderers.video_sms JSON: kind, text or media
    frames = fields.JSONField(default=list)
    #: video_sms (1.8 MB) or unicom_digital (4 items, 1.9 MB)
    profile = fields.CharField(max_length=20, default="video_sms")
    #: total bytes at the last save
    total_bytes = fields.IntField(default=0)
    submitted_by = fields.ForeignKeyField(
        "studio.User", related_name="video_sms_submitted", null=True, on_delete=fields.SET_NULL
    )
    reviewed_by = fields.ForeignKeyField(
        "studio.User", related_name="video_sms_reviewed", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "video_sms_template"
        indexes = (("workspace_id", "updated_at"),)


class CarrierReview(Model):
    """One carrier's review of one approved version of a template, with its template id."""

    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="carrier_reviews", on_delete=fields.CASCADE
    )
    #: sms_template or video_sms_template
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField()
    #: the template version the carrier reviewed
    version = fields.IntField()
    carrier = fields.CharEnumField(Carrier, max_length=16)
    status = fields.CharEnumField(CarrierStatus, max_length=16,
                                  default=CarrierStatus.NOT_SUBMITTED)
    #: the template id the carrier gave
    carrier_template_id = fields.CharField(max_length=64, default="")
    reason = fields.CharField(max_length=500, default="")
    updated_by = fields.ForeignKeyField(
        "studio.User", related_name="carrier_reviews", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "carrier_review"
        unique_together = (("subject_type", "subject_id", "version", "carrier"),)
