"""What the sending pages show, assembled from the models (handlers stay thin)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from studio.models.jobs import Job
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.models.sending import (
    BatchKind,
    BatchStatus,
    Delivery,
    OutboxMessage,
    RejectedRow,
    SendBatch,
    UplinkMessage,
)
from studio.sending.analytics import BatchNumbers, batch_numbers, hourly_series, link_activity
from studio.sending.carriers import LABELS, MOBILE, TELECOM, UNICOM
from studio.sending.content import approved_carriers
from studio.sending.exports import channel_zh, explain
from studio.sending.payloads import TemplateComposer
from studio.sending.phones import mask_phone, normalise_phone
from studio.sms_templates import api as templates
from studio.sms_templates.reviewing import SMS_TEMPLATE, VIDEO_SMS_TEMPLATE
from studio.sms_templates.signatures import usable_signatures

PAGE = 50


@dataclass(frozen=True)
class ListFilters:
    number: str = ""
    template: str = ""
    start: date | None = None
    end: date | None = None

    @classmethod
    def parse(cls, query: dict[str, str]) -> ListFilters:
        return cls(number=query.get("number", "").strip()[:32],
                   template=query.get("template", "").strip()[:100],
                   start=_date(query.get("start", "")), end=_date(query.get("end", "")))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


async def list_rows(
    workspace_id: int, filters: ListFilters, tz: str
) -> list[tuple[SendBatch, BatchNumbers]]:
    query = SendBatch.filter(workspace_id=workspace_id)
    if filters.number:
        query = query.filter(number__contains=filters.number)
    if filters.template:
        query = query.filter(template_name__icontains=filters.template)
    zone = ZoneInfo(tz)
    if filters.start:
        query = query.filter(created_at__gte=datetime.combine(filters.start, time(), zone))
    if filters.end:
        query = query.filter(created_at__lt=datetime.combine(filters.end, time.max, zone))
    batches = list(await query.order_by("-id").limit(200))
    numbers = await batch_numbers(workspace_id, batches)
    return [(b, numbers[b.id]) for b in batches]


async def approved_versions(workspace_id: int) -> list[tuple[MessageVersion, str]]:
    versions = await MessageVersion.filter(
        workspace_id=workspace_id, status=ReviewStatus.APPROVED).order_by("-id").limit(200)
    names = dict(await Message.filter(
        workspace_id=workspace_id, deleted_at__isnull=True).values_list("id", "name"))
    return [(v, f"{names[v.message_id]} v{v.number}")  # type: ignore[attr-defined]
            for v in versions if v.message_id in names]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SourceGroup:
    label: str
    #: (form value, label)
    options: list[tuple[str, str]]


async def send_choices(workspace_id: int) -> list[SourceGroup]:
    """发送内容 on the new-batch form: approved messages, text and video SMS templates."""
    messages = [(f"m:{v.id}", label) for v, label in await approved_versions(workspace_id)]
    sms = [(f"s:{c.template_id}", f"{c.name} v{c.version}")
           for c in await templates.approved_choices(workspace_id, SMS_TEMPLATE)]
    video = [(f"v:{c.template_id}", f"{c.name} v{c.version}")
             for c in await templates.approved_choices(workspace_id, VIDEO_SMS_TEMPLATE)]
    groups = [SourceGroup("5G消息", messages), SourceGroup("短信模板", sms),
              SourceGroup("视频短信模板", video)]
    return [g for g in groups if g.options]


async def signature_choices(workspace_id: int) -> list[tuple[int, str]]:
    return [(s.id, s.text) for s in await usable_signatures(workspace_id)]


async def carrier_rows(batch: SendBatch) -> list[dict[str, Any]]:
    """A template batch's numbers per carrier, with whether that carrier approved the
    version sent (numbers of the others are skipped when sending)."""
    if batch.kind is BatchKind.RCS:
        return []
    approved = await approved_carriers(batch)
    counts = batch.counts or {}
    return [{"label": LABELS[key], "count": int(counts.get(f"carrier_{key}", 0)),
             "approved": key in approved, "template_id": approved.get(key, "")}
            for key in (MOBILE, UNICOM, TELECOM, "")
            if key or counts.get("carrier_")]


@dataclass(frozen=True)
class RecipientRow:
    id: int
    phone: str
    status: str
    status_key: str
    channel: str
    explain: str
    opens: int
    clicks: int
    is_test: bool


#: the recipient list's status filter → the delivery states it shows
STATUS_FILTERS = {"delivered": ("delivered",), "failed": ("failed", "unknown"),
                  "queued": ("queued", "submitting", "sent"), "skipped": ("skipped",)}


async def recipient_rows(
    batch: SendBatch, page: int, *, full: bool, status: str = ""
) -> list[RecipientRow]:
    query = Delivery.filter(batch_id=batch.id)
    if status == "test":
        query = query.filter(is_test=True)
    elif status in STATUS_FILTERS:
        query = query.filter(status__in=STATUS_FILTERS[status])
    rows = await query.order_by("id").offset(max(0, page - 1) * PAGE).limit(PAGE)
    codes = {d.id: [c for c in d.link_code.split(",") if c] for d in rows}
    activity = await link_activity([c for mine in codes.values() for c in mine])

    def _sum(mine: list[str]) -> tuple[int, int]:
        found = [activity.get(c, (0, 0)) for c in mine]
        return sum(a for a, _ in found), sum(b for _, b in found)

    return [
        RecipientRow(d.id, d.phone if full else mask_phone(d.phone), d.status.label_zh,
                     d.status.value, channel_zh(d.channel), explain(d), *_sum(codes[d.id]),
                     d.is_test)
        for d in rows
    ]


async def batch_page(
    batch: SendBatch, tz: str = "Asia/Shanghai", *, status_only: bool = False
) -> dict[str, Any]:
    """The batch page's data; `status_only` for the polled status fragment (no chart)."""
    numbers = (await batch_numbers(batch.workspace_id, [batch]))[batch.id]  # type: ignore[attr-defined]
    job = await Job.filter(id=batch.import_job_id).first() if batch.import_job_id else None
    importing = job is not None and not job.status.finished
    funnel = [("提交", numbers.submitted), ("送达", numbers.delivered),
              ("打开", numbers.uv), ("点击按钮", numbers.clickers)]
    top = max(1, funnel[0][1])
    return {
        "batch": batch, "numbers": numbers, "counts": batch.counts or {},
        "job": job, "importing": importing,
        "funnel": [(label, n, round(100 * n / top)) for label, n in funnel],
        "series": [] if status_only else _hours(
            await hourly_series(batch.workspace_id, batch.id), tz),  # type: ignore[attr-defined]
        "can_start": batch.status in (BatchStatus.DRAFT, BatchStatus.SCHEDULED)
        and not importing,
        "can_pause": batch.status in (BatchStatus.SENDING, BatchStatus.SCHEDULED),
        "can_resume": batch.status is BatchStatus.PAUSED,
        "can_cancel": batch.status not in (BatchStatus.COMPLETED, BatchStatus.CANCELLED),
        "rejected": await RejectedRow.filter(batch_id=batch.id).count(),
        "carriers": await carrier_rows(batch),
        "sample_text": "" if status_only else await sample_sms(batch),
        **await test_rows(batch),
    }


