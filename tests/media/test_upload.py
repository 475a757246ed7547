from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from media.errors import CorruptMedia, UnsupportedMedia, UploadTooLarge
from media.sniff import Kind
from media.upload import check_content_length, receive_upload


async def _chunks(data: bytes, size: int = 1000, consumed: list[int] | None = None
                  ) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        if consumed is not None:
            consumed.append(start)
        yield data[start : start + size]


async def test_streams_hashes_and_sniffs(clip: Path, tmp_path: Path) -> None:
    data = clip.read_bytes()
    received = await receive_upload(_chunks(data), max_bytes=len(data), directory=tmp_path)
    assert received.size == len(data)
    assert received.sha256 == hashlib.sha256(data).hexdigest()
    assert received.sniffed.kind is Kind.VIDEO
    assert received.path.read_bytes() == data


async def test_cap_is_enforced_while_reading(tmp_path: Path) -> None:
    data = b"\xff\xd8\xff" + b"x" * 99_997
    consumed: list[int] = []
    with pytest.raises(UploadTooLarge) as caught:
        await receive_upload(_chunks(data, consumed=consumed), max_bytes=10_000,
                             directory=tmp_path)
    assert caught.value.code == "too_large" and caught.value.status == 413
    assert len(consumed) <= 11  # stopped at the cap, not after reading everything
    assert list(tmp_path.iterdir()) == []  # nothing left behind


async def test_sniffed_before_the_rest_arrives(tmp_path: Path) -> None:
    consumed: list[int] = []
    html = b"<html>" + b" " * 50_000
    with pytest.raises(UnsupportedMedia):
        await receive_upload(_chunks(html, consumed=consumed), directory=tmp_path)
    assert len(consumed) <= 5 and list(tmp_path.iterdir()) == []


async def test_empty_upload(tmp_path: Path) -> None:
    with pytest.raises(CorruptMedia):
        await receive_upload(_chunks(b""), directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_content_length_checked_first() -> None:
    check_content_length(None, 100)
    check_content_length("100", 100)
    with pytest.raises(UploadTooLarge):
        check_content_length("200000000000", 200_000_000)
