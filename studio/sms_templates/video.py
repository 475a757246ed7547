"""Video SMS templates (视频短信模板): the editor's draft, its operations and its check.

Frames are `renderers.video_sms` frames (text, or a media asset with its rendition key); the
totals and media checks are `renderers.video_sms.validate_template` against the chosen profile:
`video_sms` (1.8 MB) or the Unicom 数字云信 profile (≤ 4 frames, ≥ 1 text frame, text ≤ 500
characters, ≤ 1.9 MB).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from renderers.document import MediaRef
from renderers.document import Variable as DocVariable
from renderers.errors import Problem
from renderers.limits import UNICOM_DIGITAL, VIDEO_SMS, Limit, Profile
from renderers.resolver import MediaNotFound, MediaResolver, Rendition
from renderers.sms import find_forbidden
from renderers.video_sms import Frame, FrameKind, VideoSmsTemplate, total_bytes, validate_template
from studio.i18n import Text
from studio.sms_templates import content
from studio.sms_templates.media_seam import FRAME_RENDITIONS
from studio.sms_templates.rules import Rules

#: a studio cap on frames where the carrier profile names none
FRAMES_MAX = 10
TEXT_FRAME_MAX = 1000
PROFILES: dict[str, Profile] = {
    "video_sms": VIDEO_SMS.derive("video_sms", VIDEO_SMS.title_zh, VIDEO_SMS.title_en,
                                  items__max=Limit(FRAMES_MAX, "Studio product decision")),
    "unicom_digital": VIDEO_SMS.derive(
        "unicom_digital", UNICOM_DIGITAL.title_zh, UNICOM_DIGITAL.title_en,
        items__max=UNICOM_DIGITAL["items.max"], text_items__min=UNICOM_DIGITAL["text_items.min"],
        text__max_chars=UNICOM_DIGITAL["text.max_chars"],
        total__max_bytes=UNICOM_DIGITAL["total.max_bytes"]),
}
PROFILE_LABELS = {"video_sms": "视频短信（1.8 MB）",
                  "unicom_digital": "联通数字云信（1.9 MB，最多 4 帧）"}
FIELD_LABELS = {"name": "模板名称", "title": "模板标题"}
#: the profiles' titles as msgids (renderers keep them in zh-CN and English, not in a catalog)
PROFILE_TITLES = {"video_sms": Text("视频短信"), "unicom_digital": Text("联通数字短信")}


@dataclass(frozen=True)
class FrameDraft:
    kind: str
    text: str = ""
    asset_id: str = ""

    def to_json(self) -> dict[str, Any]:
        if self.kind == FrameKind.TEXT.value:
            return {"kind": "text", "text": self.text}
        return {"kind": self.kind,
                "media": {"asset_id": self.asset_id, "rendition": FRAME_RENDITIONS[self.kind]}}


@dataclass(frozen=True)
class VideoDraft:
    name: str = ""
    title: str = ""
    signature_id: str = ""
    profile: str = "video_sms"
    variables: str = ""
    frames: tuple[FrameDraft, ...] = ()

    @classmethod
    def from_form(cls, form: dict[str, str]) -> VideoDraft:
        count = min(content.parse_id(form.get("frame_count", "")) or 0, 50)
        frames = []
        for i in range(count):
            kind = form.get(f"frame_kind_{i}", "")
            if kind in FrameKind.__members__.values():
                text = content.normalise_newlines(form.get(text_field(i), ""))[:4000]
                frames.append(FrameDraft(kind, text, form.get(f"frame_asset_{i}", "")[:20]))
        return cls(form.get("name", "")[:100], form.get("title", "")[:100],
                   form.get("signature", ""), form.get("profile", "video_sms"),
                   form.get("variables", "")[:4000], tuple(frames))

    @classmethod
    def from_json(cls, name: str, title: str, signature_id: object, profile: str,
                  variables: object, frames: object) -> VideoDraft:
        items = frames if isinstance(frames, list) else []
        parsed = tuple(
            FrameDraft(str(f.get("kind", "")), str(f.get("text", "")),
                       str((f.get("media") or {}).get("asset_id", "")))
            for f in items if isinstance(f, dict))
        return cls(name, title, str(signature_id or ""), profile,
                   content.variables_text(content.variables_from_json(variables)), parsed)

    def frames_json(self) -> list[dict[str, Any]]:
        return [f.to_json() for f in self.frames]

    def asset_ids(self) -> list[str]:
        return [f.asset_id for f in self.frames if f.kind != "text" and f.asset_id]


def picked_asset(form: dict[str, str]) -> tuple[str, str, str] | None:
    """The media picker's choice as (kind, "", asset id): the option value is `kind:id` (the
    kind comes with the asset, so an image cannot become an audio frame); a bare id with
    `new_kind` is accepted too."""
    raw = form.get("new_asset", "").strip()
    kind, _, ident = raw.rpartition(":") if ":" in raw else (form.get("new_kind", ""), "", raw)
    pk = content.parse_id(ident)
    if kind not in FRAME_RENDITIONS or pk is None:
        return None
    return kind, "", str(pk)


def apply_op(draft: VideoDraft, op: str, form: dict[str, str]) -> VideoDraft:
    """Structural edits: add, move, remove frames. Unknown ops change nothing."""
    frames = list(draft.frames)
    verb, _, arg = op.partition(":")
    index = content.parse_id(arg)
    index = -1 if index is None else index
    if verb == "add_text":
        frames.append(FrameDraft("text"))
    elif verb == "add_media" and (picked := picked_asset(form)):
        frames.append(FrameDraft(*picked))
    elif verb == "up" and 0 < index < len(frames):
        frames[index - 1], frames[index] = frames[index], frames[index - 1]
    elif verb == "down" and 0 <= index < len(frames) - 1:
        frames[index + 1], frames[index] = frames[index], frames[index + 1]
    elif verb == "remove" and 0 <= index < len(frames):
        del frames[index]
    return replace(draft, frames=tuple(frames))


def text_field(index: int) -> str:
    """The form name of text frame `index` (also the caret field of the insert buttons)."""
    return f"frame_text_{index}"


def insert_in_text(draft: VideoDraft, piece: str, caret: content.Caret = content.NO_CARET, *,
                   spaced: bool = True) -> tuple[VideoDraft, content.Caret]:
    """Put `piece` at the caret of a text frame; without one at the end of the first text
    frame, adding a text frame when there is none."""
    frames = list(draft.frames)
    texts = [i for i, f in enumerate(frames) if f.kind == "text"]
    at = next((i for i in texts if caret.field == text_field(i)), texts[0] if texts else None)
    if at is None:
        frames.append(FrameDraft("text", piece))
        return replace(draft, frames=tuple(frames)), content.Caret(text_field(len(frames) - 1),
                                                                   len(piece))
    text = frames[at].text
    new, after = content.insert_at(text, piece, caret.offset_in(text_field(at), text),
                                   spaced=spaced)
    frames[at] = FrameDraft("text", new)
    return replace(draft, frames=tuple(frames)), content.Caret(text_field(at), after)


def insert_variable(draft: VideoDraft, name: str, caret: content.Caret = content.NO_CARET
                    ) -> tuple[VideoDraft, content.Caret, str | None]:
    """Declare `name` and put {{name}} at the caret of a text frame (see insert_in_text)."""
    if not name:
        return draft, caret, "请填写变量名称"
    variables, error = content.parse_variables(draft.variables + "\n" + name)
    if error:
        return draft, caret, error
    with_var, after = insert_in_text(draft, "{{" + name + "}}", caret, spaced=False)
    return replace(with_var, variables=content.variables_text(variables)), after, None


@dataclass(frozen=True)
class FrameView:
    draft: FrameDraft
    rendition: Rendition | None
    size: int


@dataclass(frozen=True)
class Refit:
    """Advice when over the total: re-fit the largest video to a smaller share."""

    frame: int
    asset_id: str
    share_bytes: int


@dataclass(frozen=True)
class VideoCheck:
    frames: list[FrameView]
    total: int
    max_bytes: int
    refit: Refit | None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def over_by(self) -> int:
        return max(0, self.total - self.max_bytes)


def _template(draft: VideoDraft, variables: list[content.Variable]) -> VideoSmsTemplate:
    frames = []
    for f in draft.frames:
        if f.kind == "text":
            frames.append(Frame(FrameKind.TEXT, text=f.text))
        else:
            frames.append(Frame(FrameKind(f.kind),
                                media=MediaRef(f.asset_id or "-", FRAME_RENDITIONS[f.kind])))
    return VideoSmsTemplate(draft.name, draft.title, tuple(frames),
                            variables=tuple(DocVariable(v.name, v.sample) for v in variables))


def _field(problem: Problem) -> str:
    path = problem.path
    if path.startswith("frames[") and "]" in path:
        return "frame_" + path[len("frames["):path.index("]")]
    return path if path in ("name", "title") else "frames"


def _resolve(draft: VideoDraft, resolver: MediaResolver) -> list[FrameView]:
    views = []
    for f in draft.frames:
        rendition = None
        if f.kind != "text":
            try:
                rendition = resolver(f.asset_id, FRAME_RENDITIONS[f.kind])
            except MediaNotFound:
                rendition = None
        size = rendition.size if rendition else len(f.text.encode("utf-8"))
        views.append(FrameView(f, rendition, size if f.kind == "text" or rendition else 0))
    return views


def _refit(views: list[FrameView], over_by: int) -> Refit | None:
    videos = [(v.size, i, v) for i, v in enumerate(views) if v.draft.kind == "video" and v.size]
    if over_by <= 0 or not videos:
        return None
    size, index, view = max(videos)
    share = size - over_by - 1000  # a little headroom for container overhead
    return Refit(index, view.draft.asset_id, share) if share > 50_000 else None


def check(draft: VideoDraft, rules: Rules, resolver: MediaResolver, signature: str | None
          ) -> VideoCheck:
    profile = PROFILES.get(draft.profile, PROFILES["video_sms"])
    errors: dict[str, str] = {}
    variables, var_error = content.parse_variables(draft.variables)
    for problem in validate_template(_template(draft, variables), resolver, profile):
        if not problem.is_error:
            continue
        key = _field(problem)
        label = FIELD_LABELS.get(key, "")
        message = problem.message_zh
        if problem.code == "media_unresolved":
            message = "请从素材库选择可用的素材（素材不存在、不属于本工作区或尚未转码完成）"
        elif problem.code == "media_bad_type":
            message = Text("不支持的文件：%(problem)s", problem=problem.message_zh)
        elif problem.code == "media_too_large" and key == "frames":
            message = ""  # reported with the total below
        if message:
            errors.setdefault(key, f"{label}{message}" if label else message)
    texts = [f.text for f in draft.frames if f.kind == "text"]
    items_max = profile["items.max"].value
    if len(draft.frames) > items_max:
        errors["frames"] = Text("最多 %(max)s 帧，当前 %(n)s 帧", max=items_max,
                                 n=len(draft.frames))
    text_min = profile.get("text_items.min")
    if text_min and len(texts) < text_min.value:
        errors["frames"] = Text("%(profile)s至少需要 %(n)s 个文本帧",
                                 profile=PROFILE_TITLES.get(profile.name, profile.title_zh),
                                 n=text_min.value)
    text_max = profile.get("text.max_chars")
    for i, f in enumerate(draft.frames):
        if f.kind != "text":
            continue
        limit = text_max.value if text_max else TEXT_FRAME_MAX
        if len(f.text) > limit:
            errors[f"frame_{i}"] = Text("文本帧最多 %(max)s 个字，当前 %(n)s 个", max=limit,
                                         n=len(f.text))
        elif reason := (content.bad_link(f.text)
                        or content.forbidden_message(find_forbidden(f.text,
                                                                    rules.forbidden_words))):
            errors[f"frame_{i}"] = reason
    var_error = var_error or content.variable_errors([draft.title, *texts], variables)
    if var_error:
        errors["variables"] = var_error
    if not signature:
        errors["signature"] = "请选择审核通过的签名"
    if draft.profile not in PROFILES:
        errors["profile"] = "请选择模板规格"
    views = _resolve(draft, resolver)
    media = {i: v.rendition for i, v in enumerate(views) if v.rendition is not None}
    total = total_bytes(texts, media)
    maximum = profile["total.max_bytes"].max_allowed
    refit = _refit(views, total - maximum)
    if total > maximum:
        errors["total"] = Text("所有帧合计 %(total)s 字节，超出上限 %(max)s 字节 %(over)s 字节",
                               total=f"{total:,}", max=f"{maximum:,}",
                               over=f"{total - maximum:,}")
    return VideoCheck(views, total, maximum, refit, errors)
