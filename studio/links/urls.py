"""The public URL of a short code: on SHORT_BASE_URL when set, else under the studio's /s."""

from __future__ import annotations

from starlette.requests import Request

from studio.settings import Settings


def short_url(settings: Settings, code: str, request: Request | None = None) -> str:
    if settings.short_base_url:
        return f"{settings.short_base_url}/{code}"
    base = str(request.base_url).rstrip("/") if request is not None else ""
    return f"{base}/s/{code}"
