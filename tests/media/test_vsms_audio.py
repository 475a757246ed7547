"""The video SMS audio rendition: carriers accept MP3 only in a video SMS, so audio assets get an
MP3 `video_sms_audio` rendition by default, and the video SMS check accepts what it makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.errors import MediaTooLong
from media.fit import fit
from media.options import TranscodeOptions
from media.probe import probe
from media.profiles import DEFAULT_RENDITIONS, PROFILES, VIDEO_SMS_AUDIO
from media.sniff import Kind
from renderers.limits import VIDEO_SMS
from renderers.resolver import DictResolver, Rendition
from studio.sms_templates import video
from studio.sms_templates.media_seam import FRAME_RENDITIONS
from studio.sms_templates.rules import Rules


def test_made_by_default_for_audio_and_used_by_audio_frames() -> None:
    assert "video_sms_audio" in DEFAULT_RENDITIONS[Kind.AUDIO]
    profile = PROFILES[FRAME_RENDITIONS["audio"]]
    assert profile is VIDEO_SMS_AUDIO and profile.kind is Kind.AUDIO
    assert profile.budget.formats == ("mp3",)
    assert VIDEO_SMS.mime_types["audio"] == ("audio/mpeg",)


@pytest.mark.parametrize("source", ["wav", "clip"], ids=["wav", "sound-of-a-video"])
def test_real_mp3_accepted_by_the_video_sms_check(source: str, request: pytest.FixtureRequest,
                                                  tmp_path: Path) -> None:
    src: Path = request.getfixturevalue(source)
    result = fit(src, "video_sms_audio", tmp_path / "out")
    assert (result.format, result.mime) == ("mp3", "audio/mpeg")
    assert result.size <= VIDEO_SMS_AUDIO.budget.max_bytes
    info = probe(result.path, decode=True)
    assert info.audio_codec == "mp3" and not info.has_video
    assert info.duration == pytest.approx(2.0, abs=0.15)
    rendition = Rendition("https://m.example.cn/a.mp3", result.mime, result.size,
                          duration=result.duration)
    draft = video.VideoDraft("语音", "语音通知", "1", "video_sms", "", (
        video.FrameDraft("text", "您好"), video.FrameDraft("audio", asset_id="7")))
    checked = video.check(draft, Rules(), DictResolver({("7", "video_sms_audio"): rendition}),
                          "示例")
    assert checked.errors == {}
    assert checked.total == result.size + len("您好".encode())
    # the 5G message rendition (M4A) is what the video SMS profile refuses
    m4a = fit(src, "rcs_audio", tmp_path / "m4a")
    refused = video.check(draft, Rules(), DictResolver({("7", "video_sms_audio"): Rendition(
        "u", m4a.mime, m4a.size)}), "示例")
    assert refused.errors["frame_1"].startswith("不支持的文件")


def test_over_90_seconds_is_refused_or_trimmed(tmp_path: Path) -> None:
    from tests.media.conftest import lavfi

    long = lavfi(tmp_path / "long.wav", "sine=f=440:d=91:sample_rate=8000",
                 args=("-c:a", "pcm_s16le", "-f", "wav"))
    with pytest.raises(MediaTooLong):
        fit(long, "video_sms_audio", tmp_path / "out")
    trimmed = fit(long, "video_sms_audio", tmp_path / "out", options=TranscodeOptions(trim=True))
    assert trimmed.duration == 90.0 and trimmed.size <= 500_000
