"""Golden files for every message kind × renderer, and for video SMS templates.

Inputs are the documents in ``tests/renderers/cases/*.json``; outputs live in
``tests/renderers/golden/<case>.<channel>.json``. Video SMS templates in
``cases/video_sms/*.json`` render to ``golden/video_sms.<case>.json``. After an intended change to a
renderer, regenerate them from the repository root with

    /tmp/venv/bin/python -m tests.renderers.regen_golden

and review the diff before committing it. ``test_golden.py`` compares against them.
"""

from __future__ import annotations

import json
from pathlib import Path

from renderers.codec import from_json
from renderers.context import Envelope, RenderContext
from renderers.registry import RENDERERS
from renderers.video_sms import render as render_video_sms
from renderers.video_sms import template_from_json

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
GOLDEN_DIR = HERE / "golden"

#: The context every golden file is rendered with: a preview (sample values), a signature.
GOLDEN_CONTEXT = RenderContext(
    signature="联动云", envelope=Envelope(destinations=("+8613800000000",))
)


def cases() -> list[str]:
    return sorted(p.stem for p in CASES_DIR.glob("*.json"))


def golden_path(case: str, channel: str) -> Path:
    return GOLDEN_DIR / f"{case}.{channel}.json"


def render_case(case: str, channel: str) -> str:
    message = from_json((CASES_DIR / f"{case}.json").read_text(encoding="utf-8"))
    result = RENDERERS[channel](message, GOLDEN_CONTEXT)
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def video_sms_cases() -> list[str]:
    return sorted(p.stem for p in (CASES_DIR / "video_sms").glob("*.json"))


def video_sms_golden_path(case: str) -> Path:
    return GOLDEN_DIR / f"video_sms.{case}.json"


def render_video_sms_case(case: str) -> str:
    data = json.loads((CASES_DIR / "video_sms" / f"{case}.json").read_text(encoding="utf-8"))
    result = render_video_sms(template_from_json(data), GOLDEN_CONTEXT)
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _outputs() -> list[tuple[Path, str]]:
    found = [(golden_path(c, ch), render_case(c, ch)) for c in cases() for ch in RENDERERS]
    found += [(video_sms_golden_path(c), render_video_sms_case(c)) for c in video_sms_cases()]
    return found


def main() -> None:
    GOLDEN_DIR.mkdir(exist_ok=True)
    for path, text in _outputs():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            print(f"{'updated' if old else 'created'} {path.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
