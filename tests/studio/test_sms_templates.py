"""Text SMS templates: counting at the 70/71 boundary (with and without 【签名】, CJK, ASCII,
emoji), every bad input, the live counter, short links, review, carriers and the sending API."""

from __future__ import annotations

import httpx
import pytest

from studio import i18n
from studio.models.templates import Carrier, SmsTemplate
from studio.sms_templates import api, sms
from studio.sms_templates.reviewing import SMS_TEMPLATE
from studio.sms_templates.rules import Rules
from tests.conftest import csrf_of
from tests.studio.test_signatures import (  # noqa: F401 (member is a fixture)
    MemberFactory,
    approved_signature,
    error_of,
    member,
    soup,
)

RULES = Rules()


def _check(text: str, signature: str | None = "示例", kind: str = "notification",
           variables: str = "") -> sms.Check:
    return sms.check(sms.SmsDraft("模板", kind, "1", text, variables), RULES, signature)


# Emoji count 2 each: a character outside the BMP is two UCS-2 units, which is how carriers
# bill it (renderers.sms_count); 【示例】 adds 4 characters.
@pytest.mark.parametrize(("text", "signature", "chars", "segments"), [
    ("中" * 70, None, 70, 1),
    ("中" * 71, None, 71, 2),
    ("a" * 70, None, 70, 1),
    ("a" * 71, None, 71, 2),
    ("中" * 66, "示例", 70, 1),
    ("中" * 67, "示例", 71, 2),
    ("😀" * 35, None, 70, 1),
    ("😀" * 35 + "a", None, 71, 2),
    ("中" * 134, None, 134, 2),
    ("中" * 135, None, 135, 3),
], ids=["cjk-70", "cjk-71", "ascii-70", "ascii-71", "sig-70", "sig-71", "emoji-70",
        "emoji-71", "cjk-134", "cjk-135"])
def test_count_boundaries(text: str, signature: str | None, chars: int, segments: int) -> None:
    count = _check(text, signature).count
    assert (count.chars, count.segments) == (chars, segments)


def test_bad_content_messages() -> None:
    too_long = _check("中" * 347, "示例").errors["text"]
    assert too_long == "短信内容连同签名共 351 字，超过上限 350 字"
    token = i18n.set_locale("en")
    try:
        assert too_long.translate() == (
            "The SMS and its signature come to 351 characters, over the limit of 350")
    finally:
        i18n._current.reset(token)
    assert _check("您好{{name}}").errors["text"] == "内容中的变量“name”未声明，请用“插入变量”添加"
    assert _check("您好", variables="name=王").errors["text"] == (
        "变量“name”已声明但内容中没有使用，请删除或插入到内容中")
    script = _check("点击 javascript:alert(1)").errors["text"]
    assert script.startswith("内容中不能包含“javascript:”")
    hit = _check("详情请加微信abc或加QQ")
    assert hit.errors["text"] == "内容含禁用词 “加微信”、“加QQ”，请删除后再保存"
    assert [p for p, is_hit in hit.pieces if is_hit] == ["加微信", "加QQ"]
    marketing = _check("新品上市", kind="marketing")
    assert marketing.errors["text"] == "营销短信须以退订语“拒收请回复R”结尾"
    assert _check(sms.append_opt_out("新品上市", RULES), kind="marketing").errors == {}
    assert _check("【示例】您好").errors["text"] == (
        "短信内容中不要写【】，签名会在发送时自动加在开头")
    assert _check("您好", signature=None).errors["signature"] == "请选择审核通过的签名"
    assert _check("您好{{name}}", variables="name=王先生").preview == "您好王先生"
    custom = Rules(extra_forbidden=("免费领",))
    draft = sms.SmsDraft("模板", "notification", "1", "免费领取", "")
    assert "免费领" in sms.check(draft, custom, "示例").errors["text"]


async def _form(client: httpx.AsyncClient, sig_id: int, **extra: str) -> dict[str, str]:
    token = await csrf_of(client, "/sms-templates/new")
    return {"csrf_token": token, "name": "双11营销", "kind": "marketing", "signature": str(sig_id),
            "text": "", "variables": "", **extra}


async def new_template(client: httpx.AsyncClient, sig_id: int) -> int:
    form = await _form(client, sig_id, text="{{name}}您好，双11全场5折，拒收请回复R",
                       variables="name=王先生")
    response = await client.post("/sms-templates/new", data={**form, "op": "save"})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[-1])


