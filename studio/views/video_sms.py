"""Video SMS templates (视频短信模板): list, frame editor with the live total, review, carriers,
phone preview and the carrier package (zip with SMIL)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.errors import Conflict, FormInvalid
from studio.media_library.config import storage_for
from studio.models.messages import ReviewStatus
from studio.models.templates import CarrierStatus, VideoSmsTemplate
from studio.roles import Perm
from studio.sms_templates import (
    carriers,
    inserts,
    lifecycle,
    media_seam,
    packaging,
    reviewing,
    rules,
    video,
    video_store,
)
from studio.sms_templates.signatures import usable_signatures
from studio.views.signatures import actor_of, now, record
from studio.views.sms_templates import DECISIONS, DONE, url_of
from studio.web.context import Ctx, login_required
from studio.web.htmx import see_other
from studio.web.render import form_data, render

EDITOR = "studio/video_sms_edit.html"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _resolver(request: Request, ctx: Ctx, draft: video.VideoDraft) -> Any:
    return await media_seam.load_resolver(ctx.workspace_id, draft.asset_ids(), _base(request))


@login_required(Perm.READ_CONTENT)
async def video_sms_list(request: Request, ctx: Ctx) -> Response:
    status = request.query_params.get("status", "")
    rows = await video_store.list_templates(ctx.workspace_id, status)
    return render(request, "studio/video_sms_list.html",
                  {"rows": rows, "status": status, "statuses": list(ReviewStatus)})


async def _editor(request: Request, ctx: Ctx, row: VideoSmsTemplate | None,
                  draft: video.VideoDraft, status: int = 200, **extra: Any) -> Response:
    workspace_rules = await rules.load_rules(ctx.workspace_id)
    result = await video_store.check_draft(actor_of(ctx), workspace_rules, draft,
                                           await _resolver(request, ctx, draft))
    page: dict[str, Any] = {
        "row": row, "draft": draft, "check": result, "profiles": video.PROFILE_LABELS,
        "signatures": await usable_signatures(ctx.workspace_id),
        "ch5": await inserts.ch5_choices(ctx.workspace_id),
        "assets": {kind: await media_seam.assets(ctx.workspace_id, kind)
                   for kind in media_seam.FRAME_RENDITIONS},
        "editable": row is None or reviewing.is_editable(row.status),
        "errors": extra.pop("errors", {}), **extra,
    }
    if row is not None:
        page["events"] = await reviewing.history(ctx.workspace_id, reviewing.VIDEO_SMS_TEMPLATE,
                                                 row.id)
        page["carrier_rows"] = await carriers.reviews_of(
            ctx.workspace_id, reviewing.VIDEO_SMS_TEMPLATE, row.id, row.approved_version)
        page["carrier_statuses"] = list(CarrierStatus)
    return render(request, EDITOR, page, status=status, partial="studio/_vsms_editor.html")


async def _apply(request: Request, ctx: Ctx, draft: video.VideoDraft, op: str,
                 form: dict[str, str]) -> tuple[video.VideoDraft, dict[str, str]]:
    if op == "insert_ch5":
        try:
            url = await inserts.ch5_url(ctx.workspace_id, ctx.user_id, form.get("ch5", ""),
                                        url_of(request))
        except FormInvalid as exc:
            return draft, exc.errors
        return video.insert_in_text(draft, url), {}
    if op == "insert_var":
        new, error = video.insert_variable(draft, form.get("new_var", "").strip())
        return new, {"variables": error} if error else {}
    return video.apply_op(draft, op, form), {}


@login_required(Perm.EDIT_CONTENT)
async def video_sms_new(request: Request, ctx: Ctx) -> Response:
    if request.method == "GET":
        return await _editor(request, ctx, None, video.VideoDraft())
    form = await form_data(request)
    draft, op = video.VideoDraft.from_form(form), form.get("op", "save")
    if op != "save":
        draft, errors = await _apply(request, ctx, draft, op, form)
        return await _editor(request, ctx, None, draft, 422 if errors else 200, errors=errors)
    try:
        row = await video_store.create(actor_of(ctx), await rules.load_rules(ctx.workspace_id),
                                       draft, await _resolver(request, ctx, draft))
    except FormInvalid as exc:
        return await _editor(request, ctx, None, draft, 422, errors=exc.errors)
    await record(ctx, "video_sms.create", row)
    return see_other(request, str(request.url_for("studio:video_sms_edit", id=row.id)))


@login_required(Perm.READ_CONTENT)
async def video_sms_edit(request: Request, ctx: Ctx) -> Response:
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    if request.method == "GET":
        return await _editor(request, ctx, row, video_store.draft_of(row))
    ctx.require(Perm.EDIT_CONTENT)
    form = await form_data(request)
    draft, op = video.VideoDraft.from_form(form), form.get("op", "save")
    if op != "save":
        draft, errors = await _apply(request, ctx, draft, op, form)
        return await _editor(request, ctx, row, draft, 422 if errors else 200, errors=errors)
    try:
        row = await video_store.save(
            actor_of(ctx), await rules.load_rules(ctx.workspace_id), row, draft,
            resolver=await _resolver(request, ctx, draft),
            revision=int(form.get("revision", "0") or 0), now=now())
    except FormInvalid as exc:
        return await _editor(request, ctx, row, draft, 422, errors=exc.errors)
    except Conflict as exc:
        return await _editor(request, ctx, row, draft, exc.status, conflict=exc.message)
    await record(ctx, "video_sms.save", row)
    return await _editor(request, ctx, row, video_store.draft_of(row), notice="已保存")


@login_required(Perm.READ_CONTENT)
async def video_sms_review(request: Request, ctx: Ctx) -> Response:
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    form = await form_data(request)
    decision = form.get("decision", "")
    if decision not in DECISIONS:
        raise FormInvalid({"decision": "未知操作"})
    ctx.require(DECISIONS[decision])
    draft = video_store.draft_of(row)
    try:
        await video_store.decide(actor_of(ctx), await rules.load_rules(ctx.workspace_id), row,
                                 decision, resolver=await _resolver(request, ctx, draft),
                                 reason=form.get("reason", ""), now=now())
    except FormInvalid as exc:
        return await _editor(request, ctx, row, draft, 422, errors=exc.errors,
                             conflict=exc.message)
    except Conflict as exc:
        return await _editor(request, ctx, row, draft, exc.status, conflict=exc.message)
    await record(ctx, f"video_sms.{decision}", row, version=row.version)
    return await _editor(request, ctx, row, draft, notice=DONE[decision])


@login_required(Perm.EDIT_CONTENT)
async def video_sms_version(request: Request, ctx: Ctx) -> Response:
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    try:
        await lifecycle.new_version(row)
    except Conflict as exc:
        return await _editor(request, ctx, row, video_store.draft_of(row), 409,
                             conflict=exc.message)
    await record(ctx, "video_sms.new_version", row)
    return see_other(request, str(request.url_for("studio:video_sms_edit", id=row.id)))


@login_required(Perm.EDIT_CONTENT)
async def video_sms_delete(request: Request, ctx: Ctx) -> Response:
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    try:
        await lifecycle.delete(row, now())
    except Conflict as exc:
        return await _editor(request, ctx, row, video_store.draft_of(row), 409,
                             conflict=exc.message)
    await record(ctx, "video_sms.delete", row)
    return see_other(request, str(request.url_for("studio:video_sms_list")))


@login_required(Perm.APPROVE)
async def video_sms_carrier(request: Request, ctx: Ctx) -> Response:
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    form = await form_data(request)
    try:
        await carriers.record(ctx.workspace_id, ctx.user_id, reviewing.VIDEO_SMS_TEMPLATE,
                              row.id, row.approved_version, form)
    except (FormInvalid, Conflict) as exc:
        errors = exc.errors if isinstance(exc, FormInvalid) else {}
        return await _editor(request, ctx, row, video_store.draft_of(row), exc.status,
                             errors=errors, conflict=exc.message)
    await record(ctx, "video_sms.carrier", row, carrier=form.get("carrier", ""))
    return await _editor(request, ctx, row, video_store.draft_of(row),
                         notice="已记录运营商审核结果")


@login_required(Perm.EDIT_CONTENT)
async def video_sms_refit(request: Request, ctx: Ctx) -> Response:
    """Queue a smaller video_sms rendition of the largest video (the over-the-total offer)."""
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    draft = video_store.draft_of(row)
    result = await video_store.check_draft(actor_of(ctx), await rules.load_rules(
        ctx.workspace_id), draft, await _resolver(request, ctx, draft))
    queued = result.refit is not None and await media_seam.request_refit(
        ctx.workspace_id, result.refit.asset_id, result.refit.share_bytes,
        request.app.state.settings, now())
    if not queued:
        return await _editor(request, ctx, row, draft, 409,
                             conflict="无法重新压缩：没有可压缩的视频帧")
    await record(ctx, "video_sms.refit", row)
    return await _editor(request, ctx, row, draft,
                         notice="已开始重新压缩视频，完成后刷新页面查看新的合计大小")


@login_required(Perm.READ_CONTENT)
async def video_sms_total(request: Request, ctx: Ctx) -> Response:
    """The live total against the profile's limit (htmx, debounced, while typing)."""
    draft = video.VideoDraft.from_form(await form_data(request))
    result = await video_store.check_draft(actor_of(ctx), await rules.load_rules(
        ctx.workspace_id), draft, await _resolver(request, ctx, draft))
    return render(request, "studio/_vsms_total.html", {"check": result})


