from __future__ import annotations

from pathlib import Path

from PIL import Image

from media.budget import Budget
from media.poster import poster, thumbnail


def test_poster_is_a_jpeg_frame_within_budget(clip: Path, tmp_path: Path) -> None:
    result = poster(clip, Budget(20_000, formats=("jpeg",)), tmp_path / "p")
    assert result.format == "jpeg" and result.size <= 20_000
    assert result.settings["from_video"] is True
    with Image.open(result.path) as im:
        assert im.size == (320, 240)


def test_thumbnail_of_a_portrait_video_is_upright(rotated_clip: Path, tmp_path: Path) -> None:
    result = thumbnail(rotated_clip, Budget(15_000, 160, 160, formats=("jpeg",)), tmp_path / "t")
    assert (result.width, result.height) == (120, 160)


def test_thumbnail_of_an_image(photo: Path, tmp_path: Path) -> None:
    result = thumbnail(photo, Budget(10_000, 120, 120, formats=("jpeg",)), tmp_path / "t")
    assert result.size <= 10_000 and (result.width, result.height) == (90, 120)
