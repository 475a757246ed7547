"""The http gateway against the fake CTCU carrier on 127.0.0.1: token, signature,
capability, retries with backoff on 500 and timeouts (never a second message), giving up
with a reason, and exactly-once across a crash between "accepted" and "row updated"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from studio.gateways.base import Outgoing, SendResult
from studio.gateways.http import HttpGateway
from studio.models.sending import Channel, Delivery, DeliveryStatus, SendBatch
from studio.sending import batches
from studio.sending.importing import import_rows
from studio.sending.sender import run_batch
from tests.sending_fake_carrier import Carrier, running_carrier
from tests.studio.test_send_support import NOON, batch, csv_rows, options, workspace

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _gateway(carrier: Carrier, **changes: Any) -> HttpGateway:
    settings = {"gateway": "http", "http_base_url": carrier.url,
                "http_app_id": carrier.app_id, "http_app_key": carrier.app_key,
                "http_timeout_seconds": 0.3, "http_retries": 3, "http_backoff_seconds": 0.01}
    return HttpGateway(options(**{**settings, **changes}))


def _sms(uid: str) -> Outgoing:
    return Outgoing(1, uid, "13800138000", Channel.SMS, {"text": "【示例】你好"})


async def test_send_capability_and_signature() -> None:
    async with running_carrier(Carrier(capable={"13800138000"})) as carrier:
        gateway = _gateway(carrier)
        try:
            found = await gateway.capabilities(["13800138000", "13900139000"])
            assert found == {"13800138000": True, "13900139000": False}
            assert (await gateway.send(_sms("m-1"), now=NOW)) == SendResult.ok()
            again = await gateway.send(_sms("m-1"), now=NOW)
            assert again.accepted and again.duplicate
            assert list(carrier.received) == ["m-1"]
            assert carrier.received["m-1"]["destinationAddress"] == ["tel:+8613800138000"]
        finally:
            await gateway.aclose()
        wrong = _gateway(carrier, http_app_key="not-the-key")
        try:
            refused = await wrong.send(_sms("m-2"), now=NOW)
            assert (refused.accepted, refused.error_code) == (False, "auth")
        finally:
            await wrong.aclose()


async def test_retries_on_500_and_timeout_without_duplicates() -> None:
    async with running_carrier(Carrier(fail_500=2, hang=1)) as carrier:
        gateway = _gateway(carrier)
        try:
            assert (await gateway.send(_sms("m-1"), now=NOW)).accepted
            # the hung attempt reached the carrier; the retry was recognised as the same one
            assert list(carrier.received) == ["m-1"]
            carrier.fail_500 = 10
            gave_up = await gateway.send(_sms("m-2"), now=NOW)
            assert (gave_up.accepted, gave_up.error_code) == (False, "http_5xx")
            assert "m-2" not in carrier.received
        finally:
            await gateway.aclose()


class CrashAfterAccept:
    name = "crashing"

    def __init__(self, inner: HttpGateway, after: int) -> None:
        self.inner, self.after, self.calls = inner, after, 0

    async def capabilities(self, phones: Any) -> dict[str, bool]:
        return await self.inner.capabilities(phones)

    async def send(self, message: Outgoing, *, now: datetime) -> SendResult:
        result = await self.inner.send(message, now=now)
        self.calls += 1
        if self.calls == self.after:
            raise RuntimeError("killed between accepted and row updated")
        return result

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize("crash_after", [1, 9], ids=["first", "ninth"])
async def test_exactly_once_through_the_carrier(db: None, crash_after: int) -> None:
    phones = [f"1370013{i:04d}" for i in range(12)]
    async with running_carrier(Carrier(capable=set(phones[::2]))) as carrier:
        made = await batch(await workspace())
        gateway = _gateway(carrier)
        await import_rows(made, csv_rows(phones), gateway=gateway, required=("name",),
                          links=True)
        made = await SendBatch.get(id=made.id)
        await batches.start_now(made, now=NOON, link_base="https://t.example.cn")
        with pytest.raises(RuntimeError):
            await run_batch(made.id, gateway=CrashAfterAccept(gateway, crash_after),
                            options=options(), clock=lambda: NOON)
        fresh = _gateway(carrier)  # the restarted process
        await run_batch(made.id, gateway=fresh, options=options(), clock=lambda: NOON)
        await fresh.aclose()
        assert len(carrier.received) == 12 and carrier.duplicates == 1
        sent = await Delivery.filter(batch_id=made.id, status=DeliveryStatus.SENT).count()
        assert sent == 12
        rcs = [b for b in carrier.received.values() if "messageList" in b]
        assert len(rcs) == 6 and all(b["messageId"] in carrier.received for b in rcs)
        await gateway.aclose()


async def test_template_sms_and_video_sms_bodies() -> None:
    """A template SMS carries the carrier's template id; a video SMS goes by the carrier's
    video template id with the recipient's values, never as text."""
    async with running_carrier(Carrier()) as carrier:
        gateway = _gateway(carrier)
        try:
            sms = Outgoing(1, "t-1", "13800138000", Channel.SMS,
                           {"text": "【示例】王先生您好", "template_id": "M001"})
            video = Outgoing(1, "v-1", "13000130000", Channel.VIDEO_SMS,
                             {"video_template_id": "U88123", "title": "王先生的双11",
                              "params": {"name": "王先生"}})
            assert (await gateway.send(sms, now=NOW)).accepted
            assert (await gateway.send(video, now=NOW)).accepted
        finally:
            await gateway.aclose()
    assert carrier.received["t-1"]["templateId"] == "M001"
    assert carrier.received["t-1"]["smsContent"] == "【示例】王先生您好"
    body = carrier.received["v-1"]
    assert (body["videoTemplateId"], body["params"]) == ("U88123", {"name": "王先生"})
    assert body["destinationAddress"] == ["tel:+8613000130000"] and "smsContent" not in body
