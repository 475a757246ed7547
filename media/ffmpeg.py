"""A thin, safe wrapper around the ffmpeg binary.

Why our own wrapper rather than ffmpeg-python: that project is unmaintained, and what we need is
not a filter-graph builder but guarantees on every run: ``-nostdin``, ``-protocol_whitelist file``
and a forced demuxer on every input, a wall-clock limit that kills the process group, stderr turned
into a clear error, and progress parsed from ``-progress pipe:1``. That fits in one small module.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from media.errors import (
    CorruptMedia,
    FfmpegFailed,
    FfmpegNotFound,
    FfmpegTimeout,
    MediaError,
    UnsupportedMedia,
)
from media.options import TranscodeOptions

ProgressCallback = Callable[[float], None]

_STDERR_LINES = 2_000
#: Demuxer options that keep a file from pulling in other files. They are ffmpeg's defaults
#: today; we say them out loud so a changed default cannot open the door.
_DEMUXER_SAFETY: dict[str, tuple[str, ...]] = {
    "mov": ("-enable_drefs", "0", "-use_absolute_path", "0"),
}


@dataclass(frozen=True)
class Input:
    """One ffmpeg input. The demuxer is always named, never guessed from the content or name."""

    path: str | Path
    format: str
    #: Input options placed before ``-i`` (``-ss``, ``-t``, demuxer options).
    options: tuple[str, ...] = ()

    def args(self) -> list[str]:
        target = str(self.path) if self.format == "lavfi" else file_arg(self.path)
        safety = _DEMUXER_SAFETY.get(self.format, ())
        return [
            "-protocol_whitelist", "file", "-f", self.format, *safety, *self.options,
            "-i", target,
        ]


@dataclass(frozen=True)
class FfmpegRun:
    stderr: str
    elapsed: float
    returncode: int
    #: The last value of each ``-progress`` key (``frame``, ``out_time_us``, ...).
    progress: dict[str, str]


def file_arg(path: str | Path) -> str:
    """An absolute ``file:`` URL, so a name such as ``http:x`` is never read as a protocol."""
    return "file:" + str(Path(path).resolve())


def locate_ffmpeg(explicit: str | None = None) -> str:
    """The ffmpeg to run: explicit path, ``FFMPEG_BINARY``, system ``ffmpeg``, imageio-ffmpeg."""
    return _locate(explicit, os.environ.get("FFMPEG_BINARY"))


@functools.cache
def _locate(explicit: str | None, from_env: str | None) -> str:
    for candidate in (explicit, from_env):
        if candidate:
            found = shutil.which(candidate)
            if found is None:
                raise FfmpegNotFound(
                    "ffmpeg_not_found",
                    f"找不到配置的 ffmpeg：{candidate}",
                    f"The configured ffmpeg was not found: {candidate}",
                )
            return found
    system = shutil.which("ffmpeg")
    if system:
        return system
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise FfmpegNotFound(
            "ffmpeg_not_found",
            "服务器上没有可用的 ffmpeg。",
            "No ffmpeg: set FFMPEG_BINARY, install ffmpeg or the imageio-ffmpeg wheel.",
        ) from exc


def run_ffmpeg(
    inputs: Sequence[Input],
    output: Sequence[str],
    *,
    options: TranscodeOptions | None = None,
    duration: float | None = None,
    on_progress: ProgressCallback | None = None,
    check: bool = True,
) -> FfmpegRun:
    """Run ffmpeg once with the safety flags; ``output`` holds output options and target(s).

    ``duration`` (seconds of output expected) turns ``out_time`` into a fraction for
    ``on_progress``. With ``check=False`` a non-zero exit is returned, not raised (``ffmpeg -i``
    without an output always exits 1). A run past ``options.timeout`` is always an error.
    An exception raised by ``on_progress`` kills ffmpeg and propagates (a job's cancel hook).
    """
    opts = options or TranscodeOptions()
    cmd = [locate_ffmpeg(opts.ffmpeg_binary), "-hide_banner", "-nostdin", "-y", "-nostats"]
    cmd += ["-progress", "pipe:1"]
    for item in inputs:
        cmd += item.args()
    if output and opts.threads > 0:
        cmd += ["-threads", str(opts.threads)]
    cmd += list(output)

    started = time.monotonic()
    stderr_lines: deque[str] = deque(maxlen=_STDERR_LINES)
    progress: dict[str, str] = {}
    timed_out = threading.Event()
    with subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the kill reaches any child
    ) as proc:

        def _kill() -> None:
            if proc.poll() is not None:
                return
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(opts.timeout, _kill)
        timer.daemon = True
        reader = threading.Thread(target=_drain, args=(proc, stderr_lines), daemon=True)
        timer.start()
        reader.start()
        try:
            _read_progress(proc, duration, on_progress, progress)
            returncode = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                _kill()
                proc.wait()
            reader.join()
    stderr = "".join(stderr_lines)
    elapsed = time.monotonic() - started
    if timed_out.is_set():
        raise FfmpegTimeout(
            "ffmpeg_timeout",
            f"处理超时（超过 {opts.timeout:g} 秒），已停止。文件可能已损坏或过于复杂。",
            f"ffmpeg ran longer than {opts.timeout:g} s and was killed.",
            detail=_tail(stderr),
        )
    if check and returncode != 0:
        raise error_from_stderr(stderr)
    return FfmpegRun(stderr=stderr, elapsed=elapsed, returncode=returncode, progress=progress)


def _drain(proc: subprocess.Popen[bytes], lines: deque[str]) -> None:
    assert proc.stderr is not None
    for raw in proc.stderr:
        lines.append(raw.decode("utf-8", "replace"))


def _read_progress(
    proc: subprocess.Popen[bytes],
    duration: float | None,
    on_progress: ProgressCallback | None,
    seen: dict[str, str],
) -> None:
    assert proc.stdout is not None
    last = -1.0
    for raw in proc.stdout:
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        seen[key] = value
        if on_progress is None:
            continue
        fraction: float | None = None
        if key == "out_time_us" and duration and value.isdigit():
            fraction = min(1.0, int(value) / (duration * 1_000_000))
        elif key == "progress" and value == "end":
            fraction = 1.0
        if fraction is not None and (fraction - last >= 0.01 or (fraction == 1.0 and last < 1.0)):
            last = fraction
            on_progress(fraction)


_CORRUPT = re.compile(
    r"moov atom not found|Invalid data found|could not find codec parameters|"
    r"End of file|Error while decoding|invalid frame|Truncating packet|corrupt",
    re.IGNORECASE,
)
_FORBIDDEN = re.compile(
    r"not on whitelist|Protocol not found|allowed_segment_extensions|unsafe file name"
)


def error_from_stderr(stderr: str) -> MediaError:
    """Turn ffmpeg's stderr into one clear error; the raw tail stays in ``detail`` for logs."""
    tail = _tail(stderr)
    if _FORBIDDEN.search(stderr):
        return UnsupportedMedia(
            "forbidden_reference",
            "文件引用了网络地址或其他文件，出于安全原因拒绝处理。",
            "The file references a URL or another file; refused for safety.",
            detail=tail,
        )
    if _CORRUPT.search(stderr):
        return CorruptMedia(
            "corrupt",
            "文件已损坏或不完整，无法解码。",
            "The file is damaged or truncated and cannot be decoded.",
            detail=tail,
        )
    return FfmpegFailed(
        "ffmpeg_failed",
        "媒体处理失败。",
        f"ffmpeg failed: {tail.strip().splitlines()[-1] if tail.strip() else 'no output'}",
        detail=tail,
    )


def _tail(stderr: str, lines: int = 20) -> str:
    return "".join(stderr.splitlines(keepends=True)[-lines:])


def scaled_progress(
    on_progress: ProgressCallback | None, start: float, end: float
) -> ProgressCallback | None:
    """Map a sub-step's 0..1 onto ``start..end`` of the whole job (two passes, then SSIM)."""
    if on_progress is None:
        return None
    callback = on_progress

    def _scaled(fraction: float) -> None:
        callback(start + (end - start) * fraction)

    return _scaled
