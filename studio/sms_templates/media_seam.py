"""The one seam to the studio's media library for video SMS frames.

Frames refer to a media asset id and a rendition key: `video_sms` for video (the library
makes it within the template's byte share), `ch5_image` for images, `rcs_audio` for audio.
The library is imported lazily so this feature still loads where it is not installed; then
every media frame is reported as not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from renderers.resolver import DictResolver, MediaResolver

FRAME_RENDITIONS = {"image": "ch5_image", "video": "video_sms", "audio": "rcs_audio"}


@dataclass(frozen=True)
class AssetChoice:
    id: str
    name: str
    kind: str


async def load_resolver(workspace_id: int, asset_ids: Iterable[str], base_url: str = ""
                        ) -> MediaResolver:
    try:
        from studio.media_library.resolver import load_resolver as library
    except ImportError:  # media library not installed
        return DictResolver()
    return await library(workspace_id, list(asset_ids), base_url=base_url)


async def assets(workspace_id: int, kind: str, limit: int = 50) -> list[AssetChoice]:
    """Ready assets of a kind, newest first, for the frame picker."""
    try:
        from studio.models.media import AssetStatus, MediaAsset
    except ImportError:
        return []
    rows = await MediaAsset.filter(workspace_id=workspace_id, kind=kind,
                                   status=AssetStatus.READY).order_by("-created_at").limit(limit)
    return [AssetChoice(str(r.id), r.name, r.kind.value) for r in rows]


async def rendition_files(workspace_id: int, media_dir: Path, refs: Iterable[tuple[str, str]]
                          ) -> dict[tuple[str, str], Path]:
    """Local files of the newest rendition of each (asset id, rendition key), for export."""
    try:
        from studio.models.media import Rendition
    except ImportError:
        return {}
    from media.storage import LocalStorage

    storage = LocalStorage(media_dir / "store")
    found: dict[tuple[str, str], Path] = {}
    for asset_id, key in refs:
        if not asset_id.isdigit():
            continue
        row = await Rendition.filter(workspace_id=workspace_id, asset_id=int(asset_id),
                                     profile=key).order_by("-created_at", "-id").first()
        if row is not None:
            found[(asset_id, key)] = storage.path(row.storage_key)
    return found


async def request_refit(workspace_id: int, asset_id: str, share_bytes: int, settings: Any,
                        now: datetime) -> bool:
    """Queue a smaller `video_sms` rendition of a video; False when it cannot be queued."""
    try:
        from studio.media_library.config import JobMedia
        from studio.media_library.processing import request_rendition
        from studio.media_library.renditions import profile_for
        from studio.models.media import MediaAsset
    except ImportError:
        return False
    asset = await MediaAsset.filter(id=int(asset_id), workspace_id=workspace_id).first()
    if asset is None:
        return False
    await request_rendition(asset, profile_for("video_sms", share_bytes),
                            JobMedia.from_settings(settings), now=now, share_bytes=share_bytes)
    return True
