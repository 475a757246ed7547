"""The editor form ↔ the message document (its JSON form, as stored in MessageVersion).

Form field names are the document paths with `-` for `.` and `[i]`:
`cards-0-buttons-1-action-url` is `cards[0].buttons[1].action.url`. A problem's path
therefore finds its field (see `studio.messages.problems`).

`document_from_form` is lenient, because drafts may be invalid: it keeps what the author
typed (a bad date stays a string, so `renderers.codec.from_json` reports it next to the
field) and leaves out only the parts the chosen kind has no use for. `form_values` is its
inverse, giving the flat {field name: text} the template shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from renderers.document import CURRENT_VERSION

KINDS = ("text", "rich", "card", "carousel")
ACTION_TYPES = (
    "reply", "open_url", "open_app", "dial", "show_location", "request_location", "calendar",
)
#: the form fields of each action type, in display order (after `label` and `action-type`)
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "reply": ("data",),
    "open_url": ("url", "application", "view_mode", "parameters"),
    "open_app": ("deep_link", "fallback_url", "package"),
    "dial": ("phone",),
    "show_location": ("latitude", "longitude", "query", "label"),
    "request_location": (),
    "calendar": ("title", "start", "end", "description"),
}
_OPTIONAL = {
    "package", "query", "label", "description", "latitude", "longitude", "view_mode", "parameters",
}
_WEBVIEW_ONLY = {"view_mode", "parameters"}
_NUMBERS = {"latitude", "longitude"}
_TIMES = {"start", "end"}
_KEYWORD_SPLIT = re.compile(r"[\n,，、;；]+")
MAX_CARDS = 8  #: the editor shows at most this many cards (the studio profile's cap)
MAX_ITEMS = 20  #: buttons, suggestions or variables read from one form, at most


def _indices(form: Mapping[str, str], prefix: str, limit: int) -> list[int]:
    pattern = re.compile(re.escape(prefix) + r"(\d{1,3})-")
    found = {int(m.group(1)) for key in form if (m := pattern.match(key))}
    return sorted(found)[:limit]


def _text(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name, "")
    return value if value.strip() else None


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def _number(raw: str) -> float | str:
    try:
        return float(raw.strip())
    except ValueError:
        return raw


def _time(raw: str, tz: ZoneInfo) -> str:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        return raw
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.isoformat()


def _action(form: Mapping[str, str], prefix: str, tz: ZoneInfo) -> dict[str, Any]:
    kind = form.get(prefix + "type", "reply")
    kind = kind if kind in ACTION_FIELDS else "reply"
    action: dict[str, Any] = {"type": kind}
    for field in ACTION_FIELDS[kind]:
        raw = form.get(prefix + field, "")
        if field in _OPTIONAL and not raw.strip():
            continue
        if field in _WEBVIEW_ONLY and action.get("application") != "webview":
            continue
        if field == "application":
            action[field] = raw if raw in ("browser", "webview") else "browser"
        elif field in _NUMBERS:
            action[field] = _number(raw)
        elif field in _TIMES:
            action[field] = _time(raw, tz)
        else:
            action[field] = raw
    return action


def _button(form: Mapping[str, str], prefix: str, tz: ZoneInfo) -> dict[str, Any]:
    label = form.get(prefix + "label", "")
    return {"label": label, "action": _action(form, prefix + "action-", tz)}


def _buttons(form: Mapping[str, str], prefix: str, tz: ZoneInfo) -> list[dict[str, Any]]:
    return [_button(form, f"{prefix}{i}-", tz) for i in _indices(form, prefix, MAX_ITEMS)]


def _media(form: Mapping[str, str], prefix: str) -> dict[str, str] | None:
    asset = _text(form, prefix + "asset_id")
    if asset is None:
        return None
    return {"asset_id": asset.strip(), "rendition": form.get(prefix + "rendition") or "rcs_image"}


def _card(form: Mapping[str, str], prefix: str, tz: ZoneInfo) -> dict[str, Any]:
    card: dict[str, Any] = {}
    _put(card, "title", _text(form, prefix + "title"))
    _put(card, "description", _text(form, prefix + "description"))
    _put(card, "media", _media(form, prefix + "media-"))
    card["buttons"] = _buttons(form, prefix + "buttons-", tz)
    for key, allowed, default in (
        ("orientation", ("vertical", "horizontal"), "vertical"),
        ("image_alignment", ("left", "right"), "left"),
        ("media_height", ("short", "medium", "tall"), "medium"),
    ):
        value = form.get(prefix + key, default)
        card[key] = value if value in allowed else default
    return card


def split_keywords(raw: str) -> list[str]:
    return [word.strip() for word in _KEYWORD_SPLIT.split(raw) if word.strip()]


def document_from_form(form: Mapping[str, str], tz: ZoneInfo) -> dict[str, Any]:
    """The document JSON the form describes (possibly invalid: drafts may be)."""
    kind = form.get("kind", "text")
    kind = kind if kind in KINDS else "text"
    doc: dict[str, Any] = {"version": CURRENT_VERSION, "kind": kind}
    _put(doc, "text", _text(form, "text"))
    if kind == "rich":
        _put(doc, "media", _media(form, "media-"))
    cards = [_card(form, f"cards-{i}-", tz) for i in _indices(form, "cards-", MAX_CARDS)]
    doc["cards"] = {"card": cards[:1], "carousel": cards}.get(kind, [])
    doc["suggestions"] = _buttons(form, "suggestions-", tz)
    doc["variables"] = [
        {"name": form.get(f"variables-{i}-name", "").strip(),
         "sample": form.get(f"variables-{i}-sample", "")}
        for i in _indices(form, "variables-", MAX_ITEMS)
    ]
    trigger = "keywords" if form.get("trigger-type") == "keywords" else "proactive"
    keywords = split_keywords(form.get("trigger-keywords", "")) if trigger == "keywords" else []
    doc["trigger"] = {"type": trigger, "keywords": keywords}
    fallback_type = form.get("fallback-type", "none")
    if fallback_type not in ("none", "sms", "sms_ch5", "video_sms"):
        fallback_type = "none"
    fallback: dict[str, Any] = {"type": fallback_type}
    if fallback_type in ("sms", "sms_ch5"):
        _put(fallback, "text", _text(form, "fallback-text"))
    if fallback_type == "video_sms":
        fallback["video_template_id"] = form.get("fallback-video_template_id", "").strip()
    doc["fallback"] = fallback
    doc["ch5"] = form.get("ch5") in ("on", "true", "1")
    doc["card_width"] = "small" if form.get("card_width") == "small" else "medium"
    return doc


# ---- document → form values --------------------------------------------------------------


def _local(value: Any, tz: ZoneInfo) -> str:
    if not isinstance(value, str):
        return ""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(tz)
    return parsed.strftime("%Y-%m-%dT%H:%M")


def _flat(out: dict[str, str], prefix: str, value: Any, tz: ZoneInfo) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in _TIMES:
                out[f"{prefix}{key}"] = _local(item, tz)
            else:
                _flat(out, f"{prefix}{key}-", item, tz)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flat(out, f"{prefix}{index}-", item, tz)
    elif isinstance(value, bool):
        out[prefix[:-1]] = "on" if value else ""
    elif value is not None:
        out[prefix[:-1]] = str(value)


def form_values(doc: Mapping[str, Any], tz: ZoneInfo) -> dict[str, str]:
    """{field name: text} for every value of the document, as the editor shows it."""
    out: dict[str, str] = {}
    _flat(out, "", {k: v for k, v in doc.items() if k != "trigger"}, tz)
    trigger = doc.get("trigger") if isinstance(doc.get("trigger"), Mapping) else {}
    out["trigger-type"] = str(trigger.get("type", "proactive"))
    words = trigger.get("keywords") or []
    out["trigger-keywords"] = "\n".join(w for w in words if isinstance(w, str))
    return out
