from __future__ import annotations

import json
from pathlib import Path

import pytest

from renderers.codec import dumps, from_json, to_json
from renderers.document import (
    CURRENT_VERSION,
    Button,
    DialAction,
    Fallback,
    FallbackType,
    Message,
    MessageKind,
    ReplyAction,
    Trigger,
    TriggerType,
    Variable,
)
from renderers.errors import DocumentError
from tests.renderers.regen_golden import CASES_DIR, cases

DATA = Path(__file__).resolve().parent / "data"


def _problems(data: object) -> dict[str, str]:
    with pytest.raises(DocumentError) as caught:
        from_json(data)  # type: ignore[arg-type]
    return {p.path: p.code for p in caught.value.problems}


@pytest.mark.parametrize("case", cases())
def test_cases_round_trip(case: str) -> None:
    text = (CASES_DIR / f"{case}.json").read_text(encoding="utf-8")
    message = from_json(text)
    assert from_json(to_json(message)) == message
    assert from_json(dumps(message)) == message
    assert to_json(message)["version"] == CURRENT_VERSION


def test_version_1_document_is_upgraded() -> None:
    message = from_json((DATA / "message_v1.json").read_text(encoding="utf-8"))
    assert message == Message(
        MessageKind.TEXT,
        text="{{name}}，您预约的体检将于明天上午 9 点开始。",
        suggestions=(
            Button("确认到场", ReplyAction("confirm")),
            Button("客服电话", DialAction("95500")),
        ),
        variables=(Variable("name", "李四"),),
        trigger=Trigger(TriggerType.KEYWORDS, ("体检",)),
        fallback=Fallback(
            FallbackType.SMS, "{{name}}，您预约的体检将于明天上午 9 点开始，详询 95500。"
        ),
        ch5=False,
    )
    assert to_json(message)["version"] == 2


def test_version_1_without_keywords_is_proactive() -> None:
    message = from_json({"version": 1, "kind": "text", "text": "hi", "keywords": []})
    assert message.trigger == Trigger.proactive()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("{not json", {"$": "invalid_json"}),
        ([], {"$": "wrong_type"}),
        ({"kind": "text"}, {"version": "required"}),
        ({"version": 99, "kind": "text"}, {"version": "unsupported_version"}),
        ({"version": "2", "kind": "text"}, {"version": "unsupported_version"}),
        ({"version": True, "kind": "text"}, {"version": "unsupported_version"}),
    ],
    ids=["bad-json", "array", "no-version", "future-version", "string-version", "bool-version"],
)
def test_top_level_errors(data: object, expected: dict[str, str]) -> None:
    assert _problems(data) == expected


def test_every_structural_problem_is_listed_with_its_path() -> None:
    data = {
        "version": 2,
        "kind": "poster",
        "text": 12,
        "media": "asset-1",
        "cards": [
            {"title": ["x"], "buttons": [{"label": "a"}, {"action": {"type": "reply", "data": 1}}]},
            "card",
            {"orientation": "diagonal", "colour": "red"},
        ],
        "suggestions": {"label": "x"},
        "variables": [{"name": 3}],
        "trigger": {"type": "keywords", "keywords": ["a", 2]},
        "fallback": {"type": "fax"},
        "ch5": "yes",
        "extra": 1,
    }
    assert _problems(data) == {
        "kind": "bad_choice",
        "text": "wrong_type",
        "media": "wrong_type",
        "cards[0].title": "wrong_type",
        "cards[0].buttons[0].action": "required",
        "cards[0].buttons[1].label": "required",
        "cards[0].buttons[1].action.data": "wrong_type",
        "cards[1]": "wrong_type",
        "cards[2].orientation": "bad_choice",
        "cards[2].colour": "unknown_field",
        "suggestions": "wrong_type",
        "variables[0].name": "wrong_type",
        "trigger.keywords[1]": "wrong_type",
        "fallback.type": "bad_choice",
        "ch5": "wrong_type",
        "extra": "unknown_field",
    }


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ({"type": "teleport"}, {"suggestions[0].action.type": "unknown_action"}),
        ({}, {"suggestions[0].action.type": "required"}),
        (
            {"type": "dial", "phone": "1", "url": "https://x.cn"},
            {"suggestions[0].action.url": "unknown_field"},
        ),
        (
            {"type": "calendar", "title": "t", "start": "tomorrow", "end": "2026-01-01T10:00:00"},
            {
                "suggestions[0].action.start": "bad_datetime",
                "suggestions[0].action.end": "bad_datetime",
            },
        ),
        (
            {"type": "show_location", "latitude": "39.9", "longitude": True},
            {
                "suggestions[0].action.latitude": "wrong_type",
                "suggestions[0].action.longitude": "wrong_type",
            },
        ),
        (
            [{"type": "reply", "data": "a"}, {"type": "dial", "phone": "1"}],
            {"suggestions[0].action": "wrong_type"},
        ),
    ],
    ids=["unknown", "no-type", "two-actions-mixed", "bad-times", "bad-numbers", "action-list"],
)
def test_action_problems(action: object, expected: dict[str, str]) -> None:
    data = {
        "version": 2,
        "kind": "text",
        "text": "x",
        "suggestions": [{"label": "b", "action": action}],
    }
    assert _problems(data) == expected


def test_a_button_with_two_actions_is_rejected() -> None:
    data = {
        "version": 2,
        "kind": "text",
        "text": "x",
        "suggestions": [
            {
                "label": "b",
                "action": {"type": "reply", "data": "a"},
                "actions": [{"type": "dial", "phone": "1"}],
            }
        ],
    }
    assert _problems(data) == {"suggestions[0].actions": "unknown_field"}


def test_problems_serialise_in_both_languages() -> None:
    with pytest.raises(DocumentError) as caught:
        from_json({"version": 2, "kind": "text", "ch5": 1})
    (problem,) = caught.value.to_json()
    assert problem["path"] == "ch5"
    assert problem["message_zh"] and problem["message_en"]
    assert problem["severity"] == "error"
    json.dumps(problem)


def test_hostile_numbers_and_nesting() -> None:
    location = {"type": "show_location", "latitude": 10**400, "longitude": float("nan")}
    data = {
        "version": 2,
        "kind": "text",
        "text": "x",
        "suggestions": [{"label": "b", "action": location}],
    }
    assert _problems(data) == {
        "suggestions[0].action.latitude": "wrong_type",
        "suggestions[0].action.longitude": "wrong_type",
    }
    assert _problems("[" * 100_000 + "]" * 100_000) == {"$": "invalid_json"}
