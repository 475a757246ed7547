"""Saving video SMS templates and their review steps (the editor's domain side)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from renderers.resolver import MediaResolver
from studio.errors import Conflict, FormInvalid, NotFound
from studio.models.messages import ReviewStatus
from studio.models.templates import VideoSmsTemplate
from studio.sms_templates import content, lifecycle, media_seam, reviewing
from studio.sms_templates.content import parse_id
from studio.sms_templates.reviewing import VIDEO_SMS_TEMPLATE, Actor
from studio.sms_templates.rules import Rules
from studio.sms_templates.sms import signature_text
from studio.sms_templates.video import PROFILES, VideoCheck, VideoDraft, check


def draft_of(row: VideoSmsTemplate) -> VideoDraft:
    return VideoDraft.from_json(row.name, row.title, row.signature_id,  # type: ignore[attr-defined]
                                row.profile, row.variables, row.frames)


async def get_template(workspace_id: int, ident: object) -> VideoSmsTemplate:
    pk = parse_id(ident)
    if pk is None:
        raise NotFound.for_object("video_sms_template", ident)
    row = await VideoSmsTemplate.filter(id=pk, workspace_id=workspace_id,
                                        deleted_at__isnull=True).first()
    if row is None:
        raise NotFound.for_object("video_sms_template", ident)
    return row


async def list_templates(workspace_id: int, status: str = "") -> list[VideoSmsTemplate]:
    query = VideoSmsTemplate.filter(workspace_id=workspace_id, deleted_at__isnull=True)
    if status in {s.value for s in ReviewStatus}:
        query = query.filter(status=status)
    return await query.prefetch_related("signature").order_by("-updated_at", "-id")


async def check_draft(actor: Actor, rules: Rules, draft: VideoDraft, resolver: MediaResolver
                      ) -> VideoCheck:
    sig = await signature_text(actor.workspace_id, draft.signature_id)
    return check(draft, rules, resolver, sig)


def _values(draft: VideoDraft, result: VideoCheck) -> dict[str, Any]:
    variables, _ = content.parse_variables(draft.variables)
    return {"name": draft.name.strip(), "title": draft.title.strip(),
            "signature_id": int(draft.signature_id), "profile": draft.profile,
            "variables": content.variables_to_json(variables), "frames": draft.frames_json(),
            "total_bytes": result.total}


async def create(actor: Actor, rules: Rules, draft: VideoDraft, resolver: MediaResolver
                 ) -> VideoSmsTemplate:
    """A new template from its name, title, signature and profile (frames come next)."""
    sig = await signature_text(actor.workspace_id, draft.signature_id)
    result = check(draft, rules, resolver, sig)
    errors = {k: v for k, v in result.errors.items() if k in ("name", "title", "signature",
                                                                "profile")}
    if errors:
        raise FormInvalid(errors)
    row = await VideoSmsTemplate.create(workspace_id=actor.workspace_id,
                                        **_values(draft, result))
    await _record_uses(row, draft)
    return row


async def _record_uses(row: VideoSmsTemplate, draft: VideoDraft) -> None:
    """The draft's assets and the approved version's stay protected from deletion."""
    approved = VideoDraft.from_json("", "", "", "", [], (row.approved or {}).get("frames"))
    await media_seam.record_uses(row.workspace_id, row.id,  # type: ignore[attr-defined]
                                 draft.asset_ids() + approved.asset_ids(),
                                 f"视频短信模板“{row.name}”")


async def save(actor: Actor, rules: Rules, row: VideoSmsTemplate, draft: VideoDraft, *,
               resolver: MediaResolver, revision: int, now: datetime) -> VideoSmsTemplate:
    if not reviewing.is_editable(row.status):
        raise Conflict("审核中或已通过的模板不能修改；已通过的模板请先“修改为新版本”")
    if row.revision != revision:
        raise Conflict("此模板已被他人修改，您的修改没有保存，请刷新后再改")
    result = await check_draft(actor, rules, draft, resolver)
    if result.errors:
        raise FormInvalid(result.errors)
    async with in_transaction():
        if ReviewStatus(row.status) is ReviewStatus.REJECTED:
            await reviewing.reopen(row, VIDEO_SMS_TEMPLATE, actor, now)
        updated = await VideoSmsTemplate.filter(id=row.id, revision=row.revision).update(
            **_values(draft, result), revision=row.revision + 1)
        if updated != 1:
            raise Conflict("此模板已被他人修改，您的修改没有保存，请刷新后再改")
        saved = await get_template(actor.workspace_id, row.id)
        await _record_uses(saved, draft)
    return saved


async def snapshot(row: VideoSmsTemplate, signature: str, total: int) -> dict[str, Any]:
    """The approved version as sent and exported; media frames pin their rendition."""
    frames = await media_seam.pin_renditions(row.workspace_id,  # type: ignore[attr-defined]
                                             row.frames or [])
    return {"version": row.version, "name": row.name, "title": row.title,
            "signature_id": row.signature_id, "signature": signature,  # type: ignore[attr-defined]
            "profile": row.profile, "frames": frames, "variables": row.variables,
            "total_bytes": total}


async def decide(actor: Actor, rules: Rules, row: VideoSmsTemplate, decision: str, *,
                 resolver: MediaResolver, reason: str = "", now: datetime) -> VideoSmsTemplate:
    async with in_transaction():
        result = None
        if decision in ("submit", "approve"):
            result = await check_draft(actor, rules, draft_of(row), resolver)
            if result.errors:
                raise FormInvalid(result.errors, "模板内容有问题，请按提示修改后再提交")
        if decision == "submit":
            await reviewing.submit(row, VIDEO_SMS_TEMPLATE, actor, now)
        elif decision == "withdraw":
            await reviewing.withdraw(row, VIDEO_SMS_TEMPLATE, actor, now)
        elif decision == "approve":
            await reviewing.approve(row, VIDEO_SMS_TEMPLATE, actor, now)
        elif decision == "reject":
            await reviewing.reject(row, VIDEO_SMS_TEMPLATE, actor, now, reason)
        else:
            raise FormInvalid({"decision": "未知操作"})
        if ReviewStatus(row.status) is ReviewStatus.APPROVED and result is not None:
            sig = await signature_text(actor.workspace_id, str(row.signature_id))  # type: ignore[attr-defined]
            await lifecycle.mark_approved(row, await snapshot(row, sig or "", result.total))
    return row


__all__ = ["PROFILES", "check_draft", "create", "decide", "draft_of", "get_template",
           "list_templates", "save", "snapshot"]
