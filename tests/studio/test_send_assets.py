"""The 发送 pages take their styles and scripts from static files (static/send-1.css and
static/send-1.js, linked in the head like the other pages' own files): no inline <style>,
<script> or style attribute; a batch page's hourly chart reads its numbers from a JSON island
and is drawn with vendored uPlot."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup

from studio.gateways.outbox import OutboxGateway
from studio.models.accounts import Workspace
from studio.models.sending import SendBatch
from studio.sending import batches
from studio.sending.importing import import_rows
from studio.sending.sender import run_batch
from tests.studio.test_send_support import NOON, approved_signature, batch, csv_rows, options

PAGES = ["/sending", "/sending/new", "/sending/records", "/sending/outbox", "/sending/volume",
         "/sending/optouts", "/sending/replies", "/sending/settings"]


def _paths(page: BeautifulSoup, selector: str, attribute: str) -> list[str]:
    return [urlsplit(el[attribute]).path for el in page.select(selector)]


def _no_inline_code(page: BeautifulSoup) -> None:
    assert page.select("style") == []
    assert page.select("[style]") == []
    inline = [s for s in page.select("script:not([src])") if s.get("type") != "application/json"]
    assert inline == []


async def _started_batch(ws: Workspace) -> SendBatch:
    await approved_signature(ws)
    made = await batch(ws)
    await import_rows(made, csv_rows([f"1380013{i:04d}" for i in range(6)]),
                      gateway=OutboxGateway(options()), required=("name",), links=True)
    await batches.start_now(await SendBatch.get(id=made.id), now=NOON,
                            link_base="https://t.example.cn")
    await run_batch(made.id, gateway=OutboxGateway(options()), options=options(),
                    clock=lambda: NOON)
    return await SendBatch.get(id=made.id)


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/").replace("/", "-") for p in PAGES])
async def test_send_pages_link_their_static_files(owner_client: httpx.AsyncClient,
                                                  path: str) -> None:
    response = await owner_client.get(path)
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    _no_inline_code(page)
    sheets = _paths(page, 'head link[rel="stylesheet"]', "href")
    assert sheets.index("/static/studio-1.css") < sheets.index("/static/send-1.css")
    assert "/static/send-1.js" in _paths(page, "head script[src][defer]", "src")
    assert "/static/uplot-1.6.32.iife.min.js" not in _paths(page, "script[src]", "src")


async def test_batch_page_chart_reads_the_json_island(owner_client: httpx.AsyncClient) -> None:
    made = await _started_batch(await Workspace.get())
    response = await owner_client.get(f"/sending/{made.id}")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    _no_inline_code(page)
    scripts = _paths(page, "head script[src][defer]", "src")
    # uPlot before the page script, both deferred, so the chart finds uPlot defined
    assert scripts.index("/static/uplot-1.6.32.iife.min.js") < scripts.index(
        "/static/send-1.js")
    assert "/static/uplot-1.6.32.min.css" in _paths(page, 'head link[rel="stylesheet"]', "href")
    island = page.select_one('#send-chart-data[type="application/json"]')
    assert island is not None and page.select_one("#send-chart") is not None
    data = json.loads(island.get_text())
    rows = [[td.get_text() for td in tr.select("td")]
            for tr in page.select("table.hourly tbody tr")]
    assert [[label, str(sent), str(opens)] for label, sent, opens
            in zip(data["labels"], data["sent"], data["opens"], strict=True)] == rows
    assert sum(data["sent"]) == 6
    # the funnel's bars are <meter> elements, not inline widths
    bars = page.select(".funnel meter.bar")
    assert bars and float(bars[0]["value"]) == 100.0


async def test_static_files_are_served_and_carry_the_moved_code(
        client: httpx.AsyncClient) -> None:
    css = await client.get("/static/send-1.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for selector in (".subnav", ".send-form fieldset", ".funnel meter.bar", ".kv dd"):
        assert selector in css.text
    js = await client.get("/static/send-1.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    for needle in ('getElementById("send-chart-data")', "new uPlot(", 'getElementById("f-source")'):
        assert needle in js.text
