"""Opening images with Pillow safely: one allowed plugin, pixel cap checked before decoding."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from media.errors import CorruptMedia, MediaTooBig
from media.options import TranscodeOptions
from media.sniff import Sniffed


@functools.cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def too_many_pixels(width: int, height: int, limit: int) -> MediaTooBig:
    mp = width * height / 1_000_000
    return MediaTooBig(
        "too_many_pixels",
        f"图片尺寸 {width}×{height}（{mp:,.0f} 百万像素）超过上限 {limit / 1_000_000:g} 百万像素，"
        "可能是恶意文件，拒绝处理。",
        f"The image declares {width}x{height} ({mp:,.0f} MP), over the "
        f"{limit / 1_000_000:g} MP limit (decompression-bomb guard).",
    )


@contextmanager
def open_image(path: str | Path, sniffed: Sniffed, opts: TranscodeOptions) -> Iterator[Image.Image]:
    """Open with only the sniffed format's plugin; refuse oversize images before decoding.

    Pillow reads just the header here; callers decode with ``load()`` inside the block.
    """
    if sniffed.pil_format == "HEIF":
        _register_heif()
    assert sniffed.pil_format is not None
    try:
        with warnings.catch_warnings():
            # Our own cap is far below Pillow's warning threshold; never let it leak as a warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path, formats=[sniffed.pil_format])
    except Image.DecompressionBombError as exc:
        raise MediaTooBig(
            "too_many_pixels", "图片像素过多，拒绝处理。", "Too many pixels (bomb guard)."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptMedia(
            "corrupt", "图片已损坏或不完整，无法解码。", "The image is damaged or truncated."
        ) from exc
    try:
        width, height = im.size
        if width * height > opts.max_pixels:
            raise too_many_pixels(width, height, opts.max_pixels)
        yield im
    finally:
        im.close()


def load(im: Image.Image) -> None:
    """Decode every pixel now, turning decoder failures into ``CorruptMedia``."""
    try:
        im.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptMedia(
            "corrupt", "图片已损坏或不完整，无法解码。", "The image is damaged or truncated."
        ) from exc