@login_required(Perm.READ_CONTENT)
async def video_sms_preview(request: Request, ctx: Ctx) -> Response:
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    wanted = {k[2:]: v for k, v in request.query_params.items() if k.startswith("v_")}
    draft = video_store.draft_of(row)
    view = await packaging.phone_view(ctx.workspace_id, row, draft, wanted,
                                      await _resolver(request, ctx, draft))
    return render(request, "studio/video_sms_preview.html", {"row": row, "view": view})


@login_required(Perm.READ_CONTENT)
async def video_sms_export(request: Request, ctx: Ctx) -> Response:
    row = await video_store.get_template(ctx.workspace_id, request.path_params["id"])
    draft = video_store.draft_of(row)
    data = await packaging.package(ctx.workspace_id, row, draft,
                                   await _resolver(request, ctx, draft),
                                   storage_for(request.app.state.settings))
    await record(ctx, "video_sms.export", row)
    name = f"video-sms-{row.id}-v{row.version}.zip"
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


routes = [
    Route("/video-sms", video_sms_list, name="video_sms_list"),
    Route("/video-sms/new", video_sms_new, methods=["GET", "POST"], name="video_sms_new"),
    Route("/video-sms/total", video_sms_total, methods=["POST"], name="video_sms_total"),
    Route("/video-sms/{id:int}", video_sms_edit, methods=["GET", "POST"], name="video_sms_edit"),
    Route("/video-sms/{id:int}/review", video_sms_review, methods=["POST"],
          name="video_sms_review"),
    Route("/video-sms/{id:int}/version", video_sms_version, methods=["POST"],
          name="video_sms_version"),
    Route("/video-sms/{id:int}/delete", video_sms_delete, methods=["POST"],
          name="video_sms_delete"),
    Route("/video-sms/{id:int}/carrier", video_sms_carrier, methods=["POST"],
          name="video_sms_carrier"),
    Route("/video-sms/{id:int}/refit", video_sms_refit, methods=["POST"], name="video_sms_refit"),
    Route("/video-sms/{id:int}/preview", video_sms_preview, name="video_sms_preview"),
    Route("/video-sms/{id:int}/export", video_sms_export, name="video_sms_export"),
]
