"""Small, noisy media generated once per session with the real ffmpeg and Pillow.

Noise (ffmpeg's ``noise`` filter, Pillow's ``effect_noise``) keeps the sources hard to compress,
so fitting really has to search rather than fit at the first try.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from media.ffmpeg import Input, file_arg, run_ffmpeg

DURATION = 2.0


def lavfi(out: Path, *sources: str, args: tuple[str, ...] = ()) -> Path:
    run_ffmpeg([Input(s, "lavfi") for s in sources], [*args, file_arg(out)])
    return out


def _video_src(size: str = "320x240", duration: float = DURATION, noise: int = 10) -> str:
    return f"testsrc2=s={size}:r=25:d={duration},noise=alls={noise}:allf=t+u"


def _sine(duration: float = DURATION) -> str:
    return f"sine=f=440:d={duration}:sample_rate=44100"


_HQ = ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "14", "-pix_fmt", "yuv420p")


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media-src")


@pytest.fixture(scope="session")
def clip(media_dir: Path) -> Path:
    """2 s, 320x240, 25 fps, noisy video + a sine tone, at a high bitrate (about 1 MB)."""
    return lavfi(
        media_dir / "clip", _video_src(), _sine(),
        args=(*_HQ, "-c:a", "aac", "-b:a", "128k", "-shortest", "-f", "mp4"),
    )


@pytest.fixture(scope="session")
def rotated_clip(media_dir: Path, clip: Path) -> Path:
    """The same clip stored 320x240 with a 90-degree display matrix (a portrait phone video)."""
    out = media_dir / "rotated"
    run_ffmpeg(
        [Input(clip, "mov", ("-display_rotation", "90"))],
        ["-map", "0", "-c", "copy", "-f", "mp4", file_arg(out)],
    )
    return out


@pytest.fixture(scope="session")
def silent_clip(media_dir: Path) -> Path:
    return lavfi(media_dir / "silent.webm", _video_src("256x144"),
                 args=("-c:v", "libvpx", "-b:v", "1M", "-f", "webm"))


@pytest.fixture(scope="session")
def audio_only_mp4(media_dir: Path) -> Path:
    return lavfi(media_dir / "audio-only", _sine(), args=("-c:a", "aac", "-f", "mp4"))


@pytest.fixture(scope="session")
def wav(media_dir: Path) -> Path:
    return lavfi(media_dir / "tone.wav", _sine(), args=("-c:a", "pcm_s16le", "-f", "wav"))


@pytest.fixture(scope="session")
def photo(media_dir: Path) -> Path:
    """A noisy 1200x900 JPEG stored sideways with EXIF orientation 6 (display: 900x1200)."""
    out = media_dir / "photo.jpg"
    noise = Image.effect_noise((1200, 900), 40)
    gradient = Image.linear_gradient("L").resize((1200, 900))
    im = Image.merge("RGB", (noise, gradient, noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "TestCam"  # Make: must not survive
    im.save(out, "JPEG", quality=95, exif=exif)
    return out


@pytest.fixture(scope="session")
def screenshot(media_dir: Path) -> Path:
    """A flat-colour PNG with shapes and transparency (a logo or UI screenshot)."""
    out = media_dir / "shot.png"
    im = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    for i in range(12):
        draw.rectangle((i * 60, i * 40, i * 60 + 120, i * 40 + 80), fill=(20 * i, 90, 200, 255))
        draw.text((10 + i * 50, 500), f"item {i}", fill=(0, 0, 0, 255))
    im.save(out, "PNG")
    return out


@pytest.fixture(scope="session")
def animated_gif(media_dir: Path) -> Path:
    """24 frames of 200x150 noise with a moving disc: animated, too big for small budgets."""
    out = media_dir / "anim.gif"
    frames = []
    for i in range(24):
        frame = Image.effect_noise((200, 150), 50).convert("RGB")
        ImageDraw.Draw(frame).ellipse((i * 6, 40, i * 6 + 50, 90), fill=(255, 40, 40))
        frames.append(frame)
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    return out


@pytest.fixture(scope="session")
def heic(media_dir: Path) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = media_dir / "iphone.heic"
    Image.effect_noise((640, 480), 30).convert("RGB").save(out, "HEIF", quality=90)
    return out
