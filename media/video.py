"""Fit a video into a byte budget: two-pass H.264 (yuv420p, +faststart) with AAC audio.

The video bitrate is what the budget leaves after audio, container overhead and a safety margin,
spread over the duration. The frame size comes from that bitrate at a bits-per-pixel target, so a
tight budget gets a smaller picture rather than a blocky one. If pass 2 still overshoots, the
bitrate is cut by the excess and pass 2 runs again (the pass-1 statistics are reused), shrinking
the picture after the second miss. The output is never larger than the budget: if no attempt fits,
nothing is written and ``BudgetUnreachable`` is raised.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from media.budget import Budget, FitResult
from media.errors import BudgetUnreachable, CorruptMedia, MediaTooLong, MissingStream, WrongKind
from media.ffmpeg import Input, ProgressCallback, file_arg, run_ffmpeg, scaled_progress
from media.options import TranscodeOptions
from media.probe import MediaInfo, probe
from media.quality import ssim
from media.sniff import Kind, Sniffed, sniff_file

#: Bits per pixel per frame kept when choosing the frame size (H.264 stays watchable near 0.1).
TARGET_BPP = 0.1
#: Above this, more bits buy nothing visible: a small source is not padded up to the budget.
MAX_BPP = 0.3
MIN_VIDEO_BITRATE = 40_000
MIN_HEIGHT = 144
MAX_ATTEMPTS = 4
#: The share of the progress bar each attempt fills (retries are rare and fill what is left).
_ATTEMPT_PROGRESS = ((0.0, 0.75), (0.75, 0.84), (0.84, 0.88), (0.88, 0.9))


@dataclass(frozen=True)
class VideoPlan:
    width: int
    height: int
    fps: float
    duration: float
    video_bitrate: int
    audio_bitrate: int
    audio_channels: int
    trimmed: bool


def fit_video(
    src: str | Path,
    budget: Budget,
    out: str | Path,
    *,
    max_fps: float = 30.0,
    max_audio_bitrate: int = 128_000,
    options: TranscodeOptions | None = None,
    sniffed: Sniffed | None = None,
    on_progress: ProgressCallback | None = None,
) -> FitResult:
    """Write an MP4 that fits ``budget`` to ``out``; progress goes 0→1 through ``on_progress``."""
    started = time.monotonic()
    opts = options or TranscodeOptions()
    sniffed = sniffed or sniff_file(src)
    if sniffed.kind is Kind.IMAGE:
        raise WrongKind("wrong_kind", "这里需要视频文件。", "A video is required here.")
    info = probe(src, sniffed, options=opts)
    plan = plan_video(info, budget, opts, max_fps=max_fps, max_audio_bitrate=max_audio_bitrate)
    source = Input(src, sniffed.demuxer, ("-t", f"{plan.duration:.3f}") if plan.trimmed else ())
    out = Path(out)
    quality = None
    with tempfile.TemporaryDirectory(prefix="media-video-") as tmp:
        work = Path(tmp) / "out"
        plan, attempts = _encode_within(source, plan, budget, work, Path(tmp) / "x264", opts,
                                        on_progress)
        if opts.measure_quality:
            quality = ssim(
                source, Input(work, "mov"), plan.width, plan.height,
                reference_filters=f"fps={plan.fps:g}", options=opts, duration=plan.duration,
                on_progress=scaled_progress(on_progress, 0.9, 1.0),
            )
        size = work.stat().st_size
        shutil.move(work, out)  # only a finished, measured rendition reaches ``out``
    if on_progress:
        on_progress(1.0)
    settings = {
        "format": "mp4", "codec": "h264", "preset": opts.x264_preset,
        "video_bitrate": plan.video_bitrate, "audio_bitrate": plan.audio_bitrate,
        "audio_channels": plan.audio_channels, "fps": plan.fps, "width": plan.width,
        "height": plan.height, "trimmed": plan.trimmed, "attempts": attempts,
    }
    return FitResult(out, "video/mp4", "mp4", size, plan.width, plan.height, plan.duration,
                     quality, settings, time.monotonic() - started)


def plan_video(
    info: MediaInfo,
    budget: Budget,
    opts: TranscodeOptions,
    *,
    max_fps: float = 30.0,
    max_audio_bitrate: int = 128_000,
) -> VideoPlan:
    """Bitrates, frame size and rate for ``info`` within ``budget`` (raises if impossible)."""
    if not info.has_video:
        raise MissingStream("no_video", "文件中没有视频画面。", "The file has no video stream.")
    if not (info.duration and info.width and info.height):
        raise CorruptMedia("corrupt", "无法读取视频的时长或尺寸。", "Unknown duration or size.")
    duration, trimmed = info.duration, False
    if budget.max_duration and duration > budget.max_duration + 0.05:
        if not opts.trim:
            raise MediaTooLong.for_duration(duration, budget.max_duration)
        duration, trimmed = budget.max_duration, True
    fps = min(info.fps or 25.0, max_fps)
    overhead_bytes = 4096 + duration * (fps * 12 + 50 * 8)
    usable_bits = (budget.max_bytes * (1 - opts.safety_margin) - overhead_bytes) * 8
    rate = usable_bits / duration
    audio_bitrate = 0
    if info.has_audio:
        audio_bitrate = int(min(max_audio_bitrate, max(24_000, rate * 0.12)) // 8_000 * 8_000)
    video_bitrate = int(rate - audio_bitrate)
    if video_bitrate < MIN_VIDEO_BITRATE:
        raise BudgetUnreachable(
            "budget_unreachable",
            f"视频时长 {duration:.1f} 秒，{budget.max_bytes:,} 字节放不下可看的画质；请剪短视频。",
            f"{duration:.1f} s cannot fit {budget.max_bytes:,} bytes watchably; shorten it.",
        )
    width, height = budget.box(info.width, info.height)
    scale = min(1.0, math.sqrt(video_bitrate / (TARGET_BPP * fps) / (width * height)))
    if height * scale < MIN_HEIGHT and fps > 15:
        fps = 15.0  # fewer frames before fewer lines
        scale = min(1.0, math.sqrt(video_bitrate / (TARGET_BPP * fps) / (width * height)))
    scale = max(scale, min(1.0, MIN_HEIGHT / height))
    width, height = _even(width * scale), _even(height * scale)
    video_bitrate = min(video_bitrate, int(MAX_BPP * width * height * fps))
    return VideoPlan(
        width=width, height=height, fps=fps, duration=duration,
        video_bitrate=video_bitrate, audio_bitrate=audio_bitrate,
        audio_channels=2 if audio_bitrate >= 64_000 and (info.audio_channels or 2) > 1 else 1,
        trimmed=trimmed,
    )


def _encode_within(
    source: Input, plan: VideoPlan, budget: Budget, work: Path, passlog: Path,
    opts: TranscodeOptions, on_progress: ProgressCallback | None,
) -> tuple[VideoPlan, int]:
    need_pass1 = True
    size = 0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        low, high = _ATTEMPT_PROGRESS[attempt - 1]
        middle = low + (high - low) * 0.35 if need_pass1 else low
        if need_pass1:
            _pass(1, source, plan, passlog, None, opts, scaled_progress(on_progress, low, middle))
            need_pass1 = False
        _pass(2, source, plan, passlog, work, opts, scaled_progress(on_progress, middle, high))
        size = work.stat().st_size
        if size <= budget.max_bytes:
            return plan, attempt
        excess_bits = (size - budget.max_bytes * 0.97) * 8
        bitrate = int(plan.video_bitrate - excess_bits / plan.duration * 1.1)
        if bitrate < MIN_VIDEO_BITRATE:
            break
        plan = replace(plan, video_bitrate=bitrate)
        if attempt >= 2:  # a second miss: smaller picture too, which needs a new first pass
            plan = replace(plan, width=_even(plan.width * 0.85), height=_even(plan.height * 0.85))
            need_pass1 = True
    os.unlink(work)
    raise BudgetUnreachable(
        "budget_unreachable",
        f"多次尝试后视频仍超过 {budget.max_bytes:,} 字节。",
        f"The video still exceeds {budget.max_bytes:,} bytes after retries (last {size:,}).",
    )


def _pass(
    number: int, source: Input, plan: VideoPlan, passlog: Path, target: Path | None,
    opts: TranscodeOptions, on_progress: ProgressCallback | None,
) -> None:
    vf = f"scale={plan.width}:{plan.height}:flags=lanczos,setsar=1,fps={plan.fps:g},format=yuv420p"
    args = [
        "-map", "0:v:0", "-vf", vf, "-c:v", "libx264", "-preset", opts.x264_preset,
        "-profile:v", "main", "-g", str(round(plan.fps * 3)),
        "-b:v", str(plan.video_bitrate), "-maxrate", str(plan.video_bitrate * 2),
        "-bufsize", str(plan.video_bitrate * 2),
        "-pass", str(number), "-passlogfile", str(passlog),
        "-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn",
    ]
    if target is None:
        # Pass 1 decodes everything: stop at the first damaged packet, so a truncated upload is
        # an error rather than a silently shorter rendition.
        args += ["-xerror", "-an", "-f", "null", "-"]
    else:
        if plan.audio_bitrate:
            args += ["-map", "0:a:0", "-c:a", "aac", "-b:a", str(plan.audio_bitrate),
                     "-ac", str(plan.audio_channels), "-ar", "44100"]
        args += ["-movflags", "+faststart", "-f", "mp4", file_arg(target)]
    run_ffmpeg([source], args, options=opts, duration=plan.duration, on_progress=on_progress)


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)
