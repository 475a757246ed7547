from __future__ import annotations

from pathlib import Path

import pytest

from media.storage import LocalStorage, Storage, StoredFileNotFound


def test_put_open_path_delete(tmp_path: Path) -> None:
    storage: Storage = LocalStorage(tmp_path / "store")
    src = tmp_path / "upload.jpg"
    src.write_bytes(b"data")
    key = storage.put_file(src)
    assert src.exists()  # copied, not moved
    assert len(key) == 32 and "." not in storage.path(key).name  # random, no extension
    assert storage.exists(key) and storage.size(key) == 4
    with storage.open(key) as fh:
        assert fh.read() == b"data"
    storage.delete(key)
    assert not storage.exists(key)
    storage.delete(key)  # idempotent
    with pytest.raises(StoredFileNotFound):
        storage.open(key)


def test_move_and_distinct_keys(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store")
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    key_a = storage.put_file(a, move=True)
    key_b = storage.put_file(b, move=True)
    assert key_a != key_b and not a.exists() and not b.exists()
    assert not list((tmp_path / "store").rglob(".*.partial"))


@pytest.mark.parametrize("key", ["../../etc/passwd", "abc", "A" * 32, "/" + "a" * 31, ""])
def test_keys_cannot_escape_the_root(tmp_path: Path, key: str) -> None:
    storage = LocalStorage(tmp_path / "store")
    assert not storage.exists(key)
    with pytest.raises(StoredFileNotFound):
        storage.path(key)
