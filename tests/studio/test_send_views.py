"""The sending pages through the app: upload → number parsing table → test send → send →
reports; masked numbers in HTML and exports; the analysis table against an independent
count of generated visits; carrier callbacks (signature, replay, another workspace)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import secrets
from datetime import UTC, datetime, timedelta

import httpx
import openpyxl
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from h5.rollups import build_batch, write_batch
from h5.tracking import LinkRef, RawVisit
from h5.visitor import Visitor
from studio.models.accounts import Workspace
from studio.models.audit import AuditLog
from studio.models.links import ShortLink
from studio.models.sending import Delivery, DeliveryStatus, OptOut, OutboxMessage, SendBatch
from studio.models.templates import Signature
from studio.sending import runtime
from studio.sending.jobs import deliver_outbox_reports
from studio.settings import SendingOptions
from tests.conftest import csrf_of
from tests.studio.test_send_support import approved_signature, approved_version, options

FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CALLBACK_SECRET = "cb-secret-0123456789"


def _soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def _run_jobs(app: Starlette) -> None:
    while await app.state.runner.run_once():
        pass


async def _setup(app: Starlette) -> tuple[Workspace, int]:
    opts = options(outbox_5g_share=0.5)
    app.state.settings = app.state.settings.with_(
        sending=SendingOptions(**{**opts.__dict__, "http_callback_secret": CALLBACK_SECRET}))
    runtime.use(app.state.settings.sending)
    ws = await Workspace.first()
    assert ws is not None
    version = await approved_version(ws)
    await approved_signature(ws)
    return ws, version.id


def _csv(n: int) -> bytes:
    lines = ["手机号,name"] + [f"1380013{i:04d},客户{i}" for i in range(n)]
    lines += ["13800130000,重复", "12345,坏号码"]
    return "\n".join(lines).encode("gbk")


async def _signature_id() -> int:
    sig = await Signature.filter(text="示例科技").first()
    assert sig is not None
    return sig.id


async def _create(client: httpx.AsyncClient, version_id: int) -> str:
    token = await csrf_of(client, "/sending/new")
    response = await client.post(
        f"/sending/new?csrf_token={token}",
        data={"name": "双11", "source": f"m:{version_id}", "category": "notification",
              "link_days": "3", "signature": str(await _signature_id())},
        files={"file": ("名单.csv", _csv(20), "text/csv")})
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def test_batch_from_upload_to_reports(
    owner_client: httpx.AsyncClient, app: Starlette
) -> None:
    ws, version_id = await _setup(app)
    url = await _create(owner_client, version_id)
    importing = _soup(await owner_client.get(url))
    assert importing.select_one("#send-status[hx-get$='?poll=import'] progress") is not None
    await _run_jobs(app)
    done = await owner_client.get(url + "?poll=import", headers={"HX-Request": "true"})
    assert done.headers.get("HX-Refresh") == "true"  # the page reloads with its controls
    page = _soup(await owner_client.get(url))
    cells = {td["data-key"]: td.get_text(" ", strip=True).split(" ")[0]
             for td in page.select(".parse-table td[data-key]")}
    assert (cells["total"], cells["duplicates"], cells["invalid"]) == ("22", "1", "1")
    assert int(cells["capable"]) + int(cells["not_capable"]) == 20
    assert page.select_one("a[href$='invalid.csv']") is not None
    phones = [td.get_text(strip=True) for td in page.select(".recipients td.phone")]
    assert phones and all(re.fullmatch(r"138\*\*\*\*\d{4}", p) for p in phones)
    assert not FULL_PHONE.search(page.get_text())

    token = await csrf_of(owner_client, url)
    bad = await owner_client.post(url + "/test", data={
        "csrf_token": token, "test_numbers": " ".join(f"1390013900{i}" for i in range(6))})
    assert bad.status_code == 422
    await owner_client.post(url + "/test", data={"csrf_token": token,
                                                 "test_numbers": "13900139000"})
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    late = await owner_client.post(url + "/start", data={
        "csrf_token": token, "when": "later", "scheduled_at": past})
    assert late.status_code == 422
    assert _soup(late).select_one(".error") is not None
    start = await owner_client.post(url + "/start", data={"csrf_token": token, "when": "now"})
    assert start.status_code == 303
    await _run_jobs(app)
    assert await OutboxMessage.filter().count() == 21  # 20 recipients + 1 test
    await deliver_outbox_reports(datetime.now(UTC))
    batch = await SendBatch.get(workspace_id=ws.id)
    assert await Delivery.filter(batch_id=batch.id, status=DeliveryStatus.DELIVERED).count() == 21

    # masked exports, formula-neutralised; full numbers for the owner only, audited
    exported = (await owner_client.get(url + "/export.csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][0] == "号码" and len(rows) == 21
    assert all(re.fullmatch(r"138\*\*\*\*\d{4}", r[0]) for r in rows[1:])
    book = openpyxl.load_workbook(io.BytesIO((await owner_client.get(
        url + "/export.xlsx?full=1")).content))
    assert FULL_PHONE.fullmatch(str(book.active.cell(2, 1).value))
    assert await AuditLog.filter(action="send.export_full_phone").exists()
    records = _soup(await owner_client.get("/sending/records?phone=+86 138-0013-0001"))
    assert [td.get_text(strip=True) for td in records.select("td.phone")] == ["138****0001"]
    outbox = _soup(await owner_client.get("/sending/outbox"))
    # message ids are UUIDs whose hex may hold an 11-digit run: drop them before looking
    shown = UUID_RE.sub("", outbox.get_text())
    assert len(outbox.select("td.phone")) == 21 and not FULL_PHONE.search(shown)
    volume = _soup(await owner_client.get("/sending/volume"))
    assert [td.get_text() for td in volume.select("table.volume")[0].select("td.num")] == [
        "20", "20"]


def _visitor(i: int) -> Visitor:
    return Visitor(ip=f"198.51.100.{i % 7}", user_agent="Mozilla/5.0 (iPhone) Mobile Safari",
                   referrer="", visitor_id=f"{i:032x}")


async def test_analysis_table_matches_an_independent_count(
    owner_client: httpx.AsyncClient, app: Starlette
) -> None:
    ws, version_id = await _setup(app)
    await _create(owner_client, version_id)
    await _run_jobs(app)
    batch = await SendBatch.get(workspace_id=ws.id)
    links = await ShortLink.filter(batch_id=batch.id).order_by("id")
    now = datetime.now(UTC)
    raws, opened, ips = [], set(), set()
    for i in range(60):
        link = links[(i * 7) % 9]  # 9 of the 20 recipients open, some several times
        ref = LinkRef(link.id, ws.id, link.message_id, batch.id, "Asia/Shanghai")
        raws.append(RawVisit.for_link(ref, _visitor(i), now, ch5=True))
        opened.add(link.id)
        ips.add(_visitor(i).ip)
    from tortoise.connection import get_connection

    await write_batch(get_connection("default"),
                      build_batch(raws, app.state.settings.ip_hash_key))
    table = _soup(await owner_client.get("/sending"))
    row = table.select_one(f"#batch-{batch.id}")
    assert row is not None
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells[0] == batch.number
    assert cells[4:7] == ["60", str(len(opened)), str(len(ips))]
    assert "详情" in cells[-1]

    # the export counts each recipient's opens; link codes only in the full export
    exported = (await owner_client.get(f"/sending/{batch.id}/export.csv")).content
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    opens = sorted(int(r["打开次数"]) for r in rows if int(r["打开次数"]))
    expected = sorted(sum(1 for i in range(60) if (i * 7) % 9 == k) for k in range(9))
    assert opens == expected and {r["个性化短链"] for r in rows} == {""}
    full = (await owner_client.get(f"/sending/{batch.id}/export.csv?full=1")).content
    codes = {r["个性化短链"] for r in csv.DictReader(io.StringIO(full.decode("utf-8-sig")))}
    assert codes == {link.code for link in links}


def _signed(body: bytes, *, nonce: str | None = None, secret: str = CALLBACK_SECRET) -> dict[
        str, str]:
    ts = str(int(datetime.now(UTC).timestamp()))
    nonce = nonce or secrets.token_hex(8)
    sig = hmac.new(secret.encode(), f"{ts}\n{nonce}\n".encode() + body,
                   hashlib.sha256).hexdigest()
    return {"X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": sig,
            "Content-Type": "application/json"}


async def test_callbacks_verify_and_reject_replays(
    owner_client: httpx.AsyncClient, app: Starlette
) -> None:
    ws, version_id = await _setup(app)
    await _create(owner_client, version_id)
    await _run_jobs(app)
    batch = await SendBatch.get(workspace_id=ws.id)
    delivery = await Delivery.filter(batch_id=batch.id).first()
    assert delivery is not None
    await Delivery.filter(id=delivery.id).update(status=DeliveryStatus.SENT)
    body = json.dumps({"deliveryInfoList": [{"messageId": delivery.message_uid,
                                             "status": "DeliveryImpossible",
                                             "errorCode": "undeliverable"}]}).encode()
    path = f"/gateway/ctcu/{ws.id}/status"
    forged = await owner_client.post(path, content=body,
                                     headers=_signed(body, secret="wrong"))
    assert forged.status_code == 401
    other = await Workspace.create(name="别人")
    elsewhere = await owner_client.post(f"/gateway/ctcu/{other.id}/status", content=body,
                                        headers=_signed(body))
    assert elsewhere.json() == {"accepted": 0, "ignored": 1}
    headers = _signed(body)
    ok = await owner_client.post(path, content=body, headers=headers)
    assert ok.json() == {"accepted": 1, "ignored": 0}
    replay = await owner_client.post(path, content=body, headers=headers)
    assert replay.status_code == 401
    again = await owner_client.post(path, content=body, headers=_signed(body))
    assert again.json() == {"accepted": 0, "ignored": 1}  # a duplicate report changes nothing
    failed = await Delivery.get(id=delivery.id)
    assert (failed.status, failed.error_code) == (DeliveryStatus.FAILED, "undeliverable")

    uplink = json.dumps({"messageId": "up-1", "senderAddress": "tel:+8613800130003",
                         "messageList": [{"contentType": "text/plain",
                                          "contentText": "退订"}]}).encode()
    stored = await owner_client.post(f"/gateway/ctcu/{ws.id}/uplink", content=uplink,
                                     headers=_signed(uplink))
    assert stored.json()["opt_out"] is True
    assert await OptOut.filter(workspace_id=ws.id, phone="13800130003").exists()
    optouts = _soup(await owner_client.get("/sending/optouts"))
    assert [td.get_text() for td in optouts.select("td.phone")] == ["13800130003"]
    replies = _soup(await owner_client.get("/sending/replies"))
    assert [td.get_text() for td in replies.select("td.phone")] == ["138****0003"]
    assert replies.select_one("td .badge") is not None and not FULL_PHONE.search(
        replies.get_text())

    token = await csrf_of(owner_client, "/sending/optouts")
    bad = await owner_client.post("/sending/optouts", data={"csrf_token": token,
                                                            "phones": "12345"})
    assert bad.status_code == 422 and _soup(bad).select_one(".has-error #f-phones")
    added = await owner_client.post("/sending/optouts", data={
        "csrf_token": token, "phones": "13900139000，+86 139-0013-9001"})
    assert added.status_code == 303
    sources = dict(await OptOut.filter(workspace_id=ws.id).values_list("phone", "source"))
    assert sources == {"13800130003": "reply", "13900139000": "manual",
                       "13900139001": "manual"}
    assert await AuditLog.filter(action="send.add_optouts").exists()
