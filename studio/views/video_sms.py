"""Video SMS templates (视频短信模板): list, frame editor with the live total, review, carriers,
phone preview, the re-fit offer and the carrier package (zip with SMIL) of the approved version.

The editor handlers shared with text SMS templates are `template_editor.TemplateEditor`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.errors import FormInvalid
from studio.media_library.config import storage_for
from studio.models.messages import ReviewStatus
from studio.models.templates import VideoSmsTemplate
from studio.roles import Perm
from studio.sms_templates import (
    carriers,
    export,
    inserts,
    media_seam,
    packaging,
    reviewing,
    rules,
    video,
)
from studio.sms_templates import video_store as store
from studio.sms_templates.content import Caret
from studio.sms_templates.signatures import usable_signatures
from studio.sms_templates.sms import signature_text
from studio.views.signatures import actor_of, now, record
from studio.views.template_editor import Applied, TemplateEditor, url_of
from studio.web.context import Ctx, login_required
from studio.web.render import form_data, render

_KIND_LABELS = {"image": "图片", "video": "视频", "audio": "音频"}


async def _resolver(request: Request, ctx: Ctx, draft: video.VideoDraft) -> Any:
    base = str(request.base_url).rstrip("/")
    return await media_seam.load_resolver(ctx.workspace_id, draft.asset_ids(), base)


async def _check(request: Request, ctx: Ctx, draft: video.VideoDraft) -> video.VideoCheck:
    return await store.check_draft(actor_of(ctx), await rules.load_rules(ctx.workspace_id),
                                   draft, await _resolver(request, ctx, draft))


class VideoSmsEditor(TemplateEditor):
    prefix, subject, audit = "video_sms", reviewing.VIDEO_SMS_TEMPLATE, "video_sms"
    template, partial = "studio/video_sms_edit.html", "studio/_vsms_editor.html"

    async def get(self, ctx: Ctx, ident: object) -> VideoSmsTemplate:
        return await store.get_template(ctx.workspace_id, ident)

    def blank(self) -> video.VideoDraft:
        return video.VideoDraft()

    def draft_of(self, row: VideoSmsTemplate) -> video.VideoDraft:
        return store.draft_of(row)

    def from_form(self, form: dict[str, str]) -> video.VideoDraft:
        return video.VideoDraft.from_form(form)

    async def page(self, request: Request, ctx: Ctx, row: VideoSmsTemplate | None,
                   draft: video.VideoDraft) -> dict[str, Any]:
        assets = {kind: await media_seam.assets(ctx.workspace_id, kind)
                  for kind in media_seam.FRAME_RENDITIONS}
        return {"check": await _check(request, ctx, draft), "profiles": video.PROFILE_LABELS,
                "signatures": await usable_signatures(ctx.workspace_id),
                "ch5": await inserts.ch5_choices(ctx.workspace_id), "kind_labels": _KIND_LABELS,
                "assets": assets,
                "asset_names": await media_seam.asset_names(ctx.workspace_id,
                                                            draft.asset_ids())}

    async def apply(self, request: Request, ctx: Ctx, draft: video.VideoDraft, op: str,
                    form: dict[str, str]) -> Applied:
        caret = Caret.from_form(form)
        if op == "insert_ch5":
            try:
                url = await inserts.ch5_url(ctx.workspace_id, ctx.user_id, form.get("ch5", ""),
                                            url_of(request))
            except FormInvalid as exc:
                return Applied(draft, exc.errors, caret)
            new, after = video.insert_in_text(draft, url, caret)
            return Applied(new, caret=after)
        if op == "insert_var":
            new, after, error = video.insert_variable(draft, form.get("new_var", "").strip(),
                                                      caret)
            return Applied(new, {"variables": error} if error else {}, after)
        if op == "refit":
            return await self._refit(request, ctx, draft, caret)
        changed = video.apply_op(draft, op, form)
        picked = video.picked_asset(form) if op == "add_media" else None
        if picked and await media_seam.ensure_rendition(
                ctx.workspace_id, picked[0], picked[2], request.app.state.settings, now()):
            return Applied(changed, caret=caret,
                           notice="正在为该素材生成视频短信规格，完成后点击“重新计算”")
        return Applied(changed, caret=caret)

    async def _refit(self, request: Request, ctx: Ctx, draft: video.VideoDraft,
                     caret: Caret) -> Applied:
        """The over-the-total offer: queue a smaller video_sms rendition of the largest video
        of the form's frames (saved or not); the resolver then prefers the newer one."""
        refit = (await _check(request, ctx, draft)).refit
        if refit is None or not await media_seam.request_refit(
                ctx.workspace_id, refit.asset_id, refit.share_bytes,
                request.app.state.settings, now()):
            return Applied(draft, {"frames": "无法重新压缩：没有可压缩的视频帧"}, caret)
        await record(ctx, "video_sms.refit", None, asset_id=refit.asset_id,
                     share_bytes=refit.share_bytes)
        return Applied(draft, caret=caret,
                       notice="已开始重新压缩视频，完成后点击“重新计算”查看新的合计大小")

    async def create(self, request: Request, ctx: Ctx, draft: video.VideoDraft
                     ) -> VideoSmsTemplate:
        return await store.create(actor_of(ctx), await rules.load_rules(ctx.workspace_id),
                                  draft, await _resolver(request, ctx, draft))

    async def save(self, request: Request, ctx: Ctx, row: VideoSmsTemplate,
                   draft: video.VideoDraft, revision: int) -> VideoSmsTemplate:
        return await store.save(actor_of(ctx), await rules.load_rules(ctx.workspace_id), row,
                                draft, resolver=await _resolver(request, ctx, draft),
                                revision=revision, now=now())

    async def decide(self, request: Request, ctx: Ctx, row: VideoSmsTemplate, decision: str,
                     reason: str) -> VideoSmsTemplate:
        draft = store.draft_of(row)
        return await store.decide(actor_of(ctx), await rules.load_rules(ctx.workspace_id), row,
                                  decision, resolver=await _resolver(request, ctx, draft),
                                  reason=reason, now=now())


