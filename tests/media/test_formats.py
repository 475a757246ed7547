"""Each accepted input format, made by ffmpeg or Pillow, is sniffed, probed with its forced
demuxer and fitted."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageCms

from media.fit import fit
from media.probe import probe
from media.sniff import sniff_file
from tests.media.conftest import lavfi

AUDIO = [
    pytest.param("mp3", ("-c:a", "libmp3lame", "-f", "mp3"), id="mp3"),
    pytest.param("aac", ("-c:a", "aac", "-f", "adts"), id="aac-adts"),
    pytest.param("m4a", ("-c:a", "aac", "-f", "ipod"), id="m4a"),
    pytest.param("amr", ("-c:a", "libopencore_amrnb", "-ar", "8000", "-ac", "1", "-f", "amr"),
                 id="amr"),
    pytest.param("ogg", ("-c:a", "libvorbis", "-f", "ogg"), id="ogg"),
    pytest.param("wav", ("-c:a", "pcm_s16le", "-f", "wav"), id="wav"),
]

VIDEO = [
    pytest.param("mov", ("-c:v", "libx264", "-preset", "ultrafast", "-f", "mov"), id="mov"),
    pytest.param("3gp", ("-c:v", "libx264", "-preset", "ultrafast", "-s", "176x144",
                         "-f", "3gp"), id="3gp"),
    pytest.param("webm", ("-c:v", "libvpx", "-f", "webm"), id="webm"),
]


@pytest.mark.parametrize(("fmt", "args"), AUDIO)
def test_audio_inputs(fmt: str, args: tuple[str, ...], tmp_path: Path) -> None:
    src = lavfi(tmp_path / "src", "sine=f=300:d=1", args=args)
    assert sniff_file(src).format == fmt
    assert probe(src).duration == pytest.approx(1.0, abs=0.1)
    result = fit(src, "rcs_audio", tmp_path / "out")
    assert result.size <= 5_000_000 and probe(result.path).audio_codec == "aac"


@pytest.mark.parametrize(("fmt", "args"), VIDEO)
def test_video_inputs(fmt: str, args: tuple[str, ...], tmp_path: Path) -> None:
    src = lavfi(tmp_path / "src", "testsrc2=s=240x160:r=15:d=1", args=args)
    assert sniff_file(src).format == fmt
    result = fit(src, "video_sms", tmp_path / "out")
    assert result.size <= 1_400_000 and probe(result.path).video_codec == "h264"


def test_animated_webp_becomes_an_animated_gif(tmp_path: Path) -> None:
    src = tmp_path / "anim.webp"
    frames = [Image.new("RGB", (80, 60), (i * 40, 100, 200)) for i in range(5)]
    frames[0].save(src, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    result = fit(src, "rcs_image", tmp_path / "out")
    assert result.format == "gif"
    with Image.open(result.path) as im:
        assert getattr(im, "n_frames", 1) == 5


def test_cmyk_jpeg_and_icc_profile_become_srgb(tmp_path: Path) -> None:
    cmyk = tmp_path / "print.jpg"
    Image.new("CMYK", (200, 100), (0, 255, 255, 0)).save(cmyk, "JPEG")
    result = fit(cmyk, "thumbnail", tmp_path / "out")
    with Image.open(result.path) as im:
        assert im.mode == "RGB"
        assert im.getpixel((100, 50)) == pytest.approx((237, 28, 36), abs=40)  # sRGB red
    tagged = tmp_path / "tagged.jpg"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (64, 64), (10, 200, 30)).save(tagged, "JPEG", icc_profile=icc)
    result = fit(tagged, "thumbnail", tmp_path / "out2")
    with Image.open(result.path) as im:
        assert "icc_profile" not in im.info  # converted, then dropped with the other metadata
