"""Settings the media library takes as a plain value (the studio builds it from its settings)."""

from __future__ import annotations

from dataclasses import dataclass

#: Images above this many pixels are refused before decoding (a 12 MP photo is 12_000_000).
DEFAULT_MAX_PIXELS = 50_000_000
#: Animated images with more frames than this are refused.
DEFAULT_MAX_FRAMES = 1_000


@dataclass(frozen=True)
class TranscodeOptions:
    #: Explicit ffmpeg path (the ``FFMPEG_BINARY`` setting); ``None`` means locate it.
    ffmpeg_binary: str | None = None
    #: ``-threads`` for every ffmpeg run; 0 lets ffmpeg choose.
    threads: int = 2
    #: Wall-clock limit for one ffmpeg run, in seconds; the process is killed past it.
    timeout: float = 900.0
    #: Wall-clock limit for probing (reading headers only), in seconds.
    probe_timeout: float = 30.0
    #: Decompression-bomb guard for still and animated images.
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_frames: int = DEFAULT_MAX_FRAMES
    #: Keep only the first ``max_duration`` seconds of a longer clip instead of refusing it.
    trim: bool = False
    #: Fraction of the byte budget kept free to absorb encoder overshoot and container overhead.
    safety_margin: float = 0.04
    #: x264 preset for both passes (slower presets give more quality per byte).
    x264_preset: str = "medium"
    #: Measure SSIM of each rendition (costs one extra decode).
    measure_quality: bool = True
