"""Property tests: any valid document round-trips, validates and renders."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderers.codec import from_json, to_json
from renderers.context import RenderContext
from renderers.document import Message
from renderers.errors import DocumentError, errors_only
from renderers.rcs import gsma_bodies
from renderers.registry import RENDERERS
from renderers.schema import document_schema
from renderers.sms_count import apply_signature, count_sms, segment_count
from renderers.validate import validate
from tests.renderers.conftest import schema_errors
from tests.renderers.strategies import messages

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DOCUMENT_SCHEMA = jsonschema.Draft202012Validator(
    document_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
CONTEXT = RenderContext(signature="联动云")


@SETTINGS
@given(messages())
def test_round_trip(message: Message) -> None:
    assert from_json(to_json(message)) == message
    assert from_json(json.dumps(to_json(message), ensure_ascii=False)) == message


@SETTINGS
@given(messages())
def test_generated_documents_are_valid_and_match_the_published_schema(message: Message) -> None:
    assert errors_only(validate(message)) == []
    assert [e.message for e in DOCUMENT_SCHEMA.iter_errors(to_json(message))] == []


def _render(channel: str, message: Message) -> dict[str, Any] | None:
    """Render, allowing only the documented refusal: a flattened SMS over 350 characters."""
    try:
        return RENDERERS[channel](message, CONTEXT).output  # type: ignore[no-any-return]
    except DocumentError as exc:
        assert {p.code for p in exc.problems} == {"sms_too_long"}
        return None


@SETTINGS
@given(messages())
def test_every_renderer_renders(message: Message) -> None:
    for channel in ("ch5", "sms"):
        output = _render(channel, message)
        if output is not None:
            json.dumps(output)


@SETTINGS
@given(messages())
def test_rendered_rcs_always_validates(
    gsma_validator: jsonschema.Draft4Validator, message: Message
) -> None:
    output = _render("rcs", message)
    if output is None:
        return
    for body in gsma_bodies(output):
        assert schema_errors(gsma_validator, body) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@SETTINGS
@given(messages(), st.data(), json_values)
def test_corrupted_documents_raise_only_document_error(
    message: Message, data: st.DataObject, junk: Any
) -> None:
    doc = to_json(message)
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = junk
    try:
        from_json(doc)
    except DocumentError as exc:
        assert exc.problems


@SETTINGS
@given(json_values)
def test_arbitrary_json_raises_only_document_error(junk: Any) -> None:
    with pytest.raises(DocumentError):
        from_json({"version": 2, "kind": junk, "cards": junk, "suggestions": [junk]})


@SETTINGS
@given(st.text(max_size=400), st.text(min_size=2, max_size=10).filter(lambda s: s.strip("【】 ")))
def test_sms_counting(text: str, signature: str) -> None:
    count = count_sms(text, signature)
    assert apply_signature(count.text, signature) == count.text  # never doubled
    assert count.chars >= len(count.text)
    assert count.segments == segment_count(count.chars)
    assert count.segments == (
        0 if count.chars == 0 else 1 if count.chars <= 70 else -(-count.chars // 67)
    )
