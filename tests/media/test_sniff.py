from __future__ import annotations

import os
from pathlib import Path

import pytest

from media.errors import CorruptMedia, UnsupportedMedia
from media.sniff import Kind, sniff_bytes, sniff_file

ACCEPTED = [
    pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg", id="jpeg"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png", id="png"),
    pytest.param(b"GIF89a\x01\x00", "gif", id="gif"),
    pytest.param(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp", id="webp"),
    pytest.param(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif", id="heic"),
    pytest.param(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "mp4", id="mp4"),
    pytest.param(b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "mov", id="mov"),
    pytest.param(b"\x00\x00\x00\x14ftyp3gp4\x00\x00\x00\x00isom", "3gp", id="3gp"),
    pytest.param(b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom", "m4a", id="m4a"),
    pytest.param(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm", id="webm"),
    pytest.param(b"ID3\x04\x00\x00\x00\x00\x00\x00", "mp3", id="mp3-id3"),
    pytest.param(b"\xff\xfb\x90\x64\x00", "mp3", id="mp3-frame"),
    pytest.param(b"\xff\xf1\x50\x80\x00", "aac", id="aac-adts"),
    pytest.param(b"#!AMR\n<", "amr", id="amr"),
    pytest.param(b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav", id="wav"),
    pytest.param(b"OggS\x00\x02", "ogg", id="ogg"),
]


@pytest.mark.parametrize(("head", "fmt"), ACCEPTED)
def test_accepted_formats(head: bytes, fmt: str) -> None:
    assert sniff_bytes(head).format == fmt


REFUSED = [
    pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script>", "refused_html", id="html"),
    pytest.param(b"\xef\xbb\xbf  <html>", "refused_html", id="html-bom"),
    pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "refused_svg", id="svg"),
    pytest.param(b"<?xml version='1.0'?>\n<svg onload='x()'/>", "refused_svg", id="svg-xml"),
    pytest.param(b"#!/bin/sh\nrm -rf /", "refused_script", id="shell"),
    pytest.param(b"<?php system($_GET['c']);", "refused_script", id="php"),
    pytest.param(b"#EXTM3U\n#EXTINF:1,\nhttp://evil/a.ts", "refused_playlist", id="hls"),
    pytest.param(b"ffconcat version 1.0\nfile /etc/passwd", "refused_playlist", id="concat"),
    pytest.param(b"%PDF-1.7", "unsupported", id="pdf"),
    pytest.param(b"PK\x03\x04", "unsupported", id="zip"),
    pytest.param(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "unsupported", id="avif"),
]


@pytest.mark.parametrize(("head", "code"), REFUSED)
def test_refused_with_reason(head: bytes, code: str) -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        sniff_bytes(head)
    assert caught.value.code == code
    assert caught.value.message_zh and caught.value.message_en


def test_svg_reason_explains_why() -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        sniff_bytes(b"<svg/>")
    assert "脚本" in caught.value.message_zh and "PNG" in caught.value.message_zh


def test_html_renamed_jpg_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_text("<html><body><script>steal()</script></body></html>")
    with pytest.raises(UnsupportedMedia) as caught:
        sniff_file(fake)
    assert caught.value.code == "refused_html"


def test_zero_bytes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(CorruptMedia) as caught:
        sniff_file(empty)
    assert caught.value.code == "empty"


def test_fifo_is_not_a_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnsupportedMedia) as caught:
        sniff_file(fifo)  # must not block reading it
    assert caught.value.code == "not_a_file"


def test_real_files(clip: Path, photo: Path, wav: Path, heic: Path) -> None:
    assert sniff_file(clip).kind is Kind.VIDEO
    assert sniff_file(photo).format == "jpeg"
    assert sniff_file(wav).format == "wav"
    assert sniff_file(heic).format == "heif"
