from __future__ import annotations

from datetime import datetime, timedelta, timezone

from renderers.ch5 import render
from renderers.context import Ch5Links, RenderContext
from renderers.document import (
    Button,
    CalendarAction,
    Card,
    DialAction,
    MediaRef,
    Message,
    MessageKind,
    OpenAppAction,
    OpenUrlAction,
    ReplyAction,
    RequestLocationAction,
    ShowLocationAction,
)

CST = timezone(timedelta(hours=8))

LINKS = Ch5Links(
    track=lambda url, bid: f"/s/go?b={bid}&to={url}",
    reply=lambda bid: f"/s/reply/{bid}",
    ics=lambda bid: f"/s/ics/{bid}",
)


def _buttons() -> tuple[Button, ...]:
    return (
        Button("回复", ReplyAction("yes")),
        Button("链接", OpenUrlAction("https://x.cn/页")),
        Button("APP", OpenAppAction("app://open", "https://x.cn/app", "com.x")),
        Button("电话", DialAction("+86 10 1234")),
        Button("地图", ShowLocationAction(39.9, 116.4, label="店")),
        Button(
            "日历",
            CalendarAction(
                "会", datetime(2026, 1, 1, 9, tzinfo=CST), datetime(2026, 1, 1, 10, tzinfo=CST)
            ),
        ),
        Button("位置", RequestLocationAction()),
    )


def test_button_views() -> None:
    message = Message(MessageKind.TEXT, text="<b>你好</b>\n第二行", suggestions=_buttons())
    view = render(message, RenderContext(links=LINKS)).output
    assert view["text"] == "<b>你好</b>\n第二行"  # plain: the template autoescapes
    assert view["text_lines"] == ["<b>你好</b>", "第二行"]
    buttons = {b["kind"]: b for b in view["suggestions"]}
    assert buttons["reply"] == {
        "id": "s0",
        "label": "回复",
        "method": "post",
        "kind": "reply",
        "href": "/s/reply/s0",
        "data": "yes",
    }
    assert buttons["link"]["href"] == "/s/go?b=s1&to=https://x.cn/%E9%A1%B5"
    assert buttons["app"]["href"] == "app://open"
    assert buttons["app"]["fallback_href"] == "/s/go?b=s2&to=https://x.cn/app"
    assert buttons["app"]["package"] == "com.x"
    assert buttons["tel"]["href"] == "tel:+86101234"
    assert buttons["map"]["href"].startswith("https://uri.amap.com/marker?position=116.4,39.9")
    assert buttons["calendar"]["href"] == "/s/ics/s5"
    assert buttons["calendar"]["event"]["start"] == "2026-01-01T01:00:00Z"
    assert buttons["request_location"]["method"] == "post"


def test_cards_with_media() -> None:
    cards = (
        Card(title="a", media=MediaRef("x", "ch5_video"), buttons=(Button("b", ReplyAction("1")),)),
        Card(description="一\n二"),
    )
    view = render(Message(MessageKind.CAROUSEL, cards=cards), RenderContext()).output
    first, second = view["cards"]
    assert first["media"]["kind"] == "video"
    assert first["media"]["poster"].endswith("thumb.jpg")
    assert (first["media"]["width"], first["media"]["height"]) == (1280, 720)
    assert first["buttons"][0]["id"] == "c0b0"
    assert second["media"] is None and second["description_lines"] == ["一", "二"]


def test_rich_media_view() -> None:
    view = render(
        Message(MessageKind.RICH, media=MediaRef("x", "ch5_audio")), RenderContext()
    ).output
    assert view["media"]["kind"] == "audio" and view["media"]["duration"] == 30.0
