"""Real pages in English: the owner's link, message and send lists with Accept-Language: en.

The page chrome (navigation, headings, buttons, table headers, labels, placeholders) must be
English; what users typed (names of the workspace, links, messages, batches) may be Chinese.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import openpyxl
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio import i18n
from studio.errors import RateLimited
from studio.i18n import Text
from studio.jobs import queue
from studio.models.accounts import Workspace
from studio.models.jobs import Job, JobStatus
from studio.models.messages import ReviewStatus
from studio.models.templates import Signature
from studio.web.templating import make_environment
from tests.conftest import OWNER, post_form
from tests.studio.test_i18n import KEEP_CHINESE
from tests.studio.test_send_support import approved_signature, batch

EN = {"Accept-Language": "en-US,en;q=0.9"}
HAN = re.compile(r"[\u4e00-\u9fff]+")
LINK_NAME = "双十一活动"
#: what the fixtures typed (names, the message text and its sample), Chinese kept in English
#: (opt-out keyword and phrase, default banned words) and the language switch, named in Chinese
USER_DATA = sorted({OWNER["workspace_name"], OWNER["name"], LINK_NAME, "双11活动", "双11",
                    "示例科技", "您好，双11特惠", "张三", "中文", *KEEP_CHINESE},
                   key=len, reverse=True)
#: the other pages an owner sees, with the fixtures' message (1) and batch (1); the link page
#: has its own test below
PAGES = ["/", "/messages/new", "/messages/1", "/messages/1/history",
         "/messages/1/preview", "/messages/import", "/media", "/sending/1", "/sending/new",
         "/sending/optouts", "/sending/outbox", "/sending/volume", "/sending/records",
         "/sending/replies", "/sending/settings", "/stats",
         "/stats/link/1", "/stats/batch/1", "/stats/message/1", "/signatures", "/signatures/new",
         "/signatures/settings", "/sms-templates", "/sms-templates/new", "/video-sms",
         "/video-sms/new", "/settings",
         "/settings/members", "/settings/audit", "/settings/chatbots", "/settings/chatbots/new",
         "/account/password"]
ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "value")


def _chinese_chrome(html: str) -> list[str]:
    """Chinese left on the page once user data is taken out: visible text and attributes."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup(["script", "style", "textarea"]):
        node.decompose()
    parts = [soup.get_text("\n")]
    for tag in soup.find_all(True):
        if tag.name == "input" and tag.get("type") in ("hidden", "text", "search", None):
            continue  # a field's value is user data; its placeholder is checked below
        parts += [str(tag[name]) for name in ATTRIBUTES if name in tag.attrs and name != "value"]
        if tag.name in ("button", "option") or tag.get("type") in ("submit", "button"):
            parts.append(str(tag.get("value", "")))
    text = "\n".join(parts)
    for data in USER_DATA:
        text = text.replace(data, "")
    return sorted(set(HAN.findall(text)))


def _attr(page: BeautifulSoup, selector: str, name: str) -> str:
    tag = page.select_one(selector)
    assert tag is not None, selector
    return str(tag.get(name, ""))


@pytest.fixture
async def seeded(owner_client: httpx.AsyncClient) -> httpx.AsyncClient:
    ws = await Workspace.first()
    assert ws is not None
    await approved_signature(ws)  # 【示例科技】
    await batch(ws)  # an approved message "双11活动" and a batch "双11"
    response = await post_form(owner_client, "/links/new", {
        "name": LINK_NAME, "target_type": "url", "target_url": "https://shop.example.cn/1111",
        "code": "",
    }, token_from="/links/new")
    assert response.status_code == 303, response.text
    return owner_client


