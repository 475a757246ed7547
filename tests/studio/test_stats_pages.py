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


def test_formulas_are_neutralised() -> None:
    assert [safe_cell(v) for v in ["=1+1", "+1", "-1", "@x", "ok", 5, None]] == [
        "'=1+1", "'+1", "'-1", "'@x", "ok", 5, None]


async def test_unknown_scope_and_bad_dates(owner_client: httpx.AsyncClient) -> None:
    assert (await owner_client.get("/stats/nothing/1")).status_code == 404
    response = await owner_client.get("/stats", params={"from": "garbage", "to": "2026-99-01",
                                                        "by": "week"})
    assert response.status_code == 200
