"""短链 pages: list, create, bulk import, detail with edit, history and QR codes."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio import audit
from studio.errors import FormInvalid, NotFound
from studio.links import forms
from studio.links.cache import forget_cached
from studio.links.listing import LinkQuery, list_links
from studio.links.qr import qr_bytes
from studio.links.service import bulk_create, create_link, delete_link, update_link
from studio.links.urls import short_url
from studio.models.links import LinkTargetChange, ShortLink
from studio.roles import Perm
from studio.scoping import get_scoped
from studio.web.context import Ctx, login_required
from studio.web.htmx import see_other
from studio.web.render import form_data, render

MAX_CSV_BYTES = 1_000_000


def _tz(ctx: Ctx) -> str:
    return str(ctx.workspace.timezone or "Asia/Shanghai")


def _url(request: Request, code: str) -> str:
    return short_url(request.app.state.settings, code, request)


@login_required(Perm.READ_CONTENT)
async def link_list(request: Request, ctx: Ctx) -> Response:
    query = LinkQuery.parse(dict(request.query_params))
    links, more = await list_links(ctx, query)
    rows = [(link, _url(request, link.code)) for link in links]
    context = {"rows": rows, "query": query, "more": more, "now": datetime.now(UTC)}
    return render(request, "studio/link_list.html", context, partial="studio/link_rows.html")


@login_required(Perm.EDIT_CONTENT)
async def link_new(request: Request, ctx: Ctx) -> Response:
    values: dict[str, str] = {"target_type": "url"}
    if request.method == "POST":
        values = await form_data(request)
        try:
            spec = forms.link_spec(values, _tz(ctx))
            link = await create_link(ctx.workspace_id, ctx.user_id, spec)
        except FormInvalid as exc:
            return render(request, "studio/link_new.html", {
                "values": values, "errors": exc.errors,
                "choices": await forms.approved_choices(ctx)}, status=422)
        # a custom code may have been tried (and cached as unknown) before it existed
        forget_cached(request.app.state, link.code)
        await audit.record("link.create", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                           ip=ctx.ip, obj=link)
        return see_other(request, str(request.url_for("studio:link_detail", id=link.id)))
    return render(request, "studio/link_new.html", {
        "values": values, "choices": await forms.approved_choices(ctx)})


@login_required(Perm.EDIT_CONTENT)
async def link_bulk(request: Request, ctx: Ctx) -> Response:
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise FormInvalid({"file": "请选择 CSV 文件"})
        data = await upload.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise FormInvalid({"file": "文件过大（最多 1 MB）"})
    text = data.decode("utf-8-sig", errors="replace")
    result = await bulk_create(ctx.workspace_id, ctx.user_id, text)
    await audit.record("link.bulk_create", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, detail={"created": len(result.created)})
    return render(request, "studio/link_bulk.html", {"result": result})


@login_required(Perm.READ_CONTENT)
async def link_detail(request: Request, ctx: Ctx) -> Response:
    link = await get_scoped(ShortLink, ctx, request.path_params["id"])
    errors: dict[str, str] = {}
    values = forms.link_values(link, _tz(ctx))
    status = 200
    if request.method == "POST":
        ctx.require(Perm.EDIT_CONTENT)
        values = await form_data(request)
        try:
            changed = await update_link(link, ctx.workspace_id, ctx.user_id,
                                        forms.link_changes(values, _tz(ctx)))
        except FormInvalid as exc:
            errors, status = exc.errors, 422
        else:
            forget_cached(request.app.state, link.code)
            await audit.record("link.update", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                               ip=ctx.ip, obj=link, detail={"target_changed": changed})
            return see_other(request, str(request.url_for("studio:link_detail", id=link.id)))
    history = await LinkTargetChange.filter(link=link).order_by("-id").limit(50)
    return render(request, "studio/link_detail.html", {
        "link": link, "url": _url(request, link.code), "values": values, "errors": errors,
        "history": history, "choices": await forms.approved_choices(ctx)}, status=status)


@login_required(Perm.EDIT_CONTENT)
async def link_delete(request: Request, ctx: Ctx) -> Response:
    link = await get_scoped(ShortLink, ctx, request.path_params["id"])
    await delete_link(link)
    forget_cached(request.app.state, link.code)
    await audit.record("link.delete", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, obj=link, detail={"code": link.code})
    return see_other(request, str(request.url_for("studio:links")))


@login_required(Perm.READ_CONTENT)
async def link_qr(request: Request, ctx: Ctx) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in ("png", "svg"):
        raise NotFound()
    link = await get_scoped(ShortLink, ctx, request.path_params["id"])
    body, media_type = qr_bytes(_url(request, link.code), fmt)
    filename = f"qr-{link.code}.{fmt}"
    return Response(body, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


routes = [
    Route("/links", link_list, name="links"),
    Route("/links/new", link_new, methods=["GET", "POST"], name="link_new"),
    Route("/links/bulk", link_bulk, methods=["POST"], name="link_bulk"),
    Route("/links/{id}", link_detail, methods=["GET", "POST"], name="link_detail"),
    Route("/links/{id}/qr.{fmt}", link_qr, name="link_qr"),
    Route("/links/{id}/delete", link_delete, methods=["POST"], name="link_delete"),
]