@pytest.mark.parametrize(("path", "heading", "button", "headers", "user_data"), [
    ("/links", "Short links", "New short link", {"Target", "Visits (PV)"}, LINK_NAME),
    ("/messages", "Messages", "New message", {"Type", "Last edited"}, "双11活动"),
    ("/sending", "Analytics", None, {"Batch no.", "Visitors (UV)"}, "双11"),
], ids=["link-list", "message-list", "send-list"])
async def test_list_pages_are_english(
    seeded: httpx.AsyncClient, path: str, heading: str, button: str | None,
    headers: set[str], user_data: str,
) -> None:
    response = await seeded.get(path, headers=EN)
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert _attr(page, "html", "lang") == "en"
    assert [h.get_text(strip=True) for h in page.select("h1")] == [heading]
    assert "Short links" in [a.get_text(strip=True) for a in page.select("nav a")]
    if button:
        assert button in page.select_one("a.button.primary").get_text()  # type: ignore[union-attr]
    assert headers <= {th.get_text(strip=True) for th in page.select("thead th")}
    assert _chinese_chrome(response.text) == []
    assert user_data in page.select_one("tbody").get_text()  # type: ignore[union-attr]


async def test_every_other_page_has_english_chrome(seeded: httpx.AsyncClient) -> None:
    """Also catches Chinese written into a template without _(), which no catalog check sees."""
    found = {}
    for path in PAGES:
        response = await seeded.get(path, headers=EN)
        assert response.status_code == 200, path
        if left := _chinese_chrome(response.text):
            found[path] = left
    assert found == {}


async def test_the_ch5_version_choices_are_english(seeded: httpx.AsyncClient) -> None:
    response = await seeded.get("/links/1", headers=EN)
    assert _chinese_chrome(response.text) == []


async def test_the_same_pages_stay_chinese_by_default(seeded: httpx.AsyncClient) -> None:
    response = await seeded.get("/links", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = BeautifulSoup(response.text, "html.parser")
    assert _attr(page, "html", "lang") != "en"
    assert "新建短链" in page.select_one("a.button.primary").get_text()  # type: ignore[union-attr]


def test_translating_a_runtime_value_escapes_it() -> None:
    env = make_environment()
    rendered = env.from_string("{{ _(value) }}").render(value="号码无效：<b>50%</b>")
    assert rendered == "号码无效：&lt;b&gt;50%&lt;/b&gt;"
    token = i18n.set_locale("en")  # in English, gettext("") would be the catalog's header
    try:
        assert env.from_string("[{{ _(v) }}]").render(v="") == "[]"
        assert env.from_string("[{{ _(v) }}]").render(v=None) == "[]"
    finally:
        i18n._current.reset(token)
    with_variables = env.from_string('{{ _("%(name)s（第 %(n)s 版）", name=v, n=2) }}')
    assert with_variables.render(v="<i>x</i>") == "&lt;i&gt;x&lt;/i&gt;（第 2 版）"
    # a run-time Text: translated by its msgid, its parameters escaped, in both languages
    typed = Text("号码无效：%(number)s", number="<b>50%</b>")
    assert env.from_string("{{ _(v) }}").render(v=typed) == "号码无效：&lt;b&gt;50%&lt;/b&gt;"
    token = i18n.set_locale("en")
    try:
        assert env.from_string("{{ _(v) }}").render(v=typed) == (
            "Invalid number: &lt;b&gt;50%&lt;/b&gt;")
    finally:
        i18n._current.reset(token)


async def test_form_errors_are_english(owner_client: httpx.AsyncClient) -> None:
    owner_client.headers["Accept-Language"] = EN["Accept-Language"]
    response = await post_form(owner_client, "/settings", {
        "name": "", "timezone": "Nowhere/Else"}, token_from="/settings")
    assert response.status_code == 422
    errors = [p.get_text(strip=True) for p in BeautifulSoup(response.text, "html.parser")
              .select("p.error")]
    assert "Choose a valid time zone, e.g. Asia/Shanghai" in errors


async def test_the_copy_button_says_copied_in_english(seeded: httpx.AsyncClient) -> None:
    """links-2.js shows the template's translated word, not one written into the script."""
    page = BeautifulSoup((await seeded.get("/links/1", headers=EN)).text, "html.parser")
    assert _attr(page, "button[data-copy]", "data-copied") == "Copied"
    scripts = [str(s.get("src", "")) for s in page.select("script[src]")]
    assert any(src.endswith("/links-2.js") for src in scripts)


def test_our_scripts_carry_no_chinese_words() -> None:
    """Words a script shows come from the page (data- attributes, JSON islands); comments may
    name the Chinese UI."""
    static = Path(__file__).resolve().parents[2] / "static"
    found = {}
    for script in sorted(static.glob("*.js")):
        if script.name.endswith(".min.js"):
            continue  # vendored
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script.read_text(encoding="utf-8"), flags=re.S)
        literals = re.findall(r""""[^"\n]*"|'[^'\n]*'|`[^`]*`""", code)
        if words := [lit for lit in literals if HAN.search(lit)]:
            found[script.name] = words
    assert found == {}


