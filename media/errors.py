"""One exception hierarchy for the media library.

Every error carries a stable machine ``code`` (for logs, API responses and tests) and a message in
Chinese (shown to marketers) and in English (for operators). The studio maps codes to HTTP
statuses; this module knows nothing about HTTP beyond the ``status`` hint.
"""

from __future__ import annotations


class MediaError(Exception):
    """Base class: ``MediaError(code, message_zh, message_en)``."""

    status = 422

    def __init__(self, code: str, message_zh: str, message_en: str, detail: str = "") -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        #: Diagnostic text for logs (ffmpeg's stderr tail); never shown to users.
        self.detail = detail

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


class UnsupportedMedia(MediaError):
    """The bytes are not one of the accepted formats (or are a refused one, such as SVG)."""

    status = 415


class UploadTooLarge(MediaError):
    """The upload went over the byte cap while it was being read."""

    status = 413

    @classmethod
    def for_cap(cls, cap: int) -> UploadTooLarge:
        mb = cap / 1_000_000
        return cls(
            "too_large",
            f"文件超过大小上限（{mb:g} MB）。",
            f"The file is larger than the {mb:g} MB upload limit.",
        )


class CorruptMedia(MediaError):
    """The file claims an accepted format but cannot be decoded (truncated, damaged, empty)."""


class MediaTooBig(MediaError):
    """Too many pixels or frames to decode safely (decompression-bomb guard)."""


class MediaTooLong(MediaError):
    """Longer than the profile allows and trimming was not asked for."""

    @classmethod
    def for_duration(cls, duration: float, limit: float) -> MediaTooLong:
        return cls(
            "too_long",
            f"时长 {duration:.1f} 秒，超过该用途允许的 {limit:g} 秒；"
            f"请剪辑，或选择自动截取前 {limit:g} 秒。",
            f"The clip lasts {duration:.1f} s, over the {limit:g} s limit; trim it or ask for "
            f"the first {limit:g} s to be kept.",
        )


class MissingStream(MediaError):
    """A video without a video stream, an audio file without audio."""


class BudgetUnreachable(MediaError):
    """Even the smallest acceptable encoding does not fit the byte budget."""


class WrongKind(MediaError):
    """An image given to a video profile, or the reverse."""


class FfmpegFailed(MediaError):
    """ffmpeg exited with an error; ``detail`` keeps the tail of its stderr for the logs."""

    status = 500


class FfmpegTimeout(FfmpegFailed):
    """ffmpeg ran past its wall-clock limit and was killed."""


class FfmpegNotFound(MediaError):
    status = 500
