"""Chooses the request's locale (session setting, else Accept-Language) for gettext."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from studio import i18n
from studio.web.context import SESSION_LOCALE


class LocaleMiddleware:
    def __init__(self, app: ASGIApp, default: str = i18n.DEFAULT) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        session = scope.get("session") or {}
        locale = i18n.choose_locale(
            str(session.get(SESSION_LOCALE, "")),
            conn.headers.get("accept-language", ""),
            self.default,
        )
        token = i18n.set_locale(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            i18n._current.reset(token)
