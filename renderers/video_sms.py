"""Video SMS templates (视频短信模板): frames of text, image, video or audio within a total size.

A template has a name (an internal note, ≤ 15 characters), a title (shown as the
first line, ≤ 15), a signature and frames; all elements together must stay
within 1.8 MB (:data:`renderers.limits.VIDEO_SMS`). The total counts each media
rendition's bytes plus each text frame's UTF-8 bytes (text travels as a
``text/plain`` part); the title and signature travel in the header and are not
counted.

It is not a :class:`~renderers.document.Message`, so it is not in the message
renderer registry; ``render(template, context)`` has the same shape otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from renderers import problems
from renderers.context import RenderContext, Result
from renderers.document import MediaRef, Variable
from renderers.errors import DocumentError, Problem, errors_only, join_path
from renderers.limits import VIDEO_SMS, Profile
from renderers.media_checks import check_rendition
from renderers.reader import Reader
from renderers.resolver import MediaNotFound, MediaResolver, Rendition
from renderers.sms_count import signature_token
from renderers.variables import fill, names_in

CHANNEL = "video_sms"


class FrameKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class Frame:
    kind: FrameKind
    text: str | None = None  #: text frames
    media: MediaRef | None = None  #: image, video and audio frames


@dataclass(frozen=True)
class VideoSmsTemplate:
    name: str
    title: str
    frames: tuple[Frame, ...] = ()
    signature: str | None = None
    variables: tuple[Variable, ...] = ()


def validate_template(
    template: VideoSmsTemplate,
    resolver: MediaResolver | None = None,
    profile: Profile = VIDEO_SMS,
) -> list[Problem]:
    """Every problem of the template; with a resolver, media types and the total size too."""
    found: list[Problem] = []
    for key, value in (("name", template.name), ("title", template.title)):
        limit = profile[f"{key}.max_chars"]
        if not value.strip():
            found.append(problems.empty(key))
        elif limit.exceeded_by(len(value)):
            found.append(problems.too_long(key, limit.max_allowed, len(value)))
    if not template.frames:
        found.append(problems.too_few("frames", 1, 0))
    declared = {v.name for v in template.variables}
    for name in names_in(template.title):
        if name not in declared:
            found.append(problems.undeclared_variable("title", name))
    for index, frame in enumerate(template.frames):
        path = f"frames[{index}]"
        if frame.kind is FrameKind.TEXT and frame.media is not None:
            found.append(problems.not_for_kind(join_path(path, "media"), "text"))
        if frame.kind is not FrameKind.TEXT and frame.text is not None:
            found.append(problems.not_for_kind(join_path(path, "text"), frame.kind.value))
        if frame.kind is FrameKind.TEXT:
            if not (frame.text or "").strip():
                found.append(problems.kind_needs(path, "text", "文本", "text"))
            for name in names_in(frame.text or ""):
                if name not in declared:
                    found.append(problems.undeclared_variable(join_path(path, "text"), name))
        elif frame.media is None:
            found.append(problems.kind_needs(path, frame.kind.value, "媒体文件", "a media file"))
    if resolver is not None:
        media, media_found = _resolve(template, resolver, profile)
        found += media_found
        texts = [f.text or "" for f in template.frames if f.kind is FrameKind.TEXT]
        found += _total_problems(texts, media, profile)
    return found


def render(template: VideoSmsTemplate, context: RenderContext) -> Result:
    """Frames with resolved media and filled text, and the total size; raises on errors."""
    found = validate_template(template)
    if errors := errors_only(found):
        raise DocumentError(errors)
    values = {v.name: v.sample or f"{{{{{v.name}}}}}" for v in template.variables}
    if not context.preview:
        assert context.variables is not None
        values = dict(context.variables)
    media, later = _resolve(template, context.resolver, VIDEO_SMS)
    title, missing = fill(template.title, values, "title")
    later += missing
    title_limit = VIDEO_SMS["title.max_chars"]
    if title_limit.exceeded_by(len(title)):
        later.append(problems.too_long("title", title_limit.max_allowed, len(title)))
    frames: list[dict[str, Any]] = []
    for index, frame in enumerate(template.frames):
        if frame.kind is FrameKind.TEXT:
            text, missing = fill(frame.text or "", values, f"frames[{index}].text")
            later += missing
            frames.append({"kind": "text", "text": text, "size": len(text.encode("utf-8"))})
        elif index in media:
            frames.append({"kind": frame.kind.value, **_media_view(media[index])})
    texts = [f["text"] for f in frames if f["kind"] == "text"]
    later += _total_problems(texts, media, VIDEO_SMS)
    if errors := errors_only(later):
        raise DocumentError(errors)
    output = {
        "name": template.name,
        "title": title,
        "signature": signature_token(template.signature or context.signature),
        "frames": frames,
        "total_bytes": sum(f["size"] for f in frames),
        "max_bytes": VIDEO_SMS["total.max_bytes"].max_allowed,
    }
    return Result(CHANNEL, output, tuple(found))


def _media_view(rendition: Rendition) -> dict[str, Any]:
    return {
        "url": rendition.url,
        "mime": rendition.mime,
        "size": rendition.size,
        "width": rendition.width,
        "height": rendition.height,
        "duration": rendition.duration,
    }


def _resolve(
    template: VideoSmsTemplate, resolver: MediaResolver, profile: Profile
) -> tuple[dict[int, Rendition], list[Problem]]:
    """Resolve media frames (by frame index) and check each against ``profile``."""
    found: list[Problem] = []
    media: dict[int, Rendition] = {}
    for index, frame in enumerate(template.frames):
        if frame.kind is FrameKind.TEXT or frame.media is None:
            continue
        path = f"frames[{index}].media"
        ref = frame.media
        try:
            rendition = resolver(ref.asset_id, ref.rendition)
        except MediaNotFound:
            found.append(problems.media_unresolved(path, ref.asset_id, ref.rendition))
            continue
        media[index] = rendition
        found += check_rendition(rendition, path, profile)
        if rendition.kind != frame.kind.value:
            found.append(problems.media_bad_type(path, rendition.mime, [f"{frame.kind.value}/*"]))
    return media, found


def total_bytes(texts: list[str], media: Mapping[int, Rendition]) -> int:
    """Text frames as UTF-8 bytes plus every media rendition's size."""
    return sum(len(t.encode("utf-8")) for t in texts) + sum(r.size for r in media.values())


