"""Upgrade older JSON forms of the message document to the current version.

Each step is a small pure function from the JSON of version *n* to version
*n + 1*; :func:`upgrade` applies them in order. Steps must tolerate malformed
input (leave what they do not understand alone): the parser that runs after
them reports problems with paths.

History:

* **1** — the prototype form, as drafted from the UMCC console: floating buttons
  under ``floating_buttons``; ``fallback`` a plain string with the SMS text in
  ``fallback_text`` and the video SMS template in ``video_template_id``; trigger
  keywords as a top-level ``keywords`` list (empty means sent proactively); the
  CH5 switch named ``generate_ch5``.
* **2** — the current form (:mod:`renderers.codec`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "floating_buttons" in out:
        out["suggestions"] = out.pop("floating_buttons")
    if "generate_ch5" in out:
        out["ch5"] = out.pop("generate_ch5")
    if "keywords" in out:
        keywords = out.pop("keywords")
        if isinstance(keywords, list) and keywords:
            out["trigger"] = {"type": "keywords", "keywords": keywords}
        elif isinstance(keywords, list):
            out["trigger"] = {"type": "proactive", "keywords": []}
        else:
            out["trigger"] = keywords  # let the parser report the wrong type
    fallback = out.get("fallback")
    text = out.pop("fallback_text", None)
    template = out.pop("video_template_id", None)
    if isinstance(fallback, str):
        new: dict[str, Any] = {"type": fallback}
        if text is not None:
            new["text"] = text
        if template is not None:
            new["video_template_id"] = template
        out["fallback"] = new
    out["version"] = 2
    return out


#: ``UPGRADES[n]`` turns version ``n`` into version ``n + 1``.
UPGRADES: dict[int, Upgrade] = {1: _v1_to_v2}


def upgrade(data: dict[str, Any], current: int) -> dict[str, Any]:
    """Apply upgrade steps until ``data["version"] == current``.

    The caller has checked that the version is an int in ``1..current``.
    """
    version = data["version"]
    while version < current:
        data = UPGRADES[version](data)
        version = data["version"]
    return data
