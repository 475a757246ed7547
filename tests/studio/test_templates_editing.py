"""Template editors through HTTP: inserts at the cursor (and appended without one), the carrier
package of the approved version only, every template route scoped to the workspace (another
workspace's signature, template, short link, message or asset is refused like a missing one),
and who may do what."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from studio.media_library.config import storage_for
from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.models.media import Rendition as RenditionRow
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.models.templates import Signature, SmsKind, SmsTemplate, VideoSmsTemplate
from studio.settings import Settings
from studio.sms_templates import api, content
from tests.conftest import csrf_of
from tests.studio.test_signatures import (  # noqa: F401 (member is a fixture)
    MemberFactory,
    approved_signature,
    error_of,
    member,
    soup,
)
from tests.studio.test_sms_templates import new_template
from tests.studio.test_video_sms import _approved_message, _asset


@pytest.mark.parametrize(("text", "at", "piece", "spaced", "expected", "after"), [
    ("您好，", 0, "{{name}}", False, "{{name}}您好，", 8),
    ("您好，再见", 3, "{{name}}", False, "您好，{{name}}再见", 11),
    ("😀好", 1, "{{n}}", False, "😀{{n}}好", 6),
    ("详情见。", 3, "https://t.cn/a", True, "详情见 https://t.cn/a 。", 19),
    ("详情见 ", 4, "https://t.cn/a", True, "详情见 https://t.cn/a ", 19),
    ("详情见", None, "https://t.cn/a", True, "详情见 https://t.cn/a ", 19),
    ("短", 99, "x", False, "短x", 2),
], ids=["start", "middle", "after-emoji", "link-middle", "link-after-space", "append",
        "past-end"])
def test_insert_at(text: str, at: int | None, piece: str, spaced: bool, expected: str,
                   after: int) -> None:
    assert content.insert_at(text, piece, at, spaced=spaced) == (expected, after)


def test_caret_from_form() -> None:
    caret = content.Caret.from_form({"caret_field": "text", "caret_at": "3"})
    assert caret.offset_in("text", "一二三四") == 3
    assert caret.offset_in("frame_text_0", "一二三四") is None
    assert caret.offset_in("text", "一二") is None  # the text changed meanwhile: append
    assert content.Caret.from_form({"caret_at": "-1"}).at is None


async def _sms_form(client: httpx.AsyncClient, sig_id: int, **extra: str) -> dict[str, str]:
    token = await csrf_of(client, "/sms-templates/new")
    return {"csrf_token": token, "name": "通知", "kind": "notification",
            "signature": str(sig_id), "variables": "", **extra}


async def test_sms_inserts_at_the_cursor(owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    form = await _sms_form(owner_client, sig_id, text="您好，\r\n订单已发货😀请查收",
                           caret_field="text", caret_at="4")
    page = soup(await owner_client.post("/sms-templates/new", data={
        **form, "op": "insert_var", "new_var": "name"}))
    area = page.select_one("#f-text")
    # CRLF from the browser is one line break; the caret is in code points after the variable
    assert area.get_text() == "您好，\n{{name}}订单已发货😀请查收"
    assert area["data-caret"] == "12"
    assert page.select_one("#f-variables").get_text() == "name="
    # the counter shown with the page counts the new text (sample = the variable's name)
    assert page.select_one("#sms-counter .chars").get_text() == str(
        len("【示例科技】您好，\nname订单已发货请查收") + 2)
    linked = soup(await owner_client.post("/sms-templates/new", data={
        **form, "text": area.get_text(), "variables": "name=", "caret_at": "17",
        "op": "insert_link", "link_url": "https://shop.example.cn/a"}))
    text = linked.select_one("#f-text").get_text()
    assert text.startswith("您好，\n{{name}}订单已发货 http://testserver/s/")
    assert text.endswith(" 😀请查收")
    link = await ShortLink.get(target_url="https://shop.example.cn/a")
    url = f"http://testserver/s/{link.code}"
    assert int(linked.select_one("#f-text")["data-caret"]) == len("您好，\n{{name}}订单已发货 "
                                                                  + url + " ")
    # without a cursor (no JavaScript) the piece goes at the end
    appended = soup(await owner_client.post("/sms-templates/new", data={
        **form, "caret_field": "", "caret_at": "", "op": "insert_var", "new_var": "city"}))
    assert appended.select_one("#f-text").get_text().endswith("请查收{{city}}")


async def test_video_sms_inserts_at_the_cursor_of_the_chosen_frame(
        owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    version_id = await _approved_message()
    token = await csrf_of(owner_client, "/video-sms/new")
    form = {"csrf_token": token, "name": "双11", "title": "双11大促", "signature": str(sig_id),
            "profile": "video_sms", "variables": "", "frame_count": "2",
            "frame_kind_0": "text", "frame_text_0": "您好",
            "frame_kind_1": "text", "frame_text_1": "活动详情请看",
            "caret_field": "frame_text_1", "caret_at": "2"}
    page = soup(await owner_client.post("/video-sms/new", data={
        **form, "op": "insert_ch5", "ch5": str(version_id)}))
    second = page.select_one("#f-frame-1")
    assert second.get_text().startswith("活动 http://testserver/s/")
    assert second.get_text().endswith(" 详情请看")
    assert second.has_attr("data-caret") and not page.select_one("#f-frame-0").has_attr(
        "data-caret")
    var = soup(await owner_client.post("/video-sms/new", data={
        **form, "op": "insert_var", "new_var": "name", "caret_field": "frame_text_0",
        "caret_at": "0"}))
    assert var.select_one("#f-frame-0").get_text() == "{{name}}您好"
    assert var.select_one("#f-frame-0")["data-caret"] == "8"


def _zip_texts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


async def test_package_is_the_approved_version_with_its_pinned_files(
        owner_client: httpx.AsyncClient, settings: Settings) -> None:
    sig_id = await approved_signature(owner_client)
    clip = await _asset(settings, "video", "video_sms", "video/mp4", b"v" * 600_000, 8.0)
    token = await csrf_of(owner_client, "/video-sms/new")
    base = {"csrf_token": token, "name": "新品", "title": "新品上市", "signature": str(sig_id),
            "profile": "video_sms"}
    created = await owner_client.post("/video-sms/new", data={**base, "op": "save"})
    tid = int(created.headers["location"].rsplit("/", 1)[-1])
    frames = {"frame_count": "2", "frame_kind_0": "text", "frame_text_0": "新品第一版",
              "frame_kind_1": "video", "frame_asset_1": clip}
    saved = await owner_client.post(f"/video-sms/{tid}", data={**base, **frames, "op": "save",
                                                               "revision": "1"})
    assert saved.status_code == 200, saved.text
    page = soup(saved)
    assert page.select_one(".vsms-links a.export") is None  # nothing approved yet
    for decision in ("submit", "approve"):
        await owner_client.post(f"/video-sms/{tid}/review", data={"decision": decision,
                                                                   "csrf_token": token})
    # a re-fit later makes a newer, smaller video_sms rendition of the same asset
    source = settings.data_dir / "refit"
    source.write_bytes(b"w" * 300_000)
    key = storage_for(settings).put_file(source, move=True)
    await RenditionRow.create(workspace_id=1, asset_id=int(clip), profile="video_sms",
                              settings_hash="refit", storage_key=key, mime="video/mp4",
                              format="mp4", size=300_000, budget_bytes=300_000, duration=8.0,
                              content_hash="f" * 64)
    # and the author starts a new version with other text
    await owner_client.post(f"/video-sms/{tid}/version", data={"csrf_token": token})
    row = await VideoSmsTemplate.get(id=tid)
    edited = await owner_client.post(f"/video-sms/{tid}", data={
        **base, **frames, "frame_text_0": "新品第二版", "op": "save",
        "revision": str(row.revision)})
    assert edited.status_code == 200, edited.text
    exported = await owner_client.get(f"/video-sms/{tid}/export")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="video-sms-{tid}-v1.zip"')
    files = _zip_texts(exported.content)
    assert files["01.txt"].decode() == "新品第一版"
    assert files["02.mp4"] == b"v" * 600_000  # the file approved, not the newer re-fit
    # the sending feature gets the same package through the API
    assert _zip_texts(await api.approved_video_package(1, tid, storage_for(settings))) == files
    link = soup(await owner_client.get(f"/video-sms/{tid}")).select_one(".vsms-links a.export")
    assert link.get_text() == "导出已通过版本 v1 的运营商模板包（zip）"
    approved = soup(await owner_client.get(f"/video-sms/{tid}/preview?approved=1"))
    assert approved.select_one(".vsms-text p").get_text() == "新品第一版"
    draft = soup(await owner_client.get(f"/video-sms/{tid}/preview"))
    assert draft.select_one(".vsms-text p").get_text() == "新品第二版"


async def _foreign() -> dict[str, int]:
    """One of everything in another workspace."""
    ws = await Workspace.create(name="别人的工作区")
    sig = await Signature.create(workspace=ws, text="别人的签名", status=ReviewStatus.APPROVED)
    sms = await SmsTemplate.create(workspace=ws, name="别人的模板", kind=SmsKind.NOTIFICATION,
                                   text="您好", signature=sig)
    vsms = await VideoSmsTemplate.create(workspace=ws, name="别人的", title="标题")
    link = await ShortLink.create(workspace=ws, code="other1", target_url="https://o.example.cn")
    message = await Message.create(workspace=ws, name="别人的消息", kind="text",
                                   approved_version=1)
    version = await MessageVersion.create(workspace=ws, message=message, number=1,
                                          status=ReviewStatus.APPROVED,
                                          document={"version": 2, "kind": "text", "text": "x"})
    return {"sig": sig.id, "sms": sms.id, "vsms": vsms.id, "link": link.id,
            "version": version.id}


ROUTES = [
    ("POST", "/sms-templates/{sms}"), ("POST", "/sms-templates/{sms}/version"),
    ("POST", "/sms-templates/{sms}/delete"), ("POST", "/sms-templates/{sms}/carrier"),
    ("GET", "/sms-templates/{sms}/preview"), ("GET", "/video-sms/{vsms}"),
    ("POST", "/video-sms/{vsms}"), ("POST", "/video-sms/{vsms}/review"),
    ("POST", "/video-sms/{vsms}/version"), ("POST", "/video-sms/{vsms}/delete"),
    ("POST", "/video-sms/{vsms}/carrier"),
    ("GET", "/video-sms/{vsms}/preview"), ("POST", "/signatures/{sig}/review"),
    ("POST", "/signatures/{sig}/resubmit"),
]


async def test_every_route_and_every_id_in_a_form_is_scoped(
        owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    other = await _foreign()
    token = await csrf_of(owner_client, "/")
    for method, path in ROUTES:
        response = await owner_client.request(method, path.format(**other), data={
            "csrf_token": token, "decision": "approve"} if method == "POST" else None)
        assert response.status_code == 404, path
    form = await _sms_form(owner_client, other["sig"], text="您好")
    foreign_sig = await owner_client.post("/sms-templates/new", data={**form, "op": "save"})
    assert error_of(foreign_sig, "signature") == "请选择审核通过的签名"
    form = await _sms_form(owner_client, sig_id, text="您好")
    foreign_link = await owner_client.post("/sms-templates/new", data={
        **form, "op": "insert_link", "link_id": str(other["link"])})
    assert error_of(foreign_link, "link") == "请选择本工作区的短链"
    foreign_ch5 = await owner_client.post("/sms-templates/new", data={
        **form, "op": "insert_ch5", "ch5": str(other["version"])})
    assert foreign_ch5.status_code == 422
    assert soup(foreign_ch5).select_one("#f-text").get_text() == "您好"
    assert await SmsTemplate.filter(workspace_id=1).count() == 0


async def test_roles(owner_client: httpx.AsyncClient, member: MemberFactory) -> None:  # noqa: F811
    sig_id = await approved_signature(owner_client)
    tid = await new_template(owner_client, sig_id)
    token = await csrf_of(owner_client, "/")
    await owner_client.post(f"/sms-templates/{tid}/review", data={"decision": "submit",
                                                                   "csrf_token": token})
    analyst, editor = await member("analyst"), await member("editor")
    atoken, etoken = await csrf_of(analyst, "/"), await csrf_of(editor, "/")
    assert (await analyst.get(f"/sms-templates/{tid}")).status_code == 200
    assert (await analyst.get(f"/sms-templates/{tid}/preview")).status_code == 200
    for path, data in [("/sms-templates/new", {"op": "save"}),
                       (f"/sms-templates/{tid}/review", {"decision": "withdraw"}),
                       (f"/sms-templates/{tid}/delete", {}),
                       ("/signatures/new", {"text": "分析师签名"})]:
        response = await analyst.post(path, data={**data, "csrf_token": atoken})
        assert response.status_code == 403, path
    for path, data in [(f"/sms-templates/{tid}/review", {"decision": "approve"}),
                       (f"/sms-templates/{tid}/carrier", {"carrier": "mobile"}),
                       (f"/signatures/{sig_id}/review", {"decision": "approve"}),
                       ("/signatures/settings", {"opt_out_phrase": "退订回T"})]:
        response = await editor.post(path, data={**data, "csrf_token": etoken})
        assert response.status_code == 403, path
    # an editor sees a read-only editor while the template is in review
    page = soup(await editor.get(f"/sms-templates/{tid}"))
    assert page.select_one("#sms-form fieldset").has_attr("disabled")
    assert page.select_one("button[value=approve]") is None
    assert (await SmsTemplate.get(id=tid)).status is ReviewStatus.IN_REVIEW


async def test_odd_numbers_in_forms_and_paths(owner_client: httpx.AsyncClient) -> None:
    """Huge or non-ASCII digits are "not chosen" or a 404, never an overflow (PostgreSQL)."""
    sig_id = await approved_signature(owner_client)
    huge = "9" * 30
    for path in (f"/sms-templates/{huge}", f"/video-sms/{huge}", f"/signatures/{huge}"):
        assert (await owner_client.get(path)).status_code == 404, path
    form = await _sms_form(owner_client, sig_id, text="您好", caret_field="text",
                           caret_at="9" * 5000)
    link = await owner_client.post("/sms-templates/new", data={**form, "op": "insert_link",
                                                                "link_id": huge})
    assert error_of(link, "link") == "请选择一个短链，或填写要转换的链接地址"
    appended = await owner_client.post("/sms-templates/new", data={
        **form, "op": "insert_var", "new_var": "name"})
    assert soup(appended).select_one("#f-text").get_text() == "您好{{name}}"
    ch5 = await owner_client.post("/sms-templates/new", data={**form, "op": "insert_ch5",
                                                               "ch5": huge})
    assert error_of(ch5, "ch5") == "请选择一条已审核通过的消息"
    signature = await owner_client.post("/sms-templates/new", data={
        **form, "signature": huge, "op": "save"})
    assert error_of(signature, "signature") == "请选择审核通过的签名"
    token = await csrf_of(owner_client, "/video-sms/new")
    frames = await owner_client.post("/video-sms/new", data={
        "csrf_token": token, "name": "a", "title": "b", "signature": str(sig_id),
        "frame_count": "²", "op": "add_media", "new_asset": f"video:{huge}"})
    assert frames.status_code == 200
    assert soup(frames).select_one("input[name=frame_count]")["value"] == "0"
