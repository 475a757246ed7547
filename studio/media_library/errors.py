"""Media errors as studio errors: the one exception handler renders them in Chinese."""

from __future__ import annotations

from media.errors import MediaError
from studio.errors import Conflict, StudioError
from studio.i18n import Text


class MediaRefused(StudioError):
    """An upload or a file the media library refuses, with the library's zh-CN reason."""

    @classmethod
    def from_media(cls, exc: MediaError) -> MediaRefused:
        error = cls(exc.message_zh, code=exc.code)
        error.status = exc.status if 400 <= exc.status < 500 else 422
        return error


class AssetInUse(Conflict):
    code = "asset_in_use"

    @classmethod
    def for_labels(cls, labels: list[str]) -> AssetInUse:
        shown = "、".join(labels[:5]) + ("等" if len(labels) > 5 else "")
        return cls(Text("该素材正在被使用，不能删除：%(uses)s。请先在这些内容中移除它。",
                         uses=shown))
