"""A video SMS template's phone view and its carrier package, from the stored frames."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from media.storage import LocalStorage
from renderers.resolver import MediaNotFound, MediaResolver, Rendition
from studio.models.templates import VideoSmsTemplate
from studio.sms_templates import content, export, media_seam
from studio.sms_templates.sms import signature_text
from studio.sms_templates.video import PROFILES, VideoDraft


@dataclass(frozen=True)
class PhoneFrame:
    kind: str
    text: str = ""
    rendition: Rendition | None = None


@dataclass(frozen=True)
class PhoneView:
    signature: str
    title: str
    frames: list[PhoneFrame]
    values: dict[str, str]


def _rendition(resolver: MediaResolver, asset_id: str, kind: str) -> Rendition | None:
    try:
        return resolver(asset_id, media_seam.FRAME_RENDITIONS[kind])
    except MediaNotFound:
        return None


async def phone_view(workspace_id: int, row: VideoSmsTemplate, draft: VideoDraft,
                     wanted: Mapping[str, str], resolver: MediaResolver) -> PhoneView:
    """What a phone shows: 【签名】 and the title, then each frame in order, variables filled."""
    variables, _ = content.parse_variables(draft.variables)
    values = {v.name: str(wanted.get(v.name, v.sample))[:200] for v in variables}
    frames = [
        PhoneFrame("text", content.fill_samples(f.text, variables, values))
        if f.kind == "text" else PhoneFrame(f.kind, rendition=_rendition(resolver, f.asset_id,
                                                                          f.kind))
        for f in draft.frames
    ]
    sig = await signature_text(workspace_id, draft.signature_id) or ""
    title = content.fill_samples(draft.title, variables, values)
    return PhoneView(sig, title, frames, values)


async def package(workspace_id: int, row: VideoSmsTemplate, draft: VideoDraft,
                  resolver: MediaResolver, storage: LocalStorage,
                  files: Mapping[tuple[str, str], Path] | None = None) -> bytes:
    """The zip (SMIL + text files + media); `files` overrides the media library lookup."""
    refs = [(f.asset_id, media_seam.FRAME_RENDITIONS[f.kind]) for f in draft.frames
            if f.kind != "text"]
    if files is None:
        files = await media_seam.rendition_files(workspace_id, storage, refs)
    frames = []
    for f in draft.frames:
        if f.kind == "text":
            frames.append(export.PackFrame("text", text=f.text))
            continue
        key = (f.asset_id, media_seam.FRAME_RENDITIONS[f.kind])
        rendition = _rendition(resolver, f.asset_id, f.kind)
        frames.append(export.PackFrame(
            f.kind, path=files.get(key), mime=rendition.mime if rendition else "",
            duration=rendition.duration if rendition else None))
    profile = PROFILES.get(draft.profile, PROFILES["video_sms"])
    sig = await signature_text(workspace_id, draft.signature_id) or ""
    return export.build_package(name=row.name, title=row.title, signature=sig, frames=frames,
                                max_bytes=profile["total.max_bytes"].max_allowed)
