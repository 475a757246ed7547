"""Every profile against realistic sources: under budget, decodable, expected shape, SSIM floor."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media.errors import MediaError, WrongKind
from media.fit import fit
from media.probe import probe
from media.profiles import PROFILES, VIDEO_SMS_TOTAL_BYTES, get_profile, video_sms_profile
from media.sniff import Kind

IMAGE_PROFILES = [name for name, p in PROFILES.items() if p.kind is Kind.IMAGE]
VIDEO_PROFILES = [name for name, p in PROFILES.items() if p.kind is Kind.VIDEO]


def test_megabytes_are_decimal() -> None:
    assert get_profile("rcs_image").budget.max_bytes == 2_000_000
    assert get_profile("rcs_video").budget.max_bytes == 10_000_000
    assert get_profile("ch5_image").budget.max_bytes == 200_000
    assert get_profile("ch5_image").budget.max_width == 750
    assert get_profile("ch5_image_2x").budget.max_bytes < 1_900_000
    assert get_profile("ch5_video").budget.max_bytes == 5_000_000
    assert get_profile("ch5_poster").budget.max_bytes == 100_000
    assert get_profile("thumbnail").budget.max_bytes == 200_000
    assert get_profile("video_sms").budget.max_bytes <= VIDEO_SMS_TOTAL_BYTES == 1_800_000


@pytest.mark.parametrize("profile", IMAGE_PROFILES)
@pytest.mark.parametrize("source", ["photo", "screenshot", "animated_gif", "heic"])
def test_image_profiles(
    profile: str, source: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    src: Path = request.getfixturevalue(source)
    p = get_profile(profile)
    result = fit(src, p, tmp_path / "out")
    assert result.size <= p.budget.max_bytes
    assert result.format in p.budget.formats
    with Image.open(result.path) as im:
        im.load()
        assert im.size == (result.width, result.height)
        assert im.width <= (p.budget.max_width or im.width)
        assert im.height <= (p.budget.max_height or im.height)
    assert result.quality is not None and result.quality >= p.min_ssim


@pytest.mark.parametrize("profile", [*VIDEO_PROFILES, "thumbnail", "ch5_poster"])
def test_video_profiles(profile: str, clip: Path, tmp_path: Path) -> None:
    p = get_profile(profile)
    result = fit(clip, p, tmp_path / "out")
    assert result.size <= p.budget.max_bytes
    info = probe(result.path, decode=True)
    assert (info.width, info.height) == (result.width, result.height)
    if p.kind is Kind.VIDEO:
        assert info.video_codec == "h264" and info.has_audio
        assert info.duration == pytest.approx(2.0, abs=0.1)
    assert result.quality is not None and result.quality >= p.min_ssim


def test_video_sms_share(clip: Path, tmp_path: Path) -> None:
    p = video_sms_profile(150_000)
    result = fit(clip, p, tmp_path / "out")
    assert result.size <= 150_000
    assert result.quality is not None and result.quality >= p.min_ssim
    with pytest.raises(MediaError):
        video_sms_profile(VIDEO_SMS_TOTAL_BYTES + 1)


def test_audio_profile(wav: Path, tmp_path: Path) -> None:
    result = fit(wav, "rcs_audio", tmp_path / "out")
    assert result.size <= 5_000_000 and result.format == "m4a"


def test_mismatched_kind(photo: Path, wav: Path, tmp_path: Path) -> None:
    with pytest.raises(WrongKind):
        fit(photo, "rcs_video", tmp_path / "out")
    with pytest.raises(WrongKind):
        fit(wav, "thumbnail", tmp_path / "out")


def test_unknown_profile() -> None:
    with pytest.raises(MediaError) as caught:
        get_profile("nope")
    assert caught.value.code == "unknown_profile"


def test_settings_hash_changes_with_what_changes_the_output() -> None:
    from media.options import TranscodeOptions

    p = get_profile("rcs_video")
    assert p.settings_hash() == p.settings_hash(TranscodeOptions(threads=8, timeout=5))
    assert p.settings_hash() != p.settings_hash(TranscodeOptions(trim=True))
    assert p.settings_hash() != p.with_max_bytes(9_000_000).settings_hash()
    assert p.settings_hash() != get_profile("ch5_video").settings_hash()
