from __future__ import annotations

from pathlib import Path

import pytest

from media.serving import (
    ByteRange,
    RangeNotSatisfiable,
    file_sha256,
    parse_range,
    plan_response,
    read_range,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, None, id="none"),
        pytest.param("bytes=0-99", ByteRange(0, 99), id="first-100"),
        pytest.param("bytes=900-", ByteRange(900, 999), id="open-ended"),
        pytest.param("bytes=-100", ByteRange(900, 999), id="suffix"),
        pytest.param("bytes=-5000", ByteRange(0, 999), id="suffix-longer-than-file"),
        pytest.param("bytes=990-5000", ByteRange(990, 999), id="end-clamped"),
        pytest.param("bytes=0-1,5-6", None, id="multi-range-served-whole"),
        pytest.param("items=0-1", None, id="unknown-unit-ignored"),
    ],
)
def test_parse_range(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-2", "bytes=-0"])
def test_unsatisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


def test_plan_full_partial_not_modified_and_416() -> None:
    full = plan_response(mime="video/mp4", size=1000, content_hash="abc")
    assert full.status == 200 and full.headers["Content-Length"] == "1000"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in full.headers["Cache-Control"]
    assert full.headers["Accept-Ranges"] == "bytes" and full.headers["ETag"] == '"abc"'
    part = plan_response(mime="video/mp4", size=1000, content_hash="abc",
                         range_header="bytes=100-199")
    assert part.status == 206 and part.headers["Content-Length"] == "100"
    assert part.headers["Content-Range"] == "bytes 100-199/1000"
    cached = plan_response(mime="video/mp4", size=1000, content_hash="abc",
                           if_none_match='"zzz", "abc"')
    assert cached.status == 304
    bad = plan_response(mime="video/mp4", size=1000, content_hash="abc",
                        range_header="bytes=2000-")
    assert bad.status == 416 and bad.headers["Content-Range"] == "bytes */1000"


async def test_read_range(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    path = tmp_path / "f"
    path.write_bytes(data)
    whole = b"".join([c async for c in read_range(path, chunk_bytes=10_000)])
    assert whole == data
    part = b"".join([c async for c in read_range(path, ByteRange(1000, 70_999), 4096)])
    assert part == data[1000:71_000]
    assert len(file_sha256(path)) == 64
