"""Media resolution: asset id + rendition key → the facts a renderer needs.

Documents never store URLs. The caller (studio, worker, h5 app, CLI) passes a
:class:`MediaResolver`; it returns a :class:`Rendition` with the URL *for this
gateway or host*, MIME type, size, pixel size, duration and thumbnail, or raises
:class:`MediaNotFound`. Any plain function with the right signature will do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Thumbnail:
    url: str
    mime: str
    size: int  #: bytes


@dataclass(frozen=True)
class Rendition:
    url: str
    mime: str
    size: int  #: bytes
    width: int | None = None
    height: int | None = None
    duration: float | None = None  #: seconds (audio, video)
    thumbnail: Thumbnail | None = None

    @property
    def kind(self) -> str:
        """``image``, ``video``, ``audio`` or ``file``, from the MIME type."""
        major = self.mime.split("/", 1)[0]
        return major if major in ("image", "video", "audio") else "file"


class MediaNotFound(LookupError):
    """The asset or its rendition does not exist (deleted, not transcoded yet)."""

    def __init__(self, asset_id: str, rendition: str) -> None:
        super().__init__(f"no rendition {rendition!r} of media {asset_id!r}")
        self.asset_id = asset_id
        self.rendition = rendition


class MediaResolver(Protocol):
    def __call__(self, asset_id: str, rendition: str, /) -> Rendition: ...


@dataclass(frozen=True)
class DictResolver:
    """A resolver over a fixed mapping ``{(asset_id, rendition): Rendition}``."""

    renditions: Mapping[tuple[str, str], Rendition] = field(default_factory=dict)

    def __call__(self, asset_id: str, rendition: str, /) -> Rendition:
        try:
            return self.renditions[(asset_id, rendition)]
        except KeyError:
            raise MediaNotFound(asset_id, rendition) from None


@dataclass(frozen=True)
class PlaceholderResolver:
    """Deterministic stand-in facts for previews, the CLI and golden files.

    The rendition key decides the kind: a key containing ``image`` is a JPEG,
    else one containing ``video`` an MP4, ``audio`` an MP3, anything else a JPEG.
    URLs live under ``base_url``.
    """

    base_url: str = "https://media.example.com"

    def __call__(self, asset_id: str, rendition: str, /) -> Rendition:
        url = f"{self.base_url}/{asset_id}/{rendition}"
        thumb = Thumbnail(f"{url}/thumb.jpg", "image/jpeg", 18_000)
        if "video" in rendition and "image" not in rendition:
            return Rendition(f"{url}.mp4", "video/mp4", 1_500_000, 1280, 720, 15.0, thumb)
        if "audio" in rendition and "image" not in rendition:
            return Rendition(f"{url}.mp3", "audio/mpeg", 480_000, duration=30.0)
        return Rendition(f"{url}.jpg", "image/jpeg", 240_000, 1080, 720, thumbnail=thumb)
