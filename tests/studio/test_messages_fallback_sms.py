"""A 5G message's fallback SMS with the CH5 link ("SMS + CH5 link"): the editor's counter, its
save check and the SMS a batch sends count the CH5 link by one rule
(`studio.sms_templates.counting`), as the personalised link under the installation's link base.

The editor runs on http://testserver, so its links live under http://testserver/s and the CH5
link a batch sends is http://testserver/s/ + 10 characters: 30 characters, not the renderers'
default 22."""

from __future__ import annotations

import httpx
import pytest

from renderers.sms import char_count, segment_count
from studio.gateways.outbox import OutboxGateway
from studio.models.accounts import Workspace
from studio.models.messages import ChatbotProfile, MessageVersion
from studio.models.sending import (
    Channel,
    Delivery,
    DeliveryStatus,
    FallbackPolicy,
    OutboxMessage,
    SendBatch,
)
from studio.sending import batches
from studio.sending.importing import import_rows
from studio.sending.sender import run_batch
from tests.studio.test_messages import editor, new_message, post_editor, soup
from tests.studio.test_send_support import (
    NOON,
    approved_signature,
    batch,
    csv_rows,
    options,
)

BASE = "http://testserver/s"  #: the editor's link base (no SHORT_BASE_URL in the tests)
SIGNATURE = "示例科技"  #: 【示例科技】 is 6 characters
LINK = len(BASE) + 1 + 10  #: 30
PHONES = [f"1380013{i:04d}" for i in range(12)]


def _text(chars: int) -> str:
    """Fallback text whose SMS (【示例科技】 + text + space + CH5 link) has `chars`."""
    return "惠" * (chars - 6 - 1 - LINK)


async def _draft(client: httpx.AsyncClient, fallback_text: str) -> tuple[int, dict[str, str]]:
    """A text message as the chatbot signing 【示例科技】, falling back to SMS + CH5 link."""
    ws = await Workspace.get()
    bot = await ChatbotProfile.create(workspace=ws, name="示例客服", fallback_signature=SIGNATURE)
    mid = await new_message(client)
    form = await editor(client, mid)
    form.update({"chatbot": str(bot.id), "text": "双11特惠", "ch5": "on",
                 "fallback-type": "sms_ch5", "fallback-text": fallback_text})
    return mid, form


def _counter(response: httpx.Response) -> tuple[int, int]:
    count = soup(response).select_one("#fallback-count")
    assert count is not None, response.text
    return int(count.select_one(".chars").get_text()), int(count.select_one(".segments").get_text())


@pytest.mark.parametrize(("chars", "segments"), [(70, 1), (71, 2)], ids=["70-one", "71-two"])
async def test_editor_count_is_what_the_batch_sends(
    owner_client: httpx.AsyncClient, chars: int, segments: int
) -> None:
    mid, form = await _draft(owner_client, _text(chars))
    # the live counter (the preview fragment) and the saved editor page agree
    preview = await owner_client.post(f"/messages/{mid}/preview", data=form,
                                      headers={"HX-Request": "true"})
    assert _counter(preview) == (chars, segments)
    note = soup(preview).select_one("#fallback-count .sms-links").get_text()
    assert f"每个 {LINK} 字" in note
    saved = await post_editor(owner_client, mid, form)
    assert saved.status_code == 200, saved.text
    assert _counter(saved) == (chars, segments)
    assert not soup(saved).select("#e-fallback-text .error")

    # the same document sent by a batch whose links live under the editor's base
    ws = await Workspace.get()
    await approved_signature(ws, SIGNATURE)
    document = (await MessageVersion.get(message_id=mid)).document
    made = await batch(ws, doc=document, fallback=FallbackPolicy.SMS_CH5)
    await import_rows(made, csv_rows(PHONES), gateway=OutboxGateway(options()),
                      required=(), links=True)
    await batches.start_now(await SendBatch.get(id=made.id), now=NOON, link_base=BASE)
    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: NOON)
    assert outcome.state == "completed"
    sent = await OutboxMessage.filter(channel=Channel.SMS)
    rich = await OutboxMessage.filter(channel=Channel.RCS)
    assert sent and rich  # both sides of the capability split went out
    texts = [m.payload["text"] for m in sent] + [m.payload["smsContent"] for m in rich]
    for text in texts:
        assert text.startswith(f"【{SIGNATURE}】") and text.split()[-1].startswith(BASE + "/")
        assert len(text.split()[-1]) == LINK
        assert (char_count(text), segment_count(char_count(text))) == (chars, segments)


async def test_save_check_counts_the_ch5_link_as_sent(owner_client: httpx.AsyncClient) -> None:
    """The fallback text's 350-character check counts the SMS as the counter does: the
    chatbot's 【示例科技】 and the appended CH5 link (30 here). The longest text that passes is
    one a batch can send."""
    longest = _text(350)
    mid, form = await _draft(owner_client, longest)
    saved = await post_editor(owner_client, mid, form)
    assert _counter(saved) == (350, 6)
    assert not soup(saved).select("#e-fallback-text .error")
    saved = await post_editor(owner_client, mid, {**form, "fallback-text": longest + "惠",
                                                  "revision": "2"})
    assert _counter(saved)[0] == 351
    errors = soup(saved).select("#e-fallback-text .error")
    assert errors and "351" in errors[0].get_text()
    # submitting runs the same check
    token = soup(saved).select_one("#msg-form input[name=csrf_token]")
    submitted = await owner_client.post(f"/messages/{mid}/review", data={
        "decision": "submit", "csrf_token": token["value"] if token else ""})
    assert submitted.status_code == 422
    assert soup(submitted).select("#e-fallback-text .error")


async def _sent(ws: Workspace, fallback_text: str) -> list[OutboxMessage]:
    """Send a one-line batch of a text message falling back to `fallback_text` + CH5 link."""
    document = {"version": 2, "kind": "text", "text": "双11特惠", "ch5": True,
                "fallback": {"type": "sms_ch5", "text": fallback_text}}
    made = await batch(ws, doc=document, fallback=FallbackPolicy.SMS_CH5)
    await import_rows(made, csv_rows(PHONES), gateway=OutboxGateway(options(outbox_5g_share=0)),
                      required=(), links=True)
    await batches.start_now(await SendBatch.get(id=made.id), now=NOON, link_base=BASE)
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    return await OutboxMessage.filter(workspace_id=ws.id)


@pytest.mark.parametrize(("chars", "sent"), [(350, True), (351, False)],
                         ids=["350-sent", "351-refused"])
async def test_batch_refuses_a_fallback_sms_over_the_limit_as_sent(
    db: None, chars: int, sent: bool
) -> None:
    """The CH5 link counts as the 30 characters it has, not the renderers' default 22, so a
    fallback SMS of 351 characters is never handed to the carrier."""
    ws = await Workspace.create(name="示例科技")
    await approved_signature(ws, SIGNATURE)
    messages = await _sent(ws, _text(chars))
    if sent:
        assert len(messages) == len(PHONES)
        assert {char_count(m.payload["text"]) for m in messages} == {350}
    else:
        assert messages == []
        failed = await Delivery.filter(status=DeliveryStatus.FAILED).values_list(
            "error_code", flat=True)
        assert failed == ["render"] * len(PHONES)
