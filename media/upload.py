"""Receive an upload as a stream: hard byte cap while reading, sha256, sniff before decoding.

Framework-free: it takes an async iterator of byte chunks (a request body, a multipart part) so the
studio's handler stays thin and tests need no HTTP. The client's file name and MIME type play no
part here.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiofiles

from media.errors import UploadTooLarge
from media.sniff import HEAD_BYTES, Sniffed, sniff_bytes

#: Default upload cap: 200 MB (1 MB = 1,000,000 bytes).
DEFAULT_MAX_UPLOAD_BYTES = 200_000_000


@dataclass(frozen=True)
class ReceivedFile:
    """A complete upload in a temp file the caller now owns (store it or delete it)."""

    path: Path
    size: int
    sha256: str
    sniffed: Sniffed


def check_content_length(value: str | None, max_bytes: int, *, overhead: int = 64_000) -> None:
    """Refuse before reading when the declared length is already over the cap.

    ``overhead`` allows for multipart boundaries and the form's other fields. A missing or
    malformed header is not refused here: the byte count while reading still applies.
    """
    if value is not None and value.strip().isdigit() and int(value) > max_bytes + overhead:
        raise UploadTooLarge.for_cap(max_bytes)


class UploadSink:
    """Incremental writer: counts, hashes and sniffs each chunk before it touches the disk."""

    def __init__(self, max_bytes: int, directory: str | Path | None = None) -> None:
        self.max_bytes = max_bytes
        fd, name = tempfile.mkstemp(prefix="upload-", dir=directory)
        os.close(fd)
        self.path = Path(name)
        self.size = 0
        self._hash = hashlib.sha256()
        self._head = b""
        self._sniffed: Sniffed | None = None
        self._file: Any = None

    async def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise UploadTooLarge.for_cap(self.max_bytes)
        if self._sniffed is None:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
            if len(self._head) >= HEAD_BYTES:
                self._sniffed = sniff_bytes(self._head)  # refuses before anything is decoded
        self._hash.update(chunk)
        if self._file is None:
            self._file = await aiofiles.open(self.path, "wb")
        await self._file.write(chunk)

    async def finish(self) -> ReceivedFile:
        await self._close()
        sniffed = self._sniffed or sniff_bytes(self._head)  # short files; empty is refused
        return ReceivedFile(self.path, self.size, self._hash.hexdigest(), sniffed)

    async def abort(self) -> None:
        await self._close()
        self.path.unlink(missing_ok=True)

    async def _close(self) -> None:
        if self._file is not None:
            await self._file.close()
            self._file = None


async def receive_upload(
    chunks: AsyncIterator[bytes],
    *,
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    directory: str | Path | None = None,
) -> ReceivedFile:
    """Stream ``chunks`` to a temp file; on any error nothing is left behind."""
    sink = UploadSink(max_bytes, directory)
    try:
        async for chunk in chunks:
            await sink.write(chunk)
        return await sink.finish()
    except BaseException:
        await sink.abort()
        raise
