"""Fit a still or animated image to a budget with Pillow.

Stills: EXIF orientation applied, colour converted to sRGB, metadata dropped (nothing is copied
into the output), resized into the pixel box, then the cheapest format that fits: lossless PNG for
graphics, a palette PNG for graphics with few colours or transparency, else JPEG at the highest
quality (binary search) that fits; past the quality floor the image is made smaller and tried again.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageOps

from media.animation import encode_animation
from media.budget import Budget, FitResult
from media.errors import BudgetUnreachable, WrongKind
from media.options import TranscodeOptions
from media.pillow import load, open_image
from media.quality import ssim_image
from media.sniff import Kind, Sniffed, sniff_file

JPEG_MAX_QUALITY = 92
JPEG_MIN_QUALITY = 40
_SHRINK_ATTEMPTS = 8
_MIME = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF"}
_GRAPHIC_SOURCES = {"png", "gif", "webp"}

Encoded = tuple[bytes, str, dict[str, Any]]


def fit_image(
    src: str | Path,
    budget: Budget,
    out: str | Path,
    *,
    options: TranscodeOptions | None = None,
    sniffed: Sniffed | None = None,
    graphic: bool | None = None,
) -> FitResult:
    """Write the best image that fits ``budget`` to ``out`` (no extension needed).

    ``graphic`` says whether lossless PNG is worth trying first; by default it is for PNG, GIF and
    WebP sources (screenshots, logos) and not for JPEG or HEIC (photos).
    """
    started = time.monotonic()
    opts = options or TranscodeOptions()
    sniffed = sniffed or sniff_file(src)
    if sniffed.kind is not Kind.IMAGE:
        raise WrongKind("wrong_kind", "这里需要图片文件。", "An image is required here.")
    with open_image(src, sniffed, opts) as im:
        if getattr(im, "n_frames", 1) > 1 and "gif" in budget.formats:
            data, settings, reference = encode_animation(im, budget, opts)
            fmt = "gif"
        else:
            load(im)
            reference = prepare(im)
            data, fmt, settings, reference = fit_still(
                reference,
                budget,
                graphic=sniffed.format in _GRAPHIC_SOURCES if graphic is None else graphic,
            )
    return _finish(data, fmt, settings, reference, Path(out), opts, started)


def prepare(im: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB or RGBA: the canonical pixels every rendition starts from."""
    upright = ImageOps.exif_transpose(im) or im
    icc = upright.info.get("icc_profile")
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    if icc and upright.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(upright, source, srgb, outputMode=mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return upright.convert(mode)


def fit_still(frame: Image.Image, budget: Budget, *, graphic: bool) -> tuple[
    bytes, str, dict[str, Any], Image.Image
]:
    """Encode ``frame`` into the budget; returns bytes, format, settings and the resized pixels."""
    width, height = budget.box(*frame.size)
    last_size = 0
    for attempt in range(1, _SHRINK_ATTEMPTS + 1):
        resized = frame if (width, height) == frame.size else frame.resize(
            (width, height), Image.Resampling.LANCZOS
        )
        for encoder in _encoders(resized, budget, graphic):
            found = encoder(resized, budget.max_bytes)
            if found is not None:
                data, fmt, settings = found
                settings.update(width=width, height=height, attempts=attempt)
                return data, fmt, settings, resized
        last_size = _smallest(resized, budget)
        factor = max(0.5, min(0.9, (budget.max_bytes / max(last_size, 1)) ** 0.5 * 0.95))
        width, height = max(1, int(width * factor)), max(1, int(height * factor))
    raise BudgetUnreachable(
        "budget_unreachable",
        f"无法把图片压缩到 {budget.max_bytes:,} 字节以内。",
        f"Could not fit the image in {budget.max_bytes:,} bytes (smallest {last_size:,}).",
    )


def _encoders(
    im: Image.Image, budget: Budget, graphic: bool
) -> list[Callable[[Image.Image, int], Encoded | None]]:
    encoders: list[Callable[[Image.Image, int], Encoded | None]] = []
    few_colours = im.getcolors(maxcolors=4096) is not None
    if "png" in budget.formats and (graphic or im.mode == "RGBA"):
        encoders.append(_png)
        if few_colours or im.mode == "RGBA":
            encoders.append(_png_palette)
    if "jpeg" in budget.formats:
        encoders.append(_jpeg_search)
    elif "png" in budget.formats:
        encoders += [_png, _png_palette]
    elif "gif" in budget.formats:
        encoders.append(_gif_still)
    return encoders


def _png(im: Image.Image, max_bytes: int) -> Encoded | None:
    data = _save(im, "PNG", optimize=True)
    return (data, "png", {"format": "png", "palette": False}) if len(data) <= max_bytes else None


def _png_palette(im: Image.Image, max_bytes: int) -> Encoded | None:
    method = Image.Quantize.FASTOCTREE if im.mode == "RGBA" else Image.Quantize.MEDIANCUT
    data = _save(im.quantize(colors=256, method=method), "PNG", optimize=True)
    if len(data) > max_bytes:
        return None
    return data, "png", {"format": "png", "palette": True, "colors": 256}


def _gif_still(im: Image.Image, max_bytes: int) -> Encoded | None:
    data = _save(im.convert("RGB").quantize(colors=256), "GIF", optimize=True)
    return (data, "gif", {"format": "gif", "colors": 256}) if len(data) <= max_bytes else None


def _jpeg_search(im: Image.Image, max_bytes: int) -> Encoded | None:
    """Largest JPEG quality in [min, max] whose output fits (quality is monotone in size)."""
    rgb = _flatten(im)
    low, high = JPEG_MIN_QUALITY, JPEG_MAX_QUALITY
    best: tuple[int, bytes] | None = None
    while low <= high:
        quality = (low + high) // 2
        data = _jpeg(rgb, quality)
        if len(data) <= max_bytes:
            best, low = (quality, data), quality + 1
        else:
            high = quality - 1
    if best is None:
        return None
    return best[1], "jpeg", {"format": "jpeg", "quality": best[0]}


def _smallest(im: Image.Image, budget: Budget) -> int:
    if "jpeg" in budget.formats:
        return len(_jpeg(_flatten(im), JPEG_MIN_QUALITY))
    return len(_save(im.convert("RGB").quantize(colors=64), "PNG", optimize=True))


def _flatten(im: Image.Image) -> Image.Image:
    if im.mode != "RGBA":
        return im.convert("RGB")
    white = Image.new("RGB", im.size, (255, 255, 255))
    white.paste(im, mask=im.getchannel("A"))
    return white


def _jpeg(im: Image.Image, quality: int) -> bytes:
    return _save(im, "JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0")


def _save(im: Image.Image, fmt: str, **params: Any) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def _finish(
    data: bytes,
    fmt: str,
    settings: dict[str, Any],
    reference: Image.Image,
    out: Path,
    opts: TranscodeOptions,
    started: float,
) -> FitResult:
    width, height = reference.size
    quality = None
    out.write_bytes(data)
    try:
        if opts.measure_quality:
            # Both sides are flattened onto white by Pillow first, so transparency compares equal.
            with tempfile.TemporaryDirectory(prefix="media-ssim-") as tmp:
                ref_path, dist_path = Path(tmp) / "ref", Path(tmp) / "dist"
                _flatten(reference).save(ref_path, "PNG", compress_level=1)
                with Image.open(out, formats=[_PIL_FORMAT[fmt]]) as decoded:
                    _flatten(decoded.convert("RGBA")).save(dist_path, "PNG", compress_level=1)
                quality = ssim_image(ref_path, dist_path, "png_pipe", width, height, options=opts)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return FitResult(
        path=out,
        mime=_MIME[fmt],
        format=fmt,
        size=len(data),
        width=width,
        height=height,
        duration=None,
        quality=quality,
        settings=settings,
        seconds=time.monotonic() - started,
    )
