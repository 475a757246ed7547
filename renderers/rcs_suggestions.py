"""Buttons → GSMA suggested replies and suggested actions.

``open_app`` has no GSMA action of its own. It renders as an ``openUrl`` action
(``application: browser``) to the deep link when the channel allows deep links
(``RenderContext.deep_links``, the default), else to the web fallback URL.
The handset opens the app for its scheme, or the browser for the web page.

Every action also carries a postback (``action:<type>:<button id>``) so the
platform's callback tells which button was tapped; a reply posts its own data
(the label when the author left the data empty).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from renderers.context import RenderContext, amap_url
from renderers.document import (
    Action,
    Button,
    CalendarAction,
    DialAction,
    OpenAppAction,
    OpenUrlAction,
    ReplyAction,
    RequestLocationAction,
    ShowLocationAction,
    UrlApplication,
)
from renderers.urls import normalise_phone, to_uri


def suggestion(button: Button, button_id: str, context: RenderContext) -> dict[str, Any]:
    action = button.action
    if isinstance(action, ReplyAction):
        return {
            "reply": {
                "displayText": button.label,
                "postback": {"data": action.data or button.label},
            }
        }
    body: dict[str, Any] = {
        "displayText": button.label,
        "postback": {"data": f"action:{action.type}:{button_id}"},
    }
    body.update(action_body(action, context))
    return {"action": body}


def action_body(action: Action, context: RenderContext) -> dict[str, Any]:
    """The GSMA action object (``urlAction``, ``dialerAction``...) for one action."""
    if isinstance(action, OpenUrlAction):
        return {"urlAction": {"openUrl": _open_url(action)}}
    if isinstance(action, OpenAppAction):
        target = action.deep_link if context.deep_links else action.fallback_url
        return {"urlAction": {"openUrl": {"url": to_uri(target), "application": "browser"}}}
    if isinstance(action, DialAction):
        return {"dialerAction": {"dialPhoneNumber": {"phoneNumber": normalise_phone(action.phone)}}}
    if isinstance(action, ShowLocationAction):
        return {"mapAction": {"showLocation": _show_location(action)}}
    if isinstance(action, RequestLocationAction):
        return {"mapAction": {"requestLocationPush": {}}}
    if isinstance(action, CalendarAction):
        event: dict[str, Any] = {
            "startTime": rfc3339_utc(action.start),
            "endTime": rfc3339_utc(action.end),
            "title": action.title,
        }
        if action.description:
            event["description"] = action.description
        return {"calendarAction": {"createCalendarEvent": event}}
    raise TypeError(f"not a renderable action: {action!r}")  # ReplyAction is a reply


def _open_url(action: OpenUrlAction) -> dict[str, Any]:
    out: dict[str, Any] = {"url": to_uri(action.url), "application": action.application.value}
    if action.application is UrlApplication.WEBVIEW:
        if action.view_mode is not None:
            out["viewMode"] = action.view_mode.value
        if action.parameters:
            out["parameters"] = action.parameters
    return out


def _show_location(action: ShowLocationAction) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if action.latitude is not None and action.longitude is not None:
        location["latitude"] = action.latitude
        location["longitude"] = action.longitude
    else:
        location["query"] = action.query
    if action.label:
        location["label"] = action.label
    fallback = amap_url(action.latitude, action.longitude, action.query, action.label)
    return {"location": location, "fallbackUrl": fallback}


def rfc3339_utc(moment: datetime) -> str:
    """``2026-05-01T01:00:00Z``: UTC, second precision, as handsets parse most reliably."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
