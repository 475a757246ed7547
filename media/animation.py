"""Fit an animated image (GIF, animated WebP/PNG) into a budget as an animated GIF.

The animation is kept: when the budget is tight we reduce, in this order, colours, size and then
frames (merging the delays of dropped frames so the timing stays the same).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageSequence

from media.budget import Budget
from media.errors import BudgetUnreachable, MediaTooBig
from media.options import TranscodeOptions
from media.pillow import load

#: (scale, colours, keep every n-th frame), tried in order until one fits.
STEPS: tuple[tuple[float, int, int], ...] = (
    (1.0, 256, 1),
    (1.0, 128, 1),
    (0.8, 128, 1),
    (0.8, 64, 2),
    (0.65, 64, 2),
    (0.5, 32, 2),
    (0.4, 32, 3),
    (0.3, 16, 4),
)
_DEFAULT_DELAY_MS = 100


def encode_animation(
    im: Image.Image, budget: Budget, opts: TranscodeOptions
) -> tuple[bytes, dict[str, Any], Image.Image]:
    """Returns the GIF bytes, the settings used and the first frame (for SSIM)."""
    frames, delays = _decode_frames(im, budget, opts)
    loop = im.info.get("loop", 0)
    smallest = 0
    for scale, colours, step in STEPS:
        size = (max(1, round(frames[0].width * scale)), max(1, round(frames[0].height * scale)))
        picked, picked_delays = _thin(frames, delays, step)
        data = _encode(picked, picked_delays, size, colours, loop)
        if len(data) <= budget.max_bytes:
            settings = {
                "format": "gif",
                "colors": colours,
                "frame_step": step,
                "frames": len(picked),
                "width": size[0],
                "height": size[1],
            }
            first = frames[0].resize(size, Image.Resampling.LANCZOS)
            return data, settings, first
        smallest = len(data)
    raise BudgetUnreachable(
        "budget_unreachable",
        f"动图即使缩小、减色、抽帧后仍超过 {budget.max_bytes:,} 字节。",
        f"The animation does not fit {budget.max_bytes:,} bytes even reduced "
        f"(smallest {smallest:,}).",
    )


def _decode_frames(
    im: Image.Image, budget: Budget, opts: TranscodeOptions
) -> tuple[list[Image.Image], list[int]]:
    count = getattr(im, "n_frames", 1)
    if count > opts.max_frames or count * im.width * im.height > opts.max_pixels:
        raise MediaTooBig(
            "too_many_frames",
            f"动图有 {count} 帧（{im.width}×{im.height}），"
            f"超过可处理的上限（{opts.max_frames} 帧）。",
            f"The animation has {count} frames of {im.width}x{im.height}, over the limit.",
        )
    box = budget.box(im.width, im.height)
    frames: list[Image.Image] = []
    delays: list[int] = []
    for frame in ImageSequence.Iterator(im):
        load(frame)
        rgba = frame.convert("RGBA")
        if rgba.size != box:
            rgba = rgba.resize(box, Image.Resampling.LANCZOS)
        frames.append(rgba)
        delays.append(int(frame.info.get("duration") or _DEFAULT_DELAY_MS))
    return frames, delays


def _thin(
    frames: list[Image.Image], delays: list[int], step: int
) -> tuple[list[Image.Image], list[int]]:
    picked = frames[::step]
    merged = [sum(delays[i : i + step]) for i in range(0, len(delays), step)]
    return picked, merged


def _paletted(frame: Image.Image, colours: int) -> Image.Image:
    """Quantize one RGBA frame; transparent pixels (alpha < 128) get their own palette index."""
    alpha = frame.getchannel("A")
    rgb = frame.convert("RGB")
    lowest = alpha.getextrema()[0]
    if isinstance(lowest, (int, float)) and lowest >= 128:
        return rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    index = colours - 1
    paletted = rgb.quantize(colors=index, method=Image.Quantize.MEDIANCUT)
    paletted.paste(index, mask=alpha.point(lambda a: 255 if a < 128 else 0))
    paletted.info["transparency"] = index
    return paletted


def _encode(
    frames: list[Image.Image], delays: list[int], size: tuple[int, int], colours: int, loop: int
) -> bytes:
    paletted = []
    for frame in frames:
        scaled = frame if frame.size == size else frame.resize(size, Image.Resampling.LANCZOS)
        paletted.append(_paletted(scaled, colours))
    buf = io.BytesIO()
    paletted[0].save(
        buf,
        "GIF",
        save_all=True,
        append_images=paletted[1:],
        duration=delays,
        loop=loop,
        optimize=True,
        disposal=2,
    )
    return buf.getvalue()
