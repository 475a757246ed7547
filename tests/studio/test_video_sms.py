"""Video SMS templates: frames and totals against 1.8 MB (and the Unicom 数字云信 profile), the
re-fit offer, bad frames, the carrier package (SMIL parsed, every file present, within the
total), and the editor through HTTP with a CH5 link, review and export."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest

from renderers.resolver import DictResolver, Rendition
from studio.media_library.config import storage_for
from studio.models.jobs import Job
from studio.models.media import AssetStatus, MediaAsset
from studio.models.media import Rendition as RenditionRow
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.models.templates import VideoSmsTemplate
from studio.settings import Settings
from studio.sms_templates import export, video
from studio.sms_templates.content import Caret
from studio.sms_templates.rules import Rules
from tests.conftest import csrf_of
from tests.studio.test_signatures import approved_signature, error_of, soup

SMIL_NS = "{http://www.w3.org/2001/SMIL20/Language}"
IMAGE = Rendition("https://m.example.cn/1.jpg", "image/jpeg", 150_000, 640, 480)
VIDEO = Rendition("https://m.example.cn/2.mp4", "video/mp4", 1_400_000, 640, 360, 12.0)
RESOLVER = DictResolver({("1", "ch5_image"): IMAGE, ("2", "video_sms"): VIDEO,
                         ("3", "video_sms"): Rendition("u", "video/mp4", 1_700_000),
                         ("4", "video_sms_audio"): Rendition("u", "audio/wav", 10_000)})


def _draft(*frames: video.FrameDraft, profile: str = "video_sms", name: str = "双11",
           title: str = "双11大促") -> video.VideoDraft:
    return video.VideoDraft(name, title, "1", profile, "", tuple(frames))


TEXT = video.FrameDraft("text", "全场5折 https://t.example.cn/abc")


def test_three_frames_within_total() -> None:
    draft = _draft(TEXT, video.FrameDraft("image", asset_id="1"),
                   video.FrameDraft("video", asset_id="2"))
    result = video.check(draft, Rules(), RESOLVER, "示例科技")
    assert result.errors == {}
    assert result.total == len(TEXT.text.encode()) + 150_000 + 1_400_000
    assert result.max_bytes == 1_800_000 and result.over_by == 0 and result.refit is None


def test_over_total_says_by_how_much_and_offers_refit() -> None:
    draft = _draft(TEXT, video.FrameDraft("image", asset_id="1"),
                   video.FrameDraft("video", asset_id="3"))
    result = video.check(draft, Rules(), RESOLVER, "示例科技")
    over = len(TEXT.text.encode()) + 150_000 + 1_700_000 - 1_800_000
    assert result.over_by == over
    assert result.errors["total"].endswith(f"超出上限 1,800,000 字节 {over:,} 字节")
    assert result.refit == video.Refit(2, "3", 1_700_000 - over - 1000)


def test_bad_frames() -> None:
    errors = video.check(_draft(TEXT, video.FrameDraft("audio", asset_id="4"),
                                video.FrameDraft("image", asset_id="99"),
                                name="一二三四五六七八九十一二三四五六"),
                         Rules(), RESOLVER, None).errors
    assert errors["name"] == "模板名称长度 16 超过上限 15 个字符"
    assert errors["frame_1"].startswith("不支持的文件：不支持的媒体类型 audio/wav")
    assert errors["frame_2"].startswith("请从素材库选择可用的素材")
    assert errors["signature"] == "请选择审核通过的签名"
    unicom = video.check(_draft(*[video.FrameDraft("image", asset_id="1")] * 5,
                                profile="unicom_digital"), Rules(), RESOLVER, "示例").errors
    assert unicom["frames"] in ("最多 4 帧，当前 5 帧", "联通数字短信至少需要 1 个文本帧")
    long_text = video.check(_draft(video.FrameDraft("text", "中" * 501),
                                   profile="unicom_digital"), Rules(), RESOLVER, "示例").errors
    assert long_text["frame_0"] == "文本帧最多 500 个字，当前 501 个"
    too_many = video.check(_draft(*[TEXT] * 11), Rules(), RESOLVER, "示例").errors
    assert too_many["frames"] == "最多 10 帧，当前 11 帧"
    variables = video.check(video.VideoDraft("a", "{{city}}", "1", "video_sms", "",
                                             (TEXT,)), Rules(), RESOLVER, "示例").errors
    assert variables["variables"] == "内容中的变量“city”未声明，请用“插入变量”添加"


def test_reorder_and_remove() -> None:
    draft = _draft(TEXT, video.FrameDraft("image", asset_id="1"))
    moved = video.apply_op(draft, "up:1", {})
    assert [f.kind for f in moved.frames] == ["image", "text"]
    assert [f.kind for f in video.apply_op(moved, "remove:0", {}).frames] == ["text"]
    assert video.apply_op(draft, "up:0", {}) == draft
    with_var, caret, error = video.insert_variable(draft, "name")
    assert error is None and with_var.variables == "name="
    assert with_var.frames[0].text.endswith("{{name}}")
    assert caret == Caret("frame_text_0", len(with_var.frames[0].text))
    assert video.insert_variable(draft, "1x")[2] == (
        "变量名“1x”无效：只能用字母、汉字、数字和下划线，且不能以数字开头")


def _package_parts(data: bytes) -> tuple[zipfile.ZipFile, ET.Element]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, ET.fromstring(archive.read(export.SMIL_NAME))


def test_export_package_smil(tmp_path: Path) -> None:
    image, clip = tmp_path / "i", tmp_path / "v"
    image.write_bytes(b"\xff\xd8\xff" + b"i" * 150_000)
    clip.write_bytes(b"v" * 1_400_000)
    frames = [export.PackFrame("text", text="全场5折"),
              export.PackFrame("image", path=image, mime="image/jpeg"),
              export.PackFrame("video", path=clip, mime="video/mp4", duration=12.0)]
    data = export.build_package(name="双11", title="大促", signature="示例", frames=frames,
                                max_bytes=1_800_000)
    archive, smil = _package_parts(data)
    pars = smil.findall(f"{SMIL_NS}body/{SMIL_NS}par")
    assert len(pars) == 3
    refs = [(child.tag.removeprefix(SMIL_NS), child.get("src")) for par in pars for child in par]
    assert [tag for tag, _ in refs] == ["text", "img", "video"]
    names = set(archive.namelist())
    assert all(src in names for _, src in refs)
    assert archive.read(refs[0][1]).decode() == "全场5折"
    assert pars[2].get("dur") == "12000ms"
    assert sum(archive.getinfo(src).file_size for _, src in refs) <= 1_800_000
    with pytest.raises(export.ExportRefused, match="超出上限"):
        export.build_package(name="a", title="b", signature="", frames=frames, max_bytes=1_000)
    with pytest.raises(export.ExportRefused, match="第 2 帧的素材文件不存在"):
        export.build_package(name="a", title="b", signature="",
                             frames=[frames[0], export.PackFrame("image", mime="image/jpeg")],
                             max_bytes=1_800_000)


async def _approved_message() -> int:
    message = await Message.create(workspace_id=1, name="双11活动页", kind="text",
                                   approved_version=1)
    version = await MessageVersion.create(
        workspace_id=1, message=message, number=1, status=ReviewStatus.APPROVED,
        document={"version": 2, "kind": "text", "text": "双11全场5折"})
    return version.id


async def test_editor_ch5_review_export(owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    version_id = await _approved_message()
    token = await csrf_of(owner_client, "/video-sms/new")
    base = {"csrf_token": token, "name": "双11视频短信", "title": "双11大促",
            "signature": str(sig_id), "profile": "video_sms", "variables": "name=王先生"}
    bad = await owner_client.post("/video-sms/new", data={**base, "title": "", "op": "save"})
    assert error_of(bad, "title") == "模板标题不能为空"
    created = await owner_client.post("/video-sms/new", data={**base, "op": "save"})
    assert created.status_code == 303, created.text
    tid = int(created.headers["location"].rsplit("/", 1)[-1])
    row = await VideoSmsTemplate.get(id=tid)
    form = {**base, "frame_count": "0", "revision": str(row.revision)}
    for n in range(3):
        kinds = {f"frame_kind_{i}": "text" for i in range(n)}
        page = soup(await owner_client.post(f"/video-sms/{tid}", data={
            **form, **kinds, "frame_count": str(n), "op": "add_text"}))
        form["frame_count"] = page.select_one("input[name=frame_count]")["value"]
    assert form["frame_count"] == "3"
    frames = {"frame_kind_0": "text", "frame_text_0": "{{name}}您好，双11来了",
              "frame_kind_1": "text", "frame_text_1": "全场5折",
              "frame_kind_2": "text", "frame_text_2": "详情见"}
    with_ch5 = soup(await owner_client.post(f"/video-sms/{tid}", data={
        **form, **frames, "op": "insert_ch5", "ch5": str(version_id)}))
    first = with_ch5.select_one("#f-frame-0").get_text()
    assert first.startswith("{{name}}您好，双11来了 http://testserver/s/")
    frames["frame_text_0"] = first
    saved = await owner_client.post(f"/video-sms/{tid}", data={**form, **frames, "op": "save"})
    assert saved.status_code == 200, saved.text
    total = soup(saved).select_one("#vsms-total strong").get_text()
    assert int(total.replace(",", "")) == sum(len(v.encode()) for k, v in frames.items()
                                              if k.startswith("frame_text"))
    await owner_client.post(f"/video-sms/{tid}/review", data={"decision": "submit",
                                                               "csrf_token": token})
    approved = await owner_client.post(f"/video-sms/{tid}/review", data={
        "decision": "approve", "csrf_token": token}, follow_redirects=True)
    assert soup(approved).select_one("#vsms-status").get_text() == "已通过"
    preview = soup(await owner_client.get(f"/video-sms/{tid}/preview?v_name=李女士"))
    assert preview.select_one(".vsms-title").get_text(strip=True) == "【示例科技】双11大促"
    assert preview.select(".vsms-text p")[0].get_text().startswith("李女士您好")
    exported = await owner_client.get(f"/video-sms/{tid}/export")
    assert exported.headers["content-disposition"].startswith("attachment;")
    archive, smil = _package_parts(exported.content)
    pars = smil.findall(f"{SMIL_NS}body/{SMIL_NS}par")
    assert len(pars) == 3
    assert all(child.get("src") in archive.namelist() for par in pars for child in par)
    listed = soup(await owner_client.get("/video-sms?status=approved"))
    assert len(listed.select("table.vsms-table tbody tr")) == 1


async def _asset(settings: Settings, kind: str, profile: str, mime: str, data: bytes,
                 duration: float | None = None) -> str:
    storage = storage_for(settings)
    source = settings.data_dir / f"src-{profile}-{len(data)}"
    source.write_bytes(data)
    key = storage.put_file(source, move=True)
    asset = await MediaAsset.create(
        workspace_id=1, name=f"{kind}.{mime.split('/')[1]}", kind=kind, mime=mime,
        format=mime.split("/")[1], size=len(data), sha256=f"{len(data):064d}",
        original_key=key, status=AssetStatus.READY)
    await RenditionRow.create(
        workspace_id=1, asset=asset, profile=profile, settings_hash="x", storage_key=key,
        mime=mime, format=mime.split("/")[1], size=len(data), budget_bytes=len(data),
        duration=duration, content_hash=f"{len(data):064x}")
    return str(asset.id)


async def test_media_frames_within_total_export_and_refit(
        owner_client: httpx.AsyncClient, settings: Settings) -> None:
    """The 'done when' path: three frames (text with a CH5 link, image, video) within 1.8 MB,
    exported; a bigger video goes over and the re-fit is offered and queued."""
    sig_id = await approved_signature(owner_client)
    version_id = await _approved_message()
    image = await _asset(settings, "image", "ch5_image", "image/jpeg",
                         b"\xff\xd8\xff" + b"i" * 150_000)
    clip = await _asset(settings, "video", "video_sms", "video/mp4", b"v" * 1_400_000, 12.0)
    big = await _asset(settings, "video", "video_sms", "video/mp4", b"w" * 1_700_000, 12.0)
    token = await csrf_of(owner_client, "/video-sms/new")
    created = await owner_client.post("/video-sms/new", data={
        "csrf_token": token, "name": "双11", "title": "双11大促", "signature": str(sig_id),
        "profile": "video_sms", "op": "save"})
    tid = int(created.headers["location"].rsplit("/", 1)[-1])
    form = {"csrf_token": token, "name": "双11", "title": "双11大促", "signature": str(sig_id),
            "profile": "video_sms", "frame_count": "3", "revision": "1",
            "frame_kind_0": "text", "frame_text_0": "双11来了",
            "frame_kind_1": "image", "frame_asset_1": image,
            "frame_kind_2": "video", "frame_asset_2": clip}
    page = soup(await owner_client.post(f"/video-sms/{tid}", data={
        **form, "op": "insert_ch5", "ch5": str(version_id)}))
    form["frame_text_0"] = page.select_one("#f-frame-0").get_text()
    saved = await owner_client.post(f"/video-sms/{tid}", data={**form, "op": "save"})
    assert saved.status_code == 200, saved.text
    assert soup(saved).select_one("#vsms-total .over") is None
    refused = await owner_client.get(f"/video-sms/{tid}/export")
    assert refused.status_code == 409
    assert soup(refused).select_one("#vsms-conflict").get_text().startswith(
        "该模板还没有审核通过的版本，不能导出")
    for decision in ("submit", "approve"):
        await owner_client.post(f"/video-sms/{tid}/review", data={"decision": decision,
                                                                   "csrf_token": token})
    await owner_client.post(f"/video-sms/{tid}/version", data={"csrf_token": token})
    exported = await owner_client.get(f"/video-sms/{tid}/export")
    archive, smil = _package_parts(exported.content)
    refs = [child.get("src") for par in smil.findall(f"{SMIL_NS}body/{SMIL_NS}par")
            for child in par]
    assert len(refs) == 3 and all(src in archive.namelist() for src in refs)
    assert archive.read(refs[1]).startswith(b"\xff\xd8\xff")
    assert sum(archive.getinfo(src).file_size for src in refs) <= 1_800_000
    over = await owner_client.post("/video-sms/total", data={**form, "frame_asset_2": big},
                                   headers={"HX-Request": "true"})
    assert "超出" in soup(over).select_one(".over").get_text()
    form["frame_asset_2"] = big
    form["revision"] = str((await VideoSmsTemplate.get(id=tid)).revision)
    refused = await owner_client.post(f"/video-sms/{tid}", data={**form, "op": "save"})
    assert refused.status_code == 422
    assert "超出上限 1,800,000 字节" in error_of(refused, "total")
    assert await VideoSmsTemplate.get(id=tid).values_list("frames", flat=True) == [
        {"kind": "text", "text": form["frame_text_0"]},
        {"kind": "image", "media": {"asset_id": image, "rendition": "ch5_image"}},
        {"kind": "video", "media": {"asset_id": clip, "rendition": "video_sms"}}]  # not half-saved
    # the editor offers to re-fit the largest video of the (unsaved) frames, and queues it
    offered = soup(refused)
    assert "第 3 帧视频重新压缩到" in offered.select_one("p.refit").get_text()
    queued = await owner_client.post(f"/video-sms/{tid}", data={**form, "op": "refit"})
    assert queued.status_code == 200
    assert "已开始重新压缩视频" in soup(queued).select_one(".notice").get_text()
    job = await Job.filter(kind="media.rendition").first()
    assert job is not None and job.payload["share_bytes"] < 1_700_000
    assert job.payload["asset_id"] == int(big)
