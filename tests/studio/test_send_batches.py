"""Batches end to end through the outbox gateway: import, capability split, links, caps,
opt-out, the send window, pause/resume/cancel, exactly-once across a crash, reports."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from studio.errors import Conflict, FormInvalid
from studio.gateways.base import Outgoing, SendResult
from studio.gateways.outbox import OutboxGateway, is_capable
from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.models.messages import ReviewStatus
from studio.models.sending import (
    BatchStatus,
    Category,
    Channel,
    Delivery,
    DeliveryStatus,
    FallbackPolicy,
    OptOut,
    OutboxMessage,
    SendBatch,
)
from studio.sending import batches, runtime
from studio.sending.batches import BatchSpec, create_batch
from studio.sending.importing import import_rows
from studio.sending.jobs import deliver_outbox_reports, mark_unknown
from studio.sending.reports import Uplink, record_uplink
from studio.sending.sender import run_batch
from tests.studio.test_send_support import (
    NOON,
    approved_version,
    batch,
    csv_rows,
    options,
    workspace,
)

PHONES = [f"1380013{i:04d}" for i in range(40)]


async def _imported(**kw: Any) -> tuple[SendBatch, Any]:
    ws = await workspace()
    made = await batch(ws, **kw)
    opts = options()
    result = await import_rows(made, csv_rows(PHONES), gateway=OutboxGateway(opts),
                               required=("name",), links=made.link_days > 0)
    return await SendBatch.get(id=made.id), result


async def _start(made: SendBatch) -> None:
    await batches.start_now(made, now=NOON, link_base="https://t.example.cn")


async def test_unapproved_version_is_refused(db: None) -> None:
    ws = await workspace()
    version = await approved_version(ws, status=ReviewStatus.IN_REVIEW)
    with pytest.raises(FormInvalid):
        await create_batch(ws.id, None, BatchSpec("x", version.id), now=NOON)


async def test_import_fills_the_parsing_table_and_links(db: None) -> None:
    made, result = await _imported()
    capable = sum(is_capable(p, 0.5) for p in PHONES)
    assert 0 < capable < len(PHONES)
    counts = made.counts
    assert (counts["total"], counts["capable"], counts["not_capable"]) == (
        40, capable, 40 - capable)
    rows = await Delivery.filter(batch_id=made.id).order_by("id")
    assert {d.channel for d in rows if d.capable} == {Channel.RCS}
    assert {d.channel for d in rows if not d.capable} == {Channel.SMS}
    links = await ShortLink.filter(batch_id=made.id)
    assert len(links) == 40 and all(len(link.code) >= 10 for link in links)
    assert {link.variables["name"] for link in links} == {f"客户{i}" for i in range(40)}
    # a retried import adds nothing twice
    await import_rows(made, csv_rows(PHONES), gateway=OutboxGateway(options()),
                      required=("name",), links=True)
    assert await Delivery.filter(batch_id=made.id).count() == 40


async def test_no_fallback_skips_the_incapable(db: None) -> None:
    made, _ = await _imported(fallback=FallbackPolicy.NONE)
    skipped = await Delivery.filter(batch_id=made.id, status=DeliveryStatus.SKIPPED).count()
    assert skipped == made.counts["not_capable"]


async def test_send_reports_and_links_expire(db: None) -> None:
    made, _ = await _imported()
    await _start(made)
    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: NOON)
    assert outcome.state == "completed"
    assert await OutboxMessage.filter().count() == 40
    sms = await OutboxMessage.filter(channel=Channel.SMS).first()
    assert sms is not None and sms.payload["text"].startswith("【示例科技】")
    assert "https://t.example.cn/" in sms.payload["text"]
    rcs = await OutboxMessage.filter(channel=Channel.RCS).first()
    assert rcs is not None and rcs.payload["messageId"] == rcs.message_uid
    runtime.use(options(outbox_failure_share=0.25))
    assert await deliver_outbox_reports(NOON) == 40
    refreshed = await SendBatch.get(id=made.id)
    assert refreshed.status is BatchStatus.COMPLETED
    delivered = await Delivery.filter(batch_id=made.id, status=DeliveryStatus.DELIVERED).count()
    failed = await Delivery.filter(batch_id=made.id, status=DeliveryStatus.FAILED).count()
    assert delivered + failed == 40 and failed > 0
    link = await ShortLink.filter(batch_id=made.id).first()
    assert link is not None and link.expires_at == NOON + timedelta(days=3)


class CrashAfterAccept:
    """Hands the message to the real gateway, then dies before the row is updated."""

    name = "crashing"

    def __init__(self, inner: OutboxGateway, after: int) -> None:
        self.inner, self.after, self.calls = inner, after, 0

    async def capabilities(self, phones: Any) -> dict[str, bool]:
        return await self.inner.capabilities(phones)

    async def send(self, message: Outgoing, *, now: datetime) -> SendResult:
        result = await self.inner.send(message, now=now)
        self.calls += 1
        if self.calls == self.after:
            raise RuntimeError("power cut")
        return result

    async def aclose(self) -> None:
        return None


async def test_exactly_once_across_a_crash(db: None) -> None:
    made, _ = await _imported()
    await _start(made)
    crashing = CrashAfterAccept(OutboxGateway(options()), after=7)
    with pytest.raises(RuntimeError):
        await run_batch(made.id, gateway=crashing, options=options(), clock=lambda: NOON)
    assert await Delivery.filter(batch_id=made.id, status=DeliveryStatus.SUBMITTING).count()
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    assert await OutboxMessage.filter().count() == 40  # one each, no duplicate
    assert await Delivery.filter(batch_id=made.id, status=DeliveryStatus.SENT).count() == 40


class CrashAfterBulkAccept(CrashAfterAccept):
    """The outbox took a whole chunk in one insert; the process dies before recording it."""

    async def send_many(self, messages: Any, *, now: datetime) -> list[SendResult]:
        results = await self.inner.send_many(messages, now=now)
        raise RuntimeError(f"power cut after {len(results)} accepted")


async def test_exactly_once_across_a_crash_after_a_bulk_hand_over(db: None) -> None:
    made, _ = await _imported()
    await _start(made)
    with pytest.raises(RuntimeError):
        await run_batch(made.id, gateway=CrashAfterBulkAccept(OutboxGateway(options()), 0),
                        options=options(), clock=lambda: NOON)
    stuck = await Delivery.filter(batch_id=made.id, status=DeliveryStatus.SUBMITTING).count()
    assert stuck == 40 and await OutboxMessage.filter().count() == 40
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    assert await OutboxMessage.filter().count() == 40
    assert await Delivery.filter(batch_id=made.id, status=DeliveryStatus.SENT).count() == 40


async def test_frequency_cap_and_opt_out(db: None) -> None:
    first, _ = await _imported()
    await _start(first)
    await run_batch(first.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    ws_id = first.workspace_id  # type: ignore[attr-defined]
    await record_uplink(ws_id, Uplink("up-1", PHONES[0], text="ＴＤ"), now=NOON)
    assert await OptOut.filter(workspace_id=ws_id, phone=PHONES[0]).exists()
    second = await batch(await Workspace.get(id=ws_id))
    await import_rows(second, csv_rows(PHONES[:5] + ["13900139000"]),
                      gateway=OutboxGateway(options()), required=("name",), links=True)
    second = await SendBatch.get(id=second.id)
    await _start(second)
    later = NOON + timedelta(hours=1)
    await run_batch(second.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: later)
    counts = (await SendBatch.get(id=second.id)).counts
    assert counts["skip_opted_out"] == 1
    assert counts["skip_capped"] == 4
    assert counts["sent"] == 1


async def test_verification_cap_is_per_hour(db: None) -> None:
    ws = await workspace()
    for _ in range(3):
        made = await batch(ws, category=Category.VERIFICATION, link_days=1)
        await import_rows(made, csv_rows(PHONES[:1]), gateway=OutboxGateway(options()),
                          required=("name",), links=True)
        made = await SendBatch.get(id=made.id)
        await _start(made)
        await run_batch(made.id, gateway=OutboxGateway(options()),
                        options=options(verification_cap_per_hour=2), clock=lambda: NOON)
    sent = await Delivery.filter(workspace_id=ws.id, status=DeliveryStatus.SENT).count()
    assert sent == 2


async def test_marketing_window_pauses_and_resumes(db: None) -> None:
    made, _ = await _imported()
    await _start(made)
    night = NOON + timedelta(hours=11)  # 21:00 in Shanghai
    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: night)
    assert outcome.state == "window"
    assert outcome.resume_at is not None and outcome.resume_at.hour == 1  # 09:00 +08:00
    paused = await SendBatch.get(id=made.id)
    assert (paused.status, paused.pause_reason) == (BatchStatus.PAUSED, "window")
    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: outcome.resume_at)  # type: ignore[arg-type,return-value]
    assert outcome.state == "completed"


async def test_pause_resume_cancel_and_schedule(db: None) -> None:
    made, _ = await _imported()
    with pytest.raises(FormInvalid):
        await batches.schedule(made, NOON - timedelta(minutes=1), now=NOON, options=options(),
                               link_base="https://t.example.cn")
    await batches.schedule(made, NOON + timedelta(hours=1), now=NOON, options=options(),
                           link_base="https://t.example.cn")
    assert made.status is BatchStatus.SCHEDULED
    await batches.pause(made)
    made = await SendBatch.get(id=made.id)
    with pytest.raises(Conflict):
        await batches.pause(made)
    await batches.resume(made, now=NOON)
    made = await SendBatch.get(id=made.id)
    assert made.status is BatchStatus.SCHEDULED  # a paused scheduled batch waits for its time
    await batches.pause(made)
    made = await SendBatch.get(id=made.id)
    await batches.resume(made, now=NOON + timedelta(hours=2))
    made = await SendBatch.get(id=made.id)
    assert made.status is BatchStatus.SENDING
    await batches.cancel(made, now=NOON)
    made = await SendBatch.get(id=made.id)
    assert made.status is BatchStatus.CANCELLED
    assert made.counts["skip_cancelled"] == 40
    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: NOON)
    assert outcome.state == "stopped" and await OutboxMessage.filter().count() == 0


async def test_test_send_and_unknown_after_72h(db: None) -> None:
    made, _ = await _imported()
    with pytest.raises(FormInvalid):
        await batches.add_test_numbers(made, " ".join(PHONES[:6]), attempt=1)
    tests = await batches.add_test_numbers(made, "13700137000 13600136000", attempt=1)
    assert len(tests) == 2
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON, tests_only=True)
    assert await OutboxMessage.filter().count() == 2
    assert (await SendBatch.get(id=made.id)).status is BatchStatus.DRAFT
    assert await mark_unknown(NOON + timedelta(hours=73), 72) == 2


async def test_unknown_after_72h_is_counted_on_the_batch(db: None) -> None:
    made, _ = await _imported()
    await _start(made)
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    first = await Delivery.filter(batch_id=made.id).order_by("id").first()
    assert first is not None
    runtime.use(options())  # no simulated failures
    await deliver_outbox_reports(NOON)  # every report arrives …
    await Delivery.filter(id=first.id).update(status=DeliveryStatus.SENT)  # … but this one
    assert await mark_unknown(NOON + timedelta(hours=71), 72) == 0
    assert await mark_unknown(NOON + timedelta(hours=73), 72) == 1
    counts = (await SendBatch.get(id=made.id)).counts
    assert (counts["unknown"], counts["delivered"], counts["submitted"]) == (1, 39, 40)


PLAIN_SMS_DOC: dict[str, Any] = {
    "version": 2, "kind": "text", "text": "{{name}}您好，双11特惠",
    "variables": [{"name": "name", "sample": "张三"}],
    "fallback": {"type": "sms", "text": "{{name}}您好，双11特惠"},
}


async def test_the_batch_fallback_overrides_the_messages(db: None) -> None:
    ws = await workspace()
    plain = await batch(ws, doc=PLAIN_SMS_DOC)
    assert plain.link_days == 0  # nothing carries a link: no personalised links, cookie UV
    with pytest.raises(FormInvalid) as refused:
        await batch(ws, doc=PLAIN_SMS_DOC, fallback=FallbackPolicy.VIDEO_SMS)
    assert "fallback" in refused.value.errors
    with pytest.raises(FormInvalid) as refused:  # SMS + CH5 link needs the CH5 page
        await batch(ws, doc=PLAIN_SMS_DOC, fallback=FallbackPolicy.SMS_CH5)
    assert "fallback" in refused.value.errors
    ch5 = await batch(ws, doc={**PLAIN_SMS_DOC, "ch5": True}, fallback=FallbackPolicy.SMS_CH5)
    assert ch5.link_days == 3
    await import_rows(ch5, csv_rows(PHONES[:10]), gateway=OutboxGateway(options()),
                      required=("name",), links=True)
    ch5 = await SendBatch.get(id=ch5.id)
    await _start(ch5)
    await run_batch(ch5.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    texts = [m.payload["text"] for m in await OutboxMessage.filter(channel=Channel.SMS)]
    assert texts and all("https://t.example.cn/" in t for t in texts)


async def test_bulk_insert_keeps_a_taken_code(db: None) -> None:
    """A chunk with a code another link has: the others go in (COPY falls back to
    INSERT … ON CONFLICT on PostgreSQL), the existing link is untouched."""
    from studio.sending.importing import _LINK_COLUMNS
    from studio.sending.sql import insert_many

    ws = await workspace()
    await ShortLink.create(workspace=ws, code="TAKEN12345", target_url="https://a.example.cn/")
    rows = [(ws.id, code, "批次", "https://b.example.cn/", None, None, None, "", "{}", False, 0,
             None, NOON, NOON) for code in ("NEWCODE001", "TAKEN12345", "NEWCODE002")]
    await insert_many("short_link", _LINK_COLUMNS, rows, conflict="code")
    targets = dict(await ShortLink.filter(workspace_id=ws.id).values_list("code", "target_url"))
    assert targets == {"TAKEN12345": "https://a.example.cn/", "NEWCODE001": "https://b.example.cn/",
                       "NEWCODE002": "https://b.example.cn/"}


@pytest.mark.parametrize("text, expected", [
    ("R", True), ("r", True), ("ＴＤ", True), ("Td", True), (" 退订 ", True), ("退订。", True),
    ("td!", True), ("ｒ", True), ("退订吧我不要了", False), ("TD12", False), ("", False),
    ("好的", False)])
def test_opt_out_words(text: str, expected: bool) -> None:
    from studio.sending.reports import is_opt_out

    assert is_opt_out(text) is expected
