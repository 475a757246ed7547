"""What comes back from the carrier: delivery reports and uplink replies.

Both gateways end here: the outbox's report job and the http gateway's callbacks. A report
is applied once (a duplicate changes nothing); a report for a messageId of another workspace
is ignored exactly like an unknown one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

from studio.i18n import Text
from studio.messages.keywords import find_keyword_message
from studio.models.sending import (
    CallbackNonce,
    Delivery,
    DeliveryStatus,
    OptOut,
    UplinkMessage,
)

#: replies that unsubscribe (compared after NFKC and case folding: ｔｄ, Td, 退订 …)
OPT_OUT_WORDS = frozenset({"r", "td", "退订"})
_AROUND = " \t\r\n.,!?;:。，！？；：、~…\"'“”‘’"
_REPORTABLE = (DeliveryStatus.SUBMITTING, DeliveryStatus.SENT, DeliveryStatus.UNKNOWN)
#: message ids per UPDATE … WHERE message_uid IN (…)
_IDS_PER_UPDATE = 500


@dataclass(frozen=True)
class Report:
    message_uid: str
    #: delivered | failed
    status: str
    error_code: str = ""


async def apply_reports(
    workspace_id: int | None, reports: list[Report], *, now: datetime
) -> int:
    """Apply reports, one UPDATE per outcome and chunk of ids (a report for an unknown,
    foreign or already final delivery changes nothing), then recount the batches they
    touched (成功量 on the list page)."""
    from studio.sending.counts import refresh_counts

    groups: dict[tuple[str, str], list[str]] = {}
    for report in dict((r.message_uid, r) for r in reports).values():
        status = "delivered" if report.status == "delivered" else "failed"
        groups.setdefault((status, report.error_code[:32]), []).append(report.message_uid)
    applied = 0
    for (status, code), uids in groups.items():
        for start in range(0, len(uids), _IDS_PER_UPDATE):
            query = Delivery.filter(message_uid__in=uids[start:start + _IDS_PER_UPDATE],
                                    status__in=_REPORTABLE)
            if workspace_id is not None:
                query = query.filter(workspace_id=workspace_id)
            applied += await query.update(status=DeliveryStatus(status), error_code=code,
                                          reported_at=now)
    if applied:
        touched: set[int] = set()
        uids = [r.message_uid for r in reports]
        for start in range(0, len(uids), _IDS_PER_UPDATE):
            touched.update(await Delivery.filter(
                message_uid__in=uids[start:start + _IDS_PER_UPDATE], is_test=False
            ).distinct().values_list("batch_id", flat=True))
        for batch_id in touched:
            await refresh_counts(int(batch_id))
    return applied


def is_opt_out(text: str) -> bool:
    """R / TD / 退订 as the whole reply, in any case or width, with stray spaces or
    punctuation around it (“ＴＤ”, “td。”, “ 退订! ”); not a longer sentence."""
    word = unicodedata.normalize("NFKC", text).casefold().strip(_AROUND)
    return word in OPT_OUT_WORDS


@dataclass(frozen=True)
class Uplink:
    uid: str
    phone: str
    text: str = ""
    postback: str = ""


async def record_uplink(
    workspace_id: int, uplink: Uplink, *, now: datetime
) -> UplinkMessage | None:
    """Store a reply (None for a duplicate), add R/TD/退订 senders to the opt-out list and
    match the reply to the workspace's keyword messages."""
    opt_out = is_opt_out(uplink.text) or is_opt_out(uplink.postback)
    owner = None if opt_out else await find_keyword_message(
        workspace_id, uplink.text or None, postback=uplink.postback or None
    )
    try:
        row = await UplinkMessage.create(
            workspace_id=workspace_id, uid=uplink.uid[:64], phone=uplink.phone[:11],
            text=uplink.text[:2048], postback=uplink.postback[:2048],
            matched_message_id=owner.message_id if owner else None, opt_out=opt_out,
            received_at=now,
        )
    except IntegrityError:
        return None
    if opt_out:
        await add_opt_out(workspace_id, uplink.phone, source="reply")
    return row


async def add_opt_out(workspace_id: int, phone: str, *, source: str) -> None:
    try:
        await OptOut.create(workspace_id=workspace_id, phone=phone, source=source)
    except IntegrityError:
        pass


async def add_opt_outs(workspace_id: int, text: str) -> int:
    """Numbers an owner adds by hand (a customer asked by phone); how many were new."""
    from studio.errors import FormInvalid
    from studio.sending.recipients import parse_rows
    from studio.sending.sources import ImportRefused, typed_rows

    try:
        parsed = parse_rows(typed_rows([text]), header=False)
    except ImportRefused as exc:
        raise FormInvalid({"phones": exc.message}) from None
    if parsed.invalid:
        raise FormInvalid({"phones": Text("号码无效：%(number)s", number=parsed.invalid[0].raw)})
    if not parsed.recipients:
        raise FormInvalid({"phones": "请输入要加入退订名单的手机号码"})
    before = await OptOut.filter(workspace_id=workspace_id).count()
    for recipient in parsed.recipients:
        await add_opt_out(workspace_id, recipient.phone, source="manual")
    return await OptOut.filter(workspace_id=workspace_id).count() - before


async def remember_nonce(nonce: str, *, now: datetime) -> bool:
    """False when this nonce was accepted before (a replayed callback)."""
    try:
        await CallbackNonce.create(nonce=nonce, at=now)
    except IntegrityError:
        return False
    return True
