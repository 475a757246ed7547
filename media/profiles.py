"""Named rendition profiles, as data. 1 MB = 1,000,000 bytes everywhere.

Each asset gets the renditions its uses need; the studio asks for them by profile name.
``min_ssim`` is the quality floor the test-suite holds each profile to on noisy test media.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

from media.budget import Budget
from media.errors import MediaError
from media.options import TranscodeOptions
from media.sniff import Kind

#: Video SMS: the whole message (all frames: text, images, video, audio) must stay within this.
VIDEO_SMS_TOTAL_BYTES = 1_800_000


@dataclass(frozen=True)
class Profile:
    name: str
    kind: Kind
    budget: Budget
    description_zh: str
    description_en: str
    min_ssim: float = 0.0
    #: Video only: highest frame rate kept and the audio bitrate ceiling (bits/s).
    max_fps: float = 30.0
    max_audio_bitrate: int = 128_000

    def settings_hash(self, options: TranscodeOptions | None = None) -> str:
        """Key of what this profile would produce: renditions are (asset, profile, this hash).

        It covers the budget, the profile's encoder limits and the options that change the output
        (not threads or time limits), so a changed profile makes new renditions on demand.
        """
        opts = options or TranscodeOptions()
        material = {
            "name": self.name,
            "budget": asdict(self.budget),
            "max_fps": self.max_fps,
            "max_audio_bitrate": self.max_audio_bitrate,
            "trim": opts.trim,
            "preset": opts.x264_preset,
            "margin": opts.safety_margin,
            "max_pixels": opts.max_pixels,
            "max_frames": opts.max_frames,
        }
        canonical = json.dumps(material, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def with_max_bytes(self, max_bytes: int) -> Profile:
        """The same profile with a different byte budget (a video SMS template's share)."""
        return replace(self, budget=replace(self.budget, max_bytes=max_bytes))


_IMAGE = ("jpeg", "png", "gif")

RCS_IMAGE = Profile(
    "rcs_image", Kind.IMAGE, Budget(2_000_000, 1920, 1920, formats=_IMAGE),
    "5G 消息图片：不超过 2 MB，最长边 1920 像素，保留 GIF 动画。",
    "5G message image: at most 2 MB, longest side 1920 px, GIF animation kept.",
    min_ssim=0.90,
)
RCS_VIDEO = Profile(
    "rcs_video", Kind.VIDEO, Budget(10_000_000, 1280, 1280, 60.0, ("mp4",)),
    "5G 消息视频：H.264 MP4，不超过 10 MB、60 秒，最长边 1280 像素。",
    "5G message video: H.264 MP4, at most 10 MB and 60 s, longest side 1280 px.",
    min_ssim=0.80,
)
RCS_AUDIO = Profile(
    "rcs_audio", Kind.AUDIO, Budget(5_000_000, max_duration=90.0, formats=("m4a", "mp3")),
    "5G 消息音频：AAC（M4A）或 MP3，不超过 5 MB、90 秒。",
    "5G message audio: AAC (M4A) or MP3, at most 5 MB and 90 s.",
)
THUMBNAIL = Profile(
    "thumbnail", Kind.IMAGE, Budget(200_000, 480, 480, formats=("jpeg", "png")),
    "缩略图（卡片、媒体库、视频封面）：JPEG/PNG，不超过 200 KB，最长边 480 像素。",
    "Thumbnail (cards, library grid, video cover): JPEG/PNG, at most 200 KB, 480 px.",
    min_ssim=0.85,
)
CH5_IMAGE = Profile(
    "ch5_image", Kind.IMAGE, Budget(200_000, 750, 4000, formats=_IMAGE),
    "CH5 页面图片：宽不超过 750 像素，不超过 200 KB，页面加载快。",
    "CH5 page image: at most 750 px wide and 200 KB, for a fast page.",
    min_ssim=0.80,
)
CH5_IMAGE_2X = Profile(
    "ch5_image_2x", Kind.IMAGE, Budget(1_899_999, 1500, 8000, formats=_IMAGE),
    "CH5 页面图片高清版（srcset 2x）：宽不超过 1500 像素，严格小于 1.9 MB。",
    "CH5 page image, 2x variant for srcset: at most 1500 px wide, strictly under 1.9 MB.",
    min_ssim=0.85,
)
CH5_VIDEO = Profile(
    "ch5_video", Kind.VIDEO, Budget(5_000_000, 1280, 1280, 60.0, ("mp4",)),
    "CH5 页面视频：网页可边下边播的 H.264 MP4，不超过 5 MB、60 秒。",
    "CH5 page video: web-friendly progressive H.264 MP4, at most 5 MB and 60 s.",
    min_ssim=0.75,
)
CH5_POSTER = Profile(
    "ch5_poster", Kind.IMAGE, Budget(100_000, 750, 1334, formats=("jpeg",)),
    "CH5 视频封面：视频中的一帧，JPEG，不超过 100 KB。",
    "CH5 video poster: a frame of the video, JPEG, at most 100 KB.",
    min_ssim=0.70,
)
VIDEO_SMS = Profile(
    "video_sms", Kind.VIDEO, Budget(1_400_000, 640, 640, 60.0, ("mp4",)),
    "视频短信中的视频：默认占 1.8 MB 总量中的 1.4 MB，具体份额由视频短信模板决定。",
    "Video in a video SMS: by default 1.4 MB of the 1.8 MB total; the template sets the share.",
    min_ssim=0.70,
    max_fps=25.0,
    max_audio_bitrate=64_000,
)
VIDEO_SMS_AUDIO = Profile(
    "video_sms_audio", Kind.AUDIO, Budget(500_000, max_duration=90.0, formats=("mp3",)),
    "视频短信中的音频：运营商只接受 MP3，不超过 500 KB、90 秒（计入 1.8 MB 总量）。",
    "Audio in a video SMS: carriers accept MP3 only; at most 500 KB and 90 s (counts toward "
    "the 1.8 MB total).",
)

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        RCS_IMAGE, RCS_VIDEO, RCS_AUDIO, THUMBNAIL, CH5_IMAGE, CH5_IMAGE_2X, CH5_VIDEO,
        CH5_POSTER, VIDEO_SMS, VIDEO_SMS_AUDIO,
    )
}


#: Renditions made as soon as an asset is uploaded; others are made on demand by a job.
DEFAULT_RENDITIONS: dict[Kind, tuple[str, ...]] = {
    Kind.IMAGE: ("thumbnail", "rcs_image", "ch5_image", "ch5_image_2x"),
    Kind.VIDEO: ("thumbnail", "ch5_poster", "rcs_video", "ch5_video"),
    #: video_sms_audio: the MP3 a video SMS audio frame needs (rcs_audio may be M4A)
    Kind.AUDIO: ("rcs_audio", "video_sms_audio"),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise MediaError(
            "unknown_profile",
            f"未知的规格：{name}（可选：{known}）",
            f"Unknown profile {name!r}: {known}",
        ) from None


def video_sms_profile(share_bytes: int) -> Profile:
    """The video SMS profile for a template giving the video ``share_bytes`` of the total."""
    if not 0 < share_bytes <= VIDEO_SMS_TOTAL_BYTES:
        raise MediaError(
            "bad_share",
            f"视频份额必须在 1 到 {VIDEO_SMS_TOTAL_BYTES} 字节之间。",
            f"The video share must be between 1 and {VIDEO_SMS_TOTAL_BYTES} bytes.",
        )
    return VIDEO_SMS.with_max_bytes(share_bytes)
