from __future__ import annotations

import pytest

from renderers.context import PREVIEW_CH5_URL, RenderContext
from renderers.document import (
    Button,
    Card,
    DialAction,
    Fallback,
    Message,
    MessageKind,
    OpenAppAction,
    OpenUrlAction,
    ReplyAction,
    Variable,
)
from renderers.errors import DocumentError
from renderers.sms import (
    SmsOptions,
    apply_signature,
    char_count,
    count_sms,
    find_forbidden,
    render,
    segment_count,
)


@pytest.mark.parametrize(
    ("chars", "segments"),
    [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4), (350, 6)],
)
def test_segments(chars: int, segments: int) -> None:
    assert segment_count(chars) == segments


@pytest.mark.parametrize(
    ("text", "signature", "sent"),
    [
        ("您好", "联动云", "【联动云】您好"),
        ("您好", "【联动云】", "【联动云】您好"),
        ("【联动云】您好", "联动云", "【联动云】您好"),
        ("您好【联动云】", "联动云", "您好【联动云】"),
        ("您好", None, "您好"),
        ("您好", " ", "您好"),
    ],
    ids=["plain", "bracketed", "already-at-start", "already-at-end", "none", "blank"],
)
def test_signature_is_added_once(text: str, signature: str | None, sent: str) -> None:
    assert apply_signature(text, signature) == sent


def test_signature_counts_and_every_character_counts_one() -> None:
    count = count_sms("Hi，您好 ab", "联动云")
    assert count.text == "【联动云】Hi，您好 ab"
    assert count.chars == 5 + 8
    assert count.segments == 1


def test_characters_outside_the_bmp_count_two() -> None:
    assert char_count("好😀") == 3
    assert count_sms("😀" * 35).segments == 1
    assert count_sms("😀" * 35 + "a").segments == 2


def test_seventy_and_seventy_one() -> None:
    assert count_sms("字" * 65, "联动云").segments == 1
    assert count_sms("字" * 66, "联动云").segments == 2


def test_max_length_is_a_profile_value() -> None:
    assert not count_sms("字" * 345, "联动云").over_limit
    assert count_sms("字" * 346, "联动云").over_limit
    assert count_sms("字" * 20, options=SmsOptions(max_chars=10)).over_limit


def test_short_links_count_as_a_fixed_length() -> None:
    options = SmsOptions(short_link_length=20, short_link_prefixes=("https://s.cn/",))
    short = count_sms("看 https://s.cn/a 好", options=options)
    long = count_sms("看 https://s.cn/abcdefghijklmnop 好", options=options)
    assert short.chars == long.chars == 1 + 1 + 20 + 1 + 1
    explicit = count_sms(
        "看 https://x.cn/very/long/path", options=options, links=("https://x.cn/very/long/path",)
    )
    assert explicit.chars == 2 + 20


def test_forbidden_words_with_positions() -> None:
    hits = find_forbidden("加V领红包，加微信或加qq")
    assert [(h.word, h.start, h.end) for h in hits] == [
        ("加V", 0, 2),
        ("加微信", 6, 9),
        ("加QQ", 10, 13),
    ]
    assert find_forbidden("请拨打", ("拨打",))[0].start == 1
    assert count_sms("加微信", "联动云").forbidden[0].start == 0  # positions in the text given


def _message(**changes: object) -> Message:
    card = Card(
        title="新店开业",
        description="到店有礼",
        buttons=(
            Button("详情", OpenUrlAction("https://x.cn/店")),
            Button("回复", ReplyAction("r")),
            Button("电话", DialAction("400 800")),
            Button("APP", OpenAppAction("app://x", "https://x.cn/app")),
        ),
    )
    base = dict(kind=MessageKind.CARD, cards=(card,))
    base.update(changes)
    return Message(**base)  # type: ignore[arg-type]


def test_flattened_fallback() -> None:
    result = render(_message(fallback=Fallback.sms()), RenderContext(signature="店"))
    assert result.output["text"] == (
        "【店】新店开业\n到店有礼\n详情：https://x.cn/%E5%BA%97\n电话：400800\nAPP：https://x.cn/app"
    )
    assert result.warnings == ()


def test_sms_ch5_appends_the_link_and_counts_it_fixed() -> None:
    context = RenderContext(signature="店", ch5_url="https://s.cn/abc", variables={})
    result = render(_message(fallback=Fallback.sms_ch5(), ch5=True), context)
    assert result.output["text"] == "【店】新店开业\n到店有礼 https://s.cn/abc"
    assert result.output["chars"] == len("【店】新店开业\n到店有礼 ") + 22


def test_sms_ch5_preview_uses_a_stand_in_link_and_a_send_requires_one() -> None:
    message = _message(fallback=Fallback.sms_ch5("看看"), ch5=True)
    assert render(message, RenderContext()).output["text"].endswith(PREVIEW_CH5_URL)
    with pytest.raises(DocumentError) as caught:
        render(message, RenderContext(variables={}))
    assert caught.value.problems[0].code == "missing_value"


def test_author_text_with_variables() -> None:
    message = Message(
        MessageKind.TEXT,
        text="x{{n}}",
        variables=(Variable("n", "样例"),),
        fallback=Fallback.sms("{{n}}您好"),
    )
    assert render(message, RenderContext(signature="s")).output["text"] == "【s】样例您好"
    assert (
        render(message, RenderContext(signature="s", variables={"n": "王五"})).output["text"]
        == "【s】王五您好"
    )
    with pytest.raises(DocumentError) as caught:
        render(message, RenderContext(variables={}))
    assert {(p.path, p.code) for p in caught.value.problems} == {
        ("text", "missing_value"),
        ("fallback.text", "missing_value"),
    }


def test_missing_signature_is_a_warning() -> None:
    result = render(Message(MessageKind.TEXT, text="hi", fallback=Fallback.sms()), RenderContext())
    assert [w.code for w in result.warnings] == ["needs_signature"]


def test_unsendable_flattened_text_raises() -> None:
    message = Message(MessageKind.TEXT, text="加微信" + "字" * 1990, fallback=Fallback.sms())
    with pytest.raises(DocumentError) as caught:
        render(message, RenderContext(signature="s"))
    assert {p.code for p in caught.value.problems} == {"forbidden_word", "sms_too_long"}
