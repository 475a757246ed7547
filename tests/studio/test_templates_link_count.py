"""One counting rule for short links in text SMS templates: a link under the installation's
short-link base counts as the personalised link a batch sends in its place (base + "/" + 10
characters), in the editor's live counter, its 350-character save check, the preview and the
sent SMS, with and without SHORT_BASE_URL. At the 70/71 boundary the segment count the author
sees is the one each recipient's SMS is billed for."""

from __future__ import annotations

import re

import httpx
import pytest
from bs4 import BeautifulSoup

from renderers.sms import char_count, segment_count
from studio.gateways.outbox import OutboxGateway
from studio.models.accounts import Workspace
from studio.models.sending import BatchKind, Delivery, OutboxMessage, SendBatch
from studio.models.templates import SmsTemplate
from studio.sending import batches
from studio.sending.batches import BatchSpec, create_batch
from studio.sending.importing import import_rows
from studio.sending.jobs import import_plan
from studio.sending.payloads import TemplateComposer
from studio.sending.sender import run_batch
from studio.settings import Settings
from studio.sms_templates import counting
from tests.conftest import csrf_of
from tests.studio.test_send_support import NOON, options
from tests.studio.test_signatures import approved_signature, error_of

SIGNATURE = "示例科技"  # 【示例科技】: 6 characters
BASES = {"studio-s": "", "short-domain": "https://t.example.cn"}


@pytest.fixture(params=list(BASES), ids=list(BASES))
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    return settings.with_(short_base_url=BASES[request.param])


def _soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _numbers(page: BeautifulSoup, scope: str = "") -> tuple[int, int]:
    return (int(page.select_one(f"{scope} .chars").get_text()),
            int(page.select_one(f"{scope} .segments").get_text()))


async def _form(client: httpx.AsyncClient, sig_id: int, text: str = "") -> dict[str, str]:
    return {"csrf_token": await csrf_of(client, "/sms-templates/new"), "name": "发货通知",
            "kind": "notification", "signature": str(sig_id), "text": text, "variables": ""}


async def _inserted_link(client: httpx.AsyncClient, sig_id: int) -> str:
    """A short link inserted by the editor (its 6-character code, as written)."""
    inserted = await client.post("/sms-templates/new", data={
        **await _form(client, sig_id, "详情"), "op": "insert_link",
        "link_url": "https://shop.example.cn/order"})
    assert inserted.status_code == 200, inserted.text
    return _soup(inserted).select_one("#f-text").get_text().split()[-1]


def _text(total: int, link: str, length: int) -> str:
    """Filler, a space and the link: `total` characters with 【签名】 when the link counts
    as `length`."""
    return "中" * (total - 6 - 1 - length) + " " + link


