"""What goes to the gateway for one delivery: the rendered CTCU envelope for 5G numbers, the
fallback SMS text, or the video SMS template reference; for a template batch, the approved
SMS text (【签名】, variables filled, personalised short links) or the video SMS template id
the recipient's carrier gave."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from renderers import rcs, sms
from renderers.codec import from_json
from renderers.context import Envelope, RenderContext
from renderers.document import FallbackType, Message
from renderers.errors import DocumentError
from renderers.variables import fill
from studio.models.messages import MessageVersion
from studio.models.sending import (
    BatchKind,
    Category,
    Channel,
    Delivery,
    FallbackPolicy,
    SendBatch,
)
from studio.sending.phones import e164
from studio.sms_templates import counting


@dataclass(frozen=True)
class Composer:
    message: Message
    signature: str | None
    marketing: bool
    link_base: str
    chatbot_uri: str

    @classmethod
    def for_batch(cls, batch: SendBatch, document: dict[str, Any], chatbot_uri: str) -> Composer:
        message = from_json(document)
        wanted = {FallbackPolicy.SMS: FallbackType.SMS,
                  FallbackPolicy.SMS_CH5: FallbackType.SMS_CH5}.get(batch.fallback)
        if wanted is not None and message.fallback.type is not wanted:
            # the batch chose another fallback than the message's (plain SMS ⇄ SMS + CH5)
            message = replace(message, fallback=replace(message.fallback, type=wanted))
        return cls(message, batch.signature or None,
                   batch.category is Category.MARKETING, batch.link_base.rstrip("/"),
                   chatbot_uri)

    def link(self, delivery: Delivery) -> str | None:
        code = delivery.link_code.split(",")[0]
        return f"{self.link_base}/{code}" if code else None

    def payload(self, delivery: Delivery) -> dict[str, Any] | str:
        """The payload, or a short error code when this recipient's message cannot render."""
        context = RenderContext(
            variables=dict(delivery.variables or {}), signature=self.signature,
            # the CH5 link counts as what it is, a personalised link under the batch's base,
            # as the message editor counted it
            sms_options=counting.sms_options(self.link_base), ch5_url=self.link(delivery),
            envelope=Envelope(
                destinations=(e164(delivery.phone),), message_id=delivery.message_uid,
                sender_address=self.chatbot_uri,
                traffic_type="advertisement" if self.marketing else None,
            ),
        )
        try:
            if delivery.channel is Channel.RCS:
                return dict(rcs.render(self.message, context).output)
            if delivery.channel is Channel.SMS:
                return {"text": sms.render(self.message, context).output["text"]}
        except DocumentError:
            return "render"
        if delivery.channel is Channel.VIDEO_SMS:
            return {"video_template_id": self.message.fallback.video_template_id}
        return "render"


@dataclass(frozen=True)
class TemplateComposer:
    """A text or video SMS template batch. `carriers` maps a carrier to the template id it
    gave (the sender skips numbers of carriers that have not approved)."""

    kind: BatchKind
    content: dict[str, Any]
    link_base: str
    carriers: dict[str, str]

    def payload(self, delivery: Delivery) -> dict[str, Any] | str:
        values = {str(k): str(v) for k, v in (delivery.variables or {}).items()}
        template_id = self.carriers.get(delivery.carrier, "")
        if self.kind is BatchKind.VIDEO_SMS:
            title, _ = fill(str(self.content.get("title", "")), values)
            return {"video_template_id": template_id, "title": title,
                    "signature": self.content.get("signature", ""), "params": values}
        text, _ = fill(str(self.content.get("text", "")), values)
        links = []
        codes = [c for c in delivery.link_code.split(",") if c]
        for link, code in zip(self.content.get("links") or [], codes, strict=False):
            personal = f"{self.link_base}/{code}"
            text = text.replace(str(link["url"]), personal)
            links.append(personal)
        count = counting.count(text, str(self.content.get("signature") or "") or None,
                               counting.sms_options(self.link_base), tuple(links))
        if count.over_limit:
            return "too_long"
        return {"text": count.text, "template_id": template_id}


async def composer_for(
    batch: SendBatch, chatbot_uri: str, carriers: dict[str, str]
) -> Composer | TemplateComposer:
    if batch.kind is BatchKind.RCS:
        version = await MessageVersion.get(id=batch.message_version_id)  # type: ignore[attr-defined]
        return Composer.for_batch(batch, version.document, chatbot_uri)
    return TemplateComposer(batch.kind, dict(batch.content or {}), batch.link_base.rstrip("/"),
                            carriers)
