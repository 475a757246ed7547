"""`GET /{code}`: the hot path, as a raw ASGI endpoint.

A plain short link (enabled, not a CH5 page) is answered here without building a Starlette
request or response: one pass over the raw headers (`read_scope`), the cached lookup,
the visit handed to the writer, and a 302 sent with pre-encoded headers. Everything else
(CH5 pages, unknown codes, expired or disabled links, a code not cached yet) goes to the
Starlette handler `handlers.open_link`, which gives the same answers with more work.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from h5 import handlers
from h5.handlers import H5State
from h5.responses import NO_STORE, cookie_header
from h5.tracking import drop_reason, fallback_visitor_id, local_day_us
from h5.visitor import read_scope
from studio.models.visits import VisitType

_LINK = VisitType.LINK.value
_HEADERS = [(k.encode(), v.encode()) for k, v in NO_STORE.items()] + [(b"content-length", b"0")]
_EMPTY = {"type": "http.response.body", "body": b"", "more_body": False}


class OpenLink:
    """The ASGI endpoint of the `/{code}` route."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        h5: H5State = scope["app"].state.h5
        link = h5.links.cached(scope["path_params"]["code"])
        now = time.time_ns() // 1000
        if link is None or now >= link.redirects_until_us:
            response = await handlers.open_link(Request(scope, receive))
            await response(scope, receive, send)
            return
        headers = [*_HEADERS, link.location]
        if drop_reason(scope["method"], scope["query_string"]) is None:
            ip, agent, referrer, visitor_id = read_scope(scope, h5.trusted)
            key = ""
            if not visitor_id:
                key = fallback_visitor_id(h5.hash_key, ip, agent,
                                          local_day_us(now, link.timezone))
                headers.append((b"set-cookie", cookie_header(key, h5.secure_cookies)))
            h5.writer.add_row((_LINK, now, ip, agent, referrer, visitor_id, key, link.ref_row,
                               "", ""))
        await send({"type": "http.response.start", "status": 302, "headers": headers})
        await send(_EMPTY)


open_link = OpenLink()
