"""The editor's pure parts: form ↔ document, structural edits, problems placed on fields, the
lenient preview. No database, no HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from renderers import codec
from renderers.errors import Problem
from renderers.resolver import PlaceholderResolver
from studio.messages.editor import (
    GENERAL,
    apply_op,
    blank_document,
    check,
    place,
    slot_of,
    slots,
)
from studio.messages.form import document_from_form, form_values, split_keywords
from studio.messages.preview import build_preview, parse_lenient

CASES = Path(__file__).parents[1] / "renderers" / "cases"
TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("case", ["text", "rich", "card", "carousel"])
def test_form_round_trip(case: str) -> None:
    doc = codec.to_json(codec.from_json((CASES / f"{case}.json").read_text(encoding="utf-8")))
    assert codec.to_json(codec.from_json(document_from_form(form_values(doc, TZ), TZ))) == doc


def test_calendar_times_use_the_workspace_zone() -> None:
    form = {"kind": "text", "text": "x", "suggestions-0-label": "日程",
            "suggestions-0-action-type": "calendar", "suggestions-0-action-title": "会",
            "suggestions-0-action-start": "2026-05-01T09:00",
            "suggestions-0-action-end": "2026-05-01T10:00"}
    doc = document_from_form(form, TZ)
    assert doc["suggestions"][0]["action"]["start"] == "2026-05-01T09:00:00+08:00"
    assert form_values(doc, TZ)["suggestions-0-action-start"] == "2026-05-01T09:00"
    bad = document_from_form({**form, "suggestions-0-action-end": "明天"}, TZ)
    paths = [p.path for p in check(bad).problems]
    assert paths == ["suggestions[0].action.end"]


def test_lenient_parsing_keeps_what_the_author_typed() -> None:
    form = {"kind": "poster", "text": "  ", "cards-0-title": "x", "fallback-type": "carrier-pigeon",
            "suggestions-0-label": "地图", "suggestions-0-action-type": "show_location",
            "suggestions-0-action-latitude": "北纬39", "suggestions-0-action-longitude": "116.4",
            "suggestions-0-action-application": "webview"}
    doc = document_from_form(form, TZ)
    assert doc["kind"] == "text" and "text" not in doc and doc["cards"] == []
    assert doc["fallback"] == {"type": "none"}
    assert doc["suggestions"][0]["action"] == {"type": "show_location", "latitude": "北纬39",
                                               "longitude": 116.4}
    assert split_keywords("新年，福利、VIP;\n抽奖, ") == ["新年", "福利", "VIP", "抽奖"]


def test_structural_ops() -> None:
    doc = blank_document("carousel")
    assert len(doc["cards"]) == 2
    apply_op(doc, "add:cards-1-buttons")
    apply_op(doc, "add:suggestions")
    apply_op(doc, "up:cards-1")
    assert len(doc["cards"][0]["buttons"]) == 1
    apply_op(doc, "remove:cards-0-buttons-0")
    assert doc["cards"][0]["buttons"] == []
    before = json.dumps(doc)
    for op in ("remove:cards-9", "up:cards-0", "down:suggestions-0", "add:kind", "x:cards",
               "remove:cards-0-buttons-3", "add:cards-7-buttons", "add:__class__"):
        apply_op(doc, op)
    assert json.dumps(doc) == before
    for _ in range(20):
        apply_op(doc, "add:suggestions")
    assert len(doc["suggestions"]) == 11


def test_problems_land_on_the_nearest_field() -> None:
    doc = blank_document("card")
    apply_op(doc, "add:cards-0-buttons")
    known = slots(doc)
    found = place([
        Problem("cards[0].buttons[0].action.data", "too_long", "长", "long"),
        Problem("cards[0].media", "media_unresolved", "无", "none"),
        Problem("trigger.keywords[3]", "empty", "空", "empty"),
        Problem("$", "x", "整体", "whole"),
        Problem("nowhere[2].at.all", "x", "?", "?"),
    ], known)
    assert set(found) == {"cards-0-buttons-0-action-data", "cards-0-media", "trigger-keywords",
                          GENERAL}
    assert len(found[GENERAL]) == 2
    assert slot_of("cards[10].title") == "cards-10-title"


def test_preview_of_a_broken_draft_still_shows_it() -> None:
    doc = blank_document("carousel")
    doc["cards"][0]["title"] = "<b>标题</b>" * 100
    doc["cards"][1]["buttons"] = [{"label": "日程", "action": {"type": "calendar", "title": "t",
                                                                "start": "bad", "end": "bad"}}]
    doc["suggestions"] = [{"label": "{{who}}好", "action": {"type": "reply", "data": ""}}]
    message, pruned = parse_lenient(doc)
    assert pruned and message.cards[1].buttons == ()
    preview = build_preview(doc, mode="ch5", resolver=PlaceholderResolver())
    assert not preview.exact
    assert preview.view["cards"][0]["title"].startswith("<b>标题</b>")  # escaped by the template
    assert preview.view["suggestions"][0]["label"] == "{{who}}好"
    assert json.dumps(doc)  # the document itself was not changed by the preview
    assert doc["cards"][1]["buttons"][0]["action"]["start"] == "bad"
