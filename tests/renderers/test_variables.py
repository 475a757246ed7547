from __future__ import annotations

import pytest

from renderers.document import Button, Message, MessageKind, OpenAppAction, OpenUrlAction, Variable
from renderers.errors import DocumentError
from renderers.variables import fill, fill_message, names_in, used_variables


def test_names_in() -> None:
    assert names_in("{{a}}{{ 姓名 }}{{a}}{{1x}}{{}}{b}") == ["a", "姓名", "a"]


def test_fill_is_a_single_pass() -> None:
    text, missing = fill("{{a}}-{{b}}", {"a": "{{b}}"})
    assert text == "{{b}}-{{b}}"
    assert [p.code for p in missing] == ["missing_value"]


def test_url_values_are_percent_encoded_unless_the_variable_is_the_whole_link() -> None:
    assert fill("https://x.cn/?q={{q}}", {"q": "a b&c/张"}, in_url=True)[0] == (
        "https://x.cn/?q=a%20b%26c%2F%E5%BC%A0"
    )
    assert fill("{{link}}", {"link": "https://x.cn/a?b=1"}, in_url=True)[0] == "https://x.cn/a?b=1"


def test_fill_message_reports_every_missing_value() -> None:
    message = Message(
        MessageKind.TEXT,
        text="{{a}}{{b}}",
        suggestions=(Button("{{a}}", OpenAppAction("app://{{c}}", "https://x.cn/{{c}}")),),
        variables=(Variable("a"), Variable("b"), Variable("c")),
    )
    assert set(used_variables(message)) == {"a", "b", "c"}
    with pytest.raises(DocumentError) as caught:
        fill_message(message, {"a": "1"})
    assert [(p.path, p.message_en) for p in caught.value.problems] == [
        ("text", "no value given for variable b"),
        ("suggestions[0].action.deep_link", "no value given for variable c"),
        ("suggestions[0].action.fallback_url", "no value given for variable c"),
    ]
    filled = fill_message(message, {"a": "1", "b": "2", "c": "3"})
    assert filled.text == "12"
    assert filled.suggestions[0].label == "1"
    assert filled.variables == message.variables


def test_fill_message_without_variables_returns_the_same_object() -> None:
    message = Message(
        MessageKind.TEXT, text="hi", suggestions=(Button("b", OpenUrlAction("https://x.cn")),)
    )
    assert fill_message(message, {}) is message
