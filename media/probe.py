"""What a media file holds: dimensions, duration, codecs, frames, rotation, audio.

Audio and video are probed by parsing ``ffmpeg -i`` (there is no ffprobe in the pip wheel);
images by Pillow reading only the header, so bombs are refused before any pixel is decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from media.errors import CorruptMedia, MediaTooBig
from media.ffmpeg import Input, error_from_stderr, run_ffmpeg
from media.options import TranscodeOptions
from media.pillow import load, open_image
from media.sniff import Kind, Sniffed, sniff_file


@dataclass(frozen=True)
class MediaInfo:
    sniffed: Sniffed
    #: Display size: rotation (EXIF orientation or the video display matrix) already applied.
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    #: Exact when counted by decoding (``probe(decode=True)``) or for images; else an estimate.
    frame_count: int | None = None
    rotation: int = 0
    video_codec: str | None = None
    audio_codec: str | None = None
    audio_channels: int | None = None
    sample_rate: int | None = None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None


def probe(
    path: str | Path,
    sniffed: Sniffed | None = None,
    *,
    options: TranscodeOptions | None = None,
    decode: bool = False,
) -> MediaInfo:
    """Probe ``path``; ``decode=True`` also decodes every frame (truncation, exact frame count).

    The upload job calls ``probe(path, decode=True)`` once: a file that passes is fully decodable.
    """
    opts = options or TranscodeOptions()
    sniffed = sniffed or sniff_file(path)
    if sniffed.kind is Kind.IMAGE:
        return _probe_image(Path(path), sniffed, opts, decode)
    info = _probe_av(Path(path), sniffed, opts)
    return _decode(Path(path), info, opts) if decode else info


def _probe_image(path: Path, sniffed: Sniffed, opts: TranscodeOptions, decode: bool) -> MediaInfo:
    with open_image(path, sniffed, opts) as im:
        width, height = im.size
        frames = getattr(im, "n_frames", 1)
        if frames > opts.max_frames:
            raise MediaTooBig(
                "too_many_frames",
                f"动图有 {frames} 帧，超过上限 {opts.max_frames} 帧。",
                f"The animation has {frames} frames, over the {opts.max_frames} limit.",
            )
        orientation = im.getexif().get(0x0112, 1)
        if decode:
            for index in range(frames):
                im.seek(index)
                load(im)
    rotation = {3: 180, 6: 90, 8: 270}.get(orientation, 0)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return MediaInfo(sniffed, width, height, frame_count=frames, rotation=rotation)


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #0:\d+.*?: (Video|Audio): (\w+)(.*)$")
_SIZE = re.compile(r", (\d{1,5})x(\d{1,5})")
_FPS = re.compile(r", (\d+(?:\.\d+)?) (?:fps|tbr)")
_RATE = re.compile(r", (\d+) Hz")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees|^\s*rotate\s*:\s*(-?\d+)")
_CHANNELS = {"mono": 1, "stereo": 2, "5.1": 6, "5.1(side)": 6, "quad": 4, "7.1": 8}


def _probe_av(path: Path, sniffed: Sniffed, opts: TranscodeOptions) -> MediaInfo:
    quick = replace(opts, timeout=min(opts.timeout, opts.probe_timeout))
    run = run_ffmpeg([Input(path, sniffed.demuxer)], [], options=quick, check=False)
    if "Input #0" not in run.stderr:
        raise error_from_stderr(run.stderr)
    fields: dict[str, object] = {}
    current: str | None = None
    for line in run.stderr.splitlines():
        if (m := _DURATION.search(line)) and "duration" not in fields:
            h, mnt, sec = m.groups()
            fields["duration"] = int(h) * 3600 + int(mnt) * 60 + float(sec)
        elif m := _STREAM.match(line):
            current = _stream(m.group(1), m.group(2), m.group(3), fields)
        elif current == "video" and (m := _ROTATION.search(line)):
            fields["rotation"] = round(float(m.group(1) or m.group(2))) % 360
    rotation = int(fields.get("rotation", 0))  # type: ignore[call-overload]
    width, height = fields.get("width"), fields.get("height")
    if rotation in (90, 270):
        width, height = height, width
    duration = fields.get("duration")
    fps = fields.get("fps")
    estimate = (
        round(duration * fps)
        if isinstance(duration, float) and isinstance(fps, float) and fields.get("video_codec")
        else None
    )
    return MediaInfo(
        sniffed,
        width=width if isinstance(width, int) else None,
        height=height if isinstance(height, int) else None,
        duration=duration if isinstance(duration, float) else None,
        fps=fps if isinstance(fps, float) else None,
        frame_count=estimate,
        rotation=rotation,
        video_codec=_str(fields.get("video_codec")),
        audio_codec=_str(fields.get("audio_codec")),
        audio_channels=_int(fields.get("audio_channels")),
        sample_rate=_int(fields.get("sample_rate")),
    )


def _stream(kind: str, codec: str, rest: str, fields: dict[str, object]) -> str | None:
    if kind == "Video" and "(attached pic)" not in rest and "video_codec" not in fields:
        fields["video_codec"] = codec
        if m := _SIZE.search(rest):
            fields["width"], fields["height"] = int(m.group(1)), int(m.group(2))
        if m := _FPS.search(rest):
            fields["fps"] = float(m.group(1))
        return "video"
    if kind == "Audio" and "audio_codec" not in fields:
        fields["audio_codec"] = codec
        if m := _RATE.search(rest):
            fields["sample_rate"] = int(m.group(1))
        layout = rest.split(", ")[2].strip() if rest.count(", ") >= 2 else ""
        fields["audio_channels"] = _CHANNELS.get(layout.split(" ")[0])
        return "audio"
    return None


def _decode(path: Path, info: MediaInfo, opts: TranscodeOptions) -> MediaInfo:
    """Decode everything (``-xerror`` stops at the first damaged packet); count frames."""
    stream = "0:v:0" if info.has_video else "0:a:0"
    run = run_ffmpeg(
        [Input(path, info.sniffed.demuxer)],
        ["-xerror", "-map", stream, "-f", "null", "-"],
        options=opts,
        duration=info.duration,
    )
    if "partial file" in run.stderr or "Error while decoding" in run.stderr:
        raise CorruptMedia("corrupt", "文件已损坏或不完整，无法解码。", "The file is truncated.",
                           detail=run.stderr[-2000:])
    frames = run.progress.get("frame", "")
    out_us = run.progress.get("out_time_us", "")
    return replace(
        info,
        frame_count=int(frames) if frames.isdigit() and info.has_video else None,
        duration=int(out_us) / 1e6 if out_us.isdigit() and not info.duration else info.duration,
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None
