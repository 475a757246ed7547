"""The new-batch form (content from messages and templates, signature chosen from approved
ones and checked on the server), the workspace's send settings (window, caps, retention) and
the retention purge (numbers and raw visits go, the batch's numbers stay)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from tortoise.connection import get_connection

from h5.rollups import build_batch, write_batch
from h5.tracking import LinkRef, RawVisit
from h5.visitor import Visitor
from studio.gateways.outbox import OutboxGateway
from studio.models.accounts import Workspace
from studio.models.audit import AuditLog
from studio.models.links import ShortLink
from studio.models.messages import ReviewStatus
from studio.models.sending import BatchKind, BatchStatus, Delivery, SendBatch, SendSettings
from studio.models.templates import Signature
from studio.models.visits import Visit
from studio.sending import batches, runtime
from studio.sending.analytics import batch_numbers
from studio.sending.importing import import_rows
from studio.sending.jobs import purge
from studio.sending.sender import run_batch
from tests.conftest import csrf_of
from tests.studio.test_send_support import (
    NOON,
    approved_signature,
    approved_version,
    batch,
    csv_rows,
    options,
    workspace,
)
from tests.studio.test_send_templates import sms_template


def _soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def _owner_ws() -> Workspace:
    ws = await Workspace.first()
    assert ws is not None
    return ws


async def test_new_batch_form_offers_messages_templates_and_signatures(
    owner_client: httpx.AsyncClient, app: Starlette
) -> None:
    runtime.use(options())
    ws = await _owner_ws()
    version = await approved_version(ws)
    good = await approved_signature(ws, "示例科技")
    pending = await Signature.create(workspace=ws, text="待审签名", status=ReviewStatus.IN_REVIEW)
    template = await sms_template(ws)
    other = await Workspace.create(name="别人")
    foreign = await approved_signature(other, "别人家")

    page = _soup(await owner_client.get("/sending/new"))
    values = [o["value"] for o in page.select("#f-source option")]
    assert values == [f"m:{version.id}", f"s:{template.id}"]
    assert [g["label"] for g in page.select("#f-source optgroup")] == ["5G消息", "短信模板"]
    signatures = [o["value"] for o in page.select("#f-signature option") if o["value"]]
    assert signatures == [str(good.id)]  # not the pending one, not another workspace's

    token = await csrf_of(owner_client, "/sending/new")
    form = {"name": "双11", "source": f"m:{version.id}", "link_days": "3",
            "typed": "13800138000"}
    for bad in (str(pending.id), str(foreign.id), "示例科技"):
        refused = await owner_client.post(f"/sending/new?csrf_token={token}",
                                          data={**form, "signature": bad})
        assert refused.status_code == 422
        assert _soup(refused).select_one(".has-error #f-signature") is not None
    assert await SendBatch.all().count() == 0
    made = await owner_client.post(f"/sending/new?csrf_token={token}",
                                   data={**form, "signature": str(good.id)})
    assert made.status_code == 303
    assert (await SendBatch.get()).signature == "示例科技"
    made = await owner_client.post(f"/sending/new?csrf_token={token}", data={
        "name": "短信", "source": f"s:{template.id}", "link_days": "1", "typed": "13800138000"})
    assert made.status_code == 303
    sms = await SendBatch.get(kind=BatchKind.SMS)
    assert (sms.template_id, sms.signature) == (template.id, "示例科技")


async def test_send_settings_change_the_window_and_cap(
    owner_client: httpx.AsyncClient, app: Starlette
) -> None:
    runtime.use(options())
    ws = await _owner_ws()
    token = await csrf_of(owner_client, "/sending/settings")
    base = {"csrf_token": token, "window_start": "08:00", "window_end": "09:30",
            "marketing_cap_per_day": "2", "verification_cap_per_hour": "10",
            "phone_retention_days": "90", "visit_retention_days": "200"}
    bad = await owner_client.post("/sending/settings", data={**base, "window_end": "07:00"})
    assert bad.status_code == 422 and _soup(bad).select_one(".error") is not None
    for days in ("5", "500"):  # under a month, or longer than the installation keeps (400)
        bad = await owner_client.post("/sending/settings",
                                      data={**base, "visit_retention_days": days})
        assert bad.status_code == 422
        assert _soup(bad).select_one(".has-error #f-visit_retention_days") is not None
    saved = await owner_client.post("/sending/settings", data=base)
    assert saved.status_code == 303
    row = await SendSettings.get(workspace_id=ws.id)
    assert (row.marketing_window, row.marketing_cap_per_day) == ("08:00-09:30", 2)
    assert await AuditLog.filter(action="send.settings").exists()
    page = _soup(await owner_client.get("/sending/settings"))
    assert page.select_one("#f-window_end")["value"] == "09:30"

    await approved_signature(ws)
    made = await batch(ws)
    await import_rows(made, csv_rows(["13800138000"]), gateway=OutboxGateway(options()),
                      required=("name",), links=True)
    made = await SendBatch.get(id=made.id)
    await batches.start_now(made, now=NOON, link_base="https://t.example.cn")
    # NOON is 10:00 in Shanghai: inside the default 09:00-20:00, outside 08:00-09:30
    outcome = await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                              clock=lambda: NOON)
    assert outcome.state == "window"
    assert outcome.resume_at == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 next day


async def test_retention_purges_numbers_and_visits_but_keeps_the_numbers(db: None) -> None:
    runtime.use(options())
    ws = await workspace()
    made = await batch(ws)
    phones = [f"1380013{i:04d}" for i in range(6)]
    await import_rows(made, csv_rows(phones), gateway=OutboxGateway(options()),
                      required=("name",), links=True)
    made = await SendBatch.get(id=made.id)
    await batches.start_now(made, now=NOON, link_base="https://t.example.cn")
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    links = await ShortLink.filter(batch_id=made.id).order_by("id")
    visitor = Visitor(ip="198.51.100.7", user_agent="Mozilla/5.0 (iPhone) Mobile Safari",
                      referrer="", visitor_id="ab" * 16)
    old = NOON - timedelta(days=500)
    raws = [RawVisit.for_link(LinkRef(link.id, ws.id, link.message_id, made.id,
                                      "Asia/Shanghai"), visitor, at, ch5=True)
            for link, at in ((links[0], old), (links[1], old), (links[2], NOON))]
    await write_batch(get_connection("default"), build_batch(raws, "k" * 32))
    made = await SendBatch.get(id=made.id)
    before = (await batch_numbers(ws.id, [made]))[made.id]
    assert (before.submitted, before.pv, before.uv) == (6, 3, 3)

    await SendBatch.filter(id=made.id).update(finished_at=NOON - timedelta(days=200))
    later = NOON + timedelta(days=1)
    await SendSettings.create(workspace=ws, phone_retention_days=180, visit_retention_days=400)
    phones_purged, visits_purged = await purge(later)
    assert (phones_purged, visits_purged) == (6, 2)
    assert await Visit.filter(workspace_id=ws.id).count() == 1
    rows = await Delivery.filter(batch_id=made.id)
    assert {d.phone for d in rows} == {""} and {d.variables == {} for d in rows} == {True}
    assert {str(link.variables) for link in await ShortLink.filter(batch_id=made.id)} == {"{}"}
    after_batch = await SendBatch.get(id=made.id)
    assert after_batch.status is BatchStatus.COMPLETED
    after = (await batch_numbers(ws.id, [after_batch]))[made.id]
    assert after == before  # PV, UV, IP and counts come from rollups and counters


async def test_a_refused_file_and_the_test_send_results_show_on_the_batch_page(
    owner_client: httpx.AsyncClient, app: Starlette
) -> None:
    runtime.use(options())
    ws = await _owner_ws()
    version = await approved_version(ws)
    sig = await approved_signature(ws)
    token = await csrf_of(owner_client, "/sending/new")
    form = {"name": "双11", "source": f"m:{version.id}", "link_days": "3",
            "signature": str(sig.id)}
    bad = await owner_client.post(f"/sending/new?csrf_token={token}", data=form, files={
        "file": ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x")})
    while await app.state.runner.run_once():
        pass
    page = _soup(await owner_client.get(bad.headers["location"]))
    failed = page.select_one(".job-failed .job-message")
    assert failed is not None and ".xlsx" in failed.get_text()

    good = await owner_client.post(f"/sending/new?csrf_token={token}",
                                   data={**form, "typed": "13800138000 13900139000"})
    url = good.headers["location"]
    while await app.state.runner.run_once():
        pass
    await owner_client.post(url + "/test", data={"csrf_token": token,
                                                 "test_numbers": "13700137000"})
    waiting = _soup(await owner_client.get(url, headers={"HX-Request": "true"}))
    assert waiting.select_one("#send-status[hx-trigger]") is not None  # polls for the result
    while await app.state.runner.run_once():
        pass
    from studio.sending.jobs import deliver_outbox_reports

    await deliver_outbox_reports(datetime.now(UTC) + timedelta(minutes=1))
    done = _soup(await owner_client.get(url, headers={"HX-Request": "true"}))
    cells = [td.get_text(strip=True) for td in done.select(".test-sends td")]
    assert cells[:2] == ["137****7000", "发送成功"]
    assert done.select_one("#send-status[hx-trigger]") is None  # a draft: polling stops
