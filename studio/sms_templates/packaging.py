"""A video SMS template's phone view (of the draft or the approved version) and its carrier
package (always of the approved version)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from media.storage import LocalStorage
from renderers.resolver import MediaNotFound, MediaResolver, Rendition
from studio.i18n import Text
from studio.models.templates import VideoSmsTemplate
from studio.sms_templates import content, export, media_seam
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


def phone_view(draft: VideoDraft, signature: str, wanted: Mapping[str, str],
               resolver: MediaResolver) -> PhoneView:
    """What a phone shows: 【签名】 and the title, then each frame in order, variables filled."""
    variables, _ = content.parse_variables(draft.variables)
    values = {v.name: str(wanted.get(v.name, v.sample))[:200] for v in variables}
    frames = [
        PhoneFrame("text", content.fill_samples(f.text, variables, values))
        if f.kind == "text" else PhoneFrame(f.kind, rendition=_rendition(resolver, f.asset_id,
                                                                          f.kind))
        for f in draft.frames
    ]
    title = content.fill_samples(draft.title, variables, values)
    return PhoneView(signature, title, frames, values)


async def package(workspace_id: int, row: VideoSmsTemplate, storage: LocalStorage) -> bytes:
    """The zip (SMIL + text files + media) of the approved version, never of a draft: the files
    are the renditions pinned when it was approved. Refused (zh-CN) when nothing is approved."""
    snap = row.approved
    if not snap:
        raise export.ExportRefused("该模板还没有审核通过的版本，不能导出；请先提交审核，"
                                   "审核通过后再导出运营商模板包")
    frames = []
    for index, frame in enumerate(snap.get("frames") or [], start=1):
        kind = str(frame.get("kind", ""))
        if kind == "text":
            frames.append(export.PackFrame("text", text=str(frame.get("text", ""))))
            continue
        found = await media_seam.frame_file(workspace_id, storage, frame.get("media"))
        if found is None:
            raise export.ExportRefused(Text("第 %(index)s 帧的素材已不存在，不能导出；"
                                            "请修改为新版本后重新选择素材并提交审核", index=index))
        frames.append(export.PackFrame(kind, path=found.path, mime=found.mime,
                                       duration=found.duration))
    profile = PROFILES.get(str(snap.get("profile")), PROFILES["video_sms"])
    variables = [str(v.get("name", "")) for v in snap.get("variables") or []]
    return export.build_package(name=str(snap["name"]), title=str(snap["title"]),
                                signature=str(snap.get("signature", "")), frames=frames,
                                max_bytes=profile["total.max_bytes"].max_allowed,
                                version=int(snap["version"]), variables=variables)


def approved_draft(row: VideoSmsTemplate) -> VideoDraft | None:
    """The approved snapshot as a draft (for the phone preview of what is sent)."""
    snap = row.approved
    if not snap:
        return None
    return VideoDraft.from_json(str(snap["name"]), str(snap["title"]), snap.get("signature_id"),
                                str(snap.get("profile", "video_sms")), snap.get("variables"),
                                snap.get("frames"))
