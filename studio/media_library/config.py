"""What the media jobs need to know about the installation, as one plain value.

Jobs get no settings object from the runner, so the enqueuing side puts this value into the
job's payload (``JobMedia.to_payload``); a restarted or separate worker reads it back. The
media folder must therefore be the same path for the web process and the workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from media.options import TranscodeOptions
from media.storage import LocalStorage
from studio.settings import Settings


@dataclass(frozen=True)
class JobMedia:
    root: str
    threads: int = 2
    timeout: float = 900.0
    ffmpeg: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> JobMedia:
        return cls(
            root=str(settings.media_dir),
            threads=settings.media.ffmpeg_threads,
            timeout=settings.media.ffmpeg_timeout,
            ffmpeg=settings.ffmpeg_binary,
        )

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> JobMedia:
        raw = payload.get("media") or {}
        return cls(
            root=str(raw["root"]),
            threads=int(raw.get("threads", 2)),
            timeout=float(raw.get("timeout", 900.0)),
            ffmpeg=str(raw.get("ffmpeg", "")),
        )

    def to_payload(self) -> dict[str, Any]:
        return {"root": self.root, "threads": self.threads, "timeout": self.timeout,
                "ffmpeg": self.ffmpeg}

    def storage(self) -> LocalStorage:
        return LocalStorage(Path(self.root) / "store")

    def transcode_options(self, *, trim: bool = False) -> TranscodeOptions:
        return TranscodeOptions(
            ffmpeg_binary=self.ffmpeg or None, threads=self.threads, timeout=self.timeout,
            trim=trim,
        )


def storage_for(settings: Settings) -> LocalStorage:
    """The storage of originals and renditions (the same one the jobs use)."""
    return JobMedia.from_settings(settings).storage()


def upload_tmp_dir(settings: Settings) -> Path:
    """Uploads stream here: on the storage's file system, so storing them is a rename."""
    path = settings.media_dir / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path
