"""Background jobs of the sending area: import, send, test send, and the periodic sweeps
(outbox reports, unknown after 72 h, retention purge)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise.connection import get_connection

from studio.gateways.outbox import OutboxGateway
from studio.gateways.registry import gateway_for
from studio.jobs import queue
from studio.jobs.registry import JobContext, JobFailed, job_handler
from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.models.messages import MessageVersion
from studio.models.sending import (
    BatchKind,
    BatchStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    FallbackPolicy,
    OutboxMessage,
    RejectedRow,
    SendBatch,
)
from studio.models.visits import Visit
from studio.sending import runtime
from studio.sending.batches import SEND_JOB
from studio.sending.content import LinkTarget, link_targets
from studio.sending.counts import refresh_counts
from studio.sending.importing import channel_for, fixed_channel, import_rows
from studio.sending.reports import Report, apply_reports
from studio.sending.rules import load_rules
from studio.sending.sender import run_batch
from studio.sending.sources import ImportRefused, rows_from_file, typed_rows

IMPORT_JOB = "send.import"
TEST_JOB = "send.test"


def _now() -> datetime:
    return datetime.now(UTC)


def _required(document: dict[str, object]) -> tuple[str, ...]:
    declared = document.get("variables") or []
    return tuple(str(v.get("name")) for v in declared if isinstance(v, dict) and v.get("name"))


async def import_plan(batch: SendBatch) -> tuple[tuple[str, ...], list[LinkTarget]]:
    """The variables every row needs and the links each recipient gets."""
    if batch.kind is BatchKind.RCS:
        version = await MessageVersion.get(id=batch.message_version_id)  # type: ignore[attr-defined]
        return _required(version.document), link_targets(batch, version.document)
    declared = (batch.content or {}).get("variables") or []
    return tuple(str(v) for v in declared), link_targets(batch, None)


@job_handler(IMPORT_JOB)
async def import_job(job: JobContext) -> None:
    payload = job.payload
    batch = await SendBatch.get(id=int(payload["batch_id"]))
    required, targets = await import_plan(batch)
    path = Path(str(payload["path"])) if payload.get("path") else None
    try:
        if payload.get("typed"):
            rows = typed_rows([str(t) for t in payload["typed"]])
        else:
            if path is None:
                raise JobFailed("没有可导入的号码文件，请重新上传")
            rows = list(rows_from_file(path.read_bytes(), str(payload.get("filename", "")),
                                       encoding=str(payload.get("encoding", ""))))
    except ImportRefused as exc:
        raise JobFailed(exc.message) from None
    except FileNotFoundError:
        raise JobFailed("上传的文件已不存在，请重新上传") from None
    gateway = gateway_for(runtime.options())
    try:
        await import_rows(batch, rows, gateway=gateway, required=required, links=targets,
                          progress=job.progress)
    except ImportRefused as exc:
        raise JobFailed(exc.message) from None
    finally:
        await gateway.aclose()
    if path is not None:  # typed numbers have no file to remove
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
        if fixed_channel(batch) is not None:
            rows = []  # a template batch: the channel is the template's
        capable = await gateway.capabilities([d.phone for d in rows]) if rows else {}
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
    """Due reports in runs of 5,000 for up to 4 s, so a 100,000-row batch's reports keep
    up with its sending instead of 5,000 every 5 s."""
    started = time.monotonic()
    while await deliver_outbox_reports(_now()) == 5000 and time.monotonic() - started < 4:
        pass


async def mark_unknown(now: datetime, hours: int) -> int:
    """Sent without a report for `hours`: unknown (未知), and the batches recounted."""
    stale = Delivery.filter(status=DeliveryStatus.SENT, sent_at__lt=now - timedelta(hours=hours))
    batch_ids = set(await stale.distinct().values_list("batch_id", flat=True))
    marked = await stale.update(status=DeliveryStatus.UNKNOWN, error_code="no_report",
                                reported_at=now)
    for batch_id in batch_ids:
        await refresh_counts(int(batch_id))
    return marked


@job_handler("send.mark_unknown", every=timedelta(hours=1))
async def mark_unknown_job(job: JobContext) -> None:
    await mark_unknown(_now(), runtime.options().unknown_after_hours)


async def purge_phones(now: datetime, days: int, *, workspace_id: int | None = None) -> int:
    """Forget recipient numbers and variables of finished batches older than `days`: the
    delivery rows, their links and counts stay (the batch keeps its aggregates)."""
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    old = SendBatch.filter(
        status__in=[BatchStatus.COMPLETED, BatchStatus.CANCELLED], finished_at__lt=cutoff)
    if workspace_id is not None:
        old = old.filter(workspace_id=workspace_id)
    purged = 0
    conn = get_connection("default")
    for batch_id in await old.values_list("id", flat=True):
        purged += await Delivery.filter(batch_id=batch_id).exclude(phone="").count()
        await conn.execute_query(
            "UPDATE delivery SET phone = '', key = 'p' || CAST(id AS TEXT), variables = '{}' "
            f"WHERE batch_id = {int(batch_id)} AND phone <> ''")
        await ShortLink.filter(batch_id=batch_id).update(variables={})
        await RejectedRow.filter(batch_id=batch_id).delete()
    outbox = OutboxMessage.filter(created_at__lt=cutoff)
    if workspace_id is not None:
        outbox = outbox.filter(workspace_id=workspace_id)
    await outbox.delete()
    return purged


async def purge_visits(now: datetime, days: int, workspace_id: int, *, chunk: int = 5000) -> int:
    """Delete raw visits older than `days` in short chunks; the hourly rollups and the
    distinct-visitor sets stay, so PV, UV and IP of every batch and link are unchanged."""
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    deleted = 0
    while True:
        ids = await Visit.filter(workspace_id=workspace_id, at__lt=cutoff).order_by(
            "id").limit(chunk).values_list("id", flat=True)
        if not ids:
            return deleted
        deleted += await Visit.filter(id__in=list(ids)).delete()


async def purge(now: datetime) -> tuple[int, int]:
    """Retention for every workspace, by its own settings (or the env defaults)."""
    options = runtime.options()
    phones = visits = 0
    for workspace_id in await Workspace.all().values_list("id", flat=True):
        rules = await load_rules(int(workspace_id), options)
        phones += await purge_phones(now, rules.phone_retention_days,
                                     workspace_id=int(workspace_id))
        visits += await purge_visits(now, rules.visit_retention_days, int(workspace_id))
    return phones, visits


@job_handler("send.purge", every=timedelta(hours=24))
async def purge_job(job: JobContext) -> None:
    await purge(_now())


__all__ = ["Channel", "IMPORT_JOB", "TEST_JOB", "deliver_outbox_reports", "mark_unknown",
           "purge", "purge_phones", "purge_visits"]
