"""统计 pages: workspace overview, per link / CH5 message / batch, CSV and xlsx exports."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.errors import NotFound
from studio.roles import Perm
from studio.stats import pages, purge, warm  # noqa: F401  (registers the purge and warm jobs)
from studio.stats.export import Sheet, to_csv, to_xlsx
from studio.stats.period import Granularity, Period, closed_through
from studio.web.context import Ctx, login_required
from studio.web.render import render


def _period(request: Request, ctx: Ctx) -> Period:
    tz = str(ctx.workspace.timezone or "Asia/Shanghai")
    now = datetime.now(ZoneInfo(tz))
    return Period.parse(dict(request.query_params), tz, now.date(),
                        closed_through=closed_through(now))


def _kind(request: Request) -> pages.ScopeKind:
    try:
        return pages.ScopeKind(request.path_params["kind"])
    except ValueError:
        raise NotFound() from None


@login_required(Perm.READ_STATS)
async def stats_overview(request: Request, ctx: Ctx) -> Response:
    data = await pages.overview(ctx, _period(request, ctx))
    return render(request, "studio/stats_overview.html", {
        "data": data, "period": data.period, "granularities": list(Granularity),
        "query": request.url.query})


@login_required(Perm.READ_STATS)
async def stats_scope(request: Request, ctx: Ctx) -> Response:
    subject = await pages.load_subject(ctx, _kind(request), request.path_params["id"])
    page = await pages.scope_page(ctx, subject, _period(request, ctx))
    return render(request, "studio/stats_scope.html", {
        "page": page, "period": page.period, "granularities": list(Granularity),
        "dimension_labels": pages.DIMENSION_LABELS, "device_labels": pages.DEVICE_LABELS,
        "query": request.url.query})


def _format(request: Request) -> str:
    fmt = str(request.path_params["fmt"])
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    return fmt


def _download(sheets: list[Sheet], fmt: str, filename: str) -> Response:
    if fmt == "csv":
        body, media_type = to_csv(sheets), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(sheets)
        media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{filename}.{fmt}"'})


@login_required(Perm.READ_STATS)
async def stats_export(request: Request, ctx: Ctx) -> Response:
    fmt = _format(request)
    subject = await pages.load_subject(ctx, _kind(request), request.path_params["id"])
    page = await pages.scope_page(ctx, subject, _period(request, ctx))
    filename = f"stats-{subject.kind.value}-{subject.id}-{page.period.start}-{page.period.end}"
    return _download(page.sheets(), fmt, filename)


@login_required(Perm.READ_STATS)
async def stats_overview_export(request: Request, ctx: Ctx) -> Response:
    fmt = _format(request)
    data = await pages.overview(ctx, _period(request, ctx))
    filename = f"stats-overview-{data.period.start}-{data.period.end}"
    return _download(data.sheets(ctx.workspace.name), fmt, filename)


routes = [
    Route("/stats", stats_overview, name="stats"),
    Route("/stats/export.{fmt}", stats_overview_export, name="stats_overview_export"),
    Route("/stats/{kind}/{id}", stats_scope, name="stats_scope"),
    Route("/stats/{kind}/{id}/export.{fmt}", stats_export, name="stats_export"),
]
