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
from studio.sms_templates.content import parse_id

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


@dataclass(frozen=True)
class FrameFile:
    """The stored file of one media frame's rendition (for the carrier package)."""

    rendition_id: int
    path: Path | None  #: None when the file is missing from storage
    mime: str
    duration: float | None


async def _newest(workspace_id: int, asset_id: int, key: str) -> Rendition | None:
    return await Rendition.filter(workspace_id=workspace_id, asset_id=asset_id,
                                  profile=key).order_by("-created_at", "-id").first()


async def pin_renditions(workspace_id: int, frames: Iterable[object]) -> list[object]:
    """The frames JSON with each media frame's current rendition id added (`rendition_id`).

    Kept in the approved snapshot, so the approved version keeps exactly these files even when
    a re-fit (for this or another template) later makes a newer rendition of the same asset.
    """
    pinned: list[object] = []
    for frame in frames:
        media = frame.get("media") if isinstance(frame, dict) else None
        asset_id = parse_id(media.get("asset_id", "")) if isinstance(media, dict) else None
        if not isinstance(frame, dict) or not isinstance(media, dict) or asset_id is None:
            pinned.append(frame)
            continue
        row = await _newest(workspace_id, asset_id, str(media.get("rendition")))
        pinned.append({**frame, "media": {**media, "rendition_id": row.id if row else None}})
    return pinned


async def frame_file(workspace_id: int, storage: LocalStorage, media: object
                     ) -> FrameFile | None:
    """The pinned rendition of a snapshot's media frame (the newest one for a snapshot made
    before pinning); None when the asset or rendition is gone."""
    asset_id = parse_id(media.get("asset_id", "")) if isinstance(media, dict) else None
    if not isinstance(media, dict) or asset_id is None:
        return None
    pinned = media.get("rendition_id")
    if isinstance(pinned, int):
        row = await Rendition.filter(id=pinned, workspace_id=workspace_id,
                                     asset_id=asset_id).first()
    else:
        row = await _newest(workspace_id, asset_id, str(media.get("rendition")))
    if row is None:
        return None
    path = storage.path(row.storage_key) if storage.exists(row.storage_key) else None
    return FrameFile(row.id, path, row.mime, row.duration)


async def record_uses(workspace_id: int, template_id: int, asset_ids: Iterable[str],
                      label: str) -> None:
    await library.sync_uses(workspace_id, USER_TYPE, template_id, asset_ids, label)


async def release_uses(workspace_id: int, template_id: int) -> None:
    await library.release_uses(workspace_id, USER_TYPE, template_id)


async def request_refit(workspace_id: int, asset_id: str, share_bytes: int, settings: Settings,
                        now: datetime) -> bool:
    """Queue a smaller `video_sms` rendition of a video; False when there is no such asset."""
    pk = parse_id(asset_id)
    if pk is None:
        return False
    asset = await MediaAsset.filter(id=pk, workspace_id=workspace_id).first()
    if asset is None:
        return False
    await request_rendition(asset, profile_for("video_sms", share_bytes),
                            JobMedia.from_settings(settings), now=now, share_bytes=share_bytes)
    return True


async def ensure_rendition(workspace_id: int, kind: str, asset_id: str, settings: Settings,
                           now: datetime) -> bool:
    """Queue a frame's rendition when a ready asset has none yet (a video's `video_sms`, which
    uploads do not make, or the MP3 of audio uploaded before it was made by default).
    True when a job was queued."""
    key = FRAME_RENDITIONS.get(kind)
    pk = parse_id(asset_id)
    if key is None or pk is None:
        return False
    asset = await MediaAsset.filter(id=pk, workspace_id=workspace_id, kind=kind,
                                    status=AssetStatus.READY).first()
    if asset is None or await Rendition.filter(workspace_id=workspace_id, asset_id=asset.id,
                                               profile=key).exists():
        return False
    await request_rendition(asset, profile_for(key), JobMedia.from_settings(settings), now=now)
    return True


async def asset_names(workspace_id: int, asset_ids: Iterable[str]) -> dict[str, str]:
    """Names of the workspace's assets among `asset_ids` (for the frame list)."""
    ids = [pk for pk in map(parse_id, asset_ids) if pk is not None]
    rows = await MediaAsset.filter(workspace_id=workspace_id, id__in=ids).values_list("id",
                                                                                      "name")
    return {str(pk): str(name) for pk, name in rows}
