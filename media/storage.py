"""Where originals and renditions live: one small interface, a local-folder implementation.

Files are stored under random keys without extensions, so nothing about a stored file (its
name, its type) comes from the uploader, and no web server will guess a type from a suffix.
Keys are validated, so a key can never name a path outside the root.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol

from media.errors import MediaError

_KEY = re.compile(r"^[0-9a-f]{32}$")


class StoredFileNotFound(MediaError):
    status = 404

    @classmethod
    def for_key(cls, key: str) -> StoredFileNotFound:
        return cls("not_found", "文件不存在。", f"No stored file {key!r}.")


class Storage(Protocol):
    def put_file(self, src: str | Path, *, move: bool = False) -> str:
        """Store a copy of ``src`` (or move it there) and return its new key."""

    def open(self, key: str) -> BinaryIO: ...

    def path(self, key: str) -> Path:
        """A local path to read the file from (ffmpeg needs one)."""

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the file; deleting a missing key is not an error."""


class LocalStorage:
    """Files under ``root/ab/cd/<32 hex chars>``; writes are atomic (temp file + rename)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def put_file(self, src: str | Path, *, move: bool = False) -> str:
        key = secrets.token_hex(16)
        target = self._target(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{key}.partial")
        try:
            if move:
                shutil.move(src, partial)
            else:
                shutil.copyfile(src, partial)
            os.chmod(partial, 0o640)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._target(key), "rb")
        except FileNotFoundError:
            raise StoredFileNotFound.for_key(key) from None

    def path(self, key: str) -> Path:
        target = self._target(key)
        if not target.is_file():
            raise StoredFileNotFound.for_key(key)
        return target

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return _KEY.match(key) is not None and self._target(key).is_file()

    def delete(self, key: str) -> None:
        self._target(key).unlink(missing_ok=True)

    def _target(self, key: str) -> Path:
        if not _KEY.match(key):
            raise StoredFileNotFound.for_key(key)
        return self.root / key[:2] / key[2:4] / key
