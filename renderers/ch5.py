"""CH5 page view data: what ``templates/h5/`` needs to show a message on a phone browser.

No HTML is built here. Strings are handed over *plain*: the template escapes
them with Jinja's autoescape (DESIGN §7 forbids ``|safe`` on user data), so
escaping here would double-escape. What this module guarantees instead is that
every ``href`` is safe to put in an attribute: http(s) links (validated, then
passed through ``links.track``), ``tel:`` numbers of digits, deep links whose
scheme cannot run script, and URLs from the host's own builders.

Button views (``kind``):

* ``reply`` — a form post of ``data`` to ``href`` (the reply endpoint).
* ``link`` — a tracked redirect to the target (``open_url``).
* ``app`` — ``href`` is the deep link, ``fallback_href`` the tracked web page,
  ``package`` the Android package (the page tries the app, then falls back).
* ``tel`` — ``tel:+86…``.
* ``map`` — a public map page (AMap) for the coordinates or the query.
* ``calendar`` — ``href`` serves an ``.ics`` file; ``event`` has its fields.
* ``request_location`` — the page asks the browser for the position and posts
  it to ``href``.
"""

from __future__ import annotations

from typing import Any

from renderers.context import RenderContext, Result
from renderers.document import (
    Button,
    CalendarAction,
    Card,
    DialAction,
    Message,
    OpenAppAction,
    OpenUrlAction,
    ReplyAction,
    RequestLocationAction,
    ShowLocationAction,
)
from renderers.limits import CH5
from renderers.prepare import prepare
from renderers.rcs_suggestions import rfc3339_utc
from renderers.resolver import Rendition
from renderers.urls import normalise_phone, to_uri

CHANNEL = "ch5"


def render(message: Message, context: RenderContext) -> Result:
    prepared = prepare(message, context, CH5)
    m, media = prepared.message, prepared.media
    view: dict[str, Any] = {
        "kind": m.kind.value,
        "text": m.text,
        "text_lines": m.text.splitlines() if m.text else [],
        "media": media_view(media["media"]) if "media" in media else None,
        "cards": [
            _card(card, i, media.get(f"cards[{i}].media"), context)
            for i, card in enumerate(m.cards)
        ],
        "card_width": m.card_width.value,
        "suggestions": [button_view(b, f"s{i}", context) for i, b in enumerate(m.suggestions)],
    }
    return Result(CHANNEL, view, prepared.warnings)


def media_view(rendition: Rendition) -> dict[str, Any]:
    return {
        "kind": rendition.kind,
        "url": to_uri(rendition.url),
        "mime": rendition.mime,
        "size": rendition.size,
        "width": rendition.width,
        "height": rendition.height,
        "duration": rendition.duration,
        "poster": to_uri(rendition.thumbnail.url) if rendition.thumbnail else None,
    }


def _card(
    card: Card, index: int, rendition: Rendition | None, context: RenderContext
) -> dict[str, Any]:
    return {
        "id": f"c{index}",
        "title": card.title,
        "description": card.description,
        "description_lines": card.description.splitlines() if card.description else [],
        "media": media_view(rendition) if rendition is not None else None,
        "orientation": card.orientation.value,
        "image_alignment": card.image_alignment.value,
        "media_height": card.media_height.value,
        "buttons": [button_view(b, f"c{index}b{j}", context) for j, b in enumerate(card.buttons)],
    }


def button_view(button: Button, button_id: str, context: RenderContext) -> dict[str, Any]:
    links = context.links
    action = button.action
    view: dict[str, Any] = {"id": button_id, "label": button.label, "method": "get"}
    if isinstance(action, ReplyAction):
        view.update(kind="reply", href=links.reply(button_id), method="post")
        view["data"] = action.data or button.label
    elif isinstance(action, OpenUrlAction):
        view.update(kind="link", href=links.track(to_uri(action.url), button_id))
    elif isinstance(action, OpenAppAction):
        view.update(kind="app", href=to_uri(action.deep_link), package=action.package)
        view["fallback_href"] = links.track(to_uri(action.fallback_url), button_id)
    elif isinstance(action, DialAction):
        view.update(kind="tel", href="tel:" + normalise_phone(action.phone))
    elif isinstance(action, ShowLocationAction):
        href = links.map(action.latitude, action.longitude, action.query, action.label)
        view.update(kind="map", href=href)
    elif isinstance(action, CalendarAction):
        view.update(kind="calendar", href=links.ics(button_id))
        view["event"] = {
            "title": action.title,
            "start": rfc3339_utc(action.start),
            "end": rfc3339_utc(action.end),
            "description": action.description,
        }
    elif isinstance(action, RequestLocationAction):
        view.update(kind="request_location", href=links.reply(button_id), method="post")
        view["data"] = f"action:request_location:{button_id}"
    return view
