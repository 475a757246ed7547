"""The path an upload takes, without HTTP: stream → store → probe(decode) → renditions → serve."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from media.fit import fit
from media.probe import probe
from media.profiles import DEFAULT_RENDITIONS, get_profile
from media.serving import file_sha256, plan_response
from media.storage import LocalStorage
from media.upload import receive_upload


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]


async def test_upload_to_renditions(clip: Path, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store")
    received = await receive_upload(_chunks(clip.read_bytes()), directory=tmp_path)
    original = storage.put_file(received.path, move=True)
    info = probe(storage.path(original), received.sniffed, decode=True)
    assert info.frame_count == 50
    for name in DEFAULT_RENDITIONS[received.sniffed.kind]:
        profile = get_profile(name)
        progress: list[float] = []
        result = fit(storage.path(original), profile, tmp_path / name,
                     sniffed=received.sniffed, on_progress=progress.append)
        key = storage.put_file(result.path, move=True)
        assert storage.size(key) == result.size <= profile.budget.max_bytes
        assert progress[-1] == 1.0
        served = plan_response(mime=result.mime, size=result.size,
                               content_hash=file_sha256(storage.path(key)),
                               range_header="bytes=0-1")
        assert served.status == 206 and served.headers["Content-Type"] == result.mime