async def test_approve_is_a_button_and_approved_a_status(seeded: httpx.AsyncClient) -> None:
    """审核通过 is both: the reviewer's button reads Approve, the signature's status Approved."""
    ws = await Workspace.first()
    pending = await Signature.create(workspace=ws, text="新签名", status=ReviewStatus.IN_REVIEW)
    page = BeautifulSoup((await seeded.get(f"/signatures/{pending.id}", headers=EN)).text,
                         "html.parser")
    button = page.select_one("button[value=approve]")
    assert button is not None and button.get_text(strip=True) == "Approve"
    listing = BeautifulSoup((await seeded.get("/signatures", headers=EN)).text, "html.parser")
    assert "Approved" in {b.get_text(strip=True) for b in listing.select("td .badge")}
    assert "Approve" not in {b.get_text(strip=True) for b in listing.select("td .badge")}


async def test_edit_is_a_link_and_editor_a_role(seeded: httpx.AsyncClient) -> None:
    """编辑 is both: the message list's Edit link, and the Editor role of the members page."""
    messages = BeautifulSoup((await seeded.get("/messages", headers=EN)).text, "html.parser")
    links = {a.get_text(strip=True) for a in messages.select("tbody a")}
    assert "Edit" in links and "Editor" not in links
    members = BeautifulSoup((await seeded.get("/settings/members", headers=EN)).text,
                            "html.parser")
    roles = {o.get_text(strip=True) for o in members.select("select[name=role] option")}
    assert {"Owner", "Editor", "Reviewer", "Analyst"} <= roles
    assert "Edit" not in roles
    who = members.select_one(".who")  # the header's "name · role"
    assert who is not None and who.get_text(strip=True).endswith("Owner")


def _csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_exports_speak_the_readers_language(seeded: httpx.AsyncClient) -> None:
    """Headers and sheet names of the delivery and statistics exports follow the locale."""
    deliveries = _csv_rows(await seeded.get("/sending/1/export.csv", headers=EN))
    assert deliveries[0][:3] == ["Number", "Status", "Channel"]
    book = openpyxl.load_workbook(io.BytesIO(
        (await seeded.get("/sending/1/export.xlsx", headers=EN)).content))
    assert book.sheetnames == ["Delivery details"]
    first = next(book["Delivery details"].iter_rows(max_row=1))
    assert first[-1].value == "Personal short link"
    stats = _csv_rows(await seeded.get("/stats/link/1/export.csv", headers=EN))
    assert stats[0] == ["# Summary"] and stats[1][:2] == ["Name", "Time range"]
    assert "# Trend" in [row[0] for row in stats if row]
    book = openpyxl.load_workbook(io.BytesIO(
        (await seeded.get("/stats/export.xlsx", headers=EN)).content))
    assert book.sheetnames[:2] == ["Summary", "Trend"]
    rejected = _csv_rows(await seeded.get("/sending/1/invalid.csv", headers=EN))
    assert rejected[0] == ["Line", "Number", "Reason"]
    headers = [deliveries[0], stats[1], rejected[0]]
    assert not [h for row in headers for h in row if HAN.search(h)]


