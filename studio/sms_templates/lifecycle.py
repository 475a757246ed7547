"""Steps shared by text SMS and video SMS templates: approval snapshot, new version, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from studio.errors import Conflict
from studio.models.messages import ReviewStatus
from studio.models.templates import SmsTemplate, VideoSmsTemplate
from studio.sms_templates import carriers, media_seam
from studio.sms_templates.reviewing import SMS_TEMPLATE, VIDEO_SMS_TEMPLATE

TemplateRow = SmsTemplate | VideoSmsTemplate


def subject_of(row: TemplateRow) -> str:
    return SMS_TEMPLATE if isinstance(row, SmsTemplate) else VIDEO_SMS_TEMPLATE


async def mark_approved(row: TemplateRow, snap: dict[str, Any]) -> None:
    """Keep the approved content as an immutable snapshot; carriers review that version."""
    await type(row).filter(id=row.id).update(approved=snap, approved_version=row.version)
    row.approved, row.approved_version = snap, row.version
    await carriers.open_reviews(row.workspace_id, subject_of(row), row.id,  # type: ignore[union-attr]
                                row.version)


async def new_version(row: TemplateRow) -> None:
    """Edit an approved template: a new draft version; the approved snapshot stays sendable."""
    if ReviewStatus(row.status) is not ReviewStatus.APPROVED:
        raise Conflict("只有已通过的模板可以修改为新版本")
    updated = await type(row).filter(
        id=row.id, status=ReviewStatus.APPROVED, revision=row.revision,
    ).update(status=ReviewStatus.DRAFT, version=row.version + 1, revision=row.revision + 1,
             reject_reason="")
    if updated != 1:
        raise Conflict()


async def delete(row: TemplateRow, now: datetime) -> None:
    if ReviewStatus(row.status) is ReviewStatus.IN_REVIEW:
        raise Conflict("审核中的模板不能删除，请先撤回")
    await type(row).filter(id=row.id).update(deleted_at=now)
    if isinstance(row, VideoSmsTemplate):
        await media_seam.release_uses(row.workspace_id, row.id)  # type: ignore[attr-defined,unused-ignore]