async def sample_sms(batch: SendBatch) -> str:
    """A text SMS template batch's message as its first recipient gets it."""
    if batch.kind is not BatchKind.SMS:
        return ""
    first = await Delivery.filter(batch_id=batch.id, is_test=False).order_by("line").first()
    if first is None:
        return ""
    base = batch.link_base or "https://…"
    payload = TemplateComposer(batch.kind, dict(batch.content or {}), base, {}).payload(first)
    return str(payload.get("text", "")) if isinstance(payload, dict) else ""


async def test_rows(batch: SendBatch) -> dict[str, Any]:
    """The latest test sends (试发) with their state; `testing` while one awaits its report,
    so the status fragment keeps polling until the marketer sees the outcome."""
    rows = await Delivery.filter(batch_id=batch.id, is_test=True).order_by("-id").limit(10)
    waiting = {"queued", "submitting", "sent"}
    return {
        "tests": [RecipientRow(d.id, mask_phone(d.phone), d.status.label_zh, d.status.value,
                               channel_zh(d.channel), explain(d), 0, 0, True) for d in rows],
        "testing": any(d.status.value in waiting for d in rows),
    }


#: hours drawn at most (two weeks); a longer batch shows its latest hours
MAX_HOURS = 24 * 14


def _hours(series: list[tuple[int, int, int]], tz: str) -> list[tuple[str, int, int]]:
    """Every hour from the first send or open to the last, empty hours as zeros, so the
    chart's x axis is time and not just the hours that had something."""
    if not series:
        return []
    found = {hour: (pv, n) for hour, pv, n in series}
    last = series[-1][0]
    first = max(series[0][0], last - MAX_HOURS + 1)
    zone = ZoneInfo(tz)
    return [(datetime.fromtimestamp(hour * 3600, zone).strftime("%m-%d %H:00"),
             *found.get(hour, (0, 0))) for hour in range(first, last + 1)]


