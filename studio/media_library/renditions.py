"""Making one rendition: fit the original in a worker thread, store it, record an immutable row.

Idempotent: a rendition already made for (asset, profile, settings hash) is returned as is, so a
job taken over after a crash only makes what is missing.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path

from tortoise.exceptions import IntegrityError

from media.budget import FitResult
from media.ffmpeg import ProgressCallback
from media.fit import fit
from media.options import TranscodeOptions
from media.profiles import Profile, get_profile, video_sms_profile
from media.serving import file_sha256
from media.sniff import sniff_file
from media.storage import LocalStorage
from studio.media_library.config import JobMedia
from studio.models.media import MediaAsset, Rendition

#: one transcode at a time in this process (ffmpeg already uses several threads)
_TRANSCODE = threading.Lock()


def profile_for(name: str, share_bytes: int | None = None) -> Profile:
    """The named profile; ``video_sms`` with a template's byte share when one is given."""
    if name == "video_sms" and share_bytes:
        return video_sms_profile(share_bytes)
    return get_profile(name)


async def existing_rendition(
    asset_id: int, profile: Profile, options: TranscodeOptions
) -> Rendition | None:
    return await Rendition.filter(
        asset_id=asset_id, profile=profile.name, settings_hash=profile.settings_hash(options)
    ).first()


async def make_rendition(
    asset: MediaAsset,
    profile: Profile,
    media: JobMedia,
    *,
    trim: bool = False,
    on_progress: ProgressCallback | None = None,
) -> Rendition:
    options = media.transcode_options(trim=trim)
    found = await existing_rendition(asset.id, profile, options)
    if found is not None:
        return found
    storage = media.storage()
    src = storage.path(asset.original_key)
    result, digest, key = await asyncio.to_thread(
        _fit_and_store, src, profile, options, storage, on_progress
    )
    try:
        return await Rendition.create(
            workspace_id=asset.workspace_id, asset_id=asset.id, profile=profile.name,
            settings_hash=profile.settings_hash(options), storage_key=key, mime=result.mime,
            format=result.format, size=result.size, budget_bytes=profile.budget.max_bytes,
            width=result.width, height=result.height, duration=result.duration,
            quality=result.quality, content_hash=digest, settings=_plain(result),
        )
    except IntegrityError:  # made meanwhile by another worker, or the asset was deleted
        storage.delete(key)
        return await Rendition.get(
            asset_id=asset.id, profile=profile.name,
            settings_hash=profile.settings_hash(options),
        )


def _fit_and_store(
    src: Path, profile: Profile, options: TranscodeOptions, storage: LocalStorage,
    on_progress: ProgressCallback | None,
) -> tuple[FitResult, str, str]:
    with tempfile.TemporaryDirectory(prefix="fit-", dir=storage.root) as tmp:
        with _TRANSCODE:
            result = fit(src, profile, Path(tmp) / "out", options=options,
                         sniffed=sniff_file(src), on_progress=on_progress)
        digest = file_sha256(result.path)
        key = storage.put_file(result.path, move=True)
    return result, digest, key


def _plain(result: FitResult) -> dict[str, object]:
    """Encoder settings as JSON-safe values (for display and diagnosis)."""
    return {
        str(k): v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for k, v in dict(result.settings).items()
    } | {"seconds": round(result.seconds, 3)}
