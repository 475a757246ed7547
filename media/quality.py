"""SSIM of a rendition against its source, measured by ffmpeg's ``ssim`` filter."""

from __future__ import annotations

import re
from pathlib import Path

from media.ffmpeg import Input, ProgressCallback, run_ffmpeg
from media.options import TranscodeOptions

_ALL = re.compile(r"SSIM Y:.*All:(\d+(?:\.\d+)?)")


def ssim(
    reference: Input,
    distorted: Input,
    width: int,
    height: int,
    *,
    reference_filters: str = "",
    options: TranscodeOptions | None = None,
    duration: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> float | None:
    """Mean SSIM (all planes) of ``distorted`` against ``reference`` scaled to width×height.

    None when ffmpeg gives no score (a picture smaller than SSIM's window, a few pixels wide):
    the rendition is still good, its quality is just not measurable.

    ``reference_filters`` (e.g. ``fps=25``) are applied to the reference before scaling, so it is
    prepared the same way as the rendition was.
    """
    prefix = f"{reference_filters}," if reference_filters else ""
    graph = (
        f"[0:v]{prefix}scale={width}:{height}:flags=bicubic,setsar=1,format=yuv420p[ref];"
        f"[1:v]scale={width}:{height}:flags=bicubic,setsar=1,format=yuv420p[dist];"
        "[dist][ref]ssim=shortest=1"
    )
    run = run_ffmpeg(
        [reference, distorted],
        ["-filter_complex", graph, "-an", "-f", "null", "-"],
        options=options,
        duration=duration,
        on_progress=on_progress,
    )
    match = _ALL.search(run.stderr)
    if match is None:
        return None
    return float(match.group(1))


def ssim_image(
    reference_png: Path,
    distorted: Path,
    distorted_demuxer: str,
    width: int,
    height: int,
    *,
    options: TranscodeOptions | None = None,
) -> float | None:
    """SSIM of an encoded image (first frame if animated) against a same-size PNG reference."""
    return ssim(
        Input(reference_png, "png_pipe"),
        Input(distorted, distorted_demuxer),
        width,
        height,
        options=options,
    )