EDITOR = VideoSmsEditor()


@login_required(Perm.READ_CONTENT)
async def video_sms_list(request: Request, ctx: Ctx) -> Response:
    status = request.query_params.get("status", "")
    rows = await store.list_templates(ctx.workspace_id, status)
    return render(request, "studio/video_sms_list.html",
                  {"rows": rows, "status": status, "statuses": list(ReviewStatus),
                   "carriers": await carriers.summaries(ctx.workspace_id,
                                                        reviewing.VIDEO_SMS_TEMPLATE, rows)})


@login_required(Perm.READ_CONTENT)
async def video_sms_total(request: Request, ctx: Ctx) -> Response:
    """The live total against the profile's limit (htmx, debounced, while typing)."""
    draft = video.VideoDraft.from_form(await form_data(request))
    return render(request, "studio/_vsms_total.html",
                  {"check": await _check(request, ctx, draft)})


@login_required(Perm.READ_CONTENT)
async def video_sms_preview(request: Request, ctx: Ctx) -> Response:
    """The phone view of the draft, or of the approved version (?approved=1)."""
    row = await store.get_template(ctx.workspace_id, request.path_params["id"])
    wanted = {k[2:]: v for k, v in request.query_params.items() if k.startswith("v_")}
    approved = packaging.approved_draft(row) if request.query_params.get("approved") else None
    draft = approved or store.draft_of(row)
    signature = (str(row.approved.get("signature", "")) if approved and row.approved
                 else await signature_text(ctx.workspace_id, draft.signature_id) or "")
    view = packaging.phone_view(draft, signature, wanted, await _resolver(request, ctx, draft))
    return render(request, "studio/video_sms_preview.html",
                  {"row": row, "view": view, "approved": approved is not None})


@login_required(Perm.READ_CONTENT)
async def video_sms_export(request: Request, ctx: Ctx) -> Response:
    """The carrier package of the approved version (refused while nothing is approved)."""
    row = await store.get_template(ctx.workspace_id, request.path_params["id"])
    try:
        data = await packaging.package(ctx.workspace_id, row,
                                       storage_for(request.app.state.settings))
    except export.ExportRefused as exc:
        return await EDITOR.editor(request, ctx, row, store.draft_of(row), exc.status,
                                   conflict=exc.message)
    version = int(row.approved["version"]) if row.approved else row.version
    await record(ctx, "video_sms.export", row, version=version)
    name = f"video-sms-{row.id}-v{version}.zip"
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


routes = [
    Route("/video-sms", video_sms_list, name="video_sms_list"),
    Route("/video-sms/total", video_sms_total, methods=["POST"], name="video_sms_total"),
    *EDITOR.routes("/video-sms"),
    Route("/video-sms/{id:int}/preview", video_sms_preview, name="video_sms_preview"),
    Route("/video-sms/{id:int}/export", video_sms_export, name="video_sms_export"),
]
