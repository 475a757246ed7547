"""The public h5 edge app: short links, CH5 pages, visit tracking.

Runs alone (`uvicorn h5.app:app --no-proxy-headers`, settings from the environment) or
mounted in the studio process under /s/ (the embedded default); in both cases `H5Lifecycle`
starts and stops its background work, because a mounted app's own lifespan is not run by
Starlette. Only `TrackingOptions.trusted_proxies` decides whether X-Forwarded-For is read:
run uvicorn with `--no-proxy-headers` so the server does not rewrite the client address.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from h5 import handlers, redirect
from h5.handlers import H5State
from h5.lookup import LinkCache
from h5.page import PageCache
from h5.ratelimit import WindowLimiter
from h5.spool import SpoolSink
from h5.visitor import parse_networks
from h5.writer import VisitWriter
from studio.media_library.serve import serve_rendition
from studio.settings import Settings

#: non-code routes live under this prefix so no short code can shadow them
RESERVED_PREFIX = "/-/"


class H5Lifecycle:
    """Background work of the h5 app: the visit writer (to the database, or to the spool
    when `spool` is asked for and `H5_SPOOL_DIR` is set)."""

    def __init__(self, settings: Settings, *, spool: bool = False) -> None:
        self.settings = settings
        options = settings.tracking
        sink = SpoolSink(Path(options.spool_dir)) if spool and options.spool_dir else None
        self.state = H5State(
            links=LinkCache(options.link_cache_seconds),
            pages=PageCache(options.link_cache_seconds),
            writer=VisitWriter(settings.ip_hash_key, options, sink),
            limiter=WindowLimiter(options.not_found_per_minute),
            trusted=parse_networks(options.trusted_proxies),
            hash_key=settings.ip_hash_key,
            secret_key=settings.secret_key,
            secure_cookies=settings.security.https_only,
        )

    @property
    def writer(self) -> VisitWriter:
        return self.state.writer

    async def start(self) -> None:
        await self.state.writer.start()
        self.state.links.start()

    async def stop(self) -> None:
        await self.state.links.stop()
        await self.state.writer.stop()


class CodeConvertor(Convertor[str]):
    """A short code: the charset of `lookup.CODE_RE`, so `/robots.txt` is never a code."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("shortcode", CodeConvertor())

#: the code route comes first: it is the hot path, and its charset keeps it off the others
routes = [
    Route("/{code:shortcode}", redirect.open_link, methods=["GET"], name="open"),
    Route("/-/health", handlers.health, name="health"),
    Route("/-/b/{code}/{button}", handlers.button_click, name="button"),
    Route("/-/reply/{code}/{button}", handlers.reply, methods=["POST"], name="reply"),
    Route("/-/ics/{code}/{button}", handlers.calendar, name="ics"),
    Route("/-/loc/{code}/{button}", handlers.location, name="location"),
    Route("/-/media/{path:path}", handlers.media_placeholder, name="media"),
    Route("/-/m/{id:int}/{name}", serve_rendition, methods=["GET", "HEAD"], name="media_file"),
    Route("/robots.txt", handlers.robots, name="robots"),
    Route("/favicon.ico", handlers.favicon, name="favicon"),
    Route("/{rest:path}", handlers.unknown_path, name="unknown"),
]


def create_h5_app(settings: Settings, *, standalone: bool = False) -> Starlette:
    # a standalone edge hands its visits to `studio h5-writer` when a spool is configured;
    # mounted in the studio, the process writes them itself
    lifecycle = H5Lifecycle(settings, spool=standalone)

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
    app.state.h5 = lifecycle.state
    return app


def create_edge_app(settings: Settings) -> redirect.Edge:
    """The standalone h5 app: plain links' 302s answered before Starlette (`redirect.Edge`)."""
    app = create_h5_app(settings, standalone=True)
    return redirect.Edge(app)


class _LazyApp:
    """`h5.app:app` for uvicorn: settings are read on first use, not at import."""

    def __init__(self) -> None:
        self._app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            self._app = create_edge_app(Settings.from_env())
        await self._app(scope, receive, send)


app = _LazyApp()
