from __future__ import annotations

import pytest

from renderers.context import RenderContext
from renderers.document import MediaRef, Variable
from renderers.errors import DocumentError
from renderers.resolver import DictResolver, Rendition
from renderers.video_sms import (
    Frame,
    FrameKind,
    VideoSmsTemplate,
    render,
    template_from_json,
    template_to_json,
    validate_template,
)


def _resolver(**sizes: tuple[str, int]) -> DictResolver:
    return DictResolver(
        {
            (asset, "r"): Rendition(f"https://m.cn/{asset}", mime, size)
            for asset, (mime, size) in sizes.items()
        }
    )


def _template(*frames: Frame, **changes: object) -> VideoSmsTemplate:
    base: dict[str, object] = {"name": "模板", "title": "标题", "frames": frames}
    base.update(changes)
    return VideoSmsTemplate(**base)  # type: ignore[arg-type]


def test_total_size_counts_media_and_utf8_text() -> None:
    template = _template(
        Frame(FrameKind.IMAGE, media=MediaRef("img", "r")),
        Frame(FrameKind.TEXT, text="你好 {{n}}"),
        variables=(Variable("n", "x"),),
    )
    resolver = _resolver(img=("image/png", 1000))
    output = render(template, RenderContext(resolver=resolver, variables={"n": "王"})).output
    assert output["frames"][1] == {"kind": "text", "text": "你好 王", "size": 10}
    assert output["total_bytes"] == 1010
    assert output["max_bytes"] == 1_800_000


def test_total_size_limit() -> None:
    template = _template(
        Frame(FrameKind.IMAGE, media=MediaRef("a", "r")),
        Frame(FrameKind.VIDEO, media=MediaRef("b", "r")),
    )
    resolver = _resolver(a=("image/jpeg", 800_000), b=("video/mp4", 1_000_001))
    assert [(p.path, p.code) for p in validate_template(template, resolver)] == [
        ("frames", "media_too_large")
    ]
    with pytest.raises(DocumentError):
        render(template, RenderContext(resolver=resolver))


def test_template_problems() -> None:
    template = _template(
        Frame(FrameKind.TEXT, text=" ", media=MediaRef("a", "r")),
        Frame(FrameKind.VIDEO, text="x"),
        Frame(FrameKind.TEXT, text="{{who}}"),
        name="名" * 16,
        title="",
    )
    assert {(p.path, p.code) for p in validate_template(template)} == {
        ("name", "too_long"),
        ("title", "empty"),
        ("frames[0].media", "not_for_kind"),
        ("frames[0]", "kind_needs"),
        ("frames[1].text", "not_for_kind"),
        ("frames[1]", "kind_needs"),
        ("frames[2].text", "undeclared_variable"),
    }
    assert [p.code for p in validate_template(_template())] == ["too_few"]


def test_media_kind_must_match_the_frame() -> None:
    template = _template(Frame(FrameKind.AUDIO, media=MediaRef("a", "r")))
    found = validate_template(template, _resolver(a=("video/mp4", 10)))
    assert [(p.path, p.code) for p in found] == [("frames[0].media", "media_bad_type")]


def test_filled_title_is_checked() -> None:
    template = _template(
        Frame(FrameKind.TEXT, text="x"), title="{{n}}好", variables=(Variable("n"),)
    )
    with pytest.raises(DocumentError) as caught:
        render(template, RenderContext(variables={"n": "长" * 15}))
    assert [(p.path, p.code) for p in caught.value.problems] == [("title", "too_long")]


def test_json_round_trip_and_problems() -> None:
    template = _template(
        Frame(FrameKind.TEXT, text="a"),
        Frame(FrameKind.IMAGE, media=MediaRef("a", "r")),
        signature="店",
        variables=(Variable("n", "s"),),
    )
    assert template_from_json(template_to_json(template)) == template
    with pytest.raises(DocumentError) as caught:
        template_from_json({"name": 1, "frames": [{"kind": "gif"}, 3], "x": 1})
    assert {(p.path, p.code) for p in caught.value.problems} == {
        ("x", "unknown_field"),
        ("name", "wrong_type"),
        ("title", "required"),
        ("frames[0].kind", "bad_choice"),
        ("frames[1]", "wrong_type"),
    }
