"""The channel-neutral message document: a tree of frozen dataclasses.

Everything the studio sends renders from a :class:`Message`. Media is referenced
by asset id and rendition key, never by URL: URLs are resolved at render time
(see :mod:`renderers.resolver`), so an approved document survives a host change
or a re-made rendition. Text fields may hold ``{{name}}`` variables.

Constructing a dataclass does not validate it; :func:`renderers.validate.validate`
reports every problem at once, and :func:`renderers.codec.from_json` rejects
structurally broken JSON with every problem listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

#: The document format version written by :func:`renderers.codec.to_json`.
CURRENT_VERSION = 2


class MessageKind(StrEnum):
    TEXT = "text"  #: 文本消息
    RICH = "rich"  #: 富媒体消息 (one image, video or audio)
    CARD = "card"  #: 单卡片
    CAROUSEL = "carousel"  #: 多卡片


class Orientation(StrEnum):
    VERTICAL = "vertical"
    HORIZONTAL = "horizontal"


class ImageAlignment(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class MediaHeight(StrEnum):
    SHORT = "short"
    MEDIUM = "medium"
    TALL = "tall"


class CardWidth(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"


class UrlApplication(StrEnum):
    BROWSER = "browser"
    WEBVIEW = "webview"


class ViewMode(StrEnum):
    FULL = "full"
    HALF = "half"
    TALL = "tall"


class TriggerType(StrEnum):
    PROACTIVE = "proactive"  #: 主动下发
    KEYWORDS = "keywords"  #: 关键词触发


class FallbackType(StrEnum):
    NONE = "none"  #: 暂不回落
    SMS = "sms"  #: 文本短信
    SMS_CH5 = "sms_ch5"  #: 文本短信 + CH5 链接
    VIDEO_SMS = "video_sms"  #: 视频短信


@dataclass(frozen=True)
class MediaRef:
    """A media library asset and the rendition (profile) key to send."""

    asset_id: str
    rendition: str


# ---- actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyAction:
    """上行消息: the client sends ``data`` back to the chatbot."""

    type: ClassVar[str] = "reply"
    data: str


@dataclass(frozen=True)
class OpenUrlAction:
    """打开链接: http/https only."""

    type: ClassVar[str] = "open_url"
    url: str
    application: UrlApplication = UrlApplication.BROWSER
    view_mode: ViewMode | None = None  #: webview only
    parameters: str | None = None  #: webview only


@dataclass(frozen=True)
class OpenAppAction:
    """打开 APP: a deep link (Android package and/or iOS scheme) with a web fallback."""

    type: ClassVar[str] = "open_app"
    deep_link: str
    fallback_url: str
    package: str | None = None  #: Android package name


@dataclass(frozen=True)
class DialAction:
    """拨打电话."""

    type: ClassVar[str] = "dial"
    phone: str


@dataclass(frozen=True)
class ShowLocationAction:
    """Show a place: either ``latitude``/``longitude`` or a search ``query``."""

    type: ClassVar[str] = "show_location"
    latitude: float | None = None
    longitude: float | None = None
    query: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class RequestLocationAction:
    """上传位置: ask the user to share their location once."""

    type: ClassVar[str] = "request_location"


@dataclass(frozen=True)
class CalendarAction:
    """Add an event to the calendar; times carry their UTC offset."""

    type: ClassVar[str] = "calendar"
    title: str
    start: datetime
    end: datetime
    description: str | None = None


Action = (
    ReplyAction
    | OpenUrlAction
    | OpenAppAction
    | DialAction
    | ShowLocationAction
    | RequestLocationAction
    | CalendarAction
)

ACTION_TYPES: dict[str, type[Action]] = {
    cls.type: cls
    for cls in (
        ReplyAction,
        OpenUrlAction,
        OpenAppAction,
        DialAction,
        ShowLocationAction,
        RequestLocationAction,
        CalendarAction,
    )
}


@dataclass(frozen=True)
class Button:
    """A card button (固定按钮) or a floating button (悬浮按钮): a label and one action."""

    label: str
    action: Action


#: Floating buttons are GSMA "suggestions"; they have the same shape as card buttons.
Suggestion = Button


@dataclass(frozen=True)
class Card:
    title: str | None = None
    description: str | None = None
    media: MediaRef | None = None
    buttons: tuple[Button, ...] = ()
    orientation: Orientation = Orientation.VERTICAL
    image_alignment: ImageAlignment = ImageAlignment.LEFT  #: horizontal cards only
    media_height: MediaHeight = MediaHeight.MEDIUM


@dataclass(frozen=True)
class Variable:
    """A declared ``{{name}}`` with a sample value used for previews."""

    name: str
    sample: str = ""


@dataclass(frozen=True)
class Trigger:
    type: TriggerType = TriggerType.PROACTIVE
    keywords: tuple[str, ...] = ()

    @classmethod
    def proactive(cls) -> Trigger:
        return cls(TriggerType.PROACTIVE)

    @classmethod
    def on_keywords(cls, *keywords: str) -> Trigger:
        return cls(TriggerType.KEYWORDS, tuple(keywords))


@dataclass(frozen=True)
class Fallback:
    """What to send when the handset cannot receive 5G messages (消息回落)."""

    type: FallbackType = FallbackType.NONE
    text: str | None = None  #: SMS text; ``None`` flattens the message (sms, sms_ch5)
    video_template_id: str | None = None  #: video_sms only

    @classmethod
    def none(cls) -> Fallback:
        return cls()

    @classmethod
    def sms(cls, text: str | None = None) -> Fallback:
        return cls(FallbackType.SMS, text)

    @classmethod
    def sms_ch5(cls, text: str | None = None) -> Fallback:
        return cls(FallbackType.SMS_CH5, text)

    @classmethod
    def video_sms(cls, template_id: str) -> Fallback:
        return cls(FallbackType.VIDEO_SMS, video_template_id=template_id)


@dataclass(frozen=True)
class Message:
    kind: MessageKind
    text: str | None = None
    media: MediaRef | None = None  #: rich messages only
    cards: tuple[Card, ...] = ()
    suggestions: tuple[Button, ...] = ()
    variables: tuple[Variable, ...] = ()
    trigger: Trigger = Trigger()
    fallback: Fallback = Fallback()
    ch5: bool = False  #: 生成 CH5
    card_width: CardWidth = CardWidth.MEDIUM  #: carousels only

    def all_buttons(self) -> list[tuple[str, Button]]:
        """Every button with its JSON path, card buttons first."""
        found = [
            (f"cards[{i}].buttons[{j}]", button)
            for i, card in enumerate(self.cards)
            for j, button in enumerate(card.buttons)
        ]
        found += [(f"suggestions[{i}]", button) for i, button in enumerate(self.suggestions)]
        return found

    def variable_samples(self) -> dict[str, str]:
        return {v.name: v.sample for v in self.variables}
