"""Responses of the h5 app: headers every answer carries, cookie, pages from templates."""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse, Response

from h5.visitor import COOKIE_MAX_AGE, COOKIE_NAME
from studio.web.templating import templates

#: every open must reach the server to be counted, and a personalised code must not leak
#: to the target site through the Referer header
NO_STORE = {"cache-control": "private, no-store", "referrer-policy": "no-referrer"}
#: the CH5 page loads nothing from anyone else, and runs no script
PAGE_CSP = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def redirect(target: str) -> Response:
    return Response(status_code=302, headers={**NO_STORE, "location": target})


def page(name: str, context: dict[str, Any], status: int = 200) -> Response:
    html = templates.env.get_template(name).render(**context)
    headers = {**NO_STORE, "content-security-policy": PAGE_CSP, "x-content-type-options": "nosniff"}
    return HTMLResponse(html, status_code=status, headers=headers)


_COOKIE_TAIL = f"; Max-Age={COOKIE_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax".encode()
_COOKIE_HEAD = f"{COOKIE_NAME}=".encode()


def cookie_header(visitor_id: str, secure: bool) -> bytes:
    """The Set-Cookie value of the first-party visitor cookie (UV), as raw header bytes."""
    value = _COOKIE_HEAD + visitor_id.encode() + _COOKIE_TAIL
    return value + b"; Secure" if secure else value


def set_visitor_cookie(response: Response, visitor_id: str, *, secure: bool) -> None:
    response.headers.append("set-cookie", cookie_header(visitor_id, secure).decode("latin-1"))
