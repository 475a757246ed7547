"""Send batches (发送任务), their deliveries, the opt-out list, the outbox, uplink replies.

A `Delivery` row exists for every recipient from import on; its `key` is unique, so the
sender can be restarted at any point without creating or sending anything twice, and its
`message_uid` is the CTCU ``messageId`` the carrier de-duplicates by.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class BatchStatus(StrEnum):
    DRAFT = "draft"  #: importing or imported, not yet started
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label_zh(self) -> str:
        return {"draft": "草稿", "scheduled": "定时待发", "sending": "发送中", "paused": "已暂停",
                "completed": "已完成", "cancelled": "已取消"}[self.value]


class Category(StrEnum):
    MARKETING = "marketing"
    NOTIFICATION = "notification"
    VERIFICATION = "verification"

    @property
    def label_zh(self) -> str:
        return {"marketing": "营销", "notification": "通知",
                "verification": "验证码"}[self.value]


class FallbackPolicy(StrEnum):
    """What numbers that cannot receive 5G messages get (号码解析 → 不可解析号码)."""

    NONE = "none"  #: not sent
    SMS = "sms"
    SMS_CH5 = "sms_ch5"
    VIDEO_SMS = "video_sms"


class Channel(StrEnum):
    RCS = "rcs"
    SMS = "sms"
    VIDEO_SMS = "video_sms"
    NONE = "none"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  #: waiting to be sent
    SUBMITTING = "submitting"  #: handed to the gateway, answer not recorded yet
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNKNOWN = "unknown"  #: no report within the report window
    SKIPPED = "skipped"  #: not sent: opted out, frequency cap, no fallback, cancelled

    @property
    def label_zh(self) -> str:
        return {"queued": "待发送", "submitting": "提交中", "sent": "已提交",
                "delivered": "发送成功", "failed": "发送失败", "unknown": "未知",
                "skipped": "未发送"}[self.value]


class BatchKind(StrEnum):
    """What a batch sends: a 5G message version, or an approved text / video SMS template."""

    RCS = "rcs"
    SMS = "sms"
    VIDEO_SMS = "video_sms"

    @property
    def label_zh(self) -> str:
        return {"rcs": "5G消息", "sms": "短信模板", "video_sms": "视频短信模板"}[self.value]


class SendBatch(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="send_batches", on_delete=fields.CASCADE
    )
    #: 批次号 shown to users, unique across workspaces
    number = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=60, default="")
    message_version = fields.ForeignKeyField(
        "studio.MessageVersion", related_name="send_batches", null=True,
        on_delete=fields.SET_NULL,
    )
    message_id = fields.IntField(null=True)
    kind = fields.CharEnumField(BatchKind, max_length=12, default=BatchKind.RCS)
    #: the text or video SMS template sent (kind sms or video_sms) and its approved version
    template_id = fields.IntField(null=True)
    template_version = fields.IntField(null=True)
    #: the approved template snapshot sent (text or frames, signature, variables, links)
    content = fields.JSONField(default=dict)
    #: 模板名称 at creation (the message or template name)
    template_name = fields.CharField(max_length=100, default="")
    category = fields.CharEnumField(Category, max_length=16, default=Category.MARKETING)
    signature = fields.CharField(max_length=20, default="")
    fallback = fields.CharEnumField(FallbackPolicy, max_length=16, default=FallbackPolicy.SMS)
    status = fields.CharEnumField(BatchStatus, max_length=16, default=BatchStatus.DRAFT)
    #: why a batch is paused: user | window
    pause_reason = fields.CharField(max_length=16, default="")
    #: personalised short links expire this many days after sending (1-7), 0 = no links
    link_days = fields.IntField(default=0)
    scheduled_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    #: the number parsing table and send counters, filled by the import and the sender
    counts = fields.JSONField(default=dict)
    #: variable names from the file header
    variables = fields.JSONField(default=list)
    import_job_id = fields.IntField(null=True)
    #: the one send job working on this batch (a resume never starts a second one)
    send_job_id = fields.IntField(null=True)
    #: base URL of the personalised links (the short domain), fixed when sending starts
    link_base = fields.CharField(max_length=200, default="")
    created_by = fields.ForeignKeyField(
        "studio.User", related_name="send_batches", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "send_batch"
        indexes = (("workspace_id", "created_at"),)


class Delivery(Model):
    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.IntField()
    batch = fields.ForeignKeyField(
        "studio.SendBatch", related_name="deliveries", on_delete=fields.CASCADE
    )
    #: idempotency key, e.g. b12:13800138000 or t12:1:13800138000 for a test send
    key = fields.CharField(max_length=64, unique=True)
    #: the CTCU messageId (a UUID) the gateway de-duplicates by
    message_uid = fields.CharField(max_length=36, unique=True)
    #: 11 digits, emptied by the retention purge (the row and its counts stay)
    phone = fields.CharField(max_length=11)
    #: row number in the imported file
    line = fields.IntField(default=0)
    variables = fields.JSONField(default=dict)
    is_test = fields.BooleanField(default=False)
    #: 5G capable, as the gateway answered (null until asked)
    capable = fields.BooleanField(null=True)
    channel = fields.CharEnumField(Channel, max_length=12, default=Channel.NONE)
    #: mobile, unicom or telecom by number prefix (templates need that carrier to approve)
    carrier = fields.CharField(max_length=8, default="")
    status = fields.CharEnumField(DeliveryStatus, max_length=12, default=DeliveryStatus.QUEUED)
    #: opted_out | capped | no_fallback | cancelled | carrier
    skip_reason = fields.CharField(max_length=16, default="")
    link_code = fields.CharField(max_length=64, default="")
    error_code = fields.CharField(max_length=32, default="")
    submitted_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    reported_at = fields.DatetimeField(null=True)

    class Meta:
        table = "delivery"
        indexes = (("batch_id", "status"), ("workspace_id", "phone", "submitted_at"))


class OptOut(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="opt_outs", on_delete=fields.CASCADE
    )
    phone = fields.CharField(max_length=11)
    #: reply | manual
    source = fields.CharField(max_length=16, default="reply")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "opt_out"
        unique_together = (("workspace", "phone"),)


class OutboxMessage(Model):
    """What the outbox gateway would have handed to the carrier."""

    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.IntField()
    message_uid = fields.CharField(max_length=36, unique=True)
    phone = fields.CharField(max_length=11)
    channel = fields.CharEnumField(Channel, max_length=12)
    #: the rendered CTCU envelope, or {"text": ...} for an SMS
    payload = fields.JSONField()
    created_at = fields.DatetimeField()
    #: when the simulated delivery report is due
    report_at = fields.DatetimeField()
    #: empty until reported, then delivered | failed
    outcome = fields.CharField(max_length=12, default="")

    class Meta:
        table = "outbox_message"
        indexes = (("outcome", "report_at"), ("workspace_id", "id"))


class UplinkMessage(Model):
    """A reply from a phone (uplink), matched to a keyword message when one answers it."""

    id = fields.BigIntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="uplinks", on_delete=fields.CASCADE
    )
    #: the carrier's id of the uplink (duplicates are dropped)
    uid = fields.CharField(max_length=64, unique=True)
    phone = fields.CharField(max_length=11)
    text = fields.CharField(max_length=2048, default="")
    postback = fields.CharField(max_length=2048, default="")
    #: keyword message that answers it, or null
    matched_message_id = fields.IntField(null=True)
    opt_out = fields.BooleanField(default=False)
    received_at = fields.DatetimeField()

    class Meta:
        table = "uplink_message"
        indexes = (("workspace_id", "received_at"),)


class CallbackNonce(Model):
    """Nonces of signed carrier callbacks already accepted (a replay is refused)."""

    id = fields.BigIntField(primary_key=True)
    nonce = fields.CharField(max_length=64, unique=True)
    at = fields.DatetimeField()

    class Meta:
        table = "callback_nonce"


class RejectedRow(Model):
    """An imported row that is not sent: invalid number or missing variables."""

    id = fields.BigIntField(primary_key=True)
    batch = fields.ForeignKeyField(
        "studio.SendBatch", related_name="rejected_rows", on_delete=fields.CASCADE
    )
    line = fields.IntField()
    #: the cell as imported (cut to 40 characters), masked when it is a valid number
    cell = fields.CharField(max_length=40)
    #: invalid | missing
    kind = fields.CharField(max_length=8)
    reason = fields.CharField(max_length=100)

    class Meta:
        table = "rejected_row"


class SendSettings(Model):
    """The sending rules of a workspace (one row, created on first save, env defaults)."""

    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="send_settings", on_delete=fields.CASCADE, unique=True
    )
    #: marketing batches send only inside this local window, HH:MM-HH:MM
    marketing_window = fields.CharField(max_length=11, default="09:00-20:00")
    #: marketing messages per number per 24 h (0 = no cap)
    marketing_cap_per_day = fields.IntField(default=1)
    #: verification messages per number per hour (0 = no cap)
    verification_cap_per_hour = fields.IntField(default=10)
    #: days recipient numbers are kept on delivery rows (0 = for ever)
    phone_retention_days = fields.IntField(default=180)
    #: days raw visits are kept (0 = for ever), the hourly rollups stay
    visit_retention_days = fields.IntField(default=400)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "send_settings"
