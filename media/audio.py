"""Fit audio into a byte budget: AAC in M4A, MP3, or AMR-NB for channels that need it.

The bitrate is the budget (less a margin and container overhead) over the duration, capped at
128 kbit/s; below 64 kbit/s the audio is made mono. A pass that overshoots is redone at a lower
bitrate; the output is never larger than the budget.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from media.budget import Budget, FitResult
from media.errors import BudgetUnreachable, CorruptMedia, MediaTooLong, MissingStream
from media.ffmpeg import Input, ProgressCallback, file_arg, run_ffmpeg
from media.options import TranscodeOptions
from media.probe import probe
from media.sniff import Sniffed, sniff_file

MAX_BITRATE = 128_000
MIN_BITRATE = {"m4a": 16_000, "mp3": 32_000, "amr": 4_750}
#: AMR-NB only has these modes (bits/s).
AMR_RATES = (4_750, 5_150, 5_900, 6_700, 7_400, 7_950, 10_200, 12_200)
_MIME = {"m4a": "audio/mp4", "mp3": "audio/mpeg", "amr": "audio/amr"}
_MP3_RATES = (32, 40, 48, 56, 64, 80, 96, 112, 128)
MAX_ATTEMPTS = 3
#: Container bytes: fixed, and per second (sample tables, frame headers).
_OVERHEAD = {"m4a": (1_500, 40), "mp3": (600, 0), "amr": (16, 50)}


def fit_audio(
    src: str | Path,
    budget: Budget,
    out: str | Path,
    *,
    options: TranscodeOptions | None = None,
    sniffed: Sniffed | None = None,
    on_progress: ProgressCallback | None = None,
) -> FitResult:
    """Write the first allowed format of ``budget.formats`` (m4a, mp3, amr) that fits."""
    started = time.monotonic()
    opts = options or TranscodeOptions()
    sniffed = sniffed or sniff_file(src)
    info = probe(src, sniffed, options=opts)
    if not info.has_audio:
        raise MissingStream("no_audio", "文件中没有声音。", "The file has no audio stream.")
    if not info.duration:
        raise CorruptMedia("corrupt", "无法读取音频时长。", "Unknown audio duration.")
    duration, trimmed = info.duration, False
    if budget.max_duration and duration > budget.max_duration + 0.05:
        if not opts.trim:
            raise MediaTooLong.for_duration(duration, budget.max_duration)
        duration, trimmed = budget.max_duration, True
    fmt = next((f for f in budget.formats if f in _MIME), None)
    if fmt is None:
        raise ValueError(f"no audio format in {budget.formats}")
    fixed, per_second = _OVERHEAD[fmt]
    usable = (budget.max_bytes * (1 - opts.safety_margin) - fixed - duration * per_second) * 8
    bitrate = _allowed(fmt, min(MAX_BITRATE, usable / duration))
    source = Input(src, sniffed.demuxer, ("-t", f"{duration:.3f}") if trimmed else ())
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="media-audio-") as tmp:
        work = Path(tmp) / "out"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if bitrate < MIN_BITRATE[fmt]:
                break
            _encode(source, fmt, bitrate, info.audio_channels or 1, work, duration, opts,
                    on_progress)
            size = work.stat().st_size
            if size <= budget.max_bytes:
                shutil.move(work, out)
                settings = {"format": fmt, "bitrate": bitrate, "trimmed": trimmed,
                            "attempts": attempt}
                return FitResult(out, _MIME[fmt], fmt, size, None, None, duration, None,
                                 settings, time.monotonic() - started)
            os.unlink(work)
            bitrate = _allowed(fmt, bitrate * budget.max_bytes / size * 0.95, below=bitrate)
    raise BudgetUnreachable(
        "budget_unreachable",
        f"音频时长 {duration:.1f} 秒，无法压缩到 {budget.max_bytes:,} 字节以内；请剪短。",
        f"{duration:.1f} s of audio cannot fit {budget.max_bytes:,} bytes; shorten it.",
    )


def _allowed(fmt: str, bitrate: float, below: int | None = None) -> int:
    """The largest bitrate the encoder offers at or under ``bitrate`` (and under ``below``)."""
    ceiling = bitrate if below is None else min(bitrate, below - 1)
    if fmt == "amr":
        rates = [r for r in AMR_RATES if r <= ceiling]
        return rates[-1] if rates else 0
    if fmt == "mp3":
        mp3 = [r * 1000 for r in _MP3_RATES if r * 1000 <= ceiling]
        return mp3[-1] if mp3 else 0
    return int(ceiling) // 1000 * 1000


def _encode(
    source: Input, fmt: str, bitrate: int, channels: int, target: Path, duration: float,
    opts: TranscodeOptions, on_progress: ProgressCallback | None,
) -> None:
    args = ["-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1"]
    if fmt == "amr":
        args += ["-c:a", "libopencore_amrnb", "-ar", "8000", "-ac", "1", "-b:a", str(bitrate),
                 "-f", "amr"]
    else:
        mono = bitrate < 64_000 or channels == 1
        args += ["-ac", "1" if mono else "2", "-b:a", str(bitrate)]
        if fmt == "mp3":
            args += ["-c:a", "libmp3lame", "-f", "mp3"]
        else:
            args += ["-c:a", "aac", "-movflags", "+faststart", "-f", "ipod"]
    run_ffmpeg([source], [*args, file_arg(target)], options=opts, duration=duration,
               on_progress=on_progress)
