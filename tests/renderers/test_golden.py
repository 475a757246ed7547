from __future__ import annotations

import pytest

from renderers.registry import RENDERERS
from tests.renderers.regen_golden import (
    cases,
    golden_path,
    render_case,
    render_video_sms_case,
    video_sms_cases,
    video_sms_golden_path,
)

KINDS = {"text", "rich", "card", "carousel"}


def test_every_kind_has_a_case() -> None:
    from renderers.codec import from_json
    from tests.renderers.regen_golden import CASES_DIR

    kinds = {from_json(p.read_text(encoding="utf-8")).kind.value for p in CASES_DIR.glob("*.json")}
    assert kinds >= KINDS


@pytest.mark.parametrize("channel", sorted(RENDERERS))
@pytest.mark.parametrize("case", cases())
def test_rendering_matches_golden_file(case: str, channel: str) -> None:
    path = golden_path(case, channel)
    assert path.exists(), "run: python -m tests.renderers.regen_golden"
    assert render_case(case, channel) == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if intended, run python -m tests.renderers.regen_golden"
    )


@pytest.mark.parametrize("case", video_sms_cases())
def test_video_sms_rendering_matches_golden_file(case: str) -> None:
    path = video_sms_golden_path(case)
    assert path.exists(), "run: python -m tests.renderers.regen_golden"
    assert render_video_sms_case(case) == path.read_text(encoding="utf-8")
