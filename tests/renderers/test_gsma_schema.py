"""Rendered ``botmessage``/``botsuggestion`` bodies against the GSMA chatbot message schema."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest

from renderers.codec import from_json
from renderers.context import RenderContext
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
    Orientation,
    ReplyAction,
    RequestLocationAction,
    ShowLocationAction,
    UrlApplication,
    ViewMode,
)
from renderers.rcs import BOTMESSAGE, BOTSUGGESTION, gsma_bodies, render
from tests.renderers.conftest import load_gsma_schema, schema_errors
from tests.renderers.regen_golden import CASES_DIR, GOLDEN_DIR, cases

CST = timezone(timedelta(hours=8))

ACTIONS = {
    "reply": ReplyAction("yes"),
    "open_url": OpenUrlAction("https://example.com/活动?x=1"),
    "open_url_webview": OpenUrlAction(
        "https://example.com/", UrlApplication.WEBVIEW, ViewMode.TALL, "a=b"
    ),
    "open_app": OpenAppAction("exampleapp://home", "https://example.com/app", "com.example"),
    "dial": DialAction("+86 138-0000-1111"),
    "show_location_point": ShowLocationAction(39.9, 116.4, label="天安门"),
    "show_location_query": ShowLocationAction(query="咖啡店"),
    "request_location": RequestLocationAction(),
    "calendar": CalendarAction(
        "发布会", datetime(2026, 5, 1, 9, tzinfo=CST), datetime(2026, 5, 1, 10, tzinfo=CST), "说明"
    ),
}


@pytest.mark.parametrize("case", cases())
def test_rendered_cases_validate(gsma_validator: jsonschema.Draft4Validator, case: str) -> None:
    message = from_json((CASES_DIR / f"{case}.json").read_text(encoding="utf-8"))
    output = render(message, RenderContext(signature="联动云")).output
    for body in gsma_bodies(output):
        assert schema_errors(gsma_validator, body) == []


@pytest.mark.parametrize("case", cases())
def test_golden_rcs_files_validate(gsma_validator: jsonschema.Draft4Validator, case: str) -> None:
    golden = json.loads((GOLDEN_DIR / f"{case}.rcs.json").read_text(encoding="utf-8"))
    bodies = gsma_bodies(golden["output"])
    for body in bodies:
        assert schema_errors(gsma_validator, body) == []


@pytest.mark.parametrize("name", sorted(ACTIONS))
@pytest.mark.parametrize("where", ["card", "suggestion"])
def test_every_action_type_validates(
    gsma_validator: jsonschema.Draft4Validator, name: str, where: str
) -> None:
    button = Button("按钮", ACTIONS[name])
    if where == "card":
        message = Message(MessageKind.CARD, cards=(Card(title="标题", buttons=(button,)),))
    else:
        message = Message(MessageKind.TEXT, text="你好", suggestions=(button,))
    bodies = gsma_bodies(render(message, RenderContext()).output)
    assert bodies
    for body in bodies:
        assert schema_errors(gsma_validator, body) == []


@pytest.mark.parametrize("deep_links", [True, False], ids=["deep-link", "web-fallback"])
def test_open_app_renders_as_open_url(
    gsma_validator: jsonschema.Draft4Validator, deep_links: bool
) -> None:
    message = Message(
        MessageKind.TEXT, text="hi", suggestions=(Button("打开", ACTIONS["open_app"]),)
    )
    output = render(message, RenderContext(deep_links=deep_links)).output
    (body,) = gsma_bodies(output)
    open_url = body["suggestions"][0]["action"]["urlAction"]["openUrl"]
    expected = "exampleapp://home" if deep_links else "https://example.com/app"
    assert open_url == {"url": expected, "application": "browser"}
    assert schema_errors(gsma_validator, body) == []


def test_horizontal_card_and_carousel_with_media_validate(
    gsma_validator: jsonschema.Draft4Validator,
) -> None:
    card = Card(title="t", media=MediaRef("a", "rcs_video"), orientation=Orientation.HORIZONTAL)
    for message in (
        Message(MessageKind.CARD, cards=(card,)),
        Message(MessageKind.CAROUSEL, cards=(card, Card(description="d"))),
    ):
        for body in gsma_bodies(render(message, RenderContext()).output):
            assert schema_errors(gsma_validator, body) == []


def _calendar_body() -> dict:
    button = Button("日历", ACTIONS["calendar"])
    message = Message(
        MessageKind.CARD, cards=(Card(title="t", media=MediaRef("a", "img"), buttons=(button,)),)
    )
    (body,) = gsma_bodies(render(message, RenderContext()).output)
    return body


def test_format_checks_reject_a_bad_url(gsma_validator: jsonschema.Draft4Validator) -> None:
    body = _calendar_body()
    assert schema_errors(gsma_validator, body) == []
    bad = copy.deepcopy(body)
    bad["message"]["generalPurposeCard"]["content"]["media"]["mediaUrl"] = "not a url"
    assert schema_errors(gsma_validator, bad)


def test_format_checks_reject_a_bad_date_time(gsma_validator: jsonschema.Draft4Validator) -> None:
    bad = _calendar_body()
    content = bad["message"]["generalPurposeCard"]["content"]
    content["suggestions"][0]["action"]["calendarAction"]["createCalendarEvent"]["startTime"] = (
        "2026-05-01 09:00"
    )
    assert schema_errors(gsma_validator, bad)


def test_parts_are_kept_apart(gsma_validator: jsonschema.Draft4Validator) -> None:
    """A body holds either ``message`` or ``suggestions``, never both (the schema's oneOf)."""
    message = Message(
        MessageKind.CARD,
        cards=(Card(title="t"),),
        suggestions=(Button("好", ReplyAction("ok")),),
    )
    output = render(message, RenderContext()).output
    types = [p["contentType"] for p in output["messageList"]]
    assert types == [BOTMESSAGE, BOTSUGGESTION]
    merged = {**gsma_bodies(output)[0], **gsma_bodies(output)[1]}
    assert schema_errors(gsma_validator, merged)


def test_missing_schema_skips_or_fails_when_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nope.json"
    monkeypatch.delenv("REQUIRE_SHARED_SPECS", raising=False)
    with pytest.raises(pytest.skip.Exception):
        load_gsma_schema(missing)
    monkeypatch.setenv("REQUIRE_SHARED_SPECS", "1")
    with pytest.raises(pytest.fail.Exception):
        load_gsma_schema(missing)
