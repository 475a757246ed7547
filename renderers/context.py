"""What every renderer takes besides the document, and what it returns.

All renderers share one signature, ``render(message, context) -> Result``
(:data:`Renderer`). The context carries the per-recipient values (variables,
addresses, short links), the media resolver and the callbacks that build URLs
for the host at hand; tests and the CLI construct it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from renderers.document import Button, Message
from renderers.errors import Problem
from renderers.resolver import MediaResolver, PlaceholderResolver
from renderers.sms_count import DEFAULT_OPTIONS, SmsOptions

#: Stands in for the CH5 short link in previews (``RenderContext.preview``).
PREVIEW_CH5_URL = "https://s.example.com/ch5"


def amap_url(
    latitude: float | None, longitude: float | None, query: str | None, label: str | None
) -> str:
    """A public map link (AMap URI API): a marker for coordinates, else a keyword search."""
    if latitude is not None and longitude is not None:
        name = f"&name={quote(label)}" if label else ""
        return f"https://uri.amap.com/marker?position={longitude},{latitude}{name}"
    return f"https://uri.amap.com/search?keyword={quote(query or label or '')}"


def _same(url: str, button_id: str) -> str:
    return url


def _reply_url(button_id: str) -> str:
    return "reply"


def _ics_url(button_id: str) -> str:
    return f"calendar.ics?button={button_id}"


@dataclass(frozen=True)
class Ch5Links:
    """URL builders for the CH5 page; the h5 app passes its own (``url_for`` based)."""

    #: (target URL, button id) → tracked redirect URL
    track: Callable[[str, str], str] = _same
    #: button id → URL the reply form posts to
    reply: Callable[[str], str] = _reply_url
    #: button id → URL of the ``.ics`` file for a calendar button
    ics: Callable[[str], str] = _ics_url
    #: (latitude, longitude, query, label) → public map URL
    map: Callable[[float | None, float | None, str | None, str | None], str] = amap_url


@dataclass(frozen=True)
class Envelope:
    """CTCU MaaP send envelope fields (per recipient)."""

    #: E.164 numbers; empty by default so nothing is ever addressed by accident
    destinations: tuple[str, ...] = ()
    sender_address: str = "sip:chatbot@botplatform.example.com"  #: the chatbot URI
    message_id: str | None = None  #: default: derived from the content (stable)
    conversation_id: str | None = None
    contribution_id: str | None = None
    store_supported: bool = True
    traffic_type: str | None = None  #: e.g. ``advertisement``
    report_request: tuple[str, ...] = ("sent", "delivered", "displayed", "failed")


@dataclass(frozen=True)
class RenderContext:
    #: Per-recipient values; ``None`` renders a preview with the declared sample values.
    variables: Mapping[str, str] | None = None
    resolver: MediaResolver = field(default_factory=PlaceholderResolver)
    #: SMS signature: the template's, or for 5G fallback the chatbot's (CTCU ``autograph``)
    signature: str | None = None
    #: SMS counting; its ``short_link_length`` is what the CH5 link of an ``sms_ch5`` fallback
    #: (and any link under ``short_link_prefixes``) counts as: the host passes its own
    sms_options: SmsOptions = DEFAULT_OPTIONS
    #: Short link to this message's CH5 page (``sms_ch5`` fallback)
    ch5_url: str | None = None
    envelope: Envelope = Envelope()
    links: Ch5Links = Ch5Links()
    #: ``open_app`` renders to the deep link when ``True``, else to its web fallback URL
    deep_links: bool = True

    @property
    def preview(self) -> bool:
        return self.variables is None


@dataclass(frozen=True)
class Result:
    channel: str  #: registry key: ``rcs``, ``sms``, ``ch5``
    output: Any  #: JSON-serialisable rendering
    warnings: tuple[Problem, ...] = ()  #: findings that do not block sending

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "output": self.output,
            "warnings": [w.to_json() for w in self.warnings],
        }


Renderer = Callable[[Message, RenderContext], Result]


def button_id(path: str) -> str:
    """A short stable id for a button path: ``cards[1].buttons[2]`` → ``c1b2``, ``s0``."""
    if path.startswith("suggestions["):
        return "s" + path[len("suggestions[") : -1]
    card, button = path.split(".")
    return "c" + card[len("cards[") : -1] + "b" + button[len("buttons[") : -1]


def buttons_with_ids(message: Message) -> list[tuple[str, Button]]:
    return [(button_id(path), button) for path, button in message.all_buttons()]
