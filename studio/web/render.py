"""Rendering pages and fragments with the common context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from studio.web.csrf import csrf_token
from studio.web.htmx import is_htmx
from studio.web.templating import templates


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    partial: str | None = None,
) -> Response:
    """Render `template`, or `partial` instead when htmx asked for a fragment."""
    data: dict[str, Any] = {
        "ctx": getattr(request.state, "ctx", None),
        "csrf_token": csrf_token(request),
        "errors": {},
        "values": {},
    }
    data.update(context or {})
    name = partial if partial and is_htmx(request) else template
    return templates.TemplateResponse(request, name, data, status_code=status)


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (single values; files are ignored here)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}
