"""Background jobs of the sending area: import, send, test send, and the periodic sweeps
(outbox reports, unknown after 72 h, retention purge)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from studio.gateways.outbox import OutboxGateway
from studio.gateways.registry import gateway_for
from studio.jobs import queue
from studio.jobs.registry import JobContext, JobFailed, job_handler
from studio.models.messages import MessageVersion
from studio.models.sending import (
    BatchStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    FallbackPolicy,
    OutboxMessage,
    SendBatch,
)
from studio.sending import runtime
from studio.sending.batches import SEND_JOB
from studio.sending.importing import channel_for, import_rows, wants_links
from studio.sending.reports import Report, apply_reports
from studio.sending.sender import run_batch
from studio.sending.sources import ImportRefused, rows_from_file, typed_rows

IMPORT_JOB = "send.import"
TEST_JOB = "send.test"


def _now() -> datetime:
    return datetime.now(UTC)


def _required(document: dict[str, object]) -> tuple[str, ...]:
    declared = document.get("variables") or []
    return tuple(str(v.get("name")) for v in declared if isinstance(v, dict) and v.get("name"))


@job_handler(IMPORT_JOB)
async def import_job(job: JobContext) -> None:
    payload = job.payload
    batch = await SendBatch.get(id=int(payload["batch_id"]))
    version = await MessageVersion.get(id=batch.message_version_id)  # type: ignore[attr-defined]
    path = Path(str(payload.get("path", "")))
    try:
        if payload.get("typed"):
            rows = typed_rows([str(t) for t in payload["typed"]])
        else:
            rows = list(rows_from_file(path.read_bytes(), str(payload.get("filename", "")),
                                       encoding=str(payload.get("encoding", ""))))
    except ImportRefused as exc:
        raise JobFailed(exc.message) from None
    except FileNotFoundError:
        raise JobFailed("上传的文件已不存在，请重新上传") from None
    gateway = gateway_for(runtime.options())
    try:
        await import_rows(batch, rows, gateway=gateway, required=_required(version.document),
                          links=wants_links(batch, version.document), progress=job.progress)
    except ImportRefused as exc:
        raise JobFailed(exc.message) from None
    finally:
        await gateway.aclose()
    path.unlink(missing_ok=True)


@job_handler(SEND_JOB)
async def send_job(job: JobContext) -> None:
    batch_id = int(job.payload["batch_id"])
    gateway = gateway_for(runtime.options())
    try:
        outcome = await run_batch(batch_id, gateway=gateway, options=runtime.options(),
                                  progress=job.progress)
    finally:
        await gateway.aclose()
    if outcome.state == "window" and outcome.resume_at is not None:
        batch = await SendBatch.get(id=batch_id)
        again = await queue.enqueue(SEND_JOB, {"batch_id": batch_id}, now=_now(),
                                    workspace_id=batch.workspace_id,  # type: ignore[attr-defined]
                                    run_after=outcome.resume_at, max_attempts=10)
        await SendBatch.filter(id=batch_id).update(send_job_id=again.id)
        await job.progress(0, "当前不在营销发送时段，到时自动继续")


@job_handler(TEST_JOB)
async def test_job(job: JobContext) -> None:
    batch = await SendBatch.get(id=int(job.payload["batch_id"]))
    gateway = gateway_for(runtime.options())
    try:
        rows = await Delivery.filter(batch_id=batch.id, is_test=True,
                                     status=DeliveryStatus.QUEUED)
        capable = await gateway.capabilities([d.phone for d in rows])
        policy = batch.fallback if batch.fallback is not FallbackPolicy.NONE else \
            FallbackPolicy.SMS
        for delivery in rows:
            channel = channel_for(capable.get(delivery.phone, False), policy)
            await Delivery.filter(id=delivery.id).update(
                channel=channel, capable=capable.get(delivery.phone, False))
        await run_batch(batch.id, gateway=gateway, options=runtime.options(), tests_only=True)
    finally:
        await gateway.aclose()


async def deliver_outbox_reports(now: datetime, *, limit: int = 5000) -> int:
    """Produce the due simulated reports of the outbox gateway; the number applied."""
    gateway = OutboxGateway(runtime.options())
    due = await OutboxMessage.filter(outcome="", report_at__lte=now).order_by("id").limit(limit)
    by_workspace: dict[int, list[Report]] = {}
    by_outcome: dict[str, list[int]] = {}
    for row in due:
        status, code = gateway.outcome(row.message_uid)
        by_workspace.setdefault(row.workspace_id, []).append(
            Report(row.message_uid, status, code))
        by_outcome.setdefault(status, []).append(row.id)
    for outcome, ids in by_outcome.items():
        await OutboxMessage.filter(id__in=ids).update(outcome=outcome)
    for workspace_id, reports in by_workspace.items():
        await apply_reports(workspace_id, reports, now=now)
    return len(due)


@job_handler("send.outbox_reports", every=timedelta(seconds=5))
async def outbox_reports_job(job: JobContext) -> None:
    await deliver_outbox_reports(_now())


async def mark_unknown(now: datetime, hours: int) -> int:
    return await Delivery.filter(
        status=DeliveryStatus.SENT, sent_at__lt=now - timedelta(hours=hours)
    ).update(status=DeliveryStatus.UNKNOWN, error_code="no_report", reported_at=now)


@job_handler("send.mark_unknown", every=timedelta(hours=1))
async def mark_unknown_job(job: JobContext) -> None:
    await mark_unknown(_now(), runtime.options().unknown_after_hours)


async def purge_phones(now: datetime, days: int) -> int:
    """Forget recipient numbers of finished batches older than `days`; counts stay."""
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    old = await SendBatch.filter(
        status__in=[BatchStatus.COMPLETED, BatchStatus.CANCELLED], finished_at__lt=cutoff
    ).values_list("id", flat=True)
    purged = 0
    for batch_id in old:
        ids = await Delivery.filter(batch_id=batch_id).exclude(phone="").values_list(
            "id", flat=True)
        for delivery_id in ids:
            await Delivery.filter(id=delivery_id).update(
                phone="", key=f"p{delivery_id}", variables={})
        purged += len(ids)
    await OutboxMessage.filter(created_at__lt=cutoff).delete()
    return purged


@job_handler("send.purge", every=timedelta(hours=24))
async def purge_job(job: JobContext) -> None:
    await purge_phones(_now(), runtime.options().phone_retention_days)


__all__ = ["Channel", "IMPORT_JOB", "TEST_JOB", "deliver_outbox_reports", "mark_unknown",
           "purge_phones"]
