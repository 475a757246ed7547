from __future__ import annotations

import json

import pytest

from renderers.context import Envelope, RenderContext
from renderers.document import (
    Button,
    Card,
    Fallback,
    MediaRef,
    Message,
    MessageKind,
    OpenUrlAction,
    ReplyAction,
    Variable,
)
from renderers.errors import DocumentError
from renderers.rcs import BOTMESSAGE, BOTSUGGESTION, FILE, TEXT, render
from renderers.resolver import DictResolver, Rendition


def _types(output: dict) -> list[str]:
    return [part["contentType"] for part in output["messageList"]]


def test_parts_per_kind() -> None:
    chip = (Button("好", ReplyAction("ok")),)
    text = Message(MessageKind.TEXT, text="hi", suggestions=chip)
    rich = Message(MessageKind.RICH, media=MediaRef("a", "rcs_image"))
    card = Message(MessageKind.CARD, cards=(Card(title="t"),), suggestions=chip)
    assert _types(render(text, RenderContext()).output) == [TEXT, BOTSUGGESTION]
    assert _types(render(rich, RenderContext()).output) == [FILE]
    assert _types(render(card, RenderContext()).output) == [BOTMESSAGE, BOTSUGGESTION]


def test_envelope_fields() -> None:
    envelope = Envelope(
        destinations=("+8613912345678",),
        sender_address="sip:bot@example.cn",
        message_id="m1",
        conversation_id="c1",
        contribution_id="k1",
        store_supported=False,
        traffic_type="advertisement",
    )
    output = render(Message(MessageKind.TEXT, text="hi"), RenderContext(envelope=envelope)).output
    assert output["destinationAddress"] == ["tel:+8613912345678"]
    assert output["senderAddress"] == "sip:bot@example.cn"
    assert (output["messageId"], output["conversationId"], output["contributionId"]) == (
        "m1",
        "c1",
        "k1",
    )
    assert output["storeSupported"] is False
    assert output["trafficType"] == "advertisement"
    assert output["smsSupported"] is False and "smsContent" not in output
    json.dumps(output)


def test_default_ids_are_stable_and_differ_per_recipient() -> None:
    message = Message(MessageKind.TEXT, text="hi")
    first = render(message, RenderContext()).output
    again = render(message, RenderContext()).output
    other = render(
        message, RenderContext(envelope=Envelope(destinations=("+8613000000000",)))
    ).output
    assert first["messageId"] == again["messageId"] != other["messageId"]
    assert len({first["messageId"], first["conversationId"], first["contributionId"]}) == 3


@pytest.mark.parametrize(
    ("fallback", "supported"),
    [
        (Fallback.none(), False),
        (Fallback.sms("短信"), True),
        (Fallback.sms_ch5(), True),
        (Fallback.video_sms("v"), False),
    ],
    ids=["none", "sms", "sms_ch5", "video_sms"],
)
def test_sms_fallback_fields(fallback: Fallback, supported: bool) -> None:
    message = Message(MessageKind.TEXT, text="你好", fallback=fallback, ch5=True)
    output = render(
        message, RenderContext(signature="店", ch5_url="https://s.cn/x", variables={})
    ).output
    assert output["smsSupported"] is supported
    if supported:
        assert output["smsContent"].startswith("【店】")


def test_variables_are_filled_per_recipient() -> None:
    message = Message(
        MessageKind.CARD,
        cards=(
            Card(
                title="{{name}}的专属券",
                buttons=(Button("领取", OpenUrlAction("https://x.cn/c?u={{name}}")),),
            ),
        ),
        variables=(Variable("name", "张三"),),
    )
    output = render(message, RenderContext(variables={"name": "李 四"})).output
    content = output["messageList"][0]["contentText"]["message"]["generalPurposeCard"]["content"]
    assert content["title"] == "李 四的专属券"
    assert (
        content["suggestions"][0]["action"]["urlAction"]["openUrl"]["url"]
        == "https://x.cn/c?u=%E6%9D%8E%20%E5%9B%9B"
    )


def test_a_missing_value_or_a_value_that_breaks_a_limit_raises() -> None:
    message = Message(
        MessageKind.TEXT,
        text="hi",
        suggestions=(Button("{{b}}", OpenUrlAction("{{link}}")),),
        variables=(Variable("b", "x"), Variable("link", "https://x.cn")),
    )
    with pytest.raises(DocumentError) as caught:
        render(message, RenderContext(variables={"b": "x"}))
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("suggestions[0].action.url", "missing_value")
    ]
    with pytest.raises(DocumentError) as caught:
        render(message, RenderContext(variables={"b": "x" * 26, "link": "javascript:alert(1)"}))
    assert {(p.path, p.code) for p in caught.value.problems} == {
        ("suggestions[0].label", "too_long"),
        ("suggestions[0].action.url", "bad_url_scheme"),
    }


def test_invalid_document_raises_with_every_problem() -> None:
    with pytest.raises(DocumentError) as caught:
        render(Message(MessageKind.CAROUSEL, cards=(Card(),)), RenderContext())
    assert {(p.path, p.code) for p in caught.value.problems} == {
        ("cards", "too_few"),
        ("cards[0]", "kind_needs"),
    }


def test_media_is_resolved_at_render_time() -> None:
    rendition = Rendition("https://cdn.cn/图.png", "image/png", 1234, 10, 10)
    message = Message(MessageKind.CARD, cards=(Card(media=MediaRef("a", "r")),))
    output = render(message, RenderContext(resolver=DictResolver({("a", "r"): rendition}))).output
    media = output["messageList"][0]["contentText"]["message"]["generalPurposeCard"]["content"][
        "media"
    ]
    assert media == {
        "mediaUrl": "https://cdn.cn/%E5%9B%BE.png",
        "mediaContentType": "image/png",
        "mediaFileSize": 1234,
        "height": "MEDIUM_HEIGHT",
    }
    with pytest.raises(DocumentError) as caught:
        render(message, RenderContext(resolver=DictResolver()))
    assert caught.value.problems[0].code == "media_unresolved"


def test_reply_without_data_posts_its_label() -> None:
    message = Message(MessageKind.TEXT, text="hi", suggestions=(Button("是的", ReplyAction("")),))
    chip = render(message, RenderContext()).output["messageList"][1]["contentText"]["suggestions"][
        0
    ]
    assert chip == {"reply": {"displayText": "是的", "postback": {"data": "是的"}}}
