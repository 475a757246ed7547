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
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime

from studio.gateways.base import Gateway
from studio.i18n import Text
from studio.links.codes import ALPHABET, PERSONAL_LENGTH, random_code
from studio.models.links import ShortLink
from studio.models.sending import (
    BatchKind,
    BatchStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    FallbackPolicy,
    RejectedRow,
    SendBatch,
)
from studio.sending.carriers import carrier_of
from studio.sending.content import LinkTarget
from studio.sending.phones import mask_phone
from studio.sending.recipients import ParseResult, Recipient, parse_rows
from studio.sending.sources import ImportRefused
from studio.sending.sql import insert_many

Progress = Callable[[float, str], Awaitable[None]]
#: numbers per capability question to the gateway
CAPABILITY_CHUNK = 1000

_DELIVERY_COLUMNS = (
    "workspace_id", "batch_id", "key", "message_uid", "phone", "line", "variables", "is_test",
    "capable", "channel", "carrier", "status", "skip_reason", "link_code", "error_code",
)
_LINK_COLUMNS = (
    "workspace_id", "code", "name", "target_url", "message_version_id", "message_id",
    "batch_id", "recipient", "variables", "disabled", "visits", "expires_at", "created_at",
    "updated_at",
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


def fixed_channel(batch: SendBatch) -> Channel | None:
    """A template batch goes by one channel to every number (no 5G capability asked)."""
    return {BatchKind.SMS: Channel.SMS, BatchKind.VIDEO_SMS: Channel.VIDEO_SMS}.get(batch.kind)


async def import_rows(
    batch: SendBatch,
    rows: Iterable[list[str]],
    *,
    gateway: Gateway,
    required: tuple[str, ...] = (),
    links: bool | Sequence[LinkTarget] = False,
    progress: Progress = _nothing,
) -> ParseResult:
    """`links`: the targets each recipient gets a personalised link to (True = the batch
    message's CH5 page)."""
    if links is True:
        targets: Sequence[LinkTarget] = [LinkTarget(
            "", batch.message_version_id, batch.message_id)]  # type: ignore[attr-defined]
    else:
        targets = links or []
    await progress(5, "正在解析号码")
    result = parse_rows(rows, required=required)
    phones = [r.phone for r in result.recipients]
    if fixed_channel(batch) is None:
        await progress(30, Text("解析完成：有效号码 %(n)s 个，正在查询 5G 能力", n=len(phones)))
        capable = await _capabilities(gateway, phones, progress)
    else:
        capable = {}
    await progress(60, "正在保存号码")
    await _forget_earlier_attempt(batch)
    stored = await _store(batch, result.recipients, capable, len(targets))
    await _store_rejected(batch, result)
    if targets:
        await progress(80, "正在生成个性化短链")
        await _store_links(batch, stored, targets)
    batch.variables = list(result.variables)
    batch.counts = {**(batch.counts or {}),
                    **parse_counts(result, capable, batch.fallback, fixed_channel(batch))}
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
    result: ParseResult, capable: dict[str, bool], policy: FallbackPolicy,
    channel: Channel | None = None,
) -> dict[str, int]:
    if channel is not None:  # a template batch: every valid number by the one channel
        n_capable, not_capable = 0, 0
        to_send = len(result.recipients)
    else:
        n_capable = sum(1 for r in result.recipients if capable.get(r.phone))
        not_capable = len(result.recipients) - n_capable
        to_send = n_capable + (0 if policy is FallbackPolicy.NONE else not_capable)
    counts = {
        "total": result.total,
        "unique": len(result.recipients) + len(result.missing),
        "duplicates": result.duplicates,
        "invalid": len(result.invalid),
        "missing": len(result.missing),
        "capable": n_capable,
        "not_capable": not_capable,
        "to_send": to_send,
        "carrier_mobile": 0, "carrier_unicom": 0, "carrier_telecom": 0, "carrier_": 0,
    }
    for recipient in result.recipients:
        counts["carrier_" + carrier_of(recipient.phone)] += 1
    return counts


async def _forget_earlier_attempt(batch: SendBatch) -> None:
    if batch.status is not BatchStatus.DRAFT:
        raise ImportRefused("该批次已开始发送，不能重新导入号码")
    await ShortLink.filter(batch_id=batch.id).delete()
    await Delivery.filter(batch_id=batch.id).delete()


#: (message uid, link code, variables as JSON) of each stored recipient
Stored = list[tuple[str, str, str]]


