from __future__ import annotations

from pathlib import Path

import pytest

from media.budget import Budget
from media.errors import BudgetUnreachable, MediaTooLong, MissingStream
from media.options import TranscodeOptions
from media.probe import probe
from media.video import fit_video

MP4 = ("mp4",)


def test_fits_a_tight_budget(clip: Path, tmp_path: Path) -> None:
    budget = Budget(120_000, 1280, 1280, 60.0, MP4)
    progress: list[float] = []
    result = fit_video(clip, budget, tmp_path / "out", on_progress=progress.append)
    assert result.size == (tmp_path / "out").stat().st_size <= budget.max_bytes
    assert result.size > budget.max_bytes * 0.75  # the budget is used, not wasted
    info = probe(result.path, decode=True)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert (info.width, info.height) == (result.width, result.height)
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.frame_count == 50
    assert result.quality is not None and result.quality > 0.6
    assert progress[-1] == 1.0 and progress == sorted(progress)


def test_output_is_faststart_and_clean(clip: Path, tmp_path: Path) -> None:
    result = fit_video(clip, Budget(200_000, formats=MP4), tmp_path / "out")
    head = result.path.read_bytes()[:4096]
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # moov first


def test_small_budget_picks_a_smaller_picture(clip: Path, tmp_path: Path) -> None:
    result = fit_video(clip, Budget(30_000, formats=MP4), tmp_path / "out")
    assert result.size <= 30_000
    assert (result.width or 0) < 320 and (result.height or 0) % 2 == 0


def test_overshoot_is_retried_smaller(clip: Path, tmp_path: Path) -> None:
    """A negative safety margin aims 60% over budget, so pass 2 overshoots and is redone."""
    options = TranscodeOptions(safety_margin=-0.6)
    result = fit_video(clip, Budget(100_000, formats=MP4), tmp_path / "out", options=options)
    assert result.settings["attempts"] >= 2
    assert result.size <= 100_000


def test_rotated_phone_video_comes_out_upright(rotated_clip: Path, tmp_path: Path) -> None:
    result = fit_video(rotated_clip, Budget(150_000, formats=MP4), tmp_path / "out")
    info = probe(result.path)
    assert info.rotation == 0 and (info.width or 0) < (info.height or 0)


def test_too_long_is_an_error_unless_trim_is_asked(clip: Path, tmp_path: Path) -> None:
    budget = Budget(100_000, max_duration=1.0, formats=MP4)
    with pytest.raises(MediaTooLong) as caught:
        fit_video(clip, budget, tmp_path / "out")
    assert "1 秒" in caught.value.message_zh
    result = fit_video(clip, budget, tmp_path / "out", options=TranscodeOptions(trim=True))
    assert result.settings["trimmed"] is True
    assert probe(result.path).duration == pytest.approx(1.0, abs=0.1)


def test_video_without_audio(silent_clip: Path, tmp_path: Path) -> None:
    result = fit_video(silent_clip, Budget(60_000, formats=MP4), tmp_path / "out")
    assert result.settings["audio_bitrate"] == 0 and not probe(result.path).has_audio


def test_no_video_stream(audio_only_mp4: Path, tmp_path: Path) -> None:
    with pytest.raises(MissingStream) as caught:
        fit_video(audio_only_mp4, Budget(100_000, formats=MP4), tmp_path / "out")
    assert caught.value.code == "no_video"


def test_impossible_budget(clip: Path, tmp_path: Path) -> None:
    with pytest.raises(BudgetUnreachable):
        fit_video(clip, Budget(5_000, formats=MP4), tmp_path / "out")
    assert not (tmp_path / "out").exists()
