"""`GET /{code}`: the hot path.

A plain short link (enabled, not a CH5 page) that the lookup cache holds is answered without
building a Starlette request or response: one pass over the raw headers (`read_scope`), the
visit handed to the writer, and a 302 sent with pre-encoded headers (`send_cached`).
Everything else (CH5 pages, unknown codes, expired or disabled links, a code not cached yet)
goes to the Starlette handler `handlers.open_link`, which gives the same answers with more
work.

Two entries use `send_cached`: the route's endpoint (`open_link`, in the app's router, used
when the app is mounted in the studio), and `Edge`, which wraps the standalone app
(`h5.app:app`) and answers a cached plain link before Starlette's middleware and router.
"""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from h5 import handlers
from h5.handlers import H5State
from h5.lookup import LinkInfo
from h5.responses import NO_STORE, cookie_header
from h5.tracking import drop_reason, fallback_visitor_id, local_day_us
from h5.visitor import read_scope
from studio.models.visits import VisitType

_LINK = VisitType.LINK.value
_HEADERS = [(k.encode(), v.encode()) for k, v in NO_STORE.items()] + [(b"content-length", b"0")]
_METHODS = ("GET", "HEAD")
_EMPTY = {"type": "http.response.body", "body": b"", "more_body": False}


def redirectable(h5: H5State, code: str) -> tuple[LinkInfo, int] | None:
    """(link, now in µs) when `code` is a cached, enabled plain link; None otherwise."""
    link = h5.links.cached(code)
    if link is None:
        return None
    now = time.time_ns() // 1000
    return (link, now) if now < link.redirects_until_us else None


async def send_cached(h5: H5State, link: LinkInfo, now: int, scope: Scope, send: Send) -> None:
    """The 302 of a plain link, its visit recorded (unless a tracking rule drops it)."""
    headers = [*_HEADERS, link.location]
    if drop_reason(scope["method"], scope["query_string"]) is None:
        ip, agent, referrer, visitor_id = read_scope(scope, h5.trusted)
        key = ""
        if not visitor_id:
            key = fallback_visitor_id(h5.hash_key, ip, agent, local_day_us(now, link.timezone))
            headers.append((b"set-cookie", cookie_header(key, h5.secure_cookies)))
        h5.writer.add_row((_LINK, now, ip, agent, referrer, visitor_id, key, link.ref_row,
                           "", ""))
    await send({"type": "http.response.start", "status": 302, "headers": headers})
    await send(_EMPTY)


class OpenLink:
    """The ASGI endpoint of the `/{code}` route."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        h5: H5State = scope["app"].state.h5
        found = redirectable(h5, scope["path_params"]["code"])
        if found is None:
            response = await handlers.open_link(Request(scope, receive))
            await response(scope, receive, send)
            return
        await send_cached(h5, *found, scope, send)


open_link = OpenLink()


class Edge:
    """The standalone h5 app: `GET`/`HEAD /{code}` of a cached plain link is answered here;
    every other request (and a code the cache does not hold) goes to `app`, whose router
    gives the same answer for those links through `open_link`.

    A cache key is always a code the route's convertor accepted, so a path that is not a
    code (`/-/health`, `/a/b`, `/robots.txt`) never matches one."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.h5: H5State = app.state.h5

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _METHODS and not scope.get("root_path"):
            found = redirectable(self.h5, scope["path"][1:])
            if found is not None:
                await send_cached(self.h5, *found, scope, send)
                return
        await self.app(scope, receive, send)
