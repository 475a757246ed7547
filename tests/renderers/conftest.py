"""Shared fixtures: the GSMA chatbot message schema from ``../shared/specs``.

The schema is reference data that lives next to the repository, never inside
it. Where it is absent (a user's clone) the tests that need it skip with a
reason; CI sets ``REQUIRE_SHARED_SPECS=1`` to turn that skip into a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

SPEC_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared/specs/gsma_chatbot_message_schema.json"
)


def load_gsma_schema(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The schema, or skip the test; with ``REQUIRE_SHARED_SPECS=1`` fail instead."""
    if not path.is_file():
        reason = f"GSMA chatbot message schema not found at {path}"
        if os.environ.get("REQUIRE_SHARED_SPECS") == "1":
            pytest.fail(reason + " (REQUIRE_SHARED_SPECS=1)")
        pytest.skip(reason)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def gsma_validator() -> jsonschema.Draft4Validator:
    schema = load_gsma_schema()
    # Format checks ("uri", "date-time") only run with rfc3987 and rfc3339-validator installed.
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def schema_errors(validator: jsonschema.Draft4Validator, body: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(body)
    ]
