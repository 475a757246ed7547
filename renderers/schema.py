"""The published JSON Schema (draft 2020-12) of the message document's JSON form.

Generated from the document enums and the studio profile's limits, so it cannot
drift from :mod:`renderers.codec` and :mod:`renderers.limits`. It describes the
*current* version; older versions are accepted by ``from_json`` and upgraded.
Rules that span fields (a card message has exactly one card, a location has
coordinates or a query, variables are declared) are left to
:func:`renderers.validate.validate`, which reports them with paths and messages.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from renderers.document import (
    CURRENT_VERSION,
    CardWidth,
    FallbackType,
    ImageAlignment,
    MediaHeight,
    MessageKind,
    Orientation,
    TriggerType,
    UrlApplication,
    ViewMode,
)
from renderers.limits import STUDIO_PROFILE, Profile

SCHEMA_ID = "https://rcs-studio.example.com/schemas/message-document.json"


def _enum(kind: type[StrEnum]) -> dict[str, Any]:
    return {"type": "string", "enum": [m.value for m in kind]}


def _text(profile: Profile, key: str | None = None, min_length: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if min_length:
        out["minLength"] = min_length
    limit = profile.get(key) if key else None
    if limit is not None:
        out["maxLength"] = limit.max_allowed
    return out


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _array(items: dict[str, Any], profile: Profile, key: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "array", "items": items}
    limit = profile.get(key) if key else None
    if limit is not None:
        out["maxItems"] = limit.max_allowed
    return out


def _actions(p: Profile) -> list[dict[str, Any]]:
    def action(name: str, required: list[str], **props: Any) -> dict[str, Any]:
        return _obj(["type", *required], type={"const": name}, **props)

    # http(s) only; a link that is entirely a {{variable}} is checked when filled
    url = {"type": "string", "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|\\{\\{)"}
    moment = {"type": "string", "format": "date-time"}
    return [
        action("reply", ["data"], data=_text(p, "postback.max_chars")),
        action(
            "open_url",
            ["url"],
            url=url,
            application=_enum(UrlApplication),
            view_mode=_enum(ViewMode),
            parameters=_text(p, "open_url.parameters.max_chars", 1),
        ),
        action(
            "open_app",
            ["deep_link", "fallback_url"],
            deep_link={"type": "string", "minLength": 1},
            fallback_url=url,
            package={"type": "string", "minLength": 1},
        ),
        action("dial", ["phone"], phone={"type": "string", "minLength": 1}),
        action(
            "show_location",
            [],
            latitude={"type": "number", "minimum": -90, "maximum": 90},
            longitude={"type": "number", "minimum": -180, "maximum": 180},
            query=_text(p, "location.query.max_chars", 1),
            label=_text(p, "location.label.max_chars", 1),
        ),
        action("request_location", []),
        action(
            "calendar",
            ["title", "start", "end"],
            title=_text(p, "calendar.title.max_chars", 1),
            start=moment,
            end=moment,
            description=_text(p, "calendar.description.max_chars", 1),
        ),
    ]


def document_schema(profile: Profile = STUDIO_PROFILE) -> dict[str, Any]:
    """The JSON Schema of a version-``CURRENT_VERSION`` document under ``profile``'s limits."""
    p = profile
    media = _obj(
        ["asset_id", "rendition"],
        asset_id={"type": "string", "minLength": 1},
        rendition={"type": "string", "minLength": 1},
    )
    button = _obj(
        ["label", "action"],
        label=_text(p, "label.max_chars", 1),
        action={"oneOf": _actions(p)},
    )
    card = _obj(
        [],
        title=_text(p, "card.title.max_chars", 1),
        description=_text(p, "card.description.max_chars", 1),
        media={"$ref": "#/$defs/media"},
        buttons=_array({"$ref": "#/$defs/button"}, p, "card.buttons.max"),
        orientation=_enum(Orientation),
        image_alignment=_enum(ImageAlignment),
        media_height=_enum(MediaHeight),
    )
    schema = _obj(
        ["version", "kind"],
        version={"type": "integer", "const": CURRENT_VERSION},
        kind=_enum(MessageKind),
        text=_text(p, "text.max_chars"),
        media={"$ref": "#/$defs/media"},
        cards=_array({"$ref": "#/$defs/card"}, p, "carousel.cards.max"),
        suggestions=_array({"$ref": "#/$defs/button"}, p, "suggestions.max"),
        variables=_array(
            _obj(
                ["name"],
                # ECMAScript's \w is ASCII-only, so CJK names are checked by ``validate``.
                name={"type": "string", "pattern": "^[^0-9{}\\s][^{}\\s]*$"},
                sample={"type": "string"},
            ),
            p,
        ),
        trigger=_obj(
            ["type"],
            type=_enum(TriggerType),
            keywords=_array(_text(p, "keyword.max_chars", 1), p, "keywords.max"),
        ),
        fallback=_obj(
            ["type"],
            type=_enum(FallbackType),
            text={"type": "string", "minLength": 1},
            video_template_id={"type": "string", "minLength": 1},
        ),
        ch5={"type": "boolean"},
        card_width=_enum(CardWidth),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "5G message document / 5G 消息文档",
        **schema,
        "$defs": {"media": media, "button": button, "card": card},
    }