async def test_exports_stay_chinese_by_default(seeded: httpx.AsyncClient) -> None:
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    assert _csv_rows(await seeded.get("/sending/1/export.csv", headers=zh))[0][:2] == [
        "号码", "状态"]
    assert _csv_rows(await seeded.get("/stats/link/1/export.csv", headers=zh))[0] == ["# 汇总"]


async def test_a_runtime_error_is_english_with_the_typed_value_escaped(
    owner_client: httpx.AsyncClient,
) -> None:
    owner_client.headers["Accept-Language"] = EN["Accept-Language"]
    response = await post_form(owner_client, "/sending/optouts", {"phones": "<b>138</b>"},
                               token_from="/sending/optouts")
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").select_one("#e-phones")
    assert error is not None and error.get_text() == "Invalid number: <b>138</b>"
    assert error.find("b") is None  # the typed markup is text, not an element
    assert "Invalid number: &lt;b&gt;138&lt;/b&gt;" in response.text


async def test_job_progress_and_failure_are_shown_in_the_readers_language(
    owner_client: httpx.AsyncClient,
) -> None:
    ws = await Workspace.first()
    now = datetime.now(UTC)
    job = await Job.create(workspace=ws, kind="send.import", status=JobStatus.RUNNING,
                           locked_by="w1", run_after=now)
    await queue.report(job.id, "w1", 30, Text("解析完成：有效号码 %(n)s 个，正在查询 5G 能力", n=7))
    await job.refresh_from_db()
    assert job.message == "解析完成：有效号码 7 个，正在查询 5G 能力"  # stored in zh-CN

    async def shown() -> str:
        page = BeautifulSoup((await owner_client.get(f"/jobs/{job.id}", headers=EN)).text,
                             "html.parser")
        message = page.select_one(".job-message")
        assert message is not None
        return message.get_text()

    assert await shown() == "Parsed: 7 valid numbers; checking 5G capability"
    await queue.fail(job, "w1", Text("无法按 %(encoding)s 编码读取文件", encoding="<x>"),
                     now=now, retry=False)
    assert await shown() == "Cannot read the file as <x>"
    zh = (await owner_client.get(f"/jobs/{job.id}")).text
    assert "无法按 &lt;x&gt; 编码读取文件" in zh


async def test_json_errors_are_translated(app: Starlette, client: httpx.AsyncClient) -> None:
    async def limited(request: Request) -> Response:
        raise RateLimited(Text("登录失败次数过多，请 %(minutes)s 分钟后再试", minutes=15))

    app.router.routes.insert(0, Route("/api/limited", limited))
    english = await client.get("/api/limited", headers=EN)
    assert english.status_code == 429
    assert english.json()["error"]["message"] == "Too many failed logins; try again in 15 minutes"
    chinese = await client.get("/api/limited")
    assert chinese.json()["error"]["message"] == "登录失败次数过多，请 15 分钟后再试"


async def test_the_invite_form_error_is_english(owner_client: httpx.AsyncClient) -> None:
    owner_client.headers["Accept-Language"] = EN["Accept-Language"]
    response = await post_form(owner_client, "/settings/members/invite", {"role": "nobody"},
                               token_from="/settings/members")
    assert response.status_code == 422
    errors = [p.get_text(strip=True) for p in BeautifulSoup(response.text, "html.parser")
              .select("p.error")]
    assert "Choose a valid role" in errors


async def test_a_form_error_in_the_message_editor_is_english(seeded: httpx.AsyncClient) -> None:
    """The editor's field errors come from the studio (请填写消息名称, a `Text` with a number)
    as well as from the renderers (which carry their own English): both show in English."""
    from tests.studio.test_messages import editor, post_editor

    seeded.headers.update(EN)
    form = await editor(seeded, 1)
    for name, expected in (("", "Enter a message name"), ("名" * 200, "max. 100 characters")):
        response = await post_editor(seeded, 1, {**form, "name": name})
        assert response.status_code == 422, response.text
        slot = BeautifulSoup(response.text, "html.parser").select_one("#e-name")
        assert slot is not None and expected in slot.get_text(), response.text[:2000]
        assert _chinese_chrome(str(slot)) == []
