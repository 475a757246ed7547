from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media.budget import Budget
from media.errors import BudgetUnreachable, WrongKind
from media.image import JPEG_MAX_QUALITY, fit_image

ANY = ("jpeg", "png", "gif")


def _decoded(path: Path) -> Image.Image:
    with Image.open(path) as im:
        im.load()
        return im.copy()


def test_photo_quality_search_fits_and_strips_metadata(photo: Path, tmp_path: Path) -> None:
    budget = Budget(60_000, 600, 600, formats=ANY)
    result = fit_image(photo, budget, tmp_path / "out")
    assert result.format == "jpeg" and result.mime == "image/jpeg"
    assert result.size == (tmp_path / "out").stat().st_size <= budget.max_bytes
    assert result.settings["quality"] < JPEG_MAX_QUALITY  # it had to search
    im = _decoded(result.path)
    assert im.size == (450, 600) == (result.width, result.height)  # EXIF 6: upright, portrait
    assert not im.getexif()  # no orientation, no camera make
    assert result.quality is not None and result.quality > 0.6


def test_quality_is_the_largest_that_fits(photo: Path, tmp_path: Path) -> None:
    budget = Budget(60_000, 600, 600, formats=("jpeg",))
    result = fit_image(photo, budget, tmp_path / "out")
    with Image.open(photo) as src:
        src.load()
        from media.image import _jpeg, prepare

        upright = prepare(src).resize((result.width or 0, result.height or 0),
                                      Image.Resampling.LANCZOS)
    one_more = _jpeg(upright, int(result.settings["quality"]) + 1)
    assert len(one_more) > budget.max_bytes


def test_shrinks_when_even_the_quality_floor_is_too_big(photo: Path, tmp_path: Path) -> None:
    budget = Budget(15_000, 900, 1200, formats=("jpeg",))
    result = fit_image(photo, budget, tmp_path / "out")
    assert result.size <= 15_000
    assert result.settings["attempts"] > 1 and (result.height or 0) < 1200


def test_graphic_png_stays_png_with_transparency(screenshot: Path, tmp_path: Path) -> None:
    result = fit_image(screenshot, Budget(200_000, 400, 400, formats=ANY), tmp_path / "out")
    assert result.format == "png" and result.size <= 200_000
    im = _decoded(result.path)
    assert im.size == (400, 300)
    assert im.convert("RGBA").getchannel("A").getpixel((399, 0)) == 0  # still transparent
    assert result.quality is not None and result.quality > 0.9


def test_png_becomes_jpeg_when_that_is_the_only_way(tmp_path: Path) -> None:
    noisy = tmp_path / "noisy.png"
    Image.effect_noise((600, 600), 80).convert("RGB").save(noisy)
    result = fit_image(noisy, Budget(50_000, formats=("png", "jpeg")), tmp_path / "out")
    assert result.format == "jpeg" and result.size <= 50_000


def test_png_only_budget_uses_a_palette(tmp_path: Path) -> None:
    src = tmp_path / "grad.png"
    Image.linear_gradient("L").resize((512, 512)).convert("RGB").save(src)
    result = fit_image(src, Budget(40_000, formats=("png",)), tmp_path / "out")
    assert result.format == "png" and result.size <= 40_000


def test_animated_gif_stays_animated(animated_gif: Path, tmp_path: Path) -> None:
    budget = Budget(120_000, formats=ANY)
    result = fit_image(animated_gif, budget, tmp_path / "out")
    assert result.format == "gif" and result.size <= budget.max_bytes
    settings = result.settings
    assert (settings["colors"], settings["frame_step"], settings["width"]) != (256, 1, 200)
    with Image.open(result.path) as im:
        frames = getattr(im, "n_frames", 1)
        assert frames == settings["frames"] > 1
        # frames dropped keep their time: total duration unchanged (24 frames x 80 ms)
        total = 0
        for index in range(frames):
            im.seek(index)
            total += im.info["duration"]
    assert total == 24 * 80


def test_animation_without_gif_allowed_is_a_still(animated_gif: Path, tmp_path: Path) -> None:
    result = fit_image(animated_gif, Budget(50_000, formats=("jpeg",)), tmp_path / "out")
    assert result.format == "jpeg"


def test_heic_is_converted(heic: Path, tmp_path: Path) -> None:
    result = fit_image(heic, Budget(80_000, formats=ANY), tmp_path / "out")
    assert result.format == "jpeg" and result.size <= 80_000
    assert _decoded(result.path).size == (640, 480)


def test_unreachable_budget_writes_nothing(photo: Path, tmp_path: Path) -> None:
    with pytest.raises(BudgetUnreachable):
        fit_image(photo, Budget(300, formats=("jpeg",)), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_video_is_the_wrong_kind(clip: Path, tmp_path: Path) -> None:
    with pytest.raises(WrongKind):
        fit_image(clip, Budget(1000, formats=ANY), tmp_path / "out")


def test_picture_smaller_than_the_ssim_window_fits_without_a_score(tmp_path: Path) -> None:
    from media.fit import fit as fit_profile

    src = tmp_path / "tiny.png"
    Image.new("RGB", (4, 4), (9, 90, 200)).save(src)
    result = fit_profile(src, "ch5_image", tmp_path / "tiny.out")
    assert (result.width, result.height) == (4, 4)
    assert result.quality is None and result.size == (tmp_path / "tiny.out").stat().st_size
