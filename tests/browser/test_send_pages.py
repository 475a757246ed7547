"""The sending pages with their static files (static/send-1.css, static/send-1.js) in a real
browser against a real server process: a batch sent by the server's own worker, some of its
personalised links opened through the h5 app, and the batch page's hourly chart drawn by uPlot
from the JSON island; the new-batch form's script adds number fields. Screenshots of the batch
page and the volume page at 375 and 1280 px go to test-artifacts/ (send-*.png); neither page
scrolls sideways at 375 px."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from studio.db import close_db, init_db
from studio.gateways.outbox import OutboxGateway
from studio.models.accounts import Workspace
from studio.models.sending import BatchStatus, Category, Delivery, SendBatch
from studio.sending import batches
from studio.sending.importing import import_rows
from tests.browser.support import ARTIFACTS, seed, set_up_owner
from tests.studio.test_send_support import approved_signature, batch, csv_rows, options

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONES = [f"1380013{i:04d}" for i in range(30)]
HOURS = 6  #: the sends are spread over the last hours, so the chart has bars to draw
#: a phone's browser (a client without one counts as a bot, apart from the opens)
PHONE_UA = ("Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/119.0.0.0 Mobile Safari/537.36")


async def _sent_batch(database_url: str, server: str) -> tuple[int, list[str]]:
    """A notification batch (no send window) started beside the running server, whose worker
    sends it; then its sends spread over the last hours. Returns the id and link codes."""
    await init_db(database_url, migrate=False)
    try:
        ws = await Workspace.get()
        await approved_signature(ws)
        made = await batch(ws, category=Category.NOTIFICATION)
        await import_rows(made, csv_rows(PHONES), gateway=OutboxGateway(options()),
                          required=("name",), links=True)
        now = datetime.now(UTC)
        await batches.start_now(await SendBatch.get(id=made.id), now=now,
                                link_base=f"{server}/s")
        for _ in range(120):
            if (await SendBatch.get(id=made.id)).status is BatchStatus.COMPLETED:
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError("the server's worker did not send the batch")
        rows = await Delivery.filter(batch_id=made.id, is_test=False).order_by("id")
        for i, row in enumerate(rows):
            row.sent_at = now - timedelta(hours=HOURS - 1 - i % HOURS)
            await row.save(update_fields=["sent_at"])
        return made.id, [r.link_code for r in rows if r.link_code]
    finally:
        await close_db()


def _shot(page: Page, name: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(300)  # the chart follows a resize after 150 ms
    page.screenshot(path=str(ARTIFACTS / f"send-{name}-{width}.png"), full_page=True)
    if width == 375:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 375, f"{name} scrolls sideways at 375 px ({scroll} px wide)"


#: how many pixels of the chart's canvas are drawn on (not transparent)
_INKED = """() => {
  const canvas = document.querySelector('#send-chart canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
  return inked;
}"""


def test_batch_chart_and_new_batch_form(server: str, database_url: str,
                                        chromium: Browser) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    set_up_owner(page, server)
    batch_id, codes = seed(_sent_batch(database_url, server))
    for code in codes[:8]:  # recipients open their personalised CH5 links on their phones
        opened = httpx.get(f"{server}/s/{code}", headers={"User-Agent": PHONE_UA}, timeout=10)
        assert opened.status_code == 200

    url = f"{server}/sending/{batch_id}"
    deadline = time.monotonic() + 20
    while True:  # the h5 app writes its visits in batches, a second or so later
        page.goto(url)
        opens = [int(t) for t in page.locator("table.hourly td:nth-child(3)").all_inner_texts()]
        if sum(opens) >= 8 or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert sum(opens) == 8
    sends = [int(t) for t in page.locator("table.hourly td:nth-child(2)").all_inner_texts()]
    assert sum(sends) == len(PHONES) and len(sends) >= HOURS

    # uPlot drew the chart from the island: a canvas with ink, the legend's series labels
    expect(page.locator("#send-chart canvas")).to_have_count(1)
    legend = page.locator("#send-chart .u-legend .u-series .u-label").all_inner_texts()
    assert legend == ["时间", "发送", "打开"]
    assert page.evaluate(_INKED) > 500
    assert page.locator("link[href$='/static/send-1.css']").count() == 1
    background = page.locator(".subnav").evaluate(
        "el => getComputedStyle(el).borderBottomStyle")
    assert background == "solid"  # send-1.css applies
    expect(page.locator(".funnel meter.bar").first).to_be_visible()
    for width in (1280, 375):
        _shot(page, "detail", width)
    canvas_width = page.locator("#send-chart canvas").evaluate("c => c.clientWidth")
    assert 200 <= canvas_width <= 375  # the chart followed the narrow screen

    page.goto(f"{server}/sending/volume")
    expect(page.locator("table.volume").first).to_be_visible()
    for width in (375, 1280):
        _shot(page, "volume", width)

    # the new-batch form's script (now in send-1.js): the add-a-field button shows and works
    page.goto(f"{server}/sending/new")
    add = page.locator("#add-typed")
    expect(add).to_be_visible()
    add.click()
    expect(page.locator("#typed-fields textarea")).to_have_count(4)
    assert errors == []
