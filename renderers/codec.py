"""JSON form of the message document: :func:`to_json` and :func:`from_json`.

The JSON form is also the import/export and API format; its JSON Schema comes
from :mod:`renderers.schema`. ``from_json`` never raises ``KeyError`` or
``TypeError`` at a user: any malformed input raises :class:`DocumentError` listing
every structural problem with its path. Limits (lengths, counts, URL schemes)
are not checked here but by :func:`renderers.validate.validate`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from renderers import problems
from renderers.document import (
    ACTION_TYPES,
    CURRENT_VERSION,
    Action,
    Button,
    Card,
    CardWidth,
    Fallback,
    FallbackType,
    ImageAlignment,
    MediaHeight,
    MediaRef,
    Message,
    MessageKind,
    Orientation,
    Trigger,
    TriggerType,
    UrlApplication,
    Variable,
    ViewMode,
)
from renderers.errors import DocumentError
from renderers.reader import Reader
from renderers.upgrades import upgrade

# ---- to JSON -------------------------------------------------------------------------------


def to_json(message: Message) -> dict[str, Any]:
    """The JSON-compatible dict of ``message`` (current version); ``None`` fields are left out."""
    out: dict[str, Any] = {"version": CURRENT_VERSION, "kind": message.kind.value}
    _put(out, "text", message.text)
    _put(out, "media", _media(message.media))
    out["cards"] = [_card(card) for card in message.cards]
    out["suggestions"] = [_button(b) for b in message.suggestions]
    out["variables"] = [{"name": v.name, "sample": v.sample} for v in message.variables]
    out["trigger"] = {
        "type": message.trigger.type.value,
        "keywords": list(message.trigger.keywords),
    }
    fallback: dict[str, Any] = {"type": message.fallback.type.value}
    _put(fallback, "text", message.fallback.text)
    _put(fallback, "video_template_id", message.fallback.video_template_id)
    out["fallback"] = fallback
    out["ch5"] = message.ch5
    out["card_width"] = message.card_width.value
    return out


def dumps(message: Message) -> str:
    """``to_json`` as text: UTF-8 friendly (no ``\\u`` escapes), indented, stable."""
    return json.dumps(to_json(message), ensure_ascii=False, indent=2)


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def _media(ref: MediaRef | None) -> dict[str, str] | None:
    return None if ref is None else {"asset_id": ref.asset_id, "rendition": ref.rendition}


def _card(card: Card) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "title", card.title)
    _put(out, "description", card.description)
    _put(out, "media", _media(card.media))
    out["buttons"] = [_button(b) for b in card.buttons]
    out["orientation"] = card.orientation.value
    out["image_alignment"] = card.image_alignment.value
    out["media_height"] = card.media_height.value
    return out


def _button(button: Button) -> dict[str, Any]:
    return {"label": button.label, "action": action_to_json(button.action)}


def action_to_json(action: Action) -> dict[str, Any]:
    out: dict[str, Any] = {"type": action.type}
    for name, value in vars(action).items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value"):  # enums
            value = value.value
        _put(out, name, value)
    return out


# ---- from JSON -----------------------------------------------------------------------------


def from_json(data: str | bytes | Mapping[str, Any]) -> Message:
    """Parse a document (text or an already-decoded dict), upgrading older versions."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:  # RecursionError: absurd nesting
            raise DocumentError([problems.invalid_json("$", str(exc))]) from None
    reader = Reader()
    if not isinstance(data, Mapping):
        raise DocumentError([problems.wrong_type("$", "object")])
    version = data.get("version")
    if "version" not in data:
        raise DocumentError([problems.required("version")])
    if (
        isinstance(version, bool)
        or not isinstance(version, int)
        or not 1 <= version <= CURRENT_VERSION
    ):
        raise DocumentError([problems.unsupported_version("version", version, CURRENT_VERSION)])
    upgraded = upgrade(dict(data), CURRENT_VERSION)
    message = _message(reader, upgraded)
    if reader.problems:
        raise DocumentError(reader.problems)
    assert message is not None
    return message


_ACTION_FIELDS: dict[str, dict[str, tuple[Any, bool]]] = {
    "reply": {"data": (str, True)},
    "open_url": {
        "url": (str, True),
        "application": (UrlApplication, False),
        "view_mode": (ViewMode, False),
        "parameters": (str, False),
    },
    "open_app": {"deep_link": (str, True), "fallback_url": (str, True), "package": (str, False)},
    "dial": {"phone": (str, True)},
    "show_location": {
        "latitude": (float, False),
        "longitude": (float, False),
        "query": (str, False),
        "label": (str, False),
    },
    "request_location": {},
    "calendar": {
        "title": (str, True),
        "start": (datetime, True),
        "end": (datetime, True),
        "description": (str, False),
    },
}


