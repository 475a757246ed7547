from __future__ import annotations

import json

import jsonschema
import pytest

from renderers.document import CURRENT_VERSION
from renderers.schema import document_schema
from tests.renderers.regen_golden import CASES_DIR, cases

VALIDATOR = jsonschema.Draft202012Validator(
    document_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(document_schema())
    assert document_schema()["properties"]["version"]["const"] == CURRENT_VERSION


@pytest.mark.parametrize("case", cases())
def test_cases_match_the_schema(case: str) -> None:
    data = json.loads((CASES_DIR / f"{case}.json").read_text(encoding="utf-8"))
    assert [e.message for e in VALIDATOR.iter_errors(data)] == []


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "poster"},
        {"version": 1},
        {"cards": [{"title": "t"}] * 9},
        {"suggestions": [{"label": "x" * 26, "action": {"type": "reply", "data": ""}}]},
        {"suggestions": [{"label": "x", "action": {"type": "open_url", "url": "javascript:x"}}]},
        {"suggestions": [{"label": "x", "action": {"type": "teleport"}}]},
        {"suggestions": [{"label": "x", "action": {"type": "dial", "phone": "1", "data": "2"}}]},
        {
            "suggestions": [
                {
                    "label": "x",
                    "action": {"type": "calendar", "title": "t", "start": "soon", "end": "later"},
                }
            ]
        },
        {"extra": True},
    ],
    ids=[
        "kind",
        "old-version",
        "nine-cards",
        "long-label",
        "javascript",
        "unknown-action",
        "two-actions",
        "bad-times",
        "extra-field",
    ],
)
def test_bad_documents_fail_the_schema(change: dict[str, object]) -> None:
    data = {"version": CURRENT_VERSION, "kind": "text", "text": "hi", **change}
    assert list(VALIDATOR.iter_errors(data))


def test_schema_is_json() -> None:
    assert json.loads(json.dumps(document_schema(), ensure_ascii=False)) == document_schema()