async def _store(
    batch: SendBatch, recipients: list[Recipient], capable: dict[str, bool], links: int
) -> Stored:
    # sorted by number and with ascending uids, the unique indexes grow at their end
    # instead of at random places, which keeps a 100,000-row insert fast
    recipients = sorted(recipients, key=lambda r: r.phone)
    uids = ascending_uids(len(recipients))
    codes = personal_codes(len(recipients) * links) if links else []
    fixed = fixed_channel(batch)
    stored: Stored = []
    rows = []
    queued, skipped_value = DeliveryStatus.QUEUED.value, DeliveryStatus.SKIPPED.value
    for index, (recipient, uid) in enumerate(zip(recipients, uids, strict=True)):
        phone = recipient.phone
        code = ",".join(codes[index * links:(index + 1) * links])
        if fixed is None:
            is_capable: bool | None = bool(capable.get(phone))
            channel = channel_for(bool(is_capable), batch.fallback)
        else:
            is_capable, channel = None, fixed
        skipped = channel is Channel.NONE
        variables = json.dumps(recipient.variables, ensure_ascii=False)
        stored.append((uid, code, variables))
        rows.append((
            batch.workspace_id, batch.id, delivery_key(batch.id, phone),  # type: ignore[attr-defined]
            uid, phone, recipient.line, variables, False, is_capable, channel.value,
            carrier_of(phone), skipped_value if skipped else queued,
            "no_fallback" if skipped else "", code, "",
        ))
    await insert_many("delivery", _DELIVERY_COLUMNS, rows)
    return stored


async def _store_rejected(batch: SendBatch, result: ParseResult) -> None:
    await RejectedRow.filter(batch_id=batch.id).delete()
    rows = [(batch.id, r.line, r.raw, "invalid", r.reason) for r in result.invalid]
    rows += [(batch.id, r.line, mask_phone(r.raw), "missing", r.reason) for r in result.missing]
    await insert_many("rejected_row", ("batch_id", "line", "cell", "kind", "reason"), rows)


async def _store_links(batch: SendBatch, stored: Stored, targets: Sequence[LinkTarget]) -> None:
    """One link per recipient and target, carrying the recipient's variables and its
    delivery's uid, with the codes already written on the delivery rows."""
    entries = [(uid, codes.split(","), variables) for uid, codes, variables in stored]
    changed = await _insert_links(batch, targets, entries, batch_id=batch.id,
                                  name=batch.name[:100], expires_at=None)
    for uid, codes in changed.items():
        await Delivery.filter(message_uid=uid).update(link_code=",".join(codes))


async def make_links(
    batch: SendBatch, targets: Sequence[LinkTarget], recipients: Sequence[tuple[str, str]],
    *, expires_at: datetime | None = None,
) -> list[str]:
    """Test-send links for (uid, variables JSON) pairs, outside the batch so their opens
    are not counted; each recipient's codes comma-joined in the order of `targets`."""
    if not targets:
        return [""] * len(recipients)
    codes = personal_codes(len(recipients) * len(targets))
    entries = [(uid, codes[i * len(targets):(i + 1) * len(targets)], variables)
               for i, (uid, variables) in enumerate(recipients)]
    changed = await _insert_links(batch, targets, entries, batch_id=None,
                                  name=f"{batch.name[:90]}（试发）", expires_at=expires_at)
    return [",".join(changed.get(uid, mine)) for uid, mine, _ in entries]


async def _insert_links(
    batch: SendBatch, targets: Sequence[LinkTarget],
    entries: Sequence[tuple[str, list[str], str]], *, batch_id: int | None, name: str,
    expires_at: datetime | None,
) -> dict[str, list[str]]:
    """Insert the link rows in chunks; returns uid → new codes for the rare recipients
    whose code another link already had (57**10 codes: almost never)."""
    now = datetime.now(UTC)
    rows = [
        (batch.workspace_id, code, name, target.target_url,  # type: ignore[attr-defined]
         target.message_version_id, target.message_id, batch_id, uid, variables, False, 0,
         expires_at, now, now)
        for uid, codes, variables in entries for code, target in zip(codes, targets,
                                                                        strict=True)
    ]
    await insert_many("short_link", _LINK_COLUMNS, rows, conflict="code")
    query = ShortLink.filter(recipient__in=[uid for uid, _, _ in entries]) if batch_id is None \
        else ShortLink.filter(batch_id=batch_id)
    if await query.count() == len(rows):
        return {}
    made = set(await query.values_list("code", flat=True))
    changed: dict[str, list[str]] = {}
    for uid, codes, variables in entries:
        for index, code in enumerate(codes):
            if code in made:
                continue
            target = targets[index]
            fresh = random_code(PERSONAL_LENGTH + 2)
            await ShortLink.create(
                workspace_id=batch.workspace_id, code=fresh, name=name,  # type: ignore[attr-defined]
                target_url=target.target_url, message_version_id=target.message_version_id,
                message_id=target.message_id, batch_id=batch_id, recipient=uid,
                variables=json.loads(variables), expires_at=expires_at)
            changed[uid] = [*changed.get(uid, codes)]
            changed[uid][index] = fresh
    return changed
