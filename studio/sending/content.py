"""What a batch sends, chosen on the new-batch form: an approved 5G message version, or an
approved text SMS or video SMS template (`studio.sms_templates.api`).

A template batch keeps the approved snapshot it was created from (`SendBatch.content`), so a
later edit and re-approval of the template never changes what this batch sends. Its carrier
approvals are looked up when sending, because carriers answer days after the platform review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from studio.errors import FormInvalid, NotFound
from studio.i18n import Text
from studio.models.links import ShortLink
from studio.models.sending import BatchKind, FallbackPolicy, SendBatch
from studio.models.templates import Signature
from studio.sms_templates import api as templates
from studio.sms_templates.carriers import approved_carriers as _carrier_reviews
from studio.sms_templates.reviewing import SMS_TEMPLATE, VIDEO_SMS_TEMPLATE

#: personalised links per SMS (their codes share the delivery's 64-character link_code)
MAX_LINKS = 4
_URL = re.compile(r"https?://[^\s，。、！？；：“”‘’【】（）<>\"']+")


@dataclass(frozen=True)
class Source:
    """The form's 发送内容 value: ``m:<message version id>``, ``s:<sms template id>`` or
    ``v:<video sms template id>``."""

    kind: BatchKind
    id: int

    @classmethod
    def parse(cls, raw: str) -> Source:
        prefix, _, number = raw.strip().partition(":")
        kinds = {"m": BatchKind.RCS, "s": BatchKind.SMS, "v": BatchKind.VIDEO_SMS}
        if prefix not in kinds or not number.isdigit():
            raise FormInvalid({"source": "请选择要发送的消息或模板"})
        return cls(kinds[prefix], int(number))

    @property
    def value(self) -> str:
        return {BatchKind.RCS: "m", BatchKind.SMS: "s", BatchKind.VIDEO_SMS: "v"}[
            self.kind] + f":{self.id}"


@dataclass(frozen=True)
class LinkTarget:
    """Where a batch's personalised links lead: a URL, or a message version's CH5 page.
    `url` is the link as written in an SMS template (replaced per recipient)."""

    target_url: str = ""
    message_version_id: int | None = None
    message_id: int | None = None
    url: str = ""


def subject_of(kind: BatchKind) -> str:
    return SMS_TEMPLATE if kind is BatchKind.SMS else VIDEO_SMS_TEMPLATE


async def template_snapshot(workspace_id: int, source: Source) -> dict[str, Any]:
    """The approved snapshot a template batch sends; FormInvalid when it may not be sent."""
    try:
        if source.kind is BatchKind.SMS:
            sms = await templates.approved_sms(workspace_id, source.id)
            snap: dict[str, Any] = {
                "name": sms.name, "version": sms.version, "sms_kind": sms.kind,
                "signature": sms.signature, "text": sms.text, "variables": list(sms.variables),
                "links": await _template_links(workspace_id, sms.text)}
        else:
            video = await templates.approved_video_sms(workspace_id, source.id)
            snap = {"name": video.name, "version": video.version, "title": video.title,
                    "signature": video.signature, "profile": video.profile,
                    "frames": video.frames, "variables": list(video.variables),
                    "total_bytes": video.total_bytes, "links": []}
    except templates.NotApproved:
        raise FormInvalid({"source": "该模板尚未审核通过，不能发送"}) from None
    except NotFound:
        raise FormInvalid({"source": "请选择本工作区审核通过的模板"}) from None
    if not snap["signature"]:
        raise FormInvalid({"source": "该模板没有签名，请先为模板选择签名并重新审核"})
    if not await signature_usable(workspace_id, str(snap["signature"])):
        raise FormInvalid({"source": Text("模板签名【%(signature)s】未审核通过或已注销",
                                           signature=snap["signature"])})
    return snap


async def _template_links(workspace_id: int, text: str) -> list[dict[str, Any]]:
    """This workspace's short links written in the template text (personalised per
    recipient when sending); other URLs are sent as they are."""
    found: list[dict[str, Any]] = []
    for url in dict.fromkeys(_URL.findall(text)):
        code = url.rstrip("/").rsplit("/", 1)[-1]
        link = await ShortLink.filter(workspace_id=workspace_id, code=code,
                                      batch_id__isnull=True).first()
        if link is None or len(found) == MAX_LINKS:
            continue
        found.append({"url": url, "target_url": link.target_url,
                      "message_version_id": link.message_version_id,  # type: ignore[attr-defined]
                      "message_id": link.message_id})
    return found


async def signature_usable(workspace_id: int, text: str) -> bool:
    return await Signature.filter(workspace_id=workspace_id, text=text, status="approved",
                                  withdrawn_at__isnull=True).exists()


async def chosen_signature(workspace_id: int, raw: str) -> str:
    """The text of the signature picked in the form (an approved, live one) or ""."""
    if not raw.strip():
        return ""
    try:
        return await templates.signature_text(workspace_id, int(raw))
    except (ValueError, NotFound, templates.NotApproved):
        raise FormInvalid({"signature": "请选择审核通过的签名"}) from None


def link_targets(batch: SendBatch, document: dict[str, Any] | None) -> list[LinkTarget]:
    """The links each recipient gets a personalised copy of (none without link days)."""
    if not batch.link_days:
        return []
    if batch.kind is BatchKind.RCS:
        uses_ch5 = bool((document or {}).get("ch5")) or batch.fallback is FallbackPolicy.SMS_CH5
        return [LinkTarget("", batch.message_version_id,  # type: ignore[attr-defined]
                           batch.message_id)] if uses_ch5 else []
    return [LinkTarget(str(x.get("target_url") or ""), x.get("message_version_id"),
                       x.get("message_id"), str(x["url"]))
            for x in (batch.content or {}).get("links", [])]


async def approved_carriers(batch: SendBatch) -> dict[str, str]:
    """carrier → the carrier's template id, for the version this template batch sends."""
    if batch.kind is BatchKind.RCS or batch.template_id is None:
        return {}
    found = await _carrier_reviews(batch.workspace_id,  # type: ignore[attr-defined]
                                   subject_of(batch.kind), batch.template_id,
                                   batch.template_version)
    return {str(carrier.value): template_id for carrier, template_id in found.items()}
