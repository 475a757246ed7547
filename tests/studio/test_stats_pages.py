"""统计 pages end to end: visits through the h5 app, then the pages and exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from starlette.applications import Starlette

from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.stats.export import safe_cell
from tests.h5.conftest import ANDROID_CHROME, GOOGLEBOT, IPHONE_WECHAT, flush


async def _visits(app: Starlette, link: ShortLink) -> None:
    for i, agent in enumerate([ANDROID_CHROME, IPHONE_WECHAT, IPHONE_WECHAT, GOOGLEBOT]):
        transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{i % 3}", 1000))
        async with httpx.AsyncClient(transport=transport, base_url="http://phone") as phone:
            await phone.get(f"/s/{link.code}", headers={"user-agent": agent,
                                                         "referer": "https://weibo.com/x"})
    await flush(app)


async def test_pages_show_the_counts(app: Starlette, owner_client: httpx.AsyncClient) -> None:
    workspace = await Workspace.first()
    link = await ShortLink.create(workspace=workspace, code="stat01", name="=HYPERLINK(1)",
                                  target_url="https://a.cn/")
    await _visits(app, link)
    today = datetime.now(ZoneInfo(workspace.timezone)).date().isoformat()
    page = BeautifulSoup((await owner_client.get(
        f"/stats/link/{link.id}", params={"from": today, "to": today})).text, "html.parser")
    kpis = {k: page.select_one(f"#kpi-{k}").get_text() for k in ("pv", "uv", "ip", "bots")}
    assert kpis == {"pv": "3", "uv": "3", "ip": "3", "bots": "1"}
    browsers = [td.get_text() for td in page.select("#by-browser td:first-child")]
    assert browsers == ["WeChat", "Chrome Mobile"]
    assert page.select_one("#by-referrer td").get_text() == "weibo.com"
    assert len(page.select("#series tbody tr")) == 24  # one day: by the hour
    assert page.select_one("script#chart-data") is not None
    overview = BeautifulSoup((await owner_client.get("/stats")).text, "html.parser")
    assert overview.select_one("#kpi-pv").get_text() == "3"
    assert overview.select_one("#top-links td a").get_text() == "=HYPERLINK(1)"

    exported = await owner_client.get(f"/stats/link/{link.id}/export.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[2][0] == "'=HYPERLINK(1)" and rows[2][2] == "3"
    xlsx = await owner_client.get(f"/stats/link/{link.id}/export.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["汇总"]["A2"].value == "'=HYPERLINK(1)"
    assert book["汇总"]["C2"].value == 3
    whole = await owner_client.get("/stats/export.csv", params={"from": today, "to": today})
    assert whole.status_code == 200
    cells = [row for row in csv.reader(io.StringIO(whole.content.decode("utf-8-sig")))]
    assert ["'=HYPERLINK(1)", "stat01", "3", "1", "0"] in cells
    assert (await owner_client.get("/stats/export.pdf")).status_code == 404


def test_formulas_are_neutralised() -> None:
    assert [safe_cell(v) for v in ["=1+1", "+1", "-1", "@x", "ok", 5, None]] == [
        "'=1+1", "'+1", "'-1", "'@x", "ok", 5, None]


async def test_unknown_scope_and_bad_dates(owner_client: httpx.AsyncClient) -> None:
    assert (await owner_client.get("/stats/nothing/1")).status_code == 404
    response = await owner_client.get("/stats", params={"from": "garbage", "to": "2026-99-01",
                                                        "by": "week"})
    assert response.status_code == 200


async def test_message_and_batch_pages(app: Starlette, owner_client: httpx.AsyncClient) -> None:
    from studio.models.sending import SendBatch
    from tests.h5.conftest import make_version
    from tests.h5.documents import CARD

    workspace = await Workspace.first()
    version = await make_version(workspace, CARD, name="冬季新品")
    batch = await SendBatch.create(workspace=workspace, number="B2026001", name="会员关怀",
                                   message_version=version, message_id=version.message_id)
    link = await ShortLink.create(workspace=workspace, code="ch5stat01x", batch_id=batch.id,
                                  message_version=version, message_id=version.message_id)
    for i, agent in enumerate([ANDROID_CHROME, IPHONE_WECHAT]):
        transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{i}", 1000))
        async with httpx.AsyncClient(transport=transport, base_url="http://phone") as phone:
            assert (await phone.get(f"/s/{link.code}", headers={"user-agent": agent})
                    ).status_code == 200
            assert (await phone.get(f"/s/-/b/{link.code}/c0b0", headers={"user-agent": agent})
                    ).status_code == 302
    await flush(app)

    overview = BeautifulSoup((await owner_client.get("/stats")).text, "html.parser")
    assert [a.get_text() for a in overview.select("#top-messages a")] == ["冬季新品"]
    assert [a.get_text() for a in overview.select("#top-batches a")] == ["会员关怀"]
    for kind, ident in (("message", version.message_id), ("batch", batch.id)):
        page = BeautifulSoup((await owner_client.get(f"/stats/{kind}/{ident}")).text,
                             "html.parser")
        assert page.select_one("#kpi-pv").get_text() == "2"
        assert page.select_one("#kpi-clicks").get_text() == "2"
        assert [td.get_text() for td in page.select("#buttons tbody td")] == ["查看详情", "2"]
    other = await Workspace.create(name="别人")
    theirs = await SendBatch.create(workspace=other, number="B2026002")
    assert (await owner_client.get(f"/stats/batch/{theirs.id}")).status_code == 404


async def test_by_the_hour_is_for_short_periods(owner_client: httpx.AsyncClient) -> None:
    long = BeautifulSoup((await owner_client.get("/stats", params={
        "from": "2026-01-01", "to": "2026-01-30", "by": "hour"})).text, "html.parser")
    assert long.select_one("#f-by option[selected]")["value"] == "day"
    assert len(long.select("#series tbody tr")) == 30
    month = BeautifulSoup((await owner_client.get("/stats", params={
        "from": "2026-01-20", "to": "2026-03-05", "by": "month"})).text, "html.parser")
    assert month.select_one("#f-from")["value"] == "2026-01-01"
    assert [td.get_text() for td in month.select("#series tbody td:first-child")] == [
        "2026-01", "2026-02", "2026-03"]
