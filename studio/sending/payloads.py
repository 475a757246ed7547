"""What goes to the gateway for one delivery: the rendered CTCU envelope for 5G numbers, the
fallback SMS text, or the video SMS template reference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from renderers import rcs, sms
from renderers.codec import from_json
from renderers.context import Envelope, RenderContext
from renderers.document import Message
from renderers.errors import DocumentError
from studio.models.sending import Category, Channel, Delivery, SendBatch
from studio.sending.phones import e164


@dataclass(frozen=True)
class Composer:
    message: Message
    signature: str | None
    marketing: bool
    link_base: str
    chatbot_uri: str

    @classmethod
    def for_batch(cls, batch: SendBatch, document: dict[str, Any], chatbot_uri: str) -> Composer:
        return cls(from_json(document), batch.signature or None,
                   batch.category is Category.MARKETING, batch.link_base.rstrip("/"),
                   chatbot_uri)

    def link(self, delivery: Delivery) -> str | None:
        return f"{self.link_base}/{delivery.link_code}" if delivery.link_code else None

    def payload(self, delivery: Delivery) -> dict[str, Any] | str:
        """The payload, or a short error code when this recipient's message cannot render."""
        context = RenderContext(
            variables=dict(delivery.variables or {}), signature=self.signature,
            ch5_url=self.link(delivery),
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
