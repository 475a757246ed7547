from __future__ import annotations

import json
from pathlib import Path

import pytest

from media.cli import main


def test_fit_prints_one_json_line(
    clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.mp4"
    assert main(["fit", str(clip), "--profile", "video_sms", "--out", str(out)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["size"] == out.stat().st_size <= line["budget"] == 1_400_000
    assert line["width"] == 320 and line["duration"] == pytest.approx(2.0, abs=0.1)
    assert 0 < line["ssim"] <= 1 and line["seconds"] > 0


def test_share_option(clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.mp4"
    argv = ["fit", str(clip), "--profile", "video_sms", "--share", "90000", "--out", str(out),
            "--no-ssim"]
    assert main(argv) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["size"] <= line["budget"] == 90_000 and line["ssim"] is None


def test_error_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "x.jpg"
    src.write_text("<html></html>")
    assert main(["fit", str(src), "--profile", "rcs_image", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "refused_html" in err and "网页" in err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", "x", "--profile", "nope", "--out", "y"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_probe(wav: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", str(wav)]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "wav"


def test_share_only_for_video_sms(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fit", "x", "--profile", "rcs_video", "--share", "1000", "--out", "y"]
    assert main(argv) == 2
    assert "video_sms" in capsys.readouterr().err
