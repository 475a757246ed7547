"""Jobs of the media library: process an upload, make a rendition on demand.

``media.process``: probe the original with a full decode, record its facts, then make the
default renditions of its kind. A clear media failure marks the asset failed with the reason in
Chinese and keeps the original (and any rendition already made); nothing is retried.
``media.rendition``: one more rendition (a profile, maybe a video SMS share) of a ready asset.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from media.errors import MediaError
from media.probe import MediaInfo, probe
from media.profiles import DEFAULT_RENDITIONS, Profile
from media.sniff import Kind, sniff_file
from studio.i18n import Text
from studio.jobs import queue
from studio.jobs.registry import JobContext, JobFailed, job_handler
from studio.media_library.config import JobMedia
from studio.media_library.renditions import make_rendition, profile_for
from studio.models.jobs import Job
from studio.models.media import AssetStatus, MediaAsset, Rendition

_UNEXPECTED = "处理时出现意外错误，已停止重试；请稍后重新处理或联系管理员。"


@job_handler("media.process")
async def process_asset(job_ctx: JobContext) -> None:
    payload = job_ctx.payload
    asset = await _asset(job_ctx)
    if asset is None:
        return  # deleted meanwhile
    media = JobMedia.from_payload(payload)
    trim = bool(payload.get("trim"))
    try:
        await job_ctx.progress(1, "正在检查文件")
        info = await asyncio.to_thread(_probe, media, asset)
        await _record_probe(asset, info)
        names = DEFAULT_RENDITIONS[Kind(asset.kind.value)]
        for index, name in enumerate(names):
            await _make_with_progress(
                job_ctx, asset, profile_for(name), media, trim=trim,
                base=5 + 95 * index / len(names), span=95 / len(names),
                message=Text("正在生成规格 %(index)s/%(count)s：%(name)s", index=index + 1,
                             count=len(names), name=name),
            )
    except MediaError as exc:
        await _mark_failed(asset, exc.message_zh)
        raise JobFailed(exc.message_zh) from exc
    except Exception:
        if job_ctx.job.attempts >= job_ctx.job.max_attempts:
            await _mark_failed(asset, _UNEXPECTED)
        raise
    await MediaAsset.filter(id=asset.id).update(status=AssetStatus.READY, error="")
    await job_ctx.progress(100, "已生成全部规格")


@job_handler("media.rendition")
async def make_on_demand(job_ctx: JobContext) -> None:
    payload = job_ctx.payload
    asset = await _asset(job_ctx)
    if asset is None:
        return
    media = JobMedia.from_payload(payload)
    try:
        profile = profile_for(str(payload["profile"]), payload.get("share_bytes"))
        await _make_with_progress(
            job_ctx, asset, profile, media, trim=bool(payload.get("trim")), base=0, span=100,
            message=Text("正在生成规格：%(name)s", name=profile.name),
        )
    except MediaError as exc:
        raise JobFailed(exc.message_zh) from exc
    await job_ctx.progress(100, "已生成")


async def request_rendition(
    asset: MediaAsset, profile: Profile, media: JobMedia, *, now: datetime,
    share_bytes: int | None = None, trim: bool = False,
) -> Job:
    """Queue one rendition of ``asset`` (made only if it does not exist yet)."""
    payload: dict[str, Any] = {
        "asset_id": asset.id, "profile": profile.name, "share_bytes": share_bytes,
        "trim": trim, "media": media.to_payload(),
    }
    return await queue.enqueue("media.rendition", payload, now=now,
                               workspace_id=asset.workspace_id)


async def _asset(job_ctx: JobContext) -> MediaAsset | None:
    return await MediaAsset.filter(
        id=int(job_ctx.payload["asset_id"]), workspace_id=job_ctx.job.workspace_id
    ).first()


def _probe(media: JobMedia, asset: MediaAsset) -> MediaInfo:
    path = media.storage().path(asset.original_key)
    return probe(path, sniff_file(path), options=media.transcode_options(), decode=True)


async def _record_probe(asset: MediaAsset, info: MediaInfo) -> None:
    await MediaAsset.filter(id=asset.id).update(
        width=info.width, height=info.height, duration=info.duration
    )


async def _mark_failed(asset: MediaAsset, reason: str) -> None:
    await MediaAsset.filter(id=asset.id).update(status=AssetStatus.FAILED, error=reason[:500])


class _Relay:
    """Carries the fraction done from the transcoding thread to the event loop."""

    def __init__(self) -> None:
        self.fraction = 0.0

    def __call__(self, fraction: float) -> None:
        self.fraction = max(0.0, min(1.0, fraction))


async def _make_with_progress(
    job_ctx: JobContext, asset: MediaAsset, profile: Profile, media: JobMedia, *,
    trim: bool, base: float, span: float, message: str,
) -> Rendition:
    relay = _Relay()
    await job_ctx.progress(base, message)
    task = asyncio.ensure_future(
        make_rendition(asset, profile, media, trim=trim, on_progress=relay)
    )
    try:
        await _poll(task, lambda: job_ctx.progress(base + span * relay.fraction, message))
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    return task.result()


async def _poll(task: asyncio.Future[Any], report: Callable[[], Awaitable[None]]) -> None:
    while True:
        done, _ = await asyncio.wait({task}, timeout=0.5)
        if done:
            return
        await report()
