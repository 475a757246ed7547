"""A video SMS from real media: an image, a video and an audio file uploaded to the library and
transcoded by the real ffmpeg; the video's `video_sms` rendition is queued when it is added as
a frame, the audio's MP3 exists by default; approved and exported, the package's SMIL names
every file, the audio is an MP3 and the total is within 1.8 MB."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

import httpx

from media.probe import probe
from studio.models.media import Rendition
from studio.models.templates import VideoSmsTemplate
from studio.settings import Settings
from studio.sms_templates import export
from tests.conftest import csrf_of
from tests.studio.test_media_upload import (  # noqa: F401 (fixtures)
    clip,
    media_src,
    png_bytes,
    run_jobs,
    settings,
    uploaded_ready,
    wav,
)
from tests.studio.test_signatures import approved_signature, soup
from tests.studio.test_video_sms import SMIL_NS, _approved_message


async def test_real_media_video_sms_approved_and_exported(
        owner_client: httpx.AsyncClient, settings: Settings, clip: bytes,  # noqa: F811
        wav: bytes) -> None:  # noqa: F811
    sig_id = await approved_signature(owner_client)
    version_id = await _approved_message()
    image = await uploaded_ready(owner_client, "海报.png", png_bytes())
    video = await uploaded_ready(owner_client, "短片.mp4", clip)
    audio = await uploaded_ready(owner_client, "语音.wav", wav)
    mp3 = await Rendition.get(asset_id=audio.id, profile="video_sms_audio")
    assert (mp3.mime, mp3.format) == ("audio/mpeg", "mp3")
    token = await csrf_of(owner_client, "/video-sms/new")
    base = {"csrf_token": token, "name": "双11", "title": "双11大促", "signature": str(sig_id),
            "profile": "video_sms", "variables": ""}
    created = await owner_client.post("/video-sms/new", data={**base, "op": "save"})
    tid = int(created.headers["location"].rsplit("/", 1)[-1])
    form = {**base, "revision": "1", "frame_count": "1", "frame_kind_0": "text",
            "frame_text_0": "双11来了，详情"}
    for asset in (f"image:{image.id}", f"video:{video.id}", f"audio:{audio.id}"):
        added = await owner_client.post(f"/video-sms/{tid}", data={
            **form, "op": "add_media", "new_asset": asset})
        page = soup(added)
        count = int(page.select_one("input[name=frame_count]")["value"])
        form["frame_count"] = str(count)
        kind, _, ident = asset.partition(":")
        form[f"frame_kind_{count - 1}"], form[f"frame_asset_{count - 1}"] = kind, ident
        if kind == "video":  # uploads do not make video_sms: adding the frame queues it
            assert "正在为该素材生成视频短信规格" in page.select_one(".notice").get_text()
    assert await run_jobs() == 1
    with_ch5 = soup(await owner_client.post(f"/video-sms/{tid}", data={
        **form, "op": "insert_ch5", "ch5": str(version_id)}))
    form["frame_text_0"] = with_ch5.select_one("#f-frame-0").get_text()
    saved = await owner_client.post(f"/video-sms/{tid}", data={**form, "op": "save"})
    assert saved.status_code == 200, saved.text
    assert not soup(saved).select(".frame .error")
    row = await VideoSmsTemplate.get(id=tid)
    assert [f["kind"] for f in row.frames] == ["text", "image", "video", "audio"]
    assert 0 < row.total_bytes <= 1_800_000
    for decision in ("submit", "approve"):
        decided = await owner_client.post(f"/video-sms/{tid}/review", data={
            "decision": decision, "csrf_token": token})
        assert decided.status_code == 303, decided.text
    exported = await owner_client.get(f"/video-sms/{tid}/export")
    assert exported.status_code == 200, exported.text
    archive = zipfile.ZipFile(io.BytesIO(exported.content))
    smil = ET.fromstring(archive.read(export.SMIL_NAME))
    refs = [(child.tag.removeprefix(SMIL_NS), child.get("src"))
            for par in smil.findall(f"{SMIL_NS}body/{SMIL_NS}par") for child in par]
    assert [tag for tag, _ in refs] == ["text", "img", "video", "audio"]
    assert all(src in archive.namelist() for _, src in refs)
    assert refs[3][1].endswith(".mp3") and refs[2][1].endswith(".mp4")
    assert sum(archive.getinfo(src).file_size for _, src in refs) <= 1_800_000
    out = settings.data_dir / "exported.mp3"
    out.write_bytes(archive.read(refs[3][1]))
    info = probe(out, decode=True)
    assert info.audio_codec == "mp3" and not info.has_video
