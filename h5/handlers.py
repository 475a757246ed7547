"""The h5 app's handlers: thin, each parses the request, calls the domain, picks a response."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from h5 import responses
from h5.ics import build_ics
from h5.lookup import CODE_RE, LinkCache, LinkInfo
from h5.page import (
    Chatbot,
    Page,
    PageCache,
    PageUnavailable,
    PageUrls,
    check_reply,
    load_library,
    recipient_values,
    render_page,
    sign_reply,
)
from h5.ratelimit import WindowLimiter
from h5.replies import find_reply
from h5.tracking import RawVisit, drop_reason, fallback_visitor_id, local_day, utc_now
from h5.useragent import is_wechat_or_qq
from h5.visitor import TrustedProxies, Visitor
from h5.writer import VisitWriter


@dataclass
class H5State:
    """What the handlers share within one process (caches, the writer, the limiter)."""

    links: LinkCache
    pages: PageCache
    writer: VisitWriter
    limiter: WindowLimiter
    trusted: TrustedProxies
    hash_key: str
    secret_key: str
    secure_cookies: bool


def _state(request: Request) -> H5State:
    return request.app.state.h5  # type: ignore[no-any-return]


def _prefix(request: Request) -> str:
    return str(request.scope.get("root_path", ""))


def _track(request: Request, h5: H5State, visit: RawVisit, response: Response) -> Response:
    """Record the visit unless a tracking rule drops it, and give the visitor its cookie."""
    if drop_reason(request.method, request.scope.get("query_string", b"")) is not None:
        return response
    v = visit.visitor
    if not v.visitor_id and visit.link is not None:
        day = local_day(visit.at, visit.link.timezone)
        new_id = fallback_visitor_id(h5.hash_key, v.ip, v.user_agent, day)
        responses.set_visitor_cookie(response, new_id, secure=h5.secure_cookies)
        visit = replace(visit, key=new_id)
    h5.writer.add(visit)
    return response


async def _link_or_none(h5: H5State, code: str) -> LinkInfo | None:
    return await h5.links.get(code) if CODE_RE.fullmatch(code) else None


def _not_found(request: Request, h5: H5State, code: str, visitor: Visitor, now: Any) -> Response:
    if not h5.limiter.allow(visitor.ip, time.monotonic()):
        return responses.page("h5/message.html", {"kind": "rate_limited"}, status=429)
    response = responses.page("h5/message.html", {"kind": "not_found"}, status=404)
    return _track(request, h5, RawVisit.for_unknown_code(code, visitor, now), response)


def _gone(request: Request, h5: H5State, link: LinkInfo, visitor: Visitor, now: Any) -> Response:
    kind = "disabled" if link.disabled else "expired"
    response = responses.page("h5/message.html", {"kind": kind}, status=410)
    return _track(request, h5, RawVisit.for_expired(link.ref, visitor, now), response)


def _page_context(request: Request, page: Page, link: LinkInfo, h5: H5State) -> dict[str, Any]:
    ctx = {
        "in_app": is_wechat_or_qq(request.headers.get("user-agent", "")),
        "reply_token": lambda button_id: sign_reply(h5.secret_key, link.id, button_id),
        "location_url": PageUrls(_prefix(request), link.code).location,
    }
    return {"view": page.view, "chatbot": page.chatbot, "ctx": ctx}


async def unknown_path(request: Request) -> Response:
    """Anything no route takes (a code with odd characters, a deeper path): the 404 page."""
    h5 = _state(request)
    visitor = Visitor.from_request(request, h5.trusted)
    return _not_found(request, h5, request.url.path[:64], visitor, utc_now())


async def open_link(request: Request) -> Response:
    h5 = _state(request)
    code = request.path_params["code"]
    now = utc_now()
    visitor = Visitor.from_request(request, h5.trusted)
    link = await h5.links.get(code)
    if link is None:
        return _not_found(request, h5, code, visitor, now)
    if not link.is_enabled(now):
        return _gone(request, h5, link, visitor, now)
    if not link.is_ch5:
        response = responses.redirect(link.target_url)
        return _track(request, h5, RawVisit.for_link(link.ref, visitor, now, ch5=False), response)
    try:
        page = await h5.pages.get(link, _prefix(request))
    except PageUnavailable:
        return responses.page("h5/message.html", {"kind": "unavailable"}, status=404)
    response = responses.page("h5/ch5.html", _page_context(request, page, link, h5))
    return _track(request, h5, RawVisit.for_link(link.ref, visitor, now, ch5=True), response)


async def _page_for(request: Request) -> tuple[H5State, LinkInfo | None, Page | None]:
    h5 = _state(request)
    link = await _link_or_none(h5, request.path_params["code"])
    if link is None or not link.is_ch5 or not link.is_enabled(utc_now()):
        return h5, link, None
    try:
        return h5, link, await h5.pages.get(link, _prefix(request))
    except PageUnavailable:
        return h5, link, None


def _missing(link: LinkInfo | None) -> Response:
    gone = link is not None and link.is_ch5
    kind = "expired" if gone else "not_found"
    return responses.page("h5/message.html", {"kind": kind}, status=410 if gone else 404)


async def button_click(request: Request) -> Response:
    """A tracked button: redirects only to the target stored for this link and button."""
    h5, link, page = await _page_for(request)
    button_id = request.path_params["button"]
    if link is None or page is None or button_id not in page.targets:
        return _missing(link if page is None else None)
    now = utc_now()
    visit = RawVisit.for_button(link.ref, button_id, Visitor.from_request(request, h5.trusted), now)
    return _track(request, h5, visit, responses.redirect(page.targets[button_id]))


def find_button(view: dict[str, Any], button_id: str) -> dict[str, Any] | None:
    for button in view["suggestions"]:
        if button["id"] == button_id:
            return button  # type: ignore[no-any-return]
    for card in view["cards"]:
        for button in card["buttons"]:
            if button["id"] == button_id:
                return button  # type: ignore[no-any-return]
    return None


async def reply(request: Request) -> Response:
    """A reply button posted: check its signed token, show the keyword reply, record it."""
    h5, link, page = await _page_for(request)
    button_id = request.path_params["button"]
    button = find_button(page.view, button_id) if page is not None else None
    if link is None or page is None or button is None or "data" not in button:
        return _missing(link if page is None else None)
    form = await request.form()
    token = str(form.get("t", ""))
    if not check_reply(h5.secret_key, link.id, button_id, token):
        return responses.page("h5/message.html", {"kind": "bad_token"}, status=403)
    answer = await find_reply(link.workspace_id, str(button["data"]), str(button["label"]))
    reply_view = None
    if answer is not None:
        urls = PageUrls(_prefix(request), link.code)
        try:
            library = await load_library(link.workspace_id, answer, _prefix(request))
            values = recipient_values(answer, {})
            reply_view = render_page(answer, values, urls, Chatbot(), library).view
        except PageUnavailable:
            reply_view = None
    context = {"chatbot": page.chatbot, "reply_view": reply_view, "label": button["label"],
               "back": f"{_prefix(request)}/{link.code}", "ctx": {"in_app": False}}
    now = utc_now()
    visit = RawVisit.for_reply(link.ref, button_id, Visitor.from_request(request, h5.trusted), now)
    return _track(request, h5, visit, responses.page("h5/reply.html", context))


async def calendar(request: Request) -> Response:
    h5, link, page = await _page_for(request)
    button_id = request.path_params["button"]
    button = find_button(page.view, button_id) if page is not None else None
    if link is None or page is None or button is None or button.get("kind") != "calendar":
        return _missing(link if page is None else None)
    now = utc_now()
    body = build_ics(button["event"], f"{link.id}:{button_id}", now)
    response = Response(body, media_type="text/calendar; charset=utf-8", headers={
        **responses.NO_STORE, "content-disposition": 'attachment; filename="event.ics"'})
    visit = RawVisit.for_button(link.ref, button_id, Visitor.from_request(request, h5.trusted), now)
    return _track(request, h5, visit, response)


async def location(request: Request) -> Response:
    """request_location without JavaScript: explain what to share, offer a typed answer."""
    h5, link, page = await _page_for(request)
    button_id = request.path_params["button"]
    button = find_button(page.view, button_id) if page is not None else None
    if link is None or page is None or button is None or button.get("kind") != "request_location":
        return _missing(link if page is None else None)
    context = {"chatbot": page.chatbot, "button": button,
               "token": sign_reply(h5.secret_key, link.id, button_id),
               "back": f"{_prefix(request)}/{link.code}"}
    return responses.page("h5/location.html", context)


_PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="720" viewBox="0 0 1080 720">'
    '<rect width="1080" height="720" fill="#dfe3e8"/><path d="M380 470l140-170 110 130 70-80 '
    '130 120z" fill="#b5bcc6"/><circle cx="700" cy="250" r="50" fill="#b5bcc6"/></svg>'
)


async def media_placeholder(request: Request) -> Response:
    """Stands in for renditions until the media library serves them (see page.build_resolver)."""
    return Response(_PLACEHOLDER_SVG, media_type="image/svg+xml",
                    headers={"cache-control": "public, max-age=3600"})


async def health(request: Request) -> Response:
    writer = _state(request).writer
    return PlainTextResponse(f"ok pending={writer.pending} written={writer.written}")


async def robots(request: Request) -> Response:
    return PlainTextResponse("User-agent: *\nDisallow: /\n")


async def favicon(request: Request) -> Response:
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})
