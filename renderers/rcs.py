"""5G message (RCS chatbot) rendering: the CTCU MaaP send envelope with GSMA parts.

The output of :func:`render` is the JSON body a gateway posts to the carrier:
``messageList`` holds, in order, a ``text/plain`` part (the message text), a
file-transfer part (``application/vnd.gsma.rcs-ft-http+xml``, rich messages), a
``application/vnd.gsma.botmessage.v1.0+json`` part (``generalPurposeCard`` or
``generalPurposeCardCarousel``) and a ``application/vnd.gsma.botsuggestion.v1.0+json``
part (the floating buttons). ``smsSupported``/``smsContent`` come from the
fallback rule (``sms`` and ``sms_ch5``; a video SMS is sent by the studio itself).

Every ``botmessage``/``botsuggestion`` body validates against the GSMA chatbot
message schema; :func:`gsma_bodies` picks them out for checking.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from renderers.context import RenderContext, Result
from renderers.document import Card, FallbackType, Message, MessageKind, Orientation
from renderers.limits import STUDIO_PROFILE
from renderers.prepare import prepare
from renderers.rcs_suggestions import suggestion
from renderers.resolver import Rendition
from renderers.sms import fallback_sms
from renderers.urls import to_uri

CHANNEL = "rcs"
TEXT = "text/plain"
FILE = "application/vnd.gsma.rcs-ft-http+xml"
BOTMESSAGE = "application/vnd.gsma.botmessage.v1.0+json"
BOTSUGGESTION = "application/vnd.gsma.botsuggestion.v1.0+json"
SERVICE_CAPABILITY = [{"capabilityId": "ChatbotSA", "version": '+g.gsma.rcs.botversion="#=1"'}]

_HEIGHT = {"short": "SHORT_HEIGHT", "medium": "MEDIUM_HEIGHT", "tall": "TALL_HEIGHT"}
_WIDTH = {"small": "SMALL_WIDTH", "medium": "MEDIUM_WIDTH"}


def render(message: Message, context: RenderContext) -> Result:
    # The studio profile: the 5G message limits and media budgets, carousels capped at 8.
    prepared = prepare(message, context, STUDIO_PROFILE)
    filled, media = prepared.message, prepared.media
    parts: list[dict[str, Any]] = []
    if filled.text:
        parts.append(_part(TEXT, filled.text))
    if filled.kind is MessageKind.RICH and "media" in media:
        parts.append(_part(FILE, file_info(media["media"])))
    if filled.kind in (MessageKind.CARD, MessageKind.CAROUSEL):
        parts.append(_part(BOTMESSAGE, {"message": _cards(filled, media, context)}))
    if filled.suggestions:
        chips = [suggestion(b, f"s{i}", context) for i, b in enumerate(filled.suggestions)]
        parts.append(_part(BOTSUGGESTION, {"suggestions": chips}))
    return Result(CHANNEL, _envelope(filled, parts, context), prepared.warnings)


def gsma_bodies(output: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``botmessage`` and ``botsuggestion`` bodies of a rendered envelope."""
    return [
        part["contentText"]
        for part in output.get("messageList", [])
        if part.get("contentType") in (BOTMESSAGE, BOTSUGGESTION)
    ]


def file_info(rendition: Rendition) -> list[dict[str, Any]]:
    """The CTCU JSON form of an FT-HTTP file description: thumbnail first, then the file."""
    info: list[dict[str, Any]] = []
    if rendition.thumbnail is not None:
        thumb = rendition.thumbnail
        info.append(
            {
                "type": "thumbnail",
                "fileSize": thumb.size,
                "fileName": _file_name(thumb.url),
                "contentType": thumb.mime,
                "url": to_uri(thumb.url),
            }
        )
    info.append(
        {
            "type": "file",
            "fileSize": rendition.size,
            "fileName": _file_name(rendition.url),
            "contentType": rendition.mime,
            "url": to_uri(rendition.url),
        }
    )
    return info


def _file_name(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "file"


def _part(content_type: str, content: Any) -> dict[str, Any]:
    return {"contentType": content_type, "contentEncoding": "utf8", "contentText": content}


def _cards(m: Message, media: dict[str, Rendition], context: RenderContext) -> dict[str, Any]:
    contents = [
        _card_content(card, i, media.get(f"cards[{i}].media"), context)
        for i, card in enumerate(m.cards)
    ]
    if m.kind is MessageKind.CARD:
        return {"generalPurposeCard": {"layout": _layout(m.cards[0]), "content": contents[0]}}
    layout = {"cardWidth": _WIDTH[m.card_width.value]}
    return {"generalPurposeCardCarousel": {"layout": layout, "content": contents}}


def _layout(card: Card) -> dict[str, str]:
    if card.orientation is Orientation.HORIZONTAL:
        return {
            "cardOrientation": "HORIZONTAL",
            "imageAlignment": card.image_alignment.value.upper(),
        }
    return {"cardOrientation": "VERTICAL"}


def _card_content(
    card: Card, index: int, rendition: Rendition | None, context: RenderContext
) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if rendition is not None:
        content["media"] = card_media(rendition, _HEIGHT[card.media_height.value])
    if card.title:
        content["title"] = card.title
    if card.description:
        content["description"] = card.description
    if card.buttons:
        content["suggestions"] = [
            suggestion(b, f"c{index}b{j}", context) for j, b in enumerate(card.buttons)
        ]
    return content


def card_media(rendition: Rendition, height: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "mediaUrl": to_uri(rendition.url),
        "mediaContentType": rendition.mime,
        "mediaFileSize": rendition.size,
    }
    if rendition.thumbnail is not None:
        out["thumbnailUrl"] = to_uri(rendition.thumbnail.url)
        out["thumbnailContentType"] = rendition.thumbnail.mime
        out["thumbnailFileSize"] = rendition.thumbnail.size
    out["height"] = height
    return out


def _envelope(m: Message, parts: list[dict[str, Any]], context: RenderContext) -> dict[str, Any]:
    env = context.envelope
    seed = json.dumps([parts, env.destinations, env.sender_address], ensure_ascii=False)
    derived = uuid.uuid5(uuid.NAMESPACE_URL, "rcs-studio:" + seed)
    out: dict[str, Any] = {
        "messageId": env.message_id or str(derived),
        "messageList": parts,
        "destinationAddress": [_tel(number) for number in env.destinations],
        "senderAddress": env.sender_address,
        "serviceCapability": SERVICE_CAPABILITY,
        "conversationId": env.conversation_id or str(uuid.uuid5(derived, "conversation")),
        "contributionId": env.contribution_id or str(uuid.uuid5(derived, "contribution")),
        "reportRequest": list(env.report_request),
        "storeSupported": env.store_supported,
    }
    if env.traffic_type:
        out["trafficType"] = env.traffic_type
    sms = m.fallback.type in (FallbackType.SMS, FallbackType.SMS_CH5)
    out["smsSupported"] = sms
    if sms:
        out["smsContent"] = fallback_sms(m, context).text
    return out


def _tel(number: str) -> str:
    return number if number.startswith(("tel:", "sip:")) else f"tel:{number}"