def _message(r: Reader, d: Mapping[str, Any]) -> Message | None:
    r.no_extra(
        d,
        "$",
        {
            "version",
            "kind",
            "text",
            "media",
            "cards",
            "suggestions",
            "variables",
            "trigger",
            "fallback",
            "ch5",
            "card_width",
        },
    )
    kind = r.value(d, "$", "kind", MessageKind, required=True)
    fields: dict[str, Any] = {
        "text": r.value(d, "$", "text", str),
        "media": _media_ref(r, d, "$", "media"),
        "cards": r.items(d, "$", "cards", _card_from),
        "suggestions": r.items(d, "$", "suggestions", _button_from),
        "variables": r.items(d, "$", "variables", _variable_from),
        "trigger": r.child(d, "$", "trigger", _trigger_from),
        "fallback": r.child(d, "$", "fallback", _fallback_from),
        "ch5": r.value(d, "$", "ch5", bool),
        "card_width": r.value(d, "$", "card_width", CardWidth),
    }
    if kind is None or r.problems:
        return None
    return Message(kind, **{k: v for k, v in fields.items() if v is not None})


def _media_ref(r: Reader, d: Mapping[str, Any], path: str, key: str) -> MediaRef | None:
    return r.child(d, path, key, _media_from)


def _media_from(r: Reader, d: Mapping[str, Any], path: str) -> MediaRef | None:
    r.no_extra(d, path, {"asset_id", "rendition"})
    asset = r.value(d, path, "asset_id", str, required=True)
    rendition = r.value(d, path, "rendition", str, required=True)
    if asset is None or rendition is None:
        return None
    return MediaRef(asset, rendition)


def _card_from(r: Reader, d: Mapping[str, Any], path: str) -> Card:
    r.no_extra(
        d,
        path,
        {
            "title",
            "description",
            "media",
            "buttons",
            "orientation",
            "image_alignment",
            "media_height",
        },
    )
    fields: dict[str, Any] = {
        "title": r.value(d, path, "title", str),
        "description": r.value(d, path, "description", str),
        "media": _media_ref(r, d, path, "media"),
        "buttons": r.items(d, path, "buttons", _button_from),
        "orientation": r.value(d, path, "orientation", Orientation),
        "image_alignment": r.value(d, path, "image_alignment", ImageAlignment),
        "media_height": r.value(d, path, "media_height", MediaHeight),
    }
    return Card(**{k: v for k, v in fields.items() if v is not None})


def _button_from(r: Reader, d: Mapping[str, Any], path: str) -> Button | None:
    r.no_extra(d, path, {"label", "action"})
    label = r.value(d, path, "label", str, required=True)
    action = cast("Action | None", r.child(d, path, "action", _action_from, required=True))
    if label is None or action is None:
        return None
    return Button(label, action)


def _action_from(r: Reader, d: Mapping[str, Any], path: str) -> Action | None:
    type_path = r.path(path, "type")
    if "type" not in d:
        r.add(problems.required(type_path))
        return None
    name = d["type"]
    cls = ACTION_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        r.add(problems.unknown_action(type_path, name))
        return None
    spec = _ACTION_FIELDS[cls.type]
    r.no_extra(d, path, {"type", *spec})
    values: dict[str, Any] = {}
    complete = True
    for field, (kind, required) in spec.items():
        value = r.value(d, path, field, kind, required=required)
        if value is not None:
            values[field] = value
        elif required:
            complete = False
    return cls(**values) if complete else None


def _variable_from(r: Reader, d: Mapping[str, Any], path: str) -> Variable | None:
    r.no_extra(d, path, {"name", "sample"})
    name = r.value(d, path, "name", str, required=True)
    sample = r.value(d, path, "sample", str)
    return None if name is None else Variable(name, sample or "")


def _trigger_from(r: Reader, d: Mapping[str, Any], path: str) -> Trigger | None:
    r.no_extra(d, path, {"type", "keywords"})
    kind = r.value(d, path, "type", TriggerType, required=True)
    keywords = r.items(d, path, "keywords", _keyword_from, objects=False)
    return None if kind is None else Trigger(kind, keywords)


def _keyword_from(r: Reader, value: Any, path: str) -> str | None:
    if not isinstance(value, str):
        r.add(problems.wrong_type(path, "string"))
        return None
    return value


def _fallback_from(r: Reader, d: Mapping[str, Any], path: str) -> Fallback | None:
    r.no_extra(d, path, {"type", "text", "video_template_id"})
    kind = r.value(d, path, "type", FallbackType, required=True)
    text = r.value(d, path, "text", str)
    template = r.value(d, path, "video_template_id", str)
    return None if kind is None else Fallback(kind, text, template)
