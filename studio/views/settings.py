"""Workspace settings and the audit log (owners)."""

from __future__ import annotations

from zoneinfo import available_timezones

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio import audit
from studio.models.audit import AuditLog
from studio.roles import Perm
from studio.scoping import scoped
from studio.web.context import Ctx, login_required
from studio.web.render import form_data, render

PAGE_SIZE = 50


@login_required(Perm.MANAGE_SETTINGS)
async def workspace(request: Request, ctx: Ctx) -> Response:
    if request.method == "GET":
        return render(request, "studio/settings.html")
    values = await form_data(request)
    errors: dict[str, str] = {}
    name = values.get("name", "").strip()
    if not name or len(name) > 100:
        errors["name"] = "名称必填，最多 100 个字符"
    tz = values.get("timezone", "")
    if tz not in available_timezones():
        errors["timezone"] = "请选择有效的时区，例如 Asia/Shanghai"
    if errors:
        return render(request, "studio/settings.html", {"errors": errors, "values": values},
                      status=422)
    ws = ctx.workspace
    ws.name, ws.timezone = name, tz
    ws.self_review = values.get("self_review") == "on"
    ws.auto_approve = values.get("auto_approve") == "on"
    await ws.save()
    await audit.record("workspace.update", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, obj=ws)
    return render(request, "studio/settings.html", {"saved": True})


@login_required(Perm.MANAGE_SETTINGS)
async def audit_log(request: Request, ctx: Ctx) -> Response:
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    rows = (
        await scoped(AuditLog, ctx)
        .prefetch_related("user")
        .order_by("-at", "-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    return render(
        request,
        "studio/audit.html",
        {"rows": rows[:PAGE_SIZE], "page": page, "has_next": len(rows) > PAGE_SIZE},
    )


routes = [
    Route("/settings", workspace, methods=["GET", "POST"], name="settings"),
    Route("/settings/audit", audit_log, name="audit"),
]
