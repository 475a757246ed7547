"""The studio app factory: routes mounted and named, one lifespan, middleware."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Host, Mount, Route
from starlette.staticfiles import StaticFiles

from h5.app import create_h5_app
from studio.db import close_db, init_db
from studio.jobs.runner import Runner
from studio.settings import Settings, check_production
from studio.views import auth, chatbots, home, jobs, links, members, messages, sending, stats
from studio.views import media as media_views
from studio.views import settings as settings_views
from studio.views import signatures as signature_views
from studio.views import sms_templates as sms_template_views
from studio.views import video_sms as video_sms_views
from studio.web.csrf import CsrfMiddleware
from studio.web.errors import EXCEPTION_HANDLERS
from studio.web.locale import LocaleMiddleware
from studio.web.templating import STATIC_DIR

STUDIO_ROUTES: list[Route] = [
    *home.routes,
    *auth.routes,
    *members.routes,
    *settings_views.routes,
    *jobs.routes,
    *media_views.routes,
    *messages.routes,
    *chatbots.routes,
    *sending.routes,
    *links.routes, *stats.routes,
    *signature_views.routes, *sms_template_views.routes, *video_sms_views.routes,
]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    check_production(settings)
    h5_app = create_h5_app(settings)
    h5_lifecycle = h5_app.state.lifecycle
    runner = Runner(settings.jobs)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        settings.media_dir.mkdir(parents=True, exist_ok=True)
        try:
            await init_db(settings.database_url, migrate=True)
            await h5_lifecycle.start()
            if settings.jobs.embedded:
                await runner.start()
            yield
        finally:
            await runner.stop()
            await h5_lifecycle.stop()
            await close_db()

    studio_mount = Mount(
        "",
        routes=STUDIO_ROUTES,
        name="studio",
        middleware=[Middleware(CsrfMiddleware, exempt_prefixes=("/gateway/",))],
    )
    routes: list[Route | Mount | Host] = [
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        Mount("/s", app=h5_app, name="h5"),
    ]
    if settings.short_base_url:
        host = settings.short_base_url.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
        routes.insert(0, Host(host, app=h5_app, name="h5_host"))
    routes.append(studio_mount)
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie="studio_session",
                max_age=settings.security.session_max_age,
                same_site="lax",
                https_only=settings.security.https_only,
            ),
            Middleware(LocaleMiddleware, default=settings.default_locale),
        ],
    )
    app.state.settings = settings
    app.state.runner = runner
    #: the embedded h5 app's caches: studio edits drop a short code from them at once
    app.state.h5 = h5_lifecycle.state
    return app
