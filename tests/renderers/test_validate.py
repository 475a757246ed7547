from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from renderers.codec import from_json
from renderers.document import (
    Button,
    CalendarAction,
    Card,
    DialAction,
    Fallback,
    MediaRef,
    Message,
    MessageKind,
    OpenAppAction,
    OpenUrlAction,
    ReplyAction,
    ShowLocationAction,
    Trigger,
    Variable,
    ViewMode,
)
from renderers.errors import Severity
from renderers.limits import CH5, RCS, STUDIO_PROFILE
from renderers.resolver import DictResolver, PlaceholderResolver, Rendition, Thumbnail
from renderers.sms_count import SmsOptions
from renderers.validate import validate
from tests.renderers.regen_golden import CASES_DIR, cases

CST = timezone(timedelta(hours=8))


def codes(message: Message, **kwargs: object) -> dict[str, str]:
    return {p.path: p.code for p in validate(message, **kwargs)}  # type: ignore[arg-type]


def text_with(*buttons: Button, **changes: object) -> Message:
    return replace(Message(MessageKind.TEXT, text="你好", suggestions=buttons), **changes)


@pytest.mark.parametrize("case", cases())
def test_cases_are_valid(case: str) -> None:
    message = from_json((CASES_DIR / f"{case}.json").read_text(encoding="utf-8"))
    assert validate(message, resolver=PlaceholderResolver()) == []


def test_overlong_fields() -> None:
    card = Card(
        title="标" * 201,
        description="述" * 2001,
        buttons=(Button("b" * 26, ReplyAction("d" * 2049)),),
    )
    message = Message(MessageKind.CARD, text="字" * 2001, cards=(card,))
    assert codes(message) == {
        "text": "too_long",
        "cards[0].title": "too_long",
        "cards[0].description": "too_long",
        "cards[0].buttons[0].label": "too_long",
        "cards[0].buttons[0].action.data": "too_long",
    }


def test_limit_boundaries_are_inclusive() -> None:
    card = Card(
        title="标" * 200, buttons=tuple(Button("b" * 25, ReplyAction("d" * 2048)) for _ in range(4))
    )
    assert codes(Message(MessageKind.CARD, text="字" * 2000, cards=(card,))) == {}


@pytest.mark.parametrize("count", [0, 1, 9, 13])
def test_carousel_card_count(count: int) -> None:
    message = Message(MessageKind.CAROUSEL, cards=tuple(Card(title=str(i)) for i in range(count)))
    expected = {"cards": "too_few" if count < 2 else "too_many"}
    assert codes(message) == expected


def test_carousel_of_nine_fits_the_gsma_profile_but_not_the_studio() -> None:
    message = Message(MessageKind.CAROUSEL, cards=tuple(Card(title=str(i)) for i in range(9)))
    assert codes(message, profile=RCS) == {}
    assert codes(message, profile=STUDIO_PROFILE) == {"cards": "too_many"}


def test_kind_structure() -> None:
    assert codes(Message(MessageKind.TEXT)) == {"text": "kind_needs"}
    assert codes(Message(MessageKind.RICH)) == {"media": "kind_needs"}
    assert codes(Message(MessageKind.CARD)) == {"cards": "too_few"}
    two = (Card(title="a"), Card(title="b"))
    assert codes(Message(MessageKind.CARD, cards=two)) == {"cards": "too_many"}
    assert codes(Message(MessageKind.CARD, cards=(Card(),))) == {"cards[0]": "kind_needs"}
    assert codes(Message(MessageKind.TEXT, text="x", cards=two, media=MediaRef("a", "b"))) == {
        "cards": "not_for_kind",
        "media": "not_for_kind",
    }


def test_too_many_buttons_and_suggestions() -> None:
    buttons = tuple(Button(str(i), ReplyAction(str(i))) for i in range(5))
    card = Card(title="t", buttons=buttons)
    chips = tuple(Button(str(i), ReplyAction(str(i))) for i in range(12))
    message = Message(MessageKind.CARD, cards=(card,), suggestions=chips)
    assert codes(message) == {"cards[0].buttons": "too_many", "suggestions": "too_many"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://example.com/f",
        "//example.com",
        "https://",
        "http://exa mple.com",
    ],
)
def test_bad_urls(url: str) -> None:
    found = validate(text_with(Button("b", OpenUrlAction(url))))
    assert [p.path for p in found] == ["suggestions[0].action.url"]
    assert found[0].code in {"bad_url", "bad_url_scheme"}


