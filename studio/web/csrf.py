"""CSRF protection for every state-changing request of the studio.

Mounted as route-level middleware so its errors reach the exception handlers.

The token lives in the signed session. It is accepted from the `X-CSRF-Token` header (htmx
sends it on every request, see base.html), from a `csrf_token` query parameter (multipart
upload forms, whose bodies we never buffer) or from the `csrf_token` field of a urlencoded
form, whose body is buffered (capped) and replayed to the handler.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from urllib.parse import parse_qs

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from studio.errors import CsrfFailed, TooLarge

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_BODY_CAP = 2_000_000
SESSION_KEY = "csrf"


def csrf_token(conn: HTTPConnection) -> str:
    token = conn.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        conn.session[SESSION_KEY] = token
    return str(token)


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, exempt_prefixes: Iterable[str] = ()) -> None:
        self.app = app
        self.exempt = tuple(exempt_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        receive = await self._check(scope, receive)
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, receive: Receive) -> Receive:
        conn = HTTPConnection(scope)
        expected = str(conn.session.get(SESSION_KEY) or "")
        given = conn.headers.get("x-csrf-token") or conn.query_params.get("csrf_token") or ""
        ctype = conn.headers.get("content-type", "")
        is_form = ctype.startswith("application/x-www-form-urlencoded")
        if is_form:
            # every urlencoded body is capped, wherever its token came from (htmx: a header)
            length = conn.headers.get("content-length", "")
            if length.isdigit() and int(length) > FORM_BODY_CAP:
                raise TooLarge("提交的内容过大（表单上限 2 MB）")
            receive = _capped(receive, FORM_BODY_CAP)
        if not given and is_form:
            body = await _read_capped(receive, FORM_BODY_CAP)
            values = parse_qs(body.decode("latin-1"), max_num_fields=5000)
            given = (values.get("csrf_token") or [""])[0]
            receive = _replay(body, receive)
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise CsrfFailed()
        return receive


async def _read_capped(receive: Receive, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            raise TooLarge("提交的内容过大（表单上限 2 MB）")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _capped(receive: Receive, cap: int) -> Receive:
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > cap:
            raise TooLarge("提交的内容过大（表单上限 2 MB）")
        return message

    return counting


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
