from __future__ import annotations

from pathlib import Path

import pytest

from media.probe import probe


def test_video(clip: Path) -> None:
    info = probe(clip)
    assert (info.width, info.height) == (320, 240)
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.fps == 25.0
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.has_audio and info.rotation == 0


def test_rotation_swaps_display_size(rotated_clip: Path) -> None:
    info = probe(rotated_clip)
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (240, 320)


def test_decode_counts_frames(clip: Path) -> None:
    assert probe(clip, decode=True).frame_count == 50


def test_audio_only(wav: Path) -> None:
    info = probe(wav)
    assert not info.has_video and info.audio_codec == "pcm_s16le"
    assert info.sample_rate == 44100 and info.audio_channels == 1


def test_webm_without_audio(silent_clip: Path) -> None:
    info = probe(silent_clip)
    assert info.video_codec == "vp8" and not info.has_audio


def test_image_with_exif_orientation(photo: Path) -> None:
    info = probe(photo)
    assert (info.width, info.height) == (900, 1200)
    assert info.rotation == 90 and info.frame_count == 1


def test_animated_gif_frames(animated_gif: Path) -> None:
    assert probe(animated_gif).frame_count == 24


def test_heic(heic: Path) -> None:
    info = probe(heic)
    assert info.sniffed.format == "heif" and (info.width, info.height) == (640, 480)


def test_decode_finds_a_truncated_image(photo: Path, tmp_path: Path) -> None:
    from media.errors import CorruptMedia

    cut = tmp_path / "cut.jpg"
    cut.write_bytes(photo.read_bytes()[:20_000])
    assert probe(cut).width == 900  # the header alone looks fine
    with pytest.raises(CorruptMedia):
        probe(cut, decode=True)


def test_decode_reads_every_frame(animated_gif: Path) -> None:
    assert probe(animated_gif, decode=True).frame_count == 24
