"""Uploads through the HTTP app: upload → job → renditions with the real ffmpeg, every bad
input refused with a reason, dedupe, roles, and a job taken over after a crash."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageDraw

from media.ffmpeg import Input, file_arg, run_ffmpeg
from media.profiles import DEFAULT_RENDITIONS, PROFILES
from media.sniff import Kind
from studio.jobs import queue
from studio.jobs.runner import Runner
from studio.media_library.config import JobMedia
from studio.media_library.renditions import make_rendition, profile_for
from studio.models.accounts import Membership, User, Workspace
from studio.models.jobs import Job, JobStatus
from studio.models.media import AssetStatus, MediaAsset, Rendition
from studio.passwords import hash_password
from studio.roles import Role
from studio.settings import JobOptions, MediaOptions, Settings
from tests.conftest import csrf_of, login

CAP = 400_000
RUNNER = JobOptions(embedded=False, poll_seconds=0.01, lease_seconds=5)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small upload cap, so going over it is cheap."""
    return settings.with_(media=MediaOptions(upload_max_bytes=CAP, ffmpeg_threads=1))


# ---- small generated media ------------------------------------------------------------


@pytest.fixture(scope="session")
def media_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("studio-media")


def png_bytes(size: tuple[int, int] = (240, 180), seed: int = 0) -> bytes:
    image = Image.effect_noise(size, 30 + seed).convert("RGB")
    ImageDraw.Draw(image).ellipse((20, 20, size[0] - 20, size[1] - 20), outline=(200, 40, 40),
                                  width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def clip(media_src: Path) -> bytes:
    """1 s, 160x120, noisy video with a tone."""
    out = media_src / "clip.mp4"
    run_ffmpeg(
        [Input("testsrc2=s=160x120:r=15:d=1,noise=alls=8:allf=t", "lavfi"),
         Input("sine=f=440:d=1", "lavfi")],
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-shortest", "-f", "mp4", file_arg(out)],
    )
    return out.read_bytes()


@pytest.fixture(scope="session")
def wav(media_src: Path) -> bytes:
    out = media_src / "tone.wav"
    run_ffmpeg([Input("sine=f=440:d=1", "lavfi")], ["-c:a", "pcm_s16le", "-f", "wav",
                                                     file_arg(out)])
    return out.read_bytes()


@pytest.fixture(scope="session")
def audio_only_mp4(media_src: Path) -> bytes:
    out = media_src / "audio-only.mp4"
    run_ffmpeg([Input("sine=f=440:d=1", "lavfi")], ["-c:a", "aac", "-f", "mp4", file_arg(out)])
    return out.read_bytes()


@pytest.fixture(scope="session")
def long_clip(media_src: Path) -> bytes:
    """61 s of tiny video: one second over the 5G message and CH5 limits."""
    out = media_src / "long.mp4"
    run_ffmpeg([Input("testsrc2=s=64x48:r=2:d=61", "lavfi")],
               ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "mp4",
                file_arg(out)])
    return out.read_bytes()


