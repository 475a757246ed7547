"""Batch lifecycle: create from an approved version, schedule or start, pause, resume,
cancel, test send. States: draft → scheduled → sending ⇄ paused → completed / cancelled."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from studio.errors import Conflict, FormInvalid
from studio.i18n import Text
from studio.jobs import queue
from studio.models.jobs import Job, JobStatus
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.models.sending import (
    BatchKind,
    BatchStatus,
    Category,
    Channel,
    Delivery,
    DeliveryStatus,
    FallbackPolicy,
    SendBatch,
)
from studio.sending import content
from studio.sending.counts import refresh_counts
from studio.sending.recipients import parse_rows
from studio.sending.sources import typed_rows
from studio.settings import SendingOptions

SEND_JOB = "send.batch"
MAX_TEST_NUMBERS = 5


@dataclass(frozen=True)
class BatchSpec:
    name: str
    message_version_id: int = 0
    category: Category = Category.MARKETING
    fallback: FallbackPolicy | None = None  #: None = the message's own fallback rule
    #: an approved, live signature of the workspace (its text), for a message's fallback SMS
    signature: str = ""
    link_days: int = 0
    kind: BatchKind = BatchKind.RCS
    #: the text or video SMS template (kind sms / video_sms)
    template_id: int = 0
    #: the signature picked in the form (its id), checked like `signature`
    signature_id: str = ""


def batch_number(now: datetime) -> str:
    return now.strftime("%Y%m%d%H%M%S") + f"{secrets.randbelow(10**6):06d}"


async def create_batch(
    workspace_id: int, user_id: int | None, spec: BatchSpec, *, now: datetime
) -> SendBatch:
    if not 0 <= spec.link_days <= 7:
        raise FormInvalid({"link_days": "短链有效期为 1–7 天"})
    if spec.kind is not BatchKind.RCS:
        return await _create_template_batch(workspace_id, user_id, spec, now=now)
    version = await MessageVersion.filter(
        id=spec.message_version_id, workspace_id=workspace_id).first()
    if version is None or version.status is not ReviewStatus.APPROVED:
        raise FormInvalid({"source": "只能发送已审核通过的消息版本"})
    message = await Message.get(id=version.message_id)  # type: ignore[attr-defined]
    fallback = spec.fallback or _message_fallback(version.document)
    if fallback is FallbackPolicy.SMS_CH5 and not spec.link_days:
        raise FormInvalid({"link_days": "降级短信带 CH5 链接，请选择个性化短链有效期（1–7 天）"})
    if fallback is FallbackPolicy.SMS_CH5 and not version.document.get("ch5"):
        raise FormInvalid({"fallback": "该消息没有开启 CH5 页面，不能选择“短信 + CH5 链接”"})
    declared = version.document.get("fallback") or {}
    if fallback is FallbackPolicy.VIDEO_SMS and not (
            isinstance(declared, dict) and declared.get("video_template_id")):
        raise FormInvalid({"fallback": "该消息没有设置视频短信降级模板，请先在消息中设置"})
    # personalised links only where the message or its fallback SMS carries one
    uses_links = bool(version.document.get("ch5")) or fallback is FallbackPolicy.SMS_CH5
    signature = await _signature(workspace_id, spec)
    if fallback in (FallbackPolicy.SMS, FallbackPolicy.SMS_CH5) and not signature:
        raise FormInvalid({"signature": "降级短信需要签名，请选择审核通过的签名"})
    return await SendBatch.create(
        workspace_id=workspace_id, number=batch_number(now), name=spec.name.strip()[:60],
        message_version_id=version.id, message_id=message.id, template_name=message.name,
        category=spec.category, signature=signature, fallback=fallback,
        link_days=spec.link_days if uses_links else 0, created_by_id=user_id,
    )


async def _signature(workspace_id: int, spec: BatchSpec) -> str:
    if spec.signature_id:
        return await content.chosen_signature(workspace_id, spec.signature_id)
    text = spec.signature.strip()
    if text and not await content.signature_usable(workspace_id, text):
        raise FormInvalid({"signature": "请选择审核通过的签名"})
    return text


async def _create_template_batch(
    workspace_id: int, user_id: int | None, spec: BatchSpec, *, now: datetime
) -> SendBatch:
    source = content.Source(spec.kind, spec.template_id)
    snap = await content.template_snapshot(workspace_id, source)
    if snap["links"] and not spec.link_days:
        raise FormInvalid({"link_days": "模板含短链，请选择个性化短链有效期（1–7 天）"})
    category = Category(snap["sms_kind"]) if spec.kind is BatchKind.SMS else spec.category
    fallback = FallbackPolicy.SMS if spec.kind is BatchKind.SMS else FallbackPolicy.VIDEO_SMS
    return await SendBatch.create(
        workspace_id=workspace_id, number=batch_number(now), name=spec.name.strip()[:60],
        kind=spec.kind, template_id=spec.template_id, template_version=snap["version"],
        content=snap, template_name=str(snap["name"])[:100], category=category,
        signature=str(snap["signature"])[:20], fallback=fallback,
        link_days=spec.link_days if snap["links"] else 0, created_by_id=user_id,
    )


def _samples(document: dict[str, object] | None) -> dict[str, str]:
    declared = (document or {}).get("variables") or []
    return {str(v["name"]): str(v.get("sample") or "") for v in declared  # type: ignore[union-attr]
            if isinstance(v, dict) and v.get("name")}


def _message_fallback(document: dict[str, object]) -> FallbackPolicy:
    fallback = document.get("fallback") or {}
    kind = fallback.get("type", "none") if isinstance(fallback, dict) else "none"
    try:
        return FallbackPolicy(str(kind))
    except ValueError:
        return FallbackPolicy.NONE


async def _send_job_active(batch: SendBatch) -> bool:
    if batch.send_job_id is None:
        return False
    return await Job.filter(
        id=batch.send_job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists()


async def _enqueue(batch: SendBatch, *, now: datetime, run_after: datetime | None = None) -> None:
    job = await queue.enqueue(SEND_JOB, {"batch_id": batch.id}, now=now,
                              workspace_id=batch.workspace_id,  # type: ignore[attr-defined]
                              run_after=run_after, max_attempts=10)
    batch.send_job_id = job.id
    await batch.save(update_fields=["send_job_id", "status", "scheduled_at", "started_at",
                                    "pause_reason", "link_base", "updated_at"])


def _ready(batch: SendBatch) -> None:
    """Startable: a draft or scheduled batch whose import left something to send (a batch
    still importing has no counts yet, so it is refused here too)."""
    if batch.status is not BatchStatus.DRAFT and batch.status is not BatchStatus.SCHEDULED:
        raise Conflict("该批次已开始发送，不能再修改发送时间")
    if not (batch.counts or {}).get("to_send"):
        raise FormInvalid({"recipients": "请先导入号码，且至少有一个可发送的号码"})


async def _expire_links(batch: SendBatch, start: datetime) -> None:
    from studio.models.links import ShortLink

    if batch.link_days:
        await ShortLink.filter(batch_id=batch.id).update(
            expires_at=start + timedelta(days=batch.link_days))


async def _signature_still_usable(batch: SendBatch) -> None:
    """A signature withdrawn after the batch was made may not be sent under."""
    if batch.signature and not await content.signature_usable(
            batch.workspace_id, batch.signature):  # type: ignore[attr-defined]
        raise FormInvalid({"recipients": Text("签名【%(signature)s】已注销或未审核通过，不能发送",
                                               signature=batch.signature)})


async def start_now(batch: SendBatch, *, now: datetime, link_base: str) -> None:
    _ready(batch)
    await _signature_still_usable(batch)
    await _cancel_job(batch, now)
    batch.status = BatchStatus.SENDING
    batch.started_at = now
    batch.scheduled_at = None
    batch.link_base = link_base
    await _expire_links(batch, now)
    await _enqueue(batch, now=now)


async def schedule(
    batch: SendBatch, at: datetime, *, now: datetime, options: SendingOptions, link_base: str
) -> None:
    _ready(batch)
    await _signature_still_usable(batch)
    if at < now + timedelta(minutes=options.min_schedule_minutes):
        minutes = options.min_schedule_minutes
        raise FormInvalid({"scheduled_at": Text("定时发送时间至少需晚于当前 %(minutes)s 分钟",
                                                 minutes=minutes)})
    await _cancel_job(batch, now)
    batch.status = BatchStatus.SCHEDULED
    batch.scheduled_at = at
    batch.link_base = link_base
    await _expire_links(batch, at)
    await _enqueue(batch, now=now, run_after=at)


async def _cancel_job(batch: SendBatch, now: datetime) -> None:
    if batch.send_job_id is not None:
        job = await Job.filter(id=batch.send_job_id).first()
        if job is not None:
            await queue.cancel(job, now=now)


async def pause(batch: SendBatch) -> None:
    if batch.status not in (BatchStatus.SENDING, BatchStatus.SCHEDULED):
        raise Conflict("只有发送中或定时待发的批次可以暂停")
    updated = await SendBatch.filter(id=batch.id, status=batch.status).update(
        status=BatchStatus.PAUSED, pause_reason="user")
    if not updated:
        raise Conflict()


async def resume(batch: SendBatch, *, now: datetime) -> None:
    if batch.status is not BatchStatus.PAUSED:
        raise Conflict("只有已暂停的批次可以继续")
    waiting = batch.started_at is None and batch.scheduled_at is not None \
        and batch.scheduled_at > now
    batch.status = BatchStatus.SCHEDULED if waiting else BatchStatus.SENDING
    batch.pause_reason = ""
    if not waiting:
        batch.started_at = now
    await batch.save(update_fields=["status", "pause_reason", "started_at", "updated_at"])
    if not await _send_job_active(batch):
        await _enqueue(batch, now=now, run_after=batch.scheduled_at if waiting else None)


async def cancel(batch: SendBatch, *, now: datetime) -> None:
    if batch.status in (BatchStatus.COMPLETED, BatchStatus.CANCELLED):
        raise Conflict("该批次已结束")
    if batch.import_job_id is not None and await Job.filter(
            id=batch.import_job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
        raise Conflict("号码正在导入，请导入完成后再取消")
    await SendBatch.filter(id=batch.id).update(status=BatchStatus.CANCELLED, finished_at=now)
    await _cancel_job(batch, now)
    await Delivery.filter(batch_id=batch.id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SKIPPED, skip_reason="cancelled")
    await refresh_counts(batch.id)


async def add_test_numbers(
    batch: SendBatch, text: str, *, attempt: int, link_base: str = ""
) -> list[Delivery]:
    """Test deliveries (试发) to at most 5 typed numbers, sent through the same path, with
    the first recipient's variables; their links stay outside the batch's counts."""
    from studio.sending.carriers import carrier_of
    from studio.sending.importing import fixed_channel, make_links

    parsed = parse_rows(typed_rows([text]), header=False)
    if parsed.invalid:
        raise FormInvalid({"test_numbers": Text("号码无效：%(number)s",
                                                 number=parsed.invalid[0].raw)})
    if not parsed.recipients or len(parsed.recipients) > MAX_TEST_NUMBERS:
        raise FormInvalid({"test_numbers": Text("请输入 1–%(n)s 个手机号码", n=MAX_TEST_NUMBERS)})
    if link_base and not batch.link_base:  # a draft: its links' address is not fixed yet
        batch.link_base = link_base
        await batch.save(update_fields=["link_base", "updated_at"])
    sample = await Delivery.filter(batch_id=batch.id, is_test=False).order_by("line").first()
    document = None
    if batch.kind is BatchKind.RCS:
        version = await MessageVersion.get(id=batch.message_version_id)  # type: ignore[attr-defined]
        document = version.document
    # the first recipient's values, the message's sample values where it has none
    variables = {**_samples(document), **(dict(sample.variables) if sample else {})}
    targets = content.link_targets(batch, document)
    uids = [str(uuid.uuid4()) for _ in parsed.recipients]
    encoded = json.dumps(variables, ensure_ascii=False)
    codes = await make_links(batch, targets, [(uid, encoded) for uid in uids],
                             expires_at=datetime.now(UTC) + timedelta(days=batch.link_days or 1))
    channel = fixed_channel(batch) or (
        Channel.RCS if batch.fallback is FallbackPolicy.NONE else Channel.SMS)
    return [
        await Delivery.create(
            workspace_id=batch.workspace_id, batch_id=batch.id,  # type: ignore[attr-defined]
            key=f"t{batch.id}:{attempt}:{recipient.phone}", message_uid=uid,
            phone=recipient.phone, variables=variables, is_test=True, capable=None,
            channel=channel, carrier=carrier_of(recipient.phone), link_code=code)
        for recipient, uid, code in zip(parsed.recipients, uids, codes, strict=True)
    ]