@pytest.mark.parametrize(
    "deep_link", ["javascript:alert(1)", "data:,x", "file:///etc/passwd", "nope"]
)
def test_bad_deep_links(deep_link: str) -> None:
    message = text_with(Button("b", OpenAppAction(deep_link, "ftp://x.cn/")))
    assert codes(message) == {
        "suggestions[0].action.deep_link": "bad_deep_link",
        "suggestions[0].action.fallback_url": "bad_url_scheme",
    }


@pytest.mark.parametrize("phone", ["138abc00000", "", "+", "12", "call me"])
def test_bad_phone_numbers(phone: str) -> None:
    assert codes(text_with(Button("b", DialAction(phone)))) == {
        "suggestions[0].action.phone": "bad_phone"
    }


@pytest.mark.parametrize("phone", ["10086", "+86 138-0000-1111", "400 800 8888"])
def test_good_phone_numbers(phone: str) -> None:
    assert codes(text_with(Button("b", DialAction(phone)))) == {}


def test_locations() -> None:
    both = ShowLocationAction(1.0, 2.0, query="q")
    neither = ShowLocationAction(label="x")
    half = ShowLocationAction(latitude=1.0, query=None)
    wild = ShowLocationAction(91.0, 181.0, label="l" * 101)
    message = text_with(*(Button("b", a) for a in (both, neither, half, wild)))
    assert codes(message) == {
        "suggestions[0].action": "location_needs_place",
        "suggestions[1].action": "location_needs_place",
        "suggestions[2].action": "location_needs_place",
        "suggestions[3].action.latitude": "out_of_range",
        "suggestions[3].action.longitude": "out_of_range",
        "suggestions[3].action.label": "too_long",
    }


def test_calendar() -> None:
    start = datetime(2026, 5, 1, 9, tzinfo=CST)
    bad = CalendarAction("t" * 101, start, start, "d" * 501)
    assert codes(text_with(Button("b", bad))) == {
        "suggestions[0].action.title": "too_long",
        "suggestions[0].action.description": "too_long",
        "suggestions[0].action.end": "end_before_start",
    }


def test_webview_only_fields() -> None:
    action = OpenUrlAction("https://x.cn", view_mode=ViewMode.FULL, parameters="p" * 201)
    assert codes(text_with(Button("b", action))) == {
        "suggestions[0].action.view_mode": "not_for_kind",
        "suggestions[0].action.parameters": "too_long",
    }


def test_variables_undeclared_is_an_error_and_unused_a_warning() -> None:
    message = text_with(
        Button("{{who}}", OpenUrlAction("https://x.cn/?u={{uid}}")),
        text="{{name}}你好",
        variables=(Variable("name", "张三"), Variable("spare", "x")),
    )
    found = {p.path: (p.code, p.severity) for p in validate(message)}
    assert found == {
        "variables[1]": ("unused_variable", Severity.WARNING),
        "suggestions[0].label": ("undeclared_variable", Severity.ERROR),
        "suggestions[0].action.url": ("undeclared_variable", Severity.ERROR),
    }


def test_variable_declarations() -> None:
    message = replace(
        Message(MessageKind.TEXT, text="{{a}}{{姓名}}"),
        variables=(Variable("a"), Variable("a"), Variable("姓名"), Variable("1x")),
    )
    assert codes(message) == {
        "variables[1].name": "duplicate",
        "variables[3].name": "bad_variable_name",
        "variables[3]": "unused_variable",
    }


def test_a_link_that_is_a_whole_variable_is_checked_later() -> None:
    message = text_with(Button("b", OpenUrlAction("{{link}}")), variables=(Variable("link"),))
    assert codes(message) == {}


def test_trigger() -> None:
    assert codes(text_with(trigger=Trigger.on_keywords())) == {"trigger.keywords": "too_few"}
    assert codes(text_with(trigger=Trigger.on_keywords("a", "a", " "))) == {
        "trigger.keywords[1]": "duplicate",
        "trigger.keywords[2]": "empty",
    }


