"""`GET /{code}`: the hot path, as a raw ASGI endpoint.

A plain short link (enabled, not a CH5 page) is answered here without building a Starlette
request or response: one pass over the raw headers (`Visitor.from_scope`), the cached lookup,
the visit handed to the writer, and a 302 sent with pre-encoded headers. Everything else
(CH5 pages, unknown codes, expired or disabled links, a code not cached yet) goes to the
Starlette handler `handlers.open_link`, which gives the same answers with more work.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from h5 import handlers
from h5.handlers import H5State
from h5.lookup import LinkInfo
from h5.responses import NO_STORE, visitor_cookie
from h5.tracking import RawVisit, drop_reason, fallback_visitor_id, local_day, utc_now
from h5.visitor import Visitor
from studio.models.visits import VisitType

_HEADERS = [(k.encode(), v.encode()) for k, v in NO_STORE.items()] + [(b"content-length", b"0")]
_EMPTY = {"type": "http.response.body", "body": b"", "more_body": False}


class OpenLink:
    """The ASGI endpoint of the `/{code}` route."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        h5: H5State = scope["app"].state.h5
        link = h5.links.cached(scope["path_params"]["code"])
        now = utc_now()
        if link is None or link.is_ch5 or not link.is_enabled(now):
            response = await handlers.open_link(Request(scope, receive))
            await response(scope, receive, send)
            return
        headers = [*_HEADERS, (b"location", link.target_url.encode("latin-1"))]
        if drop_reason(scope["method"], scope["query_string"]) is None:
            cookie = self._track(h5, link, Visitor.from_scope(scope, h5.trusted), now)
            if cookie:
                headers.append((b"set-cookie", cookie))
        await send({"type": "http.response.start", "status": 302, "headers": headers})
        await send(_EMPTY)

    @staticmethod
    def _track(h5: H5State, link: LinkInfo, visitor: Visitor, now: datetime) -> bytes:
        """Hand the visit to the writer; the visitor cookie to set, if the browser had none."""
        if visitor.visitor_id:
            h5.writer.add(RawVisit(VisitType.LINK, now, visitor, link.ref))
            return b""
        day = local_day(now, link.timezone)
        key = fallback_visitor_id(h5.hash_key, visitor.ip, visitor.user_agent, day)
        h5.writer.add(RawVisit(VisitType.LINK, now, visitor, link.ref, key=key))
        return visitor_cookie(key, secure=h5.secure_cookies).encode("latin-1")


open_link = OpenLink()
