"""The restart-safe sender: sends a batch's queued deliveries, exactly once each.

Each chunk of rows goes queued → submitting (one conditional UPDATE, committed) → the
gateway → sent or failed. A crash after the gateway accepted but before the row was updated
leaves the row `submitting`; the next run hands it over again with the same messageId, which
the carrier (and the outbox) de-duplicates, so nobody receives a message twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from studio.gateways.base import Gateway, Outgoing, SendResult
from studio.i18n import Text
from studio.models.accounts import Workspace
from studio.models.sending import (
    BatchKind,
    BatchStatus,
    Category,
    Delivery,
    DeliveryStatus,
    OptOut,
    SendBatch,
)
from studio.sending.content import approved_carriers
from studio.sending.counts import refresh_counts
from studio.sending.payloads import Composer, TemplateComposer, composer_for
from studio.sending.rules import SendRules, load_rules
from studio.sending.window import next_open
from studio.settings import SendingOptions

Clock = Callable[[], datetime]
Progress = Callable[[float, str], Awaitable[None]]
CHUNK = 200
#: seconds between two recounts of the batch's counters while sending
COUNT_EVERY = 1.0
_OPEN = (DeliveryStatus.QUEUED, DeliveryStatus.SUBMITTING)
_COUNTED = (DeliveryStatus.SUBMITTING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED,
            DeliveryStatus.UNKNOWN)


def utcnow() -> datetime:
    return datetime.now(UTC)


async def _nothing(percent: float, message: str) -> None:
    return None


@dataclass(frozen=True)
class RunOutcome:
    #: completed | stopped (paused or cancelled by a user) | window (outside the send window)
    state: str
    resume_at: datetime | None = None


async def run_batch(
    batch_id: int,
    *,
    gateway: Gateway,
    options: SendingOptions,
    clock: Clock = utcnow,
    progress: Progress = _nothing,
    tests_only: bool = False,
) -> RunOutcome:
    batch = await SendBatch.get(id=batch_id)
    if batch.status is BatchStatus.SCHEDULED or (
        batch.status is BatchStatus.PAUSED and batch.pause_reason == "window"
    ):
        await SendBatch.filter(id=batch_id, status=batch.status).update(
            status=BatchStatus.SENDING, pause_reason="", started_at=batch.started_at or clock())
        batch = await SendBatch.get(id=batch_id)
    if batch.status is not BatchStatus.SENDING and not tests_only:
        return RunOutcome("stopped")
    carriers = await approved_carriers(batch)
    composer = await composer_for(batch, options.http_chatbot_uri, carriers)
    workspace = await Workspace.get(id=batch.workspace_id)  # type: ignore[attr-defined]
    rules = await load_rules(workspace.id, options)
    sent = 0
    started = counted = time.monotonic()
    while True:
        if not tests_only:
            current = await SendBatch.get(id=batch_id)
            if current.status is not BatchStatus.SENDING:
                return RunOutcome("stopped")
            if batch.category is Category.MARKETING:
                opens = next_open(clock(), rules.marketing_window, workspace.timezone)
                if opens is not None:
                    await SendBatch.filter(id=batch_id, status=BatchStatus.SENDING).update(
                        status=BatchStatus.PAUSED, pause_reason="window")
                    await refresh_counts(batch_id)
                    return RunOutcome("window", opens)
        rows = await Delivery.filter(
            batch_id=batch_id, status__in=_OPEN, is_test=tests_only
        ).order_by("id").limit(CHUNK)
        if not rows:
            break
        if isinstance(composer, TemplateComposer):  # carriers answer late: ask per chunk
            carriers = await approved_carriers(batch)
            composer = replace(composer, carriers=carriers)
        rows = await _skip_blocked(batch, rows, rules, clock(), tests_only, carriers)
        for start in range(0, len(rows), _step(options)):
            part = rows[start:start + _step(options)]
            await _send_part(part, composer, gateway, clock)
            sent += len(part)
            if options.rate_per_second > 0:
                ahead = sent / options.rate_per_second - (time.monotonic() - started)
                if ahead > 0:
                    await asyncio.sleep(ahead)
        if time.monotonic() - counted >= COUNT_EVERY:  # a GROUP BY over the batch: not per chunk
            counted = time.monotonic()
            counts = await refresh_counts(batch_id)
            done = counts.get("to_send", 0) - counts.get("queued", 0)
            await progress(100 * done / max(1, counts.get("to_send", 1)),
                           Text("已提交 %(n)s 条", n=done))
    if not tests_only:
        await SendBatch.filter(id=batch_id, status=BatchStatus.SENDING).update(
            status=BatchStatus.COMPLETED, finished_at=clock())
    await refresh_counts(batch_id)
    return RunOutcome("completed")


async def _skip_blocked(
    batch: SendBatch, rows: list[Delivery], rules: SendRules, now: datetime,
    tests_only: bool, carriers: dict[str, str],
) -> list[Delivery]:
    """Mark numbers skipped (opted out, a carrier that has not approved the template, over
    the frequency cap); the rest are claimed (→ submitting)."""
    fresh = [d for d in rows if d.status is DeliveryStatus.QUEUED]
    phones = [d.phone for d in fresh]
    opted = set(await OptOut.filter(
        workspace_id=batch.workspace_id, phone__in=phones).values_list("phone", flat=True))  # type: ignore[attr-defined]
    no_carrier = set() if batch.kind is BatchKind.RCS else {
        d.phone for d in fresh if d.carrier not in carriers}
    capped = set() if tests_only else await _capped(batch, phones, rules, now)
    blocked_by = (("opted_out", opted), ("carrier", no_carrier - opted),
                  ("capped", capped - opted - no_carrier))
    for reason, blocked in blocked_by:
        ids = [d.id for d in fresh if d.phone in blocked]
        if ids:
            await Delivery.filter(id__in=ids, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.SKIPPED, skip_reason=reason)
    out = opted | no_carrier | capped
    claim = [d.id for d in fresh if d.phone not in out]
    if claim:
        await Delivery.filter(id__in=claim, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SUBMITTING, submitted_at=now)
    ids = claim + [d.id for d in rows if d.status is DeliveryStatus.SUBMITTING]
    return list(await Delivery.filter(
        id__in=ids, status=DeliveryStatus.SUBMITTING).order_by("id"))


async def _capped(
    batch: SendBatch, phones: list[str], rules: SendRules, now: datetime
) -> set[str]:
    if batch.category is Category.VERIFICATION:
        limit, since = rules.verification_cap_per_hour, now - timedelta(hours=1)
    elif batch.category is Category.MARKETING:
        limit, since = rules.marketing_cap_per_day, now - timedelta(hours=24)
    else:
        return set()
    if limit <= 0 or not phones:
        return set()
    earlier = await Delivery.filter(
        workspace_id=batch.workspace_id, phone__in=phones, submitted_at__gte=since,  # type: ignore[attr-defined]
        status__in=_COUNTED, is_test=False, batch__category=batch.category,
    ).exclude(batch_id=batch.id).values_list("phone", flat=True)
    seen: dict[str, int] = {}
    for phone in earlier:
        seen[phone] = seen.get(phone, 0) + 1
    return {phone for phone, n in seen.items() if n >= limit}


def _step(options: SendingOptions) -> int:
    """Messages handed over between two rate checks: about a tenth of a second's worth."""
    if options.rate_per_second <= 0:
        return CHUNK
    return max(1, min(CHUNK, int(options.rate_per_second / 10)))


