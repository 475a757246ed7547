"""Import recipients into a batch: parse, ask the gateway for 5G capability, store the
delivery rows and personalised short links, and fill the number parsing table (号码解析).

A retried import job starts over: the draft batch's rows and links from the failed attempt
are deleted first, so nothing is stored twice (nothing of a draft batch has been sent).
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

from studio.gateways.base import Gateway
from studio.links.codes import ALPHABET, PERSONAL_LENGTH, random_code
from studio.models.links import ShortLink
from studio.models.sending import (
    BatchStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    FallbackPolicy,
    RejectedRow,
    SendBatch,
)
from studio.sending.phones import mask_phone
from studio.sending.recipients import ParseResult, Recipient, parse_rows
from studio.sending.sources import ImportRefused
from studio.sending.sql import insert_many

Progress = Callable[[float, str], Awaitable[None]]
#: numbers per capability question to the gateway
CAPABILITY_CHUNK = 1000

_DELIVERY_COLUMNS = (
    "workspace_id", "batch_id", "key", "message_uid", "phone", "line", "variables", "is_test",
    "capable", "channel", "status", "skip_reason", "link_code", "error_code",
)
_LINK_COLUMNS = (
    "workspace_id", "code", "name", "target_url", "message_version_id", "message_id",
    "batch_id", "recipient", "variables", "disabled", "visits", "created_at", "updated_at",
)


async def _nothing(percent: float, message: str) -> None:
    return None


def personal_codes(count: int, length: int = PERSONAL_LENGTH) -> list[str]:
    """`count` random codes from the short-link alphabet, drawn from one urandom buffer
    (one system call per character, as shortuuid makes, was most of a 100,000-row import)."""
    size = len(ALPHABET)
    limit = 256 - 256 % size  # bytes past it are dropped, so every character is equally likely
    table = bytes(ord(ALPHABET[b % size]) for b in range(256))
    drop = bytes(range(limit, 256))
    text = ""
    wanted = count * length
    while len(text) < wanted:
        text += secrets.token_bytes(wanted - len(text) + 64).translate(table, drop).decode()
    return [text[i * length:(i + 1) * length] for i in range(count)]


def ascending_uids(count: int) -> list[str]:
    """UUID-shaped ids that sort in creation order (a millisecond timestamp first, like
    UUIDv7), unique across processes by a random middle part."""
    ms = int(time.time() * 1000) & (2**48 - 1)
    middle = secrets.randbits(48)
    return [str(uuid.UUID(int=(ms << 80) | (middle << 32) | n)) for n in range(count)]


def delivery_key(batch_id: int, phone: str) -> str:
    return f"b{batch_id}:{phone}"


def channel_for(capable: bool, policy: FallbackPolicy) -> Channel:
    if capable:
        return Channel.RCS
    return {FallbackPolicy.NONE: Channel.NONE, FallbackPolicy.SMS: Channel.SMS,
            FallbackPolicy.SMS_CH5: Channel.SMS,
            FallbackPolicy.VIDEO_SMS: Channel.VIDEO_SMS}[policy]


def wants_links(batch: SendBatch, document: dict[str, object]) -> bool:
    fallback = document.get("fallback") or {}
    uses_ch5 = bool(document.get("ch5")) or (
        isinstance(fallback, dict) and fallback.get("type") == "sms_ch5")
    return batch.link_days > 0 and uses_ch5


async def import_rows(
    batch: SendBatch,
    rows: Iterable[list[str]],
    *,
    gateway: Gateway,
    required: tuple[str, ...] = (),
    links: bool = False,
    progress: Progress = _nothing,
) -> ParseResult:
    await progress(5, "正在解析号码")
    result = parse_rows(rows, required=required)
    await progress(30, f"解析完成：有效号码 {len(result.recipients)} 个，正在查询 5G 能力")
    capable = await _capabilities(gateway, [r.phone for r in result.recipients], progress)
    await progress(60, "正在保存号码")
    await _forget_earlier_attempt(batch)
    stored = await _store(batch, result.recipients, capable, links)
    await _store_rejected(batch, result)
    if links:
        await progress(80, "正在生成个性化短链")
        await _store_links(batch, stored)
    batch.variables = list(result.variables)
    batch.counts = {**(batch.counts or {}), **parse_counts(result, capable, batch.fallback)}
    await batch.save(update_fields=["variables", "counts", "updated_at"])
    await progress(100, "号码解析完成")
    return result


async def _capabilities(
    gateway: Gateway, phones: list[str], progress: Progress
) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for start in range(0, len(phones), CAPABILITY_CHUNK):
        found.update(await gateway.capabilities(phones[start:start + CAPABILITY_CHUNK]))
        if start and start % (CAPABILITY_CHUNK * 20) == 0:
            await progress(30 + 30 * start / len(phones), "正在查询 5G 能力")
    return found


def parse_counts(
    result: ParseResult, capable: dict[str, bool], policy: FallbackPolicy
) -> dict[str, int]:
    n_capable = sum(1 for r in result.recipients if capable.get(r.phone))
    not_capable = len(result.recipients) - n_capable
    return {
        "total": result.total,
        "unique": len(result.recipients) + len(result.missing),
        "duplicates": result.duplicates,
        "invalid": len(result.invalid),
        "missing": len(result.missing),
        "capable": n_capable,
        "not_capable": not_capable,
        "to_send": n_capable + (0 if policy is FallbackPolicy.NONE else not_capable),
    }


async def _forget_earlier_attempt(batch: SendBatch) -> None:
    if batch.status is not BatchStatus.DRAFT:
        raise ImportRefused("该批次已开始发送，不能重新导入号码")
    await ShortLink.filter(batch_id=batch.id).delete()
    await Delivery.filter(batch_id=batch.id).delete()


#: (message uid, link code, variables as JSON) of each stored recipient
Stored = list[tuple[str, str, str]]


async def _store(
    batch: SendBatch, recipients: list[Recipient], capable: dict[str, bool], links: bool
) -> Stored:
    # sorted by number and with ascending uids, the unique indexes grow at their end
    # instead of at random places, which keeps a 100,000-row insert fast
    recipients = sorted(recipients, key=lambda r: r.phone)
    codes = personal_codes(len(recipients)) if links else [""] * len(recipients)
    uids = ascending_uids(len(recipients))
    stored: Stored = []
    rows = []
    for recipient, code, uid in zip(recipients, codes, uids, strict=True):
        is_capable = bool(capable.get(recipient.phone))
        channel = channel_for(is_capable, batch.fallback)
        skipped = channel is Channel.NONE
        variables = json.dumps(recipient.variables, ensure_ascii=False)
        stored.append((uid, code, variables))
        rows.append((
            batch.workspace_id, batch.id, delivery_key(batch.id, recipient.phone),  # type: ignore[attr-defined]
            uid, recipient.phone, recipient.line, variables, False, is_capable,
            channel.value, (DeliveryStatus.SKIPPED if skipped else DeliveryStatus.QUEUED).value,
            "no_fallback" if skipped else "", code, "",
        ))
    await insert_many("delivery", _DELIVERY_COLUMNS, rows)
    return stored


async def _store_rejected(batch: SendBatch, result: ParseResult) -> None:
    await RejectedRow.filter(batch_id=batch.id).delete()
    rows = [(batch.id, r.line, r.raw, "invalid", r.reason) for r in result.invalid]
    rows += [(batch.id, r.line, mask_phone(r.raw), "missing", r.reason) for r in result.missing]
    await insert_many("rejected_row", ("batch_id", "line", "cell", "kind", "reason"), rows)


async def _store_links(batch: SendBatch, stored: Stored) -> None:
    """One CH5 link per recipient, carrying its variables and its delivery's uid."""
    now = datetime.now(UTC)
    rows = [
        (batch.workspace_id, code, batch.name[:100], "", batch.message_version_id,  # type: ignore[attr-defined]
         batch.message_id, batch.id, uid, variables, False, 0, now, now)
        for uid, code, variables in stored if code
    ]
    await insert_many("short_link", _LINK_COLUMNS, rows, conflict="code")
    if await ShortLink.filter(batch_id=batch.id).count() == len(rows):
        return  # no code was taken already (57**10 codes: the usual case by far)
    made = set(await ShortLink.filter(batch_id=batch.id).values_list("code", flat=True))
    for uid, code, variables in stored:
        if code and code not in made:  # a code another link already had: pick a new one
            fresh = random_code(PERSONAL_LENGTH + 2)
            await Delivery.filter(message_uid=uid).update(link_code=fresh)
            await ShortLink.create(
                workspace_id=batch.workspace_id, code=fresh, name=batch.name[:100],  # type: ignore[attr-defined]
                message_version_id=batch.message_version_id,  # type: ignore[attr-defined]
                message_id=batch.message_id, batch_id=batch.id, recipient=uid,
                variables=json.loads(variables))