async def rejected_rows(batch: SendBatch) -> list[list[str]]:
    rows = await RejectedRow.filter(batch_id=batch.id).order_by("line")
    return [[str(r.line), r.cell, r.reason] for r in rows]


async def records(workspace_id: int, raw_phone: str, *, full: bool) -> list[dict[str, Any]]:
    """发送记录查询: one number's deliveries across batches, newest first."""
    phone = normalise_phone(raw_phone)
    if not raw_phone.strip() or not isinstance(phone, str) or not phone.isdigit():
        return []
    rows = await Delivery.filter(workspace_id=workspace_id, phone=phone).order_by(
        "-id").limit(200).prefetch_related("batch")
    return [{"phone": d.phone if full else mask_phone(d.phone), "batch": d.batch,
             "status": d.status.label_zh, "channel": channel_zh(d.channel),
             "explain": explain(d), "sent_at": d.sent_at, "is_test": d.is_test} for d in rows]


async def uplink_rows(workspace_id: int, page: int) -> list[dict[str, Any]]:
    rows = await UplinkMessage.filter(workspace_id=workspace_id).order_by("-id").offset(
        max(0, page - 1) * PAGE).limit(PAGE)
    ids = {r.matched_message_id for r in rows if r.matched_message_id}
    names = dict(await Message.filter(workspace_id=workspace_id, id__in=list(ids)).values_list(
        "id", "name")) if ids else {}
    return [{"phone": mask_phone(r.phone), "text": r.text, "postback": r.postback,
             "message": names.get(r.matched_message_id or 0, ""), "opt_out": r.opt_out,
             "received_at": r.received_at} for r in rows]


async def outbox_rows(workspace_id: int, page: int) -> list[dict[str, Any]]:
    rows = await OutboxMessage.filter(workspace_id=workspace_id).order_by("-id").offset(
        max(0, page - 1) * PAGE).limit(PAGE)
    return [{"uid": r.message_uid, "phone": mask_phone(r.phone), "channel": channel_zh(r.channel),
             "payload": r.payload, "created_at": r.created_at, "outcome": r.outcome}
            for r in rows]


async def volume(workspace_id: int, tz: str) -> dict[str, list[tuple[str, int, int]]]:
    """Send volume (提交, 成功) by local day and by month, from the batches' counters and
    their start day (a batch counts on the day it started)."""
    zone = ZoneInfo(tz)
    days: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for batch in await SendBatch.filter(workspace_id=workspace_id, started_at__isnull=False):
        local = batch.started_at.astimezone(zone)  # type: ignore[union-attr]
        counts = batch.counts or {}
        for bucket in (days[local.strftime("%Y-%m-%d")], months[local.strftime("%Y-%m")]):
            bucket[0] += int(counts.get("submitted", 0))
            bucket[1] += int(counts.get("delivered", 0))
    return {"days": [(k, *v) for k, v in sorted(days.items(), reverse=True)][:62],  # type: ignore[misc]
            "months": [(k, *v) for k, v in sorted(months.items(), reverse=True)]}  # type: ignore[misc]
