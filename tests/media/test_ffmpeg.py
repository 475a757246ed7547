from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from media.errors import FfmpegNotFound, FfmpegTimeout, MediaError
from media.ffmpeg import Input, file_arg, locate_ffmpeg, run_ffmpeg
from media.options import TranscodeOptions


def test_locate_prefers_explicit_then_env(monkeypatch: pytest.MonkeyPatch) -> None:
    found = locate_ffmpeg()
    assert os.access(found, os.X_OK)
    assert locate_ffmpeg(found) == found
    monkeypatch.setenv("FFMPEG_BINARY", "/nonexistent/ffmpeg")
    with pytest.raises(FfmpegNotFound):
        locate_ffmpeg()


def test_progress_reaches_one_and_increases(tmp_path: Path) -> None:
    seen: list[float] = []
    run_ffmpeg(
        [Input("testsrc2=s=160x120:r=25:d=2", "lavfi")],
        ["-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", file_arg(tmp_path / "o")],
        duration=2.0,
        on_progress=seen.append,
    )
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_hang_is_killed_at_the_time_limit(tmp_path: Path) -> None:
    """A FIFO nobody writes to: ffmpeg blocks opening it until the wall clock kills it."""
    fifo = tmp_path / "never"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(FfmpegTimeout) as caught:
        run_ffmpeg([Input(fifo, "mov")], ["-f", "null", "-"],
                   options=TranscodeOptions(timeout=1.0))
    assert time.monotonic() - started < 10
    assert caught.value.code == "ffmpeg_timeout"
    assert "超时" in caught.value.message_zh


def test_endless_encode_is_killed(tmp_path: Path) -> None:
    with pytest.raises(FfmpegTimeout):
        run_ffmpeg([Input("testsrc2=s=64x48", "lavfi")], ["-f", "null", "-"],
                   options=TranscodeOptions(timeout=0.5))
    assert threading.active_count() < 20  # timer and reader threads are gone


def test_url_inside_a_playlist_is_not_fetched(tmp_path: Path) -> None:
    """Even if a playlist reached a playlist demuxer, the whitelist keeps ffmpeg local."""
    playlist = tmp_path / "list"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nhttp://127.0.0.1:9/a.ts\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(MediaError) as caught:
        run_ffmpeg([Input(playlist, "hls")], ["-f", "null", "-"],
                   options=TranscodeOptions(timeout=20))
    assert caught.value.code == "forbidden_reference"


def test_clear_error_from_stderr(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00" * 1000)
    with pytest.raises(MediaError) as caught:
        run_ffmpeg([Input(junk, "mov")], ["-f", "null", "-"])
    assert caught.value.code == "corrupt"
    assert caught.value.detail  # the raw stderr tail is kept for the logs


def test_names_are_never_read_as_protocols(tmp_path: Path) -> None:
    assert file_arg("http:evil").startswith("file:/")
