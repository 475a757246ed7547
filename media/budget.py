"""What a rendition must fit, and what fitting produced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Budget:
    """Limits for one rendition. 1 MB = 1,000,000 bytes; ``None`` means no limit on that axis."""

    max_bytes: int
    max_width: int | None = None
    max_height: int | None = None
    max_duration: float | None = None
    #: Output formats allowed, in order of preference: jpeg, png, gif; mp4; m4a, mp3, amr.
    formats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if not self.formats:
            raise ValueError("a budget allows at least one output format")

    def box(self, width: int, height: int) -> tuple[int, int]:
        """``width``×``height`` scaled down (never up) to fit the pixel limits, aspect kept."""
        scale = 1.0
        if self.max_width and width > self.max_width:
            scale = min(scale, self.max_width / width)
        if self.max_height and height > self.max_height:
            scale = min(scale, self.max_height / height)
        return max(1, int(width * scale)), max(1, int(height * scale))


@dataclass(frozen=True)
class FitResult:
    """A rendition written to ``path``; ``quality`` is SSIM (0..1) against the scaled source."""

    path: Path
    mime: str
    #: Our short format name (jpeg, png, gif, mp4, m4a, mp3, amr).
    format: str
    size: int
    width: int | None
    height: int | None
    duration: float | None
    quality: float | None
    #: Encoder settings actually used (quality, bitrate, colours, attempts, ...).
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Wall-clock seconds spent fitting.
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "mime": self.mime,
            "format": self.format,
            "size": self.size,
            "width": self.width,
            "height": self.height,
            "duration": None if self.duration is None else round(self.duration, 3),
            "ssim": None if self.quality is None else round(self.quality, 4),
            "settings": dict(self.settings),
            "seconds": round(self.seconds, 3),
        }
