"""A marketer builds a 3-card carousel with floating buttons in a real browser against a real
server process, watches the phone preview follow the typing, submits it, a reviewer approves
it, and the exported JSON renders to GSMA JSON. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from renderers import codec, rcs
from renderers.context import RenderContext
from tests.browser.support import ARTIFACTS, first_login, set_up_owner, wait_swapped

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REVIEWER = ("reviewer@example.cn", "reviewer password 1")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_carousel_with_floating_buttons_submit_approve_export(
    server: str, chromium: Browser
) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    owner = chromium.new_context(viewport={"width": 1280, "height": 900},
                                 accept_downloads=True, locale="zh-CN")
    page = owner.new_page()
    page.set_default_timeout(10_000)
    temp_password = _setup_and_add_reviewer(page, server)
    mid = _build_carousel(page, server)
    _screenshots(page)
    _submit(page)
    reviewer = chromium.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    _approve(reviewer.new_page(), server, mid, temp_password)
    reviewer.close()
    page.reload()
    expect(page.locator(".msg-head .badge")).to_have_text("已通过")
    with page.expect_download() as info:
        page.click("text=导出 JSON")
    exported = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    for name, path in (("list", "/messages"), ("history", f"/messages/{mid}/history"),
                       ("gsma", f"/messages/{mid}/gsma")):
        page.goto(f"{server}{path}")
        page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{server}/messages")
    page.screenshot(path=str(ARTIFACTS / "list-375.png"), full_page=True)
    owner.close()
    message = codec.from_json(exported)
    assert message.kind.value == "carousel" and len(message.cards) == 3
    assert [s.action.type for s in message.suggestions] == ["dial", "show_location"]
    output = rcs.render(message, RenderContext()).output
    assert "botmessage" in json.dumps(output)


def _setup_and_add_reviewer(page, server: str) -> str:  # type: ignore[no-untyped-def]
    set_up_owner(page, server)
    page.goto(f"{server}/settings/members")
    page.fill("#f-login", REVIEWER[0])
    page.select_option("#f-role", "reviewer")
    page.click("form[action$='/settings/members/add'] button[type=submit]")
    return page.locator("code.secret").inner_text().strip()


def _build_carousel(page, server: str) -> int:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(f"{server}/messages")
    page.click("text=新建消息")
    page.fill("#f-name", "春季上新轮播")
    page.check("input[name=kind][value=carousel]")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#msg-form")
    mid = int(page.url.rstrip("/").rsplit("/", 1)[-1])

    # submitting an empty carousel is refused: the editor comes back with the problems
    page.click("button[value=submit]")
    expect(page.locator(".alert")).to_contain_text("不能提交审核")
    expect(page.locator("#e-cards-0 .error")).to_be_visible()
    # a 10 MB paste is refused with a message, and the editor stays
    # (hidden first: laying out 10 million characters would stall the browser, not the app)
    page.evaluate("""() => { const t = document.getElementById('f-text');
        t.style.display = 'none'; t.value = 'x'.repeat(10000000); }""")
    page.click("button[value=save]")
    expect(page.locator("#msg-alert")).to_contain_text("过大")
    page.evaluate("""() => { const t = document.getElementById('f-text');
        t.value = ''; t.style.display = ''; }""")

    # the preview follows the typing, debounced
    title = page.locator("#f-cards-0-title")
    title.press_sequentially("春装八折", delay=40)
    typed = time.monotonic()
    first_title = page.locator(".pv-rcs .pv-card").nth(0).locator(".pv-title")
    expect(first_title).to_have_text("春装八折")
    elapsed = time.monotonic() - typed
    assert elapsed < 2.0, f"preview took {elapsed:.2f}s after the last keystroke"
    page.fill("#f-cards-0-description", "新品上市，全场八折")
    page.fill("#f-cards-1-title", "夏装预售")
    page.fill("#f-cards-1-description", "预订立减 50 元")

    page.click("button[value='add:cards']")
    wait_swapped(page, "#f-cards-2-title")
    page.fill("#f-cards-2-title", "会员专享")
    page.fill("#f-cards-2-description", "积分翻倍")

    # a card button that opens a web page
    page.click("button[value='add:cards-0-buttons']")
    wait_swapped(page, "#f-cards-0-buttons-0-label")
    page.fill("#f-cards-0-buttons-0-label", "立即购买")
    page.select_option("#f-cards-0-buttons-0-action-type", "open_url")
    wait_swapped(page, "#f-cards-0-buttons-0-action-url")
    page.fill("#f-cards-0-buttons-0-action-url", "https://shop.example.cn/spring")

    # two floating buttons: dial and show a place
    page.click("button[value='add:suggestions']")
    wait_swapped(page, "#f-suggestions-0-label")
    page.fill("#f-suggestions-0-label", "联系客服")
    page.select_option("#f-suggestions-0-action-type", "dial")
    wait_swapped(page, "#f-suggestions-0-action-phone")
    page.fill("#f-suggestions-0-action-phone", "+8610086")
    page.click("button[value='add:suggestions']")
    wait_swapped(page, "#f-suggestions-1-label")
    page.fill("#f-suggestions-1-label", "附近门店")
    page.select_option("#f-suggestions-1-action-type", "show_location")
    wait_swapped(page, "#f-suggestions-1-action-query")
    page.fill("#f-suggestions-1-action-query", "北京王府井")

    expect(page.locator(".pv-rcs .pv-card")).to_have_count(3)
    expect(page.locator(".pv-rcs .pv-chip")).to_have_text(["☎ 联系客服", "◎ 附近门店"])
    expect(page.locator(".pv-rcs .pv-card").nth(0).locator(".pv-btn")).to_contain_text("立即购买")
    expect(page.locator(".pv-note")).to_have_count(0)  # no problems left
    page.click("button[value=save]")
    expect(page.locator(".notice")).to_have_text("草稿已保存")
    return mid


def _screenshots(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "editor-desktop.png"), full_page=True)
    page.check("input[name=pv-mode][value=ch5]")
    page.locator(".phone").screenshot(path=str(ARTIFACTS / "preview-ch5.png"))
    page.check("input[name=pv-mode][value=rcs]")
    page.set_viewport_size({"width": 375, "height": 800})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "editor-375.png"), full_page=True)
    page.locator(".phone-col").screenshot(path=str(ARTIFACTS / "preview-375.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the editor scrolls sideways at 375 px ({width} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def _submit(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.click("button[value=submit]")
    expect(page.locator(".msg-head .badge")).to_have_text("审核中")
    expect(page.locator("#f-cards-0-title")).to_be_disabled()


def _approve(page, server: str, mid: int, temp_password: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.set_default_timeout(10_000)
    first_login(page, server, REVIEWER[0], temp_password, REVIEWER[1])
    page.goto(f"{server}/messages?status=in_review")
    page.click("text=春季上新轮播")
    page.click("button[value=approve]")
    expect(page.locator(".msg-head .badge")).to_have_text("已通过")
    page.screenshot(path=str(ARTIFACTS / "approved-375.png"), full_page=True)
