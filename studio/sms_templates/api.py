"""What the sending feature calls: approved templates, their signature, carrier approval.

Only approved content is ever sent, and only the approved snapshot (an edit in progress makes
a new draft version and never changes what is sent). A template may go to a carrier's numbers
once that carrier approved the version being sent.

    sms = await approved_sms(workspace_id, template_id)       # raises NotApproved / NotFound
    count = sms.render({"name": "王先生"}, rules.sms_options())  # SmsCount: text as sent
    if Carrier.MOBILE in sms.carriers: ...                      # carrier's template id inside
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from media.storage import LocalStorage
from renderers.sms import DEFAULT_OPTIONS, SmsCount, SmsOptions
from renderers.variables import fill
from studio.errors import Conflict, NotFound
from studio.models.templates import Carrier, Signature, SmsTemplate, VideoSmsTemplate
from studio.sms_templates import carriers, counting, packaging
from studio.sms_templates.reviewing import SMS_TEMPLATE, VIDEO_SMS_TEMPLATE


class NotApproved(Conflict):
    code = "template_not_approved"
    message = "该模板尚未审核通过，不能发送"


@dataclass(frozen=True)
class ApprovedSms:
    template_id: int
    version: int
    kind: str
    name: str
    signature: str  #: without brackets
    text: str  #: with {{variables}}
    variables: tuple[str, ...]
    #: carriers that approved this version, with their template ids
    carriers: dict[Carrier, str]

    def render(self, values: dict[str, str], options: SmsOptions = DEFAULT_OPTIONS) -> SmsCount:
        """The SMS for one recipient, counted (short links as `counting` says, with options
        from `counting.sms_options(link_base)`); unknown variables stay as written."""
        return counting.count(fill(self.text, values)[0], self.signature, options)


@dataclass(frozen=True)
class ApprovedVideoSms:
    template_id: int
    version: int
    name: str
    title: str
    signature: str
    profile: str
    #: renderers.video_sms frames JSON: text, or media {asset_id, rendition, rendition_id}
    #: (rendition_id pins the exact file approved, see `approved_video_package`)
    frames: list[dict[str, Any]]
    variables: tuple[str, ...]
    total_bytes: int
    carriers: dict[Carrier, str]


async def _row(model: Any, workspace_id: int, template_id: int) -> Any:
    row = await model.filter(id=template_id, workspace_id=workspace_id,
                             deleted_at__isnull=True).first()
    if row is None:
        raise NotFound.for_object(model.__name__.lower(), template_id)
    if not row.approved:
        raise NotApproved()
    return row


async def approved_sms(workspace_id: int, template_id: int) -> ApprovedSms:
    row = await _row(SmsTemplate, workspace_id, template_id)
    snap = row.approved
    return ApprovedSms(
        row.id, snap["version"], snap["kind"], snap["name"], snap["signature"], snap["text"],
        tuple(v["name"] for v in snap.get("variables") or []),
        await carriers.approved_carriers(workspace_id, SMS_TEMPLATE, row.id, snap["version"]),
    )


async def approved_video_sms(workspace_id: int, template_id: int) -> ApprovedVideoSms:
    row = await _row(VideoSmsTemplate, workspace_id, template_id)
    snap = row.approved
    return ApprovedVideoSms(
        row.id, snap["version"], snap["name"], snap["title"], snap["signature"], snap["profile"],
        list(snap["frames"]), tuple(v["name"] for v in snap.get("variables") or []),
        int(snap.get("total_bytes", 0)),
        await carriers.approved_carriers(workspace_id, VIDEO_SMS_TEMPLATE, row.id,
                                         snap["version"]),
    )


@dataclass(frozen=True)
class Choice:
    template_id: int
    name: str  #: the approved version's name
    version: int


async def approved_choices(workspace_id: int, subject: str = SMS_TEMPLATE) -> list[Choice]:
    """Templates with an approved version, for a send form's 选择模板 (newest first)."""
    model = SmsTemplate if subject == SMS_TEMPLATE else VideoSmsTemplate
    rows = await model.filter(workspace_id=workspace_id, deleted_at__isnull=True,
                              approved_version__isnull=False).order_by("-updated_at", "-id")
    return [Choice(r.id, str(r.approved["name"]), int(r.approved["version"])) for r in rows]


async def may_send(workspace_id: int, subject: str, template_id: int, carrier: Carrier) -> bool:
    """Whether the approved version may go to this carrier's numbers."""
    model = SmsTemplate if subject == SMS_TEMPLATE else VideoSmsTemplate
    try:
        row = await _row(model, workspace_id, template_id)
    except (NotFound, NotApproved):
        return False
    approved = await carriers.approved_carriers(workspace_id, subject, row.id,
                                                row.approved_version)
    return carrier in approved


async def signature_text(workspace_id: int, signature_id: int) -> str:
    """An approved, live signature's text (without brackets); raises NotFound / NotApproved."""
    sig = await Signature.filter(id=signature_id, workspace_id=workspace_id).first()
    if sig is None:
        raise NotFound.for_object("signature", signature_id)
    if sig.status != "approved" or sig.withdrawn_at is not None:
        raise NotApproved("该签名未审核通过或已注销，不能使用")
    return sig.text


async def approved_video_package(workspace_id: int, template_id: int,
                                 storage: LocalStorage) -> bytes:
    """The carrier package (zip: SMIL, text files, the pinned media files) of the approved
    version, as the studio exports it; raises NotFound / NotApproved / ExportRefused."""
    row = await _row(VideoSmsTemplate, workspace_id, template_id)
    return await packaging.package(workspace_id, row, storage)