def huge_png() -> bytes:
    """A PNG header declaring 100000×100000 pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(
        b"IEND", b"")


def many_frames_gif(frames: int = 1_100) -> bytes:
    images = [Image.new("L", (4, 4), (i * 7) % 256) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=20)
    return out.getvalue()


# ---- helpers shared with test_media_library.py ----------------------------------------


async def upload(client: httpx.AsyncClient, *files: tuple[str, bytes]) -> httpx.Response:
    token = await csrf_of(client, "/media")
    parts = [("file", (name, data, "image/jpeg")) for name, data in files]
    return await client.post(f"/media/upload?csrf_token={token}", files=parts)


async def run_jobs() -> int:
    runner, count = Runner(RUNNER), 0
    while await runner.run_once():
        count += 1
    return count


async def uploaded_ready(client: httpx.AsyncClient, name: str, data: bytes) -> MediaAsset:
    response = await upload(client, (name, data))
    assert response.status_code == 201, response.text
    await run_jobs()
    asset = await MediaAsset.get(name=name)
    assert asset.status is AssetStatus.READY, asset.error
    return asset


def error_text(response: httpx.Response) -> str:
    node = BeautifulSoup(response.text, "html.parser").select_one(".media-uploaded .error")
    assert node is not None, response.text
    return node.get_text()


# ---- the happy path -------------------------------------------------------------------


async def test_upload_job_renditions(owner_client: httpx.AsyncClient, clip: bytes,
                                     wav: bytes) -> None:
    """One request with an image, a video and an audio file: three assets, three jobs."""
    files = {Kind.IMAGE: ("海报.png", png_bytes()), Kind.VIDEO: ("广告.mp4", clip),
             Kind.AUDIO: ("铃声.wav", wav)}
    response = await upload(owner_client, *files.values())
    assert response.status_code == 201
    # the upload answers at once with the self-polling progress of each job
    nodes = BeautifulSoup(response.text, "html.parser").select(".media-uploaded .job")
    assert len(nodes) == 3 and all(n["hx-trigger"] == "load delay:1s" for n in nodes)
    assert await MediaAsset.filter(status=AssetStatus.PROCESSING).count() == 3
    assert await run_jobs() == 3
    for kind, (name, _) in files.items():
        asset = await MediaAsset.get(name=name)
        assert asset.status is AssetStatus.READY, asset.error
        assert asset.kind.value == kind.value
        assert (asset.duration is None) is (kind is Kind.IMAGE)
        rows = await Rendition.filter(asset_id=asset.id)
        assert sorted(r.profile for r in rows) == sorted(DEFAULT_RENDITIONS[kind])
        for row in rows:
            assert row.size <= PROFILES[row.profile].budget.max_bytes == row.budget_bytes
            if row.quality is not None:
                assert row.quality >= PROFILES[row.profile].min_ssim, row.profile
        job = await Job.get(id=asset.job_id)
        assert job.status is JobStatus.SUCCEEDED and job.progress == 100
    done = await owner_client.get(f"/jobs/{job.id}", headers={"HX-Request": "true"})
    assert done.status_code == 286


async def test_same_file_twice_is_one_asset(owner_client: httpx.AsyncClient) -> None:
    data = png_bytes(seed=3)
    first = await upload(owner_client, ("a.png", data))
    second = await upload(owner_client, ("copy-of-a.png", data))
    assert first.status_code == second.status_code == 201
    assert "已有相同文件" in second.text
    assert await MediaAsset.all().count() == 1
    assert await Job.filter(kind="media.process").count() == 1
    # dedupe is per workspace: another workspace may hold the same bytes
    other = await Workspace.create(name="别的")
    twin = await MediaAsset.first()
    assert twin is not None
    await MediaAsset.create(workspace=other, name="x", kind="image", mime="image/png",
                            format="png", size=1, sha256=twin.sha256, original_key="0" * 32)
    assert await MediaAsset.filter(sha256=twin.sha256).count() == 2


# ---- bad input ------------------------------------------------------------------------

REFUSED_AT_UPLOAD = [
    ("renamed-html", "photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     415, "网页"),
    ("script", "x.jpg", b"#!/bin/sh\nrm -rf /\n", 415, "脚本"),
    ("zero-byte", "empty.png", b"", 422, "为空"),
    ("svg", "logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     415, "SVG"),
    ("playlist", "video.mp4", b"#EXTM3U\n#EXTINF:10,\nhttp://example.com/a.ts\n", 415, "播放列表"),
]


async def test_bad_input_refused_with_reason(
    owner_client: httpx.AsyncClient, settings: Settings
) -> None:
    for case, name, data, status, says in REFUSED_AT_UPLOAD:
        response = await upload(owner_client, (name, data))
        assert response.status_code == status, case
        assert says in error_text(response), case
    assert await MediaAsset.all().count() == 0
    assert not any((settings.media_dir / "tmp").iterdir())  # no partial file left


async def test_over_cap_refused(owner_client: httpx.AsyncClient, settings: Settings) -> None:
    """Refused by Content-Length before reading, and by counting bytes while streaming."""
    token = await csrf_of(owner_client, "/media")
    response = await owner_client.post(
        f"/media/upload?csrf_token={token}", content=b"x",
        headers={"Content-Type": "multipart/form-data; boundary=b",
                 "Content-Length": str(CAP * 10)},
    )
    assert response.status_code == 413 and "大小上限" in error_text(response)
    # no Content-Length (chunked): the byte count while parsing refuses it
    head = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
            b"Content-Type: image/png\r\n\r\n")

    async def body() -> AsyncIterator[bytes]:
        yield head + png_bytes()[:1000]
        for _ in range(CAP // 50_000 + 2):
            yield b"\x00" * 50_000
        yield b"\r\n--b--\r\n"

    response = await owner_client.post(
        f"/media/upload?csrf_token={token}", content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413
    assert await MediaAsset.all().count() == 0
    assert not any((settings.media_dir / "tmp").iterdir())


FAILED_IN_JOB = [
    ("truncated-mp4", "cut.mp4", "clip"),
    ("huge-png", "bomb.png", "huge"),
    ("gif-many-frames", "long.gif", "gif"),
    ("no-video-stream", "sound.mp4", "audio_only"),
]


async def test_undecodable_fails_in_chinese_and_keeps_original(
    owner_client: httpx.AsyncClient, clip: bytes, audio_only_mp4: bytes, settings: Settings,
) -> None:
    sources = {"clip": clip[: len(clip) // 2], "huge": huge_png(), "gif": many_frames_gif(),
               "audio_only": audio_only_mp4}
    files = [(name, sources[source]) for _, name, source in FAILED_IN_JOB]
    assert (await upload(owner_client, *files)).status_code == 201
    await run_jobs()
    storage = JobMedia.from_settings(settings).storage()
    for case, name, _ in FAILED_IN_JOB:
        asset = await MediaAsset.get(name=name)
        assert asset.status is AssetStatus.FAILED, case
        assert any("\u4e00" <= ch <= "\u9fff" for ch in asset.error), asset.error
        assert storage.exists(asset.original_key), case
        job = await Job.get(id=asset.job_id)
        assert job.status is JobStatus.FAILED and job.attempts == 1, case  # no retry
    page = await owner_client.get(f"/media/{asset.id}")
    shown = BeautifulSoup(page.text, "html.parser").select_one("[role=alert]")
    assert shown is not None and asset.error in shown.get_text()
    # the original is kept, so the asset can be processed again (here: fails again, clearly)
    token = await csrf_of(owner_client, "/media")
    retried = await owner_client.post(f"/media/{asset.id}/retry", data={"csrf_token": token})
    assert retried.status_code == 303
    await asset.refresh_from_db()
    assert asset.status is AssetStatus.PROCESSING and asset.error == ""
    await run_jobs()
    await asset.refresh_from_db()
    assert asset.status is AssetStatus.FAILED and asset.error


async def test_too_long_video_is_refused_then_trimmed_on_request(
    owner_client: httpx.AsyncClient, long_clip: bytes
) -> None:
    assert (await upload(owner_client, ("发布会.mp4", long_clip))).status_code == 201
    await run_jobs()
    asset = await MediaAsset.get(name="发布会.mp4")
    assert asset.status is AssetStatus.FAILED and "自动截取" in asset.error
    page = BeautifulSoup((await owner_client.get(f"/media/{asset.id}")).text, "html.parser")
    assert page.select_one('form[action$="/retry"] input[name=trim]') is not None
    token = await csrf_of(owner_client, "/media")
    retried = await owner_client.post(f"/media/{asset.id}/retry",
                                      data={"trim": "1", "csrf_token": token})
    assert retried.status_code == 303
    await run_jobs()
    await asset.refresh_from_db()
    assert asset.status is AssetStatus.READY, asset.error
    video = await Rendition.get(asset_id=asset.id, profile="rcs_video")
    assert video.duration is not None and video.duration <= 60.0
    assert video.size <= PROFILES["rcs_video"].budget.max_bytes


# ---- roles, restart -------------------------------------------------------------------


async def test_analyst_sees_library_but_cannot_upload(owner_client: httpx.AsyncClient) -> None:
    workspace = await Workspace.first()
    user = await User.create(email="analyst@example.cn",
                             password_hash=hash_password("analyst pw 1"))
    await Membership.create(workspace=workspace, user=user, role=Role.ANALYST)
    owner_client.cookies.clear()
    assert (await login(owner_client, "analyst@example.cn", "analyst pw 1")).status_code == 303
    page = await owner_client.get("/media")
    assert page.status_code == 200
    assert BeautifulSoup(page.text, "html.parser").select_one("form.media-upload") is None
    response = await upload(owner_client, ("a.png", png_bytes()))
    assert response.status_code == 403
    assert await MediaAsset.all().count() == 0


async def test_restart_mid_job_resumes(owner_client: httpx.AsyncClient,
                                       settings: Settings) -> None:
    assert (await upload(owner_client, ("p.png", png_bytes(seed=5)))).status_code == 201
    asset = await MediaAsset.get(name="p.png")
    now = datetime.now(UTC)
    # a worker claims the job, makes one rendition, and dies
    claimed = await queue.claim("dead", now=now, lease=timedelta(seconds=30),
                                kinds=["media.process"])
    assert claimed is not None and claimed.id == asset.job_id
    media = JobMedia.from_settings(settings)
    first = await make_rendition(asset, profile_for("thumbnail"), media)
    page = await owner_client.get("/media")  # after a reload, the card still polls
    card = BeautifulSoup(page.text, "html.parser").select_one(f"#asset-{asset.id}")
    assert card is not None and card.select_one(".job progress")
    assert card["hx-get"].endswith(f"/media/{asset.id}/card")
    assert not await Runner(RUNNER).run_once()  # the lease still holds
    await Job.filter(id=claimed.id).update(lease_until=now - timedelta(seconds=1))
    assert await run_jobs() == 1
    await asset.refresh_from_db()
    assert asset.status is AssetStatus.READY
    job = await Job.get(id=claimed.id)
    assert job.status is JobStatus.SUCCEEDED and job.attempts == 2 and job.locked_by != "dead"
    rows = await Rendition.filter(asset_id=asset.id)
    assert len(rows) == len(DEFAULT_RENDITIONS[Kind.IMAGE])
    assert {r.id for r in rows if r.profile == "thumbnail"} == {first.id}  # not made twice
    done = await owner_client.get(f"/media/{asset.id}/card", headers={"HX-Request": "true"})
    card = BeautifulSoup(done.text, "html.parser").select_one(f"#asset-{asset.id}")
    assert done.status_code == 286 and not card.has_attr("hx-get") and card.select_one("img")