def test_fallback_rules() -> None:
    assert codes(text_with(fallback=Fallback.video_sms(""))) == {
        "fallback.video_template_id": "required"
    }
    assert codes(text_with(fallback=Fallback.sms_ch5())) == {"fallback.type": "needs_ch5"}
    assert codes(text_with(fallback=Fallback.sms_ch5(), ch5=True)) == {}
    assert codes(text_with(fallback=Fallback(text="x"))) == {"fallback.text": "not_for_kind"}
    assert codes(text_with(fallback=Fallback.sms("字" * 351))) == {"fallback.text": "sms_too_long"}
    found = validate(text_with(fallback=Fallback.sms("请加微信 abc，或加qq")))
    assert [(p.code, p.message_en) for p in found] == [
        ("forbidden_word", "contains forbidden content '加微信' at character 2"),
        ("forbidden_word", "contains forbidden content '加QQ' at character 11"),
    ]


@pytest.mark.parametrize(("text_chars", "options", "signature", "problem"), [
    (327, SmsOptions(), None, None),  # 327 + space + 22 = 350
    (328, SmsOptions(), None, "sms_too_long"),
    (319, SmsOptions(short_link_length=30), None, None),  # the host's link length passed in
    (320, SmsOptions(short_link_length=30), None, "sms_too_long"),
    (313, SmsOptions(short_link_length=30), "示例科技", None),  # 【示例科技】 counts too
    (314, SmsOptions(short_link_length=30), "示例科技", "sms_too_long"),
], ids=["default-350", "default-351", "host-350", "host-351", "signed-350", "signed-351"])
def test_sms_ch5_fallback_text_counts_the_appended_link(
    text_chars: int, options: SmsOptions, signature: str | None, problem: str | None
) -> None:
    message = text_with(fallback=Fallback.sms_ch5("字" * text_chars), ch5=True)
    found = codes(message, sms_options=options, signature=signature)
    assert found == ({"fallback.text": problem} if problem else {})


def _resolver(
    mime: str, size: int, duration: float | None = None, thumb: int = 1000
) -> DictResolver:
    rendition = Rendition(
        "https://m.cn/a",
        mime,
        size,
        100,
        100,
        duration,
        Thumbnail("https://m.cn/t", "image/jpeg", thumb),
    )
    return DictResolver({("a", "r"): rendition})


@pytest.mark.parametrize(
    ("resolver", "profile", "expected"),
    [
        (_resolver("image/jpeg", 2_000_000), RCS, {}),
        (_resolver("image/jpeg", 2_000_001), RCS, {"media": "media_too_large"}),
        (_resolver("image/jpeg", 1_900_000), CH5, {"media": "media_too_large"}),
        (_resolver("image/jpeg", 1_899_999), CH5, {}),
        (_resolver("video/mp4", 9_000_000, 61.0), RCS, {"media": "media_too_long"}),
        (_resolver("audio/mpeg", 5_000_001, 90.0), RCS, {"media": "media_too_large"}),
        (_resolver("image/webp", 10), RCS, {"media": "media_bad_type"}),
        (_resolver("application/pdf", 10), RCS, {"media": "media_bad_type"}),
        (_resolver("image/png", 10, thumb=200_001), RCS, {"media.thumbnail": "media_too_large"}),
        (DictResolver(), RCS, {"media": "media_unresolved"}),
    ],
    ids=[
        "image-ok",
        "image-big",
        "ch5-image-big",
        "ch5-image-ok",
        "video-long",
        "audio-big",
        "webp",
        "pdf",
        "thumb-big",
        "missing",
    ],
)
def test_media_budgets(resolver: DictResolver, profile: object, expected: dict[str, str]) -> None:
    message = Message(MessageKind.RICH, media=MediaRef("a", "r"))
    assert codes(message, profile=profile, resolver=resolver) == expected


def test_audio_is_not_card_media() -> None:
    message = Message(MessageKind.CARD, cards=(Card(media=MediaRef("a", "r")),))
    assert codes(message, resolver=_resolver("audio/mpeg", 10, 5.0)) == {
        "cards[0].media": "media_bad_type"
    }
