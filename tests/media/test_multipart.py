from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from media.errors import UnsupportedMedia, UploadTooLarge
from media.multipart import BadForm, MultipartLimits, parse_multipart

BOUNDARY = "----studio-boundary-7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def _body(*parts: tuple[str, str | None, bytes]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: image/jpeg\r\n"
        out += b"\r\n" + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


async def _stream(data: bytes, size: int = 777) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_fields_and_files(photo: Path, tmp_path: Path) -> None:
    data = photo.read_bytes()
    body = _body(("title", None, "春节促销".encode()),
                 ("file", "C:\\Users\\me\\IMG_0001.jpg", data))
    form = await parse_multipart(_stream(body), CONTENT_TYPE, directory=tmp_path)
    assert form.get("title") == "春节促销"
    [upload] = form.files
    assert upload.field == "file" and upload.filename == "IMG_0001.jpg"
    assert upload.file.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.file.sniffed.format == "jpeg"  # from the bytes, not the declared type


async def test_file_part_capped_while_streaming(tmp_path: Path) -> None:
    body = _body(("file", "big.jpg", b"\xff\xd8\xff" + b"x" * 50_000))
    limits = MultipartLimits(max_file_bytes=10_000)
    with pytest.raises(UploadTooLarge):
        await parse_multipart(_stream(body), CONTENT_TYPE, limits=limits, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


async def test_earlier_files_removed_when_a_later_one_fails(photo: Path, tmp_path: Path) -> None:
    body = _body(("a", "ok.jpg", photo.read_bytes()), ("b", "x.jpg", b"<svg/>"))
    with pytest.raises(UnsupportedMedia):
        await parse_multipart(_stream(body), CONTENT_TYPE, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


async def test_limits_on_fields(tmp_path: Path) -> None:
    body = _body(("note", None, b"x" * 100))
    with pytest.raises(BadForm):
        await parse_multipart(_stream(body), CONTENT_TYPE,
                              limits=MultipartLimits(max_field_bytes=10), directory=tmp_path)
    many = _body(*[(f"f{i}", None, b"1") for i in range(5)])
    with pytest.raises(BadForm):
        await parse_multipart(_stream(many), CONTENT_TYPE,
                              limits=MultipartLimits(max_fields=3), directory=tmp_path)


async def test_not_multipart_or_malformed(tmp_path: Path) -> None:
    with pytest.raises(BadForm):
        await parse_multipart(_stream(b"a=1"), "application/x-www-form-urlencoded")
    body = _body(("file", "a.jpg", b"\xff\xd8\xff" + b"x" * 100))
    with pytest.raises(BadForm):  # cut inside the file part
        await parse_multipart(_stream(body[:80]), CONTENT_TYPE, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []
