"""A still from a video (poster, thumbnail), fitted like any other image."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

from media.budget import Budget, FitResult
from media.errors import MissingStream
from media.ffmpeg import Input, file_arg, run_ffmpeg
from media.image import fit_image
from media.options import TranscodeOptions
from media.probe import probe
from media.sniff import PNG, Kind, Sniffed, sniff_file


def poster(
    src: str | Path,
    budget: Budget,
    out: str | Path,
    *,
    at: float | None = None,
    options: TranscodeOptions | None = None,
    sniffed: Sniffed | None = None,
) -> FitResult:
    """A representative frame near ``at`` seconds (default: 10% in, at most 3 s) as an image.

    ffmpeg's ``thumbnail`` filter picks the most typical of the next frames, which avoids
    black fades and motion blur.
    """
    started = time.monotonic()
    opts = options or TranscodeOptions()
    sniffed = sniffed or sniff_file(src)
    info = probe(src, sniffed, options=opts)
    if not info.has_video:
        raise MissingStream("no_video", "文件中没有视频画面。", "The file has no video stream.")
    duration = info.duration or 0.0
    start = min(at if at is not None else min(duration * 0.1, 3.0), max(duration - 0.1, 0.0))
    with tempfile.TemporaryDirectory(prefix="media-poster-") as tmp:
        frame = Path(tmp) / "frame"
        run_ffmpeg(
            [Input(src, sniffed.demuxer, ("-ss", f"{start:.3f}"))],
            ["-map", "0:v:0", "-vf", "thumbnail=n=25", "-frames:v", "1", "-update", "1",
             "-c:v", "png", "-f", "image2", file_arg(frame)],
            options=opts,
        )
        result = fit_image(frame, budget, out, options=opts, sniffed=PNG, graphic=False)
    settings = {**result.settings, "from_video": True, "at": round(start, 3)}
    return replace(result, settings=settings, seconds=time.monotonic() - started)


def thumbnail(
    src: str | Path,
    budget: Budget,
    out: str | Path,
    *,
    options: TranscodeOptions | None = None,
    sniffed: Sniffed | None = None,
) -> FitResult:
    """A small image of any visual asset: the image itself, or a poster frame of a video."""
    sniffed = sniffed or sniff_file(src)
    if sniffed.kind is Kind.IMAGE:
        return fit_image(src, budget, out, options=options, sniffed=sniffed)
    return poster(src, budget, out, options=options, sniffed=sniffed)