@pytest.mark.parametrize(("total", "segments"), [(70, 1), (71, 2)], ids=["70", "71"])
async def test_editor_preview_and_sent_sms_count_alike(
        owner_client: httpx.AsyncClient, settings: Settings, total: int, segments: int) -> None:
    base = settings.short_base_url or "http://testserver/s"
    sig_id = await approved_signature(owner_client, SIGNATURE)
    link = await _inserted_link(owner_client, sig_id)
    assert re.fullmatch(re.escape(base) + r"/\w{6}", link)
    length = len(base) + 1 + 10  # a personalised link: 10 characters after the base
    text = _text(total, link, length)
    assert 6 + len(text) == total - 4  # as written, the link is 4 characters shorter

    counter = await owner_client.post("/sms-templates/count", headers={"HX-Request": "true"},
                                      data=await _form(owner_client, sig_id, text))
    assert _numbers(_soup(counter)) == (total, segments)
    note = _soup(counter).select_one(".sms-links").get_text()
    assert note == f"其中 1 个短链按发送时的个性化短链计，每个 {length} 字。"

    saved = await owner_client.post("/sms-templates/new", data={
        **await _form(owner_client, sig_id, text), "op": "save"})
    assert saved.status_code == 303, saved.text
    row = await SmsTemplate.get()
    token = await csrf_of(owner_client, "/")
    for decision in ("submit", "approve"):
        decided = await owner_client.post(f"/sms-templates/{row.id}/review",
                                          data={"decision": decision, "csrf_token": token})
        assert decided.status_code == 303, decided.text
    editor = _soup(await owner_client.get(f"/sms-templates/{row.id}"))
    assert _numbers(editor, "#sms-counter") == (total, segments)
    preview = _soup(await owner_client.get(f"/sms-templates/{row.id}/preview?approved=1"))
    assert _numbers(preview) == (total, segments)
    assert preview.select_one("#sms-preview-text").get_text() == f"【{SIGNATURE}】{text}"

    # a batch sends it with a personalised link: billed exactly as counted
    ws = await Workspace.get()
    carrier = await owner_client.post(f"/sms-templates/{row.id}/carrier", data={
        "carrier": "mobile", "status": "approved", "carrier_template_id": "M1",
        "csrf_token": token})
    assert carrier.status_code == 200, carrier.text
    made = await create_batch(ws.id, None, BatchSpec("发货", kind=BatchKind.SMS,
                                                     template_id=row.id, link_days=1), now=NOON)
    required, targets = await import_plan(made)
    await import_rows(made, [["手机号"], ["13800138000"]], gateway=OutboxGateway(options()),
                      required=required, links=targets)
    # the address the batch page starts a batch with (views.sending)
    await batches.start_now(await SendBatch.get(id=made.id), now=NOON,
                            link_base=counting.link_base(settings.short_base_url,
                                                         "http://testserver/"))
    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: NOON)
    assert outcome.state == "completed"
    (sent,) = await OutboxMessage.all()
    sms_text = sent.payload["text"]
    personal = sms_text.split()[-1]
    assert re.fullmatch(re.escape(base) + r"/\w{10}", personal) and personal != link
    assert sms_text == f"【{SIGNATURE}】{text}".replace(link, personal)
    assert char_count(sms_text) == total
    assert segment_count(char_count(sms_text)) == segments


async def test_the_save_check_counts_links_as_sent(owner_client: httpx.AsyncClient,
                                                   settings: Settings) -> None:
    """350 characters as written, 354 as sent: refused, with the count as sent."""
    base = settings.short_base_url or "http://testserver/s"
    sig_id = await approved_signature(owner_client, SIGNATURE)
    link = await _inserted_link(owner_client, sig_id)
    length = len(base) + 11
    over = _text(354, link, length)
    refused = await owner_client.post("/sms-templates/new", data={
        **await _form(owner_client, sig_id, over), "op": "save"})
    assert refused.status_code == 422
    assert error_of(refused, "text") == "短信内容连同签名共 354 字，超过上限 350 字"
    assert await SmsTemplate.all().count() == 0
    fits = await owner_client.post("/sms-templates/new", data={
        **await _form(owner_client, sig_id, _text(350, link, length)), "op": "save"})
    assert fits.status_code == 303, fits.text


def test_links_end_where_sending_finds_them() -> None:
    """The link pattern is the one sending uses to find a template's links, so both sides
    agree where a link ends."""
    from studio.sending import content

    assert counting.URL.pattern == content._URL.pattern
    options = counting.sms_options("https://t.example.cn")
    text = "详情https://t.example.cn/Ab3dE5；回复https://other.example/x"
    assert counting.short_links_in(text, options) == ("https://t.example.cn/Ab3dE5",)
    counted = counting.count(text, None, options)
    assert counted.chars == 2 + 31 + 3 + len("https://other.example/x")
    assert counting.sms_options("").short_link_prefixes == ()


@pytest.mark.parametrize(("total", "sent"), [(350, True), (351, False)], ids=["350", "351"])
async def test_sending_refuses_over_350_by_the_same_rule(db: None, total: int, sent: bool
                                                         ) -> None:
    """The composer counts a personalised link as the editor does (not as a fixed 22)."""
    base = "https://t.example.cn"
    written = f"{base}/Ab3dE5"
    content = {"text": _text(total, written, len(base) + 11), "signature": SIGNATURE,
               "links": [{"url": written}]}
    composer = TemplateComposer(BatchKind.SMS, content, base, {"mobile": "M1"})
    payload = composer.payload(Delivery(phone="13800138000", carrier="mobile", variables={},
                                        link_code="Xy3dE5fG7h"))
    if sent:
        assert isinstance(payload, dict) and char_count(payload["text"]) == total
        assert f"{base}/Xy3dE5fG7h" in payload["text"]
    else:
        assert payload == "too_long"