async def test_marketing_with_variable_short_link_and_counter(
        owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    form = await _form(owner_client, sig_id, text="{{name}}您好，双11全场5折", new_var="city")
    inserted = await owner_client.post("/sms-templates/new", data={**form, "op": "insert_var"})
    assert soup(inserted).select_one("#f-text").get_text() == "{{name}}您好，双11全场5折{{city}}"
    form["variables"] = "name=王先生"
    bad_link = await owner_client.post("/sms-templates/new", data={
        **form, "op": "insert_link", "link_url": "javascript:alert(1)"})
    assert bad_link.status_code == 422
    assert error_of(bad_link, "link") == "只支持以 http:// 或 https:// 开头的完整链接"
    linked = await owner_client.post("/sms-templates/new", data={
        **form, "op": "insert_link", "link_url": "https://shop.example.cn/sale"})
    text = soup(linked).select_one("#f-text").get_text()
    assert text.startswith("{{name}}您好，双11全场5折 http://testserver/s/")
    missing = await owner_client.post("/sms-templates/new", data={**form, "text": text})
    assert error_of(missing, "text") == "营销短信须以退订语“拒收请回复R”结尾"
    assert soup(missing).select_one("button.append-opt-out") is not None
    appended = await owner_client.post("/sms-templates/new", data={
        **form, "text": text, "op": "append_opt_out"})
    final = soup(appended).select_one("#f-text").get_text()
    assert final.endswith(" 拒收请回复R")  # after a link: a space, not a comma
    counter = await owner_client.post("/sms-templates/count", data={**form, "text": final},
                                      headers={"HX-Request": "true"})
    page = soup(counter)
    link = text.split()[-1]
    assert len(link) == len("http://testserver/s/") + 6
    # the link counts as the personalised link a batch sends: http://testserver/s/ + 10
    sent = final.replace("{{name}}", "王先生").replace(link, "L" * 30)
    expected = sms.count_sms(sent, "示例科技")
    assert int(page.select_one(".chars").get_text()) == expected.chars
    assert int(page.select_one(".segments").get_text()) == expected.segments
    assert page.select_one(".bubble").get_text().startswith("【示例科技】王先生您好")
    saved = await owner_client.post("/sms-templates/new", data={**form, "text": final,
                                                                 "op": "save"})
    assert saved.status_code == 303
    assert (await SmsTemplate.get()).text == final


async def test_nothing_half_saved(owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    form = await _form(owner_client, sig_id, name="", kind="x", text="加微信" + "中" * 360)
    response = await owner_client.post("/sms-templates/new", data={**form, "op": "save"})
    assert response.status_code == 422
    assert error_of(response, "name") == "请填写模板名称"
    assert error_of(response, "kind") == "请选择模板类型：验证码、通知或营销"
    assert "加微信" in error_of(response, "text")
    assert soup(response).select_one("mark.forbidden").get_text() == "加微信"
    assert await SmsTemplate.all().count() == 0


async def test_review_versions_carriers_and_api(owner_client: httpx.AsyncClient,
                                                member: MemberFactory) -> None:  # noqa: F811
    sig_id = await approved_signature(owner_client)
    tid = await new_template(owner_client, sig_id)
    token = await csrf_of(owner_client, "/")
    submitted = await owner_client.post(f"/sms-templates/{tid}/review",
                                        data={"decision": "submit", "csrf_token": token})
    # the decision redirects to the editor (a reload does not post it again)
    assert submitted.status_code == 303
    assert submitted.headers["location"].endswith(f"/sms-templates/{tid}?done=submit")
    submitted = await owner_client.get(submitted.headers["location"])
    assert soup(submitted).select_one("#sms-status").get_text() == "审核中"
    assert soup(submitted).select_one(".notice").get_text() == "已提交审核"
    locked = await owner_client.post(f"/sms-templates/{tid}", data={
        **await _form(owner_client, sig_id, text="改了"), "op": "save", "revision": "2"})
    assert "不能修改" in soup(locked).select_one("#sms-conflict").get_text()
    reviewer = await member("reviewer")
    rtoken = await csrf_of(reviewer, "/")
    approved = await reviewer.post(f"/sms-templates/{tid}/review",
                                   data={"decision": "approve", "csrf_token": rtoken},
                                   follow_redirects=True)
    assert soup(approved).select_one("#sms-status").get_text() == "已通过"
    sent = await api.approved_sms(1, tid)
    assert sent.signature == "示例科技" and sent.variables == ("name",)
    assert sent.render({"name": "李女士"}).text == (
        "【示例科技】李女士您好，双11全场5折，拒收请回复R")
    assert not await api.may_send(1, SMS_TEMPLATE, tid, Carrier.MOBILE)
    no_id = await reviewer.post(f"/sms-templates/{tid}/carrier", data={
        "carrier": "mobile", "status": "approved", "csrf_token": rtoken})
    assert error_of(no_id, "carrier_template_id") == "请填写中国移动的模板ID"
    await reviewer.post(f"/sms-templates/{tid}/carrier", data={
        "carrier": "mobile", "status": "approved", "carrier_template_id": "M123",
        "csrf_token": rtoken})
    assert await api.may_send(1, SMS_TEMPLATE, tid, Carrier.MOBILE)
    assert not await api.may_send(1, SMS_TEMPLATE, tid, Carrier.UNICOM)
    assert (await api.approved_sms(1, tid)).carriers == {Carrier.MOBILE: "M123"}
    # editing an approved template makes a new draft; the approved snapshot is still sent
    assert (await owner_client.post(f"/sms-templates/{tid}/version",
                                    data={"csrf_token": token})).status_code == 303
    row = await SmsTemplate.get(id=tid)
    edited = await owner_client.post(f"/sms-templates/{tid}", data={
        **await _form(owner_client, sig_id, kind="notification", text="您的订单已发货"),
        "op": "save", "revision": str(row.revision)})
    assert edited.status_code == 200, edited.text
    assert (await SmsTemplate.get(id=tid)).version == 2
    assert (await api.approved_sms(1, tid)).text.startswith("{{name}}您好")
    assert await api.approved_choices(1) == [api.Choice(tid, "双11营销", 1)]
    preview = soup(await owner_client.get(f"/sms-templates/{tid}/preview?approved=1&v_name=赵"))
    assert preview.select_one("#sms-preview-text").get_text().startswith("【示例科技】赵您好")
    analyst = await member("analyst")
    assert (await analyst.post(f"/sms-templates/{tid}", data={
        "csrf_token": await csrf_of(analyst, "/")})).status_code == 403
    listed = soup(await owner_client.get("/sms-templates?status=draft"))
    assert len(listed.select("table.sms-table tbody tr")) == 1
