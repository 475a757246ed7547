"""The one seam to the studio's media library for video SMS frames.

Frames refer to a media asset id and a rendition key: `video_sms` for video (the library
makes it within the template's byte share; a re-fit makes a newer, smaller one, which the
resolver then prefers), `ch5_image` for images, `video_sms_audio` (MP3, the one audio format
the video SMS profile accepts) for audio. Saving a template
records its assets as used (`AssetUse`), so the library refuses to delete them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from media.storage import LocalStorage
from renderers.resolver import MediaResolver
from studio.media_library import library
from studio.media_library import resolver as library_resolver
from studio.media_library.config import JobMedia
from studio.media_library.processing import request_rendition
from studio.media_library.renditions import profile_for
from studio.models.media import AssetStatus, MediaAsset, Rendition
from studio.settings import Settings

FRAME_RENDITIONS = {"image": "ch5_image", "video": "video_sms", "audio": "video_sms_audio"}
USER_TYPE = "video_sms_template"


@dataclass(frozen=True)
class AssetChoice:
    id: str
    name: str
    kind: str


async def load_resolver(workspace_id: int, asset_ids: Iterable[str], base_url: str = ""
                        ) -> MediaResolver:
    return await library_resolver.load_resolver(workspace_id, list(asset_ids),
                                                base_url=base_url)


async def assets(workspace_id: int, kind: str, limit: int = 50) -> list[AssetChoice]:
    """Ready assets of a kind, newest first, for the frame picker."""
    rows = await MediaAsset.filter(workspace_id=workspace_id, kind=kind,
                                   status=AssetStatus.READY).order_by("-created_at").limit(limit)
    return [AssetChoice(str(r.id), r.name, r.kind.value) for r in rows]


async def rendition_files(workspace_id: int, storage: LocalStorage,
                          refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Path]:
    """Local files of the newest rendition of each (asset id, rendition key), for export."""
    found: dict[tuple[str, str], Path] = {}
    for asset_id, key in refs:
        if not asset_id.isdigit():
            continue
        row = await Rendition.filter(workspace_id=workspace_id, asset_id=int(asset_id),
                                     profile=key).order_by("-created_at", "-id").first()
        if row is not None and storage.exists(row.storage_key):
            found[(asset_id, key)] = storage.path(row.storage_key)
    return found


async def record_uses(workspace_id: int, template_id: int, asset_ids: Iterable[str],
                      label: str) -> None:
    await library.sync_uses(workspace_id, USER_TYPE, template_id, asset_ids, label)


async def release_uses(workspace_id: int, template_id: int) -> None:
    await library.release_uses(workspace_id, USER_TYPE, template_id)


async def request_refit(workspace_id: int, asset_id: str, share_bytes: int, settings: Settings,
                        now: datetime) -> bool:
    """Queue a smaller `video_sms` rendition of a video; False when there is no such asset."""
    if not asset_id.isdigit():
        return False
    asset = await MediaAsset.filter(id=int(asset_id), workspace_id=workspace_id).first()
    if asset is None:
        return False
    await request_rendition(asset, profile_for("video_sms", share_bytes),
                            JobMedia.from_settings(settings), now=now, share_bytes=share_bytes)
    return True