async def _send_part(
    rows: list[Delivery], composer: Composer | TemplateComposer, gateway: Gateway,
    clock: Clock,
) -> None:
    """Render, hand over (in one call when the gateway takes many), then record the answers
    with one UPDATE per outcome. Rows stay `submitting` until their answer is recorded."""
    messages: list[Outgoing] = []
    failed: dict[str, list[int]] = {}
    for delivery in rows:
        payload = composer.payload(delivery)
        if isinstance(payload, str):
            failed.setdefault(payload, []).append(delivery.id)
            continue
        messages.append(Outgoing(delivery.workspace_id, delivery.message_uid, delivery.phone,
                                 delivery.channel, payload))
    by_uid = {d.message_uid: d.id for d in rows}
    send_many = getattr(gateway, "send_many", None)
    if send_many is not None and messages:
        results = await send_many(messages, now=clock())
    else:
        results = []
        for message in messages:  # one by one: an answer is never lost to a later failure
            result = await gateway.send(message, now=clock())
            await _record([by_uid[message.message_uid]], result, clock)
        messages = []
    accepted = [by_uid[m.message_uid] for m, r in zip(messages, results, strict=True)
                if r.accepted]
    if accepted:
        await _record(accepted, SendResult.ok(), clock)
    for message, result in zip(messages, results, strict=True):
        if not result.accepted:
            failed.setdefault(result.error_code, []).append(by_uid[message.message_uid])
    for code, ids in failed.items():
        await _record(ids, SendResult.rejected(code), clock)


async def _record(ids: list[int], result: SendResult, clock: Clock) -> None:
    claimed = Delivery.filter(id__in=ids, status=DeliveryStatus.SUBMITTING)
    if result.accepted:
        await claimed.update(status=DeliveryStatus.SENT, sent_at=clock())
    else:
        await claimed.update(status=DeliveryStatus.FAILED, error_code=result.error_code)