def _total_problems(
    texts: list[str], media: Mapping[int, Rendition], profile: Profile
) -> list[Problem]:
    limit = profile.get("total.max_bytes")
    total = total_bytes(texts, media)
    if limit is not None and limit.exceeded_by(total):
        return [problems.media_too_large("frames", limit.max_allowed, total)]
    return []


# ---- JSON form -----------------------------------------------------------------------------


def template_to_json(template: VideoSmsTemplate) -> dict[str, Any]:
    frames: list[dict[str, Any]] = []
    for frame in template.frames:
        item: dict[str, Any] = {"kind": frame.kind.value}
        if frame.text is not None:
            item["text"] = frame.text
        if frame.media is not None:
            item["media"] = {"asset_id": frame.media.asset_id, "rendition": frame.media.rendition}
        frames.append(item)
    out: dict[str, Any] = {"name": template.name, "title": template.title, "frames": frames}
    if template.signature is not None:
        out["signature"] = template.signature
    out["variables"] = [{"name": v.name, "sample": v.sample} for v in template.variables]
    return out


def template_from_json(data: Mapping[str, Any]) -> VideoSmsTemplate:
    """Parse the JSON form; raises :class:`DocumentError` listing every problem."""
    r = Reader()
    if not isinstance(data, Mapping):
        raise DocumentError([problems.wrong_type("$", "object")])
    r.no_extra(data, "$", {"name", "title", "frames", "signature", "variables"})
    name = r.value(data, "$", "name", str, required=True)
    title = r.value(data, "$", "title", str, required=True)
    frames = r.items(data, "$", "frames", _frame)
    signature = r.value(data, "$", "signature", str)
    variables = r.items(data, "$", "variables", _variable)
    if r.problems:
        raise DocumentError(r.problems)
    return VideoSmsTemplate(name, title, frames, signature, variables)


def _frame(r: Reader, d: Mapping[str, Any], path: str) -> Frame | None:
    r.no_extra(d, path, {"kind", "text", "media"})
    kind = r.value(d, path, "kind", FrameKind, required=True)
    text = r.value(d, path, "text", str)
    media = r.child(d, path, "media", _media)
    return None if kind is None else Frame(kind, text, media)


def _media(r: Reader, d: Mapping[str, Any], path: str) -> MediaRef | None:
    r.no_extra(d, path, {"asset_id", "rendition"})
    asset = r.value(d, path, "asset_id", str, required=True)
    rendition = r.value(d, path, "rendition", str, required=True)
    return None if asset is None or rendition is None else MediaRef(asset, rendition)


def _variable(r: Reader, d: Mapping[str, Any], path: str) -> Variable | None:
    r.no_extra(d, path, {"name", "sample"})
    name = r.value(d, path, "name", str, required=True)
    return None if name is None else Variable(name, r.value(d, path, "sample", str) or "")
