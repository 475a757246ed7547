"""Benchmark: fit a generated 20 s 1080p clip and a 12 MP photo to every profile.

Run alone: ``python bench/media_fit.py [--seconds 20] [--threads 2]``. For each profile it prints
the rendition size against the budget, the SSIM, and the time as a ratio to a plain single-pass
ffmpeg encode of the same source measured in the same run (libx264 at default settings for the
clip, a default ffmpeg JPEG encode for the photo).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from media.errors import MediaError
from media.ffmpeg import Input, file_arg, run_ffmpeg
from media.fit import fit
from media.options import TranscodeOptions
from media.profiles import PROFILES
from media.sniff import Kind


def make_clip(out: Path, seconds: float, opts: TranscodeOptions) -> Path:
    video = f"testsrc2=s=1920x1080:r=30:d={seconds},noise=alls=8:allf=t+u"
    audio = f"sine=f=330:d={seconds}:sample_rate=48000"
    run_ffmpeg(
        [Input(video, "lavfi"), Input(audio, "lavfi")],
        ["-c:v", "libx264", "-preset", "veryfast", "-crf", "16", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "192k", "-shortest", "-f", "mp4", file_arg(out)],
        options=opts,
    )
    return out


def make_photo(out: Path) -> Path:
    size = (4000, 3000)  # 12 MP, like a phone camera
    noise = Image.effect_noise(size, 24)
    gradient = Image.linear_gradient("L").resize(size)
    photo = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
    photo.save(out, "JPEG", quality=95)
    return out


def baseline(src: Path, kind: Kind, tmp: Path, opts: TranscodeOptions) -> float:
    started = time.monotonic()
    if kind is Kind.VIDEO:
        run_ffmpeg([Input(src, "mov")], ["-c:v", "libx264", "-c:a", "aac", "-f", "mp4",
                                         file_arg(tmp / "baseline.mp4")], options=opts)
    else:
        run_ffmpeg([Input(src, "jpeg_pipe")], ["-c:v", "mjpeg", "-f", "image2", "-update", "1",
                                               file_arg(tmp / "baseline.jpg")], options=opts)
    return time.monotonic() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    opts = TranscodeOptions(threads=args.threads)
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp_name:
        tmp = Path(tmp_name)
        sources = {
            Kind.VIDEO: make_clip(tmp / "clip", args.seconds, opts),
            Kind.IMAGE: make_photo(tmp / "photo"),
        }
        clip_bytes, photo_bytes = (sources[k].stat().st_size for k in (Kind.VIDEO, Kind.IMAGE))
        print(f"clip: {args.seconds:g} s 1920x1080 30 fps, {clip_bytes:,} B; "
              f"photo: 4000x3000, {photo_bytes:,} B; threads {args.threads}")
        bases = {kind: baseline(src, kind, tmp, opts) for kind, src in sources.items()}
        print(f"baseline single-pass encode: clip {bases[Kind.VIDEO]:.2f} s, "
              f"photo {bases[Kind.IMAGE]:.2f} s")
        print(f"{'source':6} {'profile':13} {'size/budget':>22} {'use':>5} {'WxH':>10} "
              f"{'ssim':>6} {'seconds':>8} {'x base':>7}")
        failures = 0
        for kind, src in sources.items():
            for profile in PROFILES.values():
                if profile.kind is Kind.AUDIO or (kind, profile.kind) == (Kind.IMAGE, Kind.VIDEO):
                    continue
                try:
                    result = fit(src, profile, tmp / f"out-{profile.name}", options=opts)
                except MediaError as exc:
                    failures += 1
                    print(f"{kind:6} {profile.name:13} ERROR {exc.code}: {exc.message_en}")
                    continue
                budget = profile.budget.max_bytes
                failures += result.size > budget
                ssim = f"{result.quality:.3f}" if result.quality is not None else "-"
                print(
                    f"{kind:6} {profile.name:13} {result.size:>10,}/{budget:<11,} "
                    f"{result.size / budget:>5.0%} {result.width}x{result.height:<5} {ssim:>6} "
                    f"{result.seconds:>8.2f} {result.seconds / bases[kind]:>6.1f}x"
                )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
