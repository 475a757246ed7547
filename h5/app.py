"""The public h5 edge app: short links, CH5 pages, visit tracking.

Runs alone (`uvicorn h5.app:app`, settings from the environment) or mounted in the studio
process under /s/ (the embedded default); in both cases `H5Lifecycle` starts and stops its
background work, because a mounted app's own lifespan is not run by Starlette.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from studio.settings import Settings

#: non-code routes live under this prefix so no short code can shadow them
RESERVED_PREFIX = "/-/"


class H5Lifecycle:
    """Background work of the h5 app (the visit writer joins here)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


async def robots(request: Request) -> Response:
    return PlainTextResponse("User-agent: *\nDisallow: /\n")


async def favicon(request: Request) -> Response:
    return Response(status_code=204)


routes = [
    Route("/-/health", health, name="health"),
    Route("/robots.txt", robots, name="robots"),
    Route("/favicon.ico", favicon, name="favicon"),
]


def create_h5_app(settings: Settings, *, standalone: bool = False) -> Starlette:
    lifecycle = H5Lifecycle(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from studio.db import close_db, init_db

        await init_db(settings.database_url, migrate=False)
        await lifecycle.start()
        try:
            yield
        finally:
            await lifecycle.stop()
            await close_db()

    app = Starlette(routes=routes, lifespan=lifespan if standalone else None)
    app.state.settings = settings
    app.state.lifecycle = lifecycle
    return app


class _LazyApp:
    """`h5.app:app` for uvicorn: settings are read on first use, not at import."""

    def __init__(self) -> None:
        self._app: Starlette | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            self._app = create_h5_app(Settings.from_env(), standalone=True)
        await self._app(scope, receive, send)


app = _LazyApp()
