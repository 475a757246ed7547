"""One entry point for jobs and the CLI: fit any accepted source to a named profile."""

from __future__ import annotations

from pathlib import Path

from media.audio import fit_audio
from media.budget import FitResult
from media.errors import WrongKind
from media.ffmpeg import ProgressCallback
from media.image import fit_image
from media.options import TranscodeOptions
from media.poster import poster
from media.profiles import Profile, get_profile
from media.sniff import Kind, Sniffed, sniff_file


def fit(
    src: str | Path,
    profile: Profile | str,
    out: str | Path,
    *,
    options: TranscodeOptions | None = None,
    sniffed: Sniffed | None = None,
    on_progress: ProgressCallback | None = None,
) -> FitResult:
    """Make the ``profile`` rendition of ``src`` at ``out``.

    An image profile applied to a video makes a poster frame; an audio profile applied to a video
    keeps its sound. Anything else mismatched is ``WrongKind``.
    """
    profile = get_profile(profile) if isinstance(profile, str) else profile
    sniffed = sniffed or sniff_file(src)
    budget = profile.budget
    if profile.kind is Kind.IMAGE and sniffed.kind is Kind.IMAGE:
        result = fit_image(src, budget, out, options=options, sniffed=sniffed)
    elif profile.kind is Kind.IMAGE and sniffed.kind is Kind.VIDEO:
        result = poster(src, budget, out, options=options, sniffed=sniffed)
    elif profile.kind is Kind.VIDEO and sniffed.kind is not Kind.IMAGE:
        from media.video import fit_video

        result = fit_video(
            src, budget, out, max_fps=profile.max_fps,
            max_audio_bitrate=profile.max_audio_bitrate, options=options, sniffed=sniffed,
            on_progress=on_progress,
        )
    elif profile.kind is Kind.AUDIO and sniffed.kind is not Kind.IMAGE:
        result = fit_audio(src, budget, out, options=options, sniffed=sniffed,
                           on_progress=on_progress)
    else:
        raise WrongKind(
            "wrong_kind",
            f"“{profile.name}”规格不适用于{_KIND_ZH[sniffed.kind]}文件。",
            f"Profile {profile.name!r} does not apply to a {sniffed.kind} file.",
        )
    if on_progress:
        on_progress(1.0)
    return result


_KIND_ZH = {Kind.IMAGE: "图片", Kind.VIDEO: "视频", Kind.AUDIO: "音频"}
