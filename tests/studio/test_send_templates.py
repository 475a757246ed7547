"""Batches from approved text SMS and video SMS templates: the approved snapshot is sent
with its 【签名】 and personalised short links, only to the numbers of carriers that approved
the version (others skipped with a reason), and a carrier approving later still gets its
numbers; unapproved templates and signatures are refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from studio.errors import FormInvalid
from studio.gateways.outbox import OutboxGateway
from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.models.messages import ReviewStatus
from studio.models.sending import (
    BatchKind,
    Category,
    Channel,
    Delivery,
    DeliveryStatus,
    OutboxMessage,
    SendBatch,
)
from studio.models.templates import (
    Carrier,
    CarrierReview,
    CarrierStatus,
    Signature,
    SmsKind,
    SmsTemplate,
    VideoSmsTemplate,
)
from studio.sending import batches
from studio.sending.batches import BatchSpec, create_batch
from studio.sending.carriers import carrier_of
from studio.sending.importing import import_rows
from studio.sending.jobs import import_plan
from studio.sending.sender import run_batch
from tests.studio.test_send_support import NOON, options, workspace

LINK_TARGET = "https://shop.example.com/double11?from=sms"
#: two numbers each of China Mobile, China Unicom and China Telecom
PHONES = ["13800138000", "13900139000", "13000130000", "18600186000", "13300133000",
          "18900189000"]


async def _short_link(ws: Workspace) -> ShortLink:
    return await ShortLink.create(workspace=ws, code="Dbl11x", name="双11落地页",
                                  target_url=LINK_TARGET)


async def _review(ws: Workspace, subject: str, template_id: int, carrier: Carrier,
                  status: CarrierStatus, carrier_template_id: str = "") -> None:
    await CarrierReview.update_or_create(
        subject_type=subject, subject_id=template_id, version=1, carrier=carrier,
        defaults={"workspace_id": ws.id, "status": status,
                  "carrier_template_id": carrier_template_id})


async def sms_template(ws: Workspace, *, kind: SmsKind = SmsKind.MARKETING,
                       approved: bool = True, signature: str = "示例科技") -> SmsTemplate:
    sig = await Signature.filter(workspace_id=ws.id, text=signature).first()
    text = "{{name}}您好，双11全场5折 https://t.example.cn/Dbl11x 拒收请回复R"
    snap = {"version": 1, "name": "双11短信", "kind": kind.value,
            "signature_id": sig.id if sig else None, "signature": signature, "text": text,
            "variables": [{"name": "name", "sample": "张三"}]}
    row = await SmsTemplate.create(
        workspace=ws, name="双11短信", kind=kind, signature=sig, text=text,
        status=ReviewStatus.APPROVED if approved else ReviewStatus.IN_REVIEW,
        approved=snap if approved else None, approved_version=1 if approved else None,
        variables=snap["variables"])
    if approved:
        await _review(ws, "sms_template", row.id, Carrier.MOBILE, CarrierStatus.APPROVED, "M001")
        await _review(ws, "sms_template", row.id, Carrier.UNICOM, CarrierStatus.REJECTED)
        await _review(ws, "sms_template", row.id, Carrier.TELECOM, CarrierStatus.PENDING)
    return row


async def _imported(ws: Workspace, spec: BatchSpec) -> SendBatch:
    made = await create_batch(ws.id, None, spec, now=NOON)
    required, targets = await import_plan(made)
    rows = [["手机号", "name"], *[[p, f"客户{i}"] for i, p in enumerate(PHONES)]]
    await import_rows(made, rows, gateway=OutboxGateway(options()), required=required,
                      links=targets)
    made = await SendBatch.get(id=made.id)
    await batches.start_now(made, now=NOON, link_base="https://t.example.cn")
    return made


def test_carrier_by_number_segment() -> None:
    assert [carrier_of(p) for p in PHONES] == ["mobile", "mobile", "unicom", "unicom",
                                               "telecom", "telecom"]
    assert carrier_of("17001234567") == "telecom" and carrier_of("17031234567") == "mobile"
    assert carrier_of("12345678901") == ""


async def test_sms_template_batch_sends_to_approving_carriers_only(db: None) -> None:
    ws = await workspace()
    await _short_link(ws)
    template = await sms_template(ws)
    with pytest.raises(FormInvalid) as refused:  # the template has a link: days are needed
        await create_batch(ws.id, None, BatchSpec("双11", kind=BatchKind.SMS,
                                                  template_id=template.id), now=NOON)
    assert "link_days" in refused.value.errors
    spec = BatchSpec("双11", kind=BatchKind.SMS, template_id=template.id, link_days=2,
                     category=Category.NOTIFICATION)
    made = await _imported(ws, spec)
    assert made.category is Category.MARKETING  # the template's kind, not the form's
    assert (made.template_version, made.signature) == (1, "示例科技")
    assert made.counts["carrier_mobile"] == made.counts["carrier_unicom"] == 2
    # the template is edited and re-approved later: this batch still sends its snapshot
    await SmsTemplate.filter(id=template.id).update(text="改过的内容")

    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: NOON)
    assert outcome.state == "completed"
    sent = await OutboxMessage.filter().order_by("phone")
    assert [m.phone for m in sent] == PHONES[:2]
    texts = [m.payload["text"] for m in sent]
    assert all(t.startswith("【示例科技】客户") and "双11全场5折" in t for t in texts)
    assert {m.payload["template_id"] for m in sent} == {"M001"}
    codes = [re.search(r"https://t\.example\.cn/(\w+)", t).group(1) for t in texts]  # type: ignore[union-attr]
    assert "Dbl11x" not in codes and len(set(codes)) == 2
    links = await ShortLink.filter(code__in=codes)
    assert {link.target_url for link in links} == {LINK_TARGET}
    assert {link.batch_id for link in links} == {made.id}
    assert {link.variables["name"] for link in links} == {"客户0", "客户1"}

    skipped = await Delivery.filter(batch_id=made.id, status=DeliveryStatus.SKIPPED)
    assert sorted(d.phone for d in skipped) == sorted(PHONES[2:])
    assert {d.skip_reason for d in skipped} == {"carrier"}
    assert (await SendBatch.get(id=made.id)).counts["skip_carrier"] == 4


async def test_a_carrier_approving_before_the_send_gets_its_numbers(db: None) -> None:
    ws = await workspace()
    await _short_link(ws)
    template = await sms_template(ws)
    made = await _imported(ws, BatchSpec("双11", kind=BatchKind.SMS, template_id=template.id,
                                         link_days=1))
    await _review(ws, "sms_template", template.id, Carrier.TELECOM, CarrierStatus.APPROVED,
                  "T009")
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    by_phone = {m.phone: m.payload["template_id"] for m in await OutboxMessage.all()}
    assert by_phone == {PHONES[0]: "M001", PHONES[1]: "M001", PHONES[4]: "T009",
                        PHONES[5]: "T009"}


async def test_unapproved_template_and_signature_are_refused(db: None) -> None:
    ws = await workspace()
    draft = await sms_template(ws, approved=False)
    with pytest.raises(FormInvalid) as refused:
        await create_batch(ws.id, None, BatchSpec("x", kind=BatchKind.SMS,
                                                  template_id=draft.id), now=NOON)
    assert "source" in refused.value.errors
    other = await Workspace.create(name="别人")
    foreign = await sms_template(other, signature="别人")
    with pytest.raises(FormInvalid):
        await create_batch(ws.id, None, BatchSpec("x", kind=BatchKind.SMS,
                                                  template_id=foreign.id), now=NOON)
    withdrawn = await sms_template(ws)
    await Signature.filter(workspace_id=ws.id).update(withdrawn_at=NOON)
    with pytest.raises(FormInvalid) as refused:
        await create_batch(ws.id, None, BatchSpec("x", kind=BatchKind.SMS, link_days=1,
                                                  template_id=withdrawn.id), now=NOON)
    assert "已注销" in refused.value.errors["source"]


async def test_video_sms_template_goes_by_the_carriers_template_id(db: None) -> None:
    ws = await workspace()
    sig = await Signature.get(workspace_id=ws.id)
    frames: list[dict[str, Any]] = [{"kind": "text", "text": "{{name}}，双11视频"}]
    snap = {"version": 1, "name": "双11视频", "title": "{{name}}的双11", "signature_id": sig.id,
            "signature": sig.text, "profile": "video_sms", "frames": frames,
            "variables": [{"name": "name", "sample": "张三"}], "total_bytes": 40}
    row = await VideoSmsTemplate.create(workspace=ws, name="双11视频", title="{{name}}的双11",
                                        signature=sig, frames=frames, approved=snap,
                                        approved_version=1, status=ReviewStatus.APPROVED)
    for carrier in Carrier:
        await _review(ws, "video_sms_template", row.id, carrier, CarrierStatus.APPROVED,
                      f"V-{carrier.value}")
    made = await _imported(ws, BatchSpec("视频", kind=BatchKind.VIDEO_SMS,
                                         template_id=row.id))
    assert made.counts["to_send"] == 6 and made.counts.get("capable") == 0
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    sent = {m.phone: m for m in await OutboxMessage.all()}
    assert len(sent) == 6 and {m.channel for m in sent.values()} == {Channel.VIDEO_SMS}
    first = sent[PHONES[2]].payload
    assert first["video_template_id"] == "V-unicom"
    assert first["title"] == "客户2的双11" and first["params"] == {"name": "客户2"}


async def _one_recipient_sms_batch() -> tuple[Any, SendBatch]:
    """A text SMS template batch (short link, 1-day links) with 王先生 imported."""
    ws = await workspace()
    await _short_link(ws)
    template = await sms_template(ws)
    made = await create_batch(ws.id, None, BatchSpec(
        "双11", kind=BatchKind.SMS, template_id=template.id, link_days=1), now=NOON)
    required, targets = await import_plan(made)
    await import_rows(made, [["手机号", "name"], [PHONES[0], "王先生"]],
                      gateway=OutboxGateway(options()), required=required, links=targets)
    made = await SendBatch.get(id=made.id)
    return ws, made


async def test_test_send_of_a_template_batch(db: None) -> None:
    ws, made = await _one_recipient_sms_batch()
    made.link_base = "https://t.example.cn"
    await made.save()
    tests = await batches.add_test_numbers(made, f"{PHONES[1]} {PHONES[2]}", attempt=1)
    assert {t.channel for t in tests} == {Channel.SMS}
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON, tests_only=True)
    sent = await OutboxMessage.all()
    assert [m.phone for m in sent] == [PHONES[1]]  # the Unicom number: not approved there
    assert sent[0].payload["text"].startswith("【示例科技】王先生您好")
    code = re.search(r"https://t\.example\.cn/(\w+)", sent[0].payload["text"]).group(1)  # type: ignore[union-attr]
    link = await ShortLink.get(code=code)
    assert link.batch_id is None  # test opens stay out of the batch's numbers
    skipped = await Delivery.get(batch_id=made.id, phone=PHONES[2])
    assert (skipped.status, skipped.skip_reason) == (DeliveryStatus.SKIPPED, "carrier")


async def test_a_withdrawn_signature_stops_the_start(db: None) -> None:
    ws, made = await _one_recipient_sms_batch()
    await Signature.filter(workspace_id=ws.id).update(withdrawn_at=NOON)
    with pytest.raises(FormInvalid) as refused:
        await batches.start_now(made, now=NOON, link_base="https://t.example.cn")
    assert "已注销" in refused.value.errors["recipients"]


async def test_the_batch_page_shows_the_sms_as_the_first_recipient_gets_it(
    owner_client: Any, app: Any
) -> None:
    from bs4 import BeautifulSoup

    ws = await Workspace.get()
    await Signature.create(workspace=ws, text="示例科技", status=ReviewStatus.APPROVED)
    await _short_link(ws)
    template = await sms_template(ws)
    made = await _imported(ws, BatchSpec("双11", kind=BatchKind.SMS, template_id=template.id,
                                         link_days=1))
    page = BeautifulSoup((await owner_client.get(f"/sending/{made.id}")).text, "html.parser")
    sample = page.select_one("pre.sample-sms")
    assert sample is not None
    text = sample.get_text()
    assert text.startswith("【示例科技】客户0您好") and "https://t.example.cn/" in text
    assert "Dbl11x" not in text and "{{" not in text
