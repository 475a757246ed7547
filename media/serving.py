"""Framework-free pieces of serving renditions: Range parsing, cache and safety headers.

The studio/h5 handler stays thin: it resolves the rendition, calls ``plan_response`` and streams
``read_range``. Renditions are immutable and their URL carries a content hash, so they are cached
for a year; originals are never served publicly (that is the handler's rule, not this module's).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiofiles

from media.errors import MediaError

CHUNK_BYTES = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


class RangeNotSatisfiable(MediaError):
    status = 416

    def __init__(self, size: int) -> None:
        super().__init__("range_not_satisfiable", "请求的范围无效。", "Range not satisfiable.")
        self.size = size


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class MediaResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    byte_range: ByteRange | None = None


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """One ``bytes=`` range, or ``None`` for the whole file (also for multi-range requests)."""
    if not header or "," in header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None  # unknown unit or garbage: RFC 9110 says ignore the header
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        if int(last) == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return ByteRange(max(0, size - int(last)), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable(size)
    return ByteRange(start, end)


def etag_for(content_hash: str) -> str:
    return f'"{content_hash}"'


def plan_response(
    *,
    mime: str,
    size: int,
    content_hash: str,
    range_header: str | None = None,
    if_none_match: str | None = None,
) -> MediaResponse:
    """Status and headers for serving one immutable rendition."""
    etag = etag_for(content_hash)
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        # Even if a rendition were opened as a document, it could run nothing.
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return MediaResponse(304, headers)
    headers["Content-Type"] = mime
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable:
        headers["Content-Range"] = f"bytes */{size}"
        headers["Content-Length"] = "0"
        return MediaResponse(416, headers)
    if byte_range is None:
        headers["Content-Length"] = str(size)
        return MediaResponse(200, headers)
    headers["Content-Length"] = str(byte_range.length)
    headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    return MediaResponse(206, headers, byte_range)


async def read_range(
    path: str | Path, byte_range: ByteRange | None = None, chunk_bytes: int = CHUNK_BYTES
) -> AsyncIterator[bytes]:
    """Stream the file, or just ``byte_range`` of it, in chunks."""
    async with aiofiles.open(path, "rb") as fh:
        if byte_range is None:
            while chunk := await fh.read(chunk_bytes):
                yield chunk
            return
        await fh.seek(byte_range.start)
        remaining = byte_range.length
        while remaining > 0:
            chunk = await fh.read(min(chunk_bytes, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file (dedupe key for originals, cache-busting hash for rendition URLs)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
