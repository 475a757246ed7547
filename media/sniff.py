"""Identify an upload from its first bytes, against an allow-list.

The client's file name and MIME type are never consulted. What is not on the list is refused, and
the formats people most often try (SVG, HTML, scripts, playlists) are refused with a reason.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from media.errors import CorruptMedia, UnsupportedMedia

#: Bytes needed to decide; uploads sniff once this much has arrived.
HEAD_BYTES = 4096


class Kind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    #: Short name: jpeg, png, gif, webp, heif; mp4, mov, 3gp, webm; mp3, aac, m4a, amr, wav, ogg.
    format: str
    mime: str
    #: The ffmpeg demuxer forced with ``-f`` whenever ffmpeg reads this file.
    demuxer: str
    #: The only Pillow plugin allowed to open it (images).
    pil_format: str | None = None


def _s(kind: Kind, fmt: str, mime: str, demuxer: str, pil: str | None = None) -> Sniffed:
    return Sniffed(kind, fmt, mime, demuxer, pil)


JPEG = _s(Kind.IMAGE, "jpeg", "image/jpeg", "jpeg_pipe", "JPEG")
PNG = _s(Kind.IMAGE, "png", "image/png", "png_pipe", "PNG")
GIF = _s(Kind.IMAGE, "gif", "image/gif", "gif", "GIF")
WEBP = _s(Kind.IMAGE, "webp", "image/webp", "webp_pipe", "WEBP")
HEIF = _s(Kind.IMAGE, "heif", "image/heic", "mov", "HEIF")
MP4 = _s(Kind.VIDEO, "mp4", "video/mp4", "mov")
MOV = _s(Kind.VIDEO, "mov", "video/quicktime", "mov")
THREE_GP = _s(Kind.VIDEO, "3gp", "video/3gpp", "mov")
WEBM = _s(Kind.VIDEO, "webm", "video/webm", "matroska")
MP3 = _s(Kind.AUDIO, "mp3", "audio/mpeg", "mp3")
AAC = _s(Kind.AUDIO, "aac", "audio/aac", "aac")
M4A = _s(Kind.AUDIO, "m4a", "audio/mp4", "mov")
AMR = _s(Kind.AUDIO, "amr", "audio/amr", "amr")
WAV = _s(Kind.AUDIO, "wav", "audio/wav", "wav")
OGG = _s(Kind.AUDIO, "ogg", "audio/ogg", "ogg")

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"F4A "}
_MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"M4VH", b"M4VP", b"dash", b"mmp4", b"MSNV", b"NDAS", b"f4v ", b"XAVC",
}
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


_REFUSALS: tuple[tuple[tuple[bytes, ...], str, str, str], ...] = (
    (
        (b"#extm3u", b"ffconcat", b"[playlist]", b"<smil", b"<mpd"),
        "refused_playlist",
        "这是播放列表或拼接脚本，不是媒体文件；它可能引用网络地址或服务器上的其他文件，因此拒绝。",
        "A playlist or concat script is not media: it can reference URLs or other local files.",
    ),
    (
        (b"<svg", b"<!doctype svg"),
        "refused_svg",
        "不接受 SVG：SVG 是可以包含脚本和外部链接的文档，不是普通图片，且手机消息不支持。"
        "请导出为 PNG 或 JPEG 后再上传。",
        "SVG is refused: it is a document that can carry scripts and external references, and "
        "5G messages do not display it. Export it as PNG or JPEG.",
    ),
    (
        (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<meta"),
        "refused_html",
        "这是网页（HTML）文件，不是图片或视频，即使文件名是 .jpg 也不行。",
        "This is an HTML page, not an image or video, whatever its file name says.",
    ),
    (
        (b"#!", b"<?php", b"<%", b"<?xml"),
        "refused_script",
        "这是脚本或文本文件，不是媒体文件。",
        "This is a script or text file, not media.",
    ),
)


def sniff_bytes(head: bytes) -> Sniffed:
    """Identify the format from the first bytes (pass at least ``HEAD_BYTES`` when available)."""
    if not head:
        raise CorruptMedia("empty", "文件为空（0 字节）。", "The file is empty (0 bytes).")
    found = _binary(head)
    if found is not None:
        return found
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") and b"<svg" in text:
        text = b"<svg"
    for prefixes, code, zh, en in _REFUSALS:
        if text.startswith(prefixes):
            raise UnsupportedMedia(code, zh, en)
    raise UnsupportedMedia(
        "unsupported",
        "不支持的文件格式。支持：JPEG、PNG、GIF、WebP、HEIC 图片；MP4、MOV、3GP、WebM 视频；"
        "MP3、AAC、M4A、AMR、WAV、OGG 音频。",
        "Unsupported format. Accepted: JPEG, PNG, GIF, WebP, HEIC; MP4, MOV, 3GP, WebM; "
        "MP3, AAC, M4A, AMR, WAV, OGG.",
    )


def sniff_file(path: str | Path) -> Sniffed:
    """Sniff a file on disk; anything but a regular file (a FIFO, a device) is refused."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise CorruptMedia("missing", "文件不存在。", "The file does not exist.") from exc
    if not stat.S_ISREG(st.st_mode):
        raise UnsupportedMedia("not_a_file", "不是普通文件。", "Not a regular file.")
    with open(path, "rb") as fh:
        return sniff_bytes(fh.read(HEAD_BYTES))


def _binary(h: bytes) -> Sniffed | None:
    if h.startswith(b"\xff\xd8\xff"):
        return JPEG
    if h.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if h[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if h[:4] == b"RIFF" and h[8:12] == b"WEBP":
        return WEBP
    if h[:4] == b"RIFF" and h[8:12] == b"WAVE":
        return WAV
    if h[4:8] == b"ftyp":
        return _iso_bmff(h)
    if h[4:8] in _QT_ATOMS:
        return MOV
    if h.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in h[:64] else None
    if h.startswith(b"OggS"):
        return OGG
    if h.startswith(b"#!AMR"):
        return AMR
    if h.startswith(b"ID3"):
        return MP3
    if len(h) >= 2 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0:
        layer = (h[1] >> 1) & 0b11
        if layer == 0b01:
            return MP3
        if layer == 0 and h[1] & 0xF6 == 0xF0:
            return AAC
    return None


def _iso_bmff(h: bytes) -> Sniffed | None:
    major = h[8:12]
    size = int.from_bytes(h[0:4], "big")
    compatible = {h[i : i + 4] for i in range(16, min(size, len(h), 256), 4)}
    if major in _HEIF_BRANDS:
        return HEIF
    if major in _M4A_BRANDS:
        return M4A
    if major.startswith((b"3gp", b"3g2")):
        return THREE_GP
    if major == b"qt  ":
        return MOV
    if major in _MP4_BRANDS or compatible & _MP4_BRANDS:
        return MP4
    return None
