"""A recipient opens a personalised CH5 link on a phone-sized screen with JavaScript off, in a
real Chromium against a real server process, and taps every button. Screenshots go to
test-artifacts/ (375 px wide); the page must not scroll sideways at 320 px."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.browser.support import ARTIFACTS, seed

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def _seed(database_url: str) -> str:
    """A workspace with the card message, its keyword reply and a personalised CH5 link."""
    from studio.db import close_db, init_db
    from studio.links.service import create_personalised_link
    from studio.models.accounts import Workspace
    from studio.models.messages import ChatbotProfile, Message, MessageVersion, ReviewStatus
    from tests.h5.documents import CARD, REPLY

    await init_db(database_url, migrate=False)
    try:
        workspace = await Workspace.create(name="浏览器测试")
        bot = await ChatbotProfile.create(workspace=workspace, name="示例银行")
        versions = []
        for name, document in (("开业", CARD), ("预留", {
                **REPLY, "trigger": {"type": "keywords", "keywords": ["want"]}})):
            message = await Message.create(workspace=workspace, name=name, kind=document["kind"],
                                           chatbot=bot, approved_version=1)
            versions.append(await MessageVersion.create(
                workspace=workspace, message=message, number=1, document=document,
                status=ReviewStatus.APPROVED))
        link = await create_personalised_link(
            workspace.id, batch_id=1, recipient="138****0000",
            variables={"city": "上海", "name": "李雷"}, message_version_id=versions[0].id)
        return link.code
    finally:
        await close_db()


@pytest.fixture
def seeded(server: str, database_url: str) -> tuple[str, str]:
    """The server's base URL and the personalised CH5 link's code."""
    return server, seed(_seed(database_url))


def test_recipient_taps_every_button_without_javascript(
    seeded: tuple[str, str], chromium: Browser
) -> None:
    base, code = seeded
    ARTIFACTS.mkdir(exist_ok=True)
    page_url = f"{base}/s/{code}"
    outside: list[str] = []
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, java_script_enabled=False,
        user_agent="Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, "
                   "like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36", accept_downloads=True)

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(base):
            route.continue_()
        else:  # the page itself must never ask for these; taps may (and stop here)
            outside.append(request.url)
            route.fulfill(status=200, content_type="text/html", body="<p>outside</p>")

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(page_url)
    assert outside == [], "the CH5 page loaded something from a third party"
    assert page.locator("header h1").inner_text() == "示例银行"
    assert page.locator(".card h2").inner_text() == "上海旗舰店开业"
    assert page.locator(".bubble p").first.inner_text() == "李雷您好，冬季新品已上架"
    page.screenshot(path=str(ARTIFACTS / "ch5_card_375.png"), full_page=True)

    # open_url: a tracked redirect to the stored target
    page.get_by_role("link", name="查看详情").click()
    page.wait_for_url("https://shop.example.com/**")
    assert page.url == "https://shop.example.com/open/%E4%B8%8A%E6%B5%B7"
    # show_location: a Chinese map's public URL with GCJ-02 coordinates
    page.goto(page_url)
    page.get_by_role("link", name="导航到店").click()
    page.wait_for_url("https://uri.amap.com/**")
    assert "coordinate=gaode" in page.url
    # dial and open_app: plain links the phone hands to the dialer / the app
    page.goto(page_url)
    assert page.get_by_role("link", name="拨打电话").get_attribute("href") == \
        "tel:+861088886666"
    app = page.get_by_role("link", name="打开App", exact=True)
    assert app.get_attribute("href") == "exampleshop://item/1"
    # open_app's web fallback: a tracked redirect to the stored fallback page
    page.get_by_role("link", name="打开App（网页版）").click()
    page.wait_for_url("https://shop.example.com/item/1")
    page.goto(page_url)
    # calendar: an .ics download
    with page.expect_download() as download:
        page.get_by_role("link", name="加入日历").click()
    ics = Path(download.value.path()).read_text()
    assert "BEGIN:VEVENT" in ics and "SUMMARY:旗舰店开业" in ics
    # reply: a form post, answered by the workspace's keyword message
    page.get_by_role("button", name="想要").click()
    page.wait_for_url(f"**/-/reply/{code}/s0")
    assert "已为您预留" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "ch5_reply_375.png"), full_page=True)
    # request_location without JavaScript: an explanation and a typed answer
    page.goto(page_url)
    page.get_by_role("link", name="发送位置").click()
    page.screenshot(path=str(ARTIFACTS / "ch5_location_375.png"), full_page=True)
    page.get_by_label("您的位置").fill("上海市徐汇区")
    page.get_by_role("button", name="发送位置").click()
    assert "已收到" in page.locator("main").inner_text()
    context.close()

    narrow = chromium.new_context(viewport={"width": 320, "height": 640})
    narrow.route("**/*", guard)
    small = narrow.new_page()
    small.goto(page_url + "?nostat")
    width = small.evaluate("document.documentElement.scrollWidth")
    small.screenshot(path=str(ARTIFACTS / "ch5_card_320.png"), full_page=True)
    assert width <= 320
    narrow.close()
    stats = httpx.get(f"{base}/s/-/health").text
    assert "ok" in stats
