"""The issue's "done when", by a marketer in a real browser against a real server process: a
signature registered with its licence and approved by a reviewer; a marketing SMS with a
variable and a short link inserted at the cursor, the exact segment count shown, the opt-out
appended; a video SMS of three frames (text with a CH5 link, an uploaded image, text) within
1.8 MB, approved, its package downloaded and checked. Screenshots at 375 px go to
test-artifacts/ (tpl-*.png)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import pytest
from PIL import Image

from studio.sms_templates import counting, export
from tests.browser.support import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    chromium,
    database_url,
    first_login,
    server,
)
from tests.browser.test_editor import REVIEWER, _setup_and_add_reviewer
from tests.studio.test_video_sms import SMIL_NS

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _files(tmp: Path) -> tuple[Path, Path]:
    licence = tmp / "营业执照.pdf"
    licence.write_bytes(PDF)
    poster = tmp / "海报.png"
    image = Image.effect_noise((600, 400), 40).convert("RGB")
    image.save(poster, "PNG")
    return licence, poster


def _login_reviewer(page, server: str, temp_password: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    first_login(page, server, REVIEWER[0], temp_password, REVIEWER[1])


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"tpl-{name}-375.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name} scrolls sideways at 375 px ({width} px wide)"


def test_marketer_signature_sms_and_video_sms(
    server: str, chromium: Browser, tmp_path: Path  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    licence, poster = _files(tmp_path)
    owner = chromium.new_context(viewport={"width": 375, "height": 800},
                                 accept_downloads=True, locale="zh-CN")
    page = owner.new_page()
    page.set_default_timeout(15_000)
    temp_password = _setup_and_add_reviewer(page, server)
    reviewer_ctx = chromium.new_context(viewport={"width": 375, "height": 800},
                                        locale="zh-CN")
    reviewer = reviewer_ctx.new_page()
    reviewer.set_default_timeout(15_000)
    _login_reviewer(reviewer, server, temp_password)

    # 1. a signature with its business licence, approved by the reviewer
    page.goto(f"{server}/signatures/new")
    page.fill("#f-text", "示例科技")
    page.fill("#f-purpose", "会员营销通知")
    page.set_input_files("#f-file-0", str(licence))
    _shot(page, "signature-new")
    page.click("#sig-form button.primary")
    expect(page.locator("#sig-status")).to_have_text("待审核")
    sig_url = page.url
    reviewer.goto(sig_url)
    reviewer.click("button[value=approve]")
    expect(reviewer.locator("#sig-status")).to_have_text("审核通过")
    page.reload()
    _shot(page, "signature-detail")

    # 2. a marketing SMS: variable and short link at the cursor, exact count, opt-out
    page.goto(f"{server}/sms-templates/new")
    page.fill("#f-name", "双11会员营销")
    page.select_option("#f-kind", "marketing")
    page.select_option("#f-signature", label="【示例科技】")
    page.fill("#f-text", "您好，双11全场5折，详情")
    page.evaluate("() => { const t = document.getElementById('f-text');"
                  " t.focus(); t.setSelectionRange(3, 3); }")
    page.fill("#f-new_var", "name")
    page.click("button[value=insert_var]")
    expect(page.locator("#f-text")).to_have_value("您好，{{name}}双11全场5折，详情")
    # the cursor came back right after the variable: typing goes there
    page.keyboard.type("会员")
    expect(page.locator("#f-text")).to_have_value("您好，{{name}}会员双11全场5折，详情")
    page.evaluate("() => { const t = document.getElementById('f-text');"
                  " t.focus(); t.setSelectionRange(t.value.length, t.value.length); }")
    page.fill("#f-link_url", "https://shop.example.cn/double11")
    page.click("button[value=insert_link]")
    text = page.locator("#f-text").input_value()
    assert text.startswith("您好，{{name}}会员双11全场5折，详情 http")
    expect(page.locator("#e-text")).to_have_count(0)
    expect(page.locator(".opt-out")).to_contain_text("拒收请回复R")
    page.click("button.append-opt-out")
    final = page.locator("#f-text").input_value()
    assert final.endswith("拒收请回复R")
    # type one more character: the live counter follows (htmx, debounced)
    page.locator("#f-text").press("End")
    page.keyboard.type("。")
    final += "。"
    # the short link counts as the personalised link a batch sends under {server}/s
    expected = counting.count(final.strip().replace("{{name}}", "name"), "示例科技",
                              counting.sms_options(f"{server}/s"))
    expect(page.locator("#sms-counter .chars")).to_have_text(str(expected.chars))
    expect(page.locator("#sms-counter .segments")).to_have_text(str(expected.segments))
    _shot(page, "sms-editor")
    page.click("#sms-form button.primary[value=save]")
    expect(page.locator("#sms-status")).to_have_text("草稿")
    page.click("button[value=submit]")
    expect(page.locator("#sms-status")).to_have_text("审核中")
    sms_url = page.url.split("?")[0]
    reviewer.goto(sms_url)
    reviewer.click("button[value=approve]")
    expect(reviewer.locator("#sms-status")).to_have_text("已通过")

    # an approved message to link to (生成CH5)
    page.goto(f"{server}/messages")
    page.click("text=新建消息")
    page.fill("#f-name", "双11活动页")
    page.check("input[name=kind][value=text]")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#msg-form")
    page.fill("#f-text", "双11全场5折，会员再享9折")
    page.click("button[value=save]")
    expect(page.locator(".notice")).to_have_text("草稿已保存")
    mid = page.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    page.click("button[value=submit]")
    expect(page.locator(".msg-head .badge")).to_have_text("审核中")
    reviewer.goto(f"{server}/messages/{mid}")
    reviewer.click("button[value=approve]")
    expect(reviewer.locator(".msg-head .badge")).to_have_text("已通过")

    # 3. a video SMS of three frames with a CH5 link, within 1.8 MB
    page.goto(f"{server}/media")
    page.set_input_files("#media-file", str(poster))
    page.click("form.media-upload button.primary")
    expect(page.locator("#media-uploads")).to_contain_text("海报")
    page.goto(f"{server}/video-sms/new")
    page.fill("#f-name", "双11视频短信")
    page.fill("#f-title", "双11大促")
    page.select_option("#f-signature", label="【示例科技】")
    page.click("#vsms-form button.primary[value=save]")
    page.wait_for_url("**/video-sms/*")
    page.click("button[value=add_text]")
    page.fill("#f-frame-0", "{{name}}您好，双11来了")
    page.fill("#f-variables", "name=王先生")
    for _ in range(30):  # the upload is transcoded by the server's job runner
        if page.locator("#f-new_asset option", has_text="海报").count():
            break
        page.wait_for_timeout(1000)
        page.click("button[value=check]")
    page.select_option("#f-new_asset", label="海报.png")
    page.click("button[value=add_media]")
    page.click("button[value=add_text]")
    page.fill("#f-frame-2", "活动详情：")
    page.locator("#f-frame-2").press("End")
    page.select_option("#f-ch5", label="双11活动页（v1）")
    page.click("button[value=insert_ch5]")
    third = page.locator("#f-frame-2").input_value()
    assert third.startswith("活动详情： http")
    expect(page.locator("#vsms-total")).not_to_have_class("error")
    _shot(page, "video-sms-editor")
    page.click("#vsms-form button.primary[value=save]")
    expect(page.locator(".notice")).to_have_text("已保存")
    expect(page.locator(".frame")).to_have_count(3)
    page.click("button[value=submit]")
    expect(page.locator("#vsms-status")).to_have_text("审核中")
    reviewer.goto(page.url.split("?")[0])
    reviewer.click("button[value=approve]")
    expect(reviewer.locator("#vsms-status")).to_have_text("已通过")
    page.reload()
    page.click("text=手机预览")
    expect(page.locator(".vsms-title")).to_have_text("【示例科技】双11大促")
    _shot(page, "video-sms-preview")
    page.go_back()
    with page.expect_download() as info:
        page.click(".vsms-links a.export")
    package = Path(info.value.path()).read_bytes()
    for name, path in (("sms-preview", f"{sms_url}/preview?approved=1&v_name=李女士"),
                       ("signature-list", "/signatures"),
                       ("sms-list", "/sms-templates"), ("video-sms-list", "/video-sms")):
        page.goto(path if path.startswith("http") else f"{server}{path}")
        _shot(page, name)
    expect(page.locator(".vsms-table .carriers")).to_contain_text("移动–")
    owner.close()
    reviewer_ctx.close()
    archive = zipfile.ZipFile(io.BytesIO(package))
    smil = ET.fromstring(archive.read(export.SMIL_NAME))
    refs = [(child.tag.removeprefix(SMIL_NS), child.get("src"))
            for par in smil.findall(f"{SMIL_NS}body/{SMIL_NS}par") for child in par]
    assert [tag for tag, _ in refs] == ["text", "img", "text"]
    assert all(src in archive.namelist() for _, src in refs)
    assert sum(archive.getinfo(src).file_size for _, src in refs) <= 1_800_000
    assert "/s/" in archive.read(refs[2][1]).decode()
