from __future__ import annotations

from pathlib import Path

import pytest

from media.audio import fit_audio
from media.budget import Budget
from media.errors import BudgetUnreachable, MediaTooLong, MissingStream
from media.options import TranscodeOptions
from media.probe import probe


@pytest.mark.parametrize(
    ("fmt", "budget", "codec"),
    [
        pytest.param("m4a", 12_000, "aac", id="aac"),
        pytest.param("mp3", 12_000, "mp3", id="mp3"),
        pytest.param("amr", 3_000, "amr_nb", id="amr"),
    ],
)
def test_fits(wav: Path, tmp_path: Path, fmt: str, budget: int, codec: str) -> None:
    result = fit_audio(wav, Budget(budget, formats=(fmt,)), tmp_path / "out")
    assert result.size <= budget and result.format == fmt
    info = probe(result.path, decode=True)
    assert info.audio_codec == codec
    assert info.duration == pytest.approx(2.0, abs=0.15)


def test_sound_of_a_video(clip: Path, tmp_path: Path) -> None:
    result = fit_audio(clip, Budget(30_000, formats=("m4a",)), tmp_path / "out")
    assert result.size <= 30_000 and not probe(result.path).has_video


def test_too_long_and_trim(wav: Path, tmp_path: Path) -> None:
    budget = Budget(50_000, max_duration=1.0, formats=("mp3",))
    with pytest.raises(MediaTooLong):
        fit_audio(wav, budget, tmp_path / "out")
    result = fit_audio(wav, budget, tmp_path / "out", options=TranscodeOptions(trim=True))
    assert result.duration == 1.0


def test_no_audio(silent_clip: Path, tmp_path: Path) -> None:
    with pytest.raises(MissingStream):
        fit_audio(silent_clip, Budget(50_000, formats=("m4a",)), tmp_path / "out")


def test_unreachable(wav: Path, tmp_path: Path) -> None:
    with pytest.raises(BudgetUnreachable):
        fit_audio(wav, Budget(2_000, formats=("mp3",)), tmp_path / "out")
