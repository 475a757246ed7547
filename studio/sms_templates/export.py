"""The carrier package of a video SMS template: a zip with a SMIL presentation, the text of
each text frame as a UTF-8 file and every media file, within the profile's total.

`presentation.smil` has one `<par>` per frame, in order, each referring to one file of the zip
(`<text>`, `<img>`, `<video>` or `<audio>`); `template.json` carries the name, title,
signature, approved version and variables (written `{{name}}` in the text files) for the person
uploading the package to the carrier's console.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from studio.errors import Conflict
from studio.i18n import Text

SMIL_NAME = "presentation.smil"
_TAGS = {"text": "text", "image": "img", "video": "video", "audio": "audio"}
_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "video/mp4": "mp4",
        "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/aac": "aac", "audio/amr": "amr"}
DEFAULT_SECONDS = 5


@dataclass(frozen=True)
class PackFrame:
    kind: str
    text: str = ""
    path: Path | None = None  #: the media rendition's file
    mime: str = ""
    duration: float | None = None


class ExportRefused(Conflict):
    code = "export_refused"


def _region(kind: str) -> str:
    return "Text" if kind == "text" else "Image"


def smil(entries: list[tuple[str, str, int]]) -> bytes:
    """`entries`: (kind, file name, milliseconds) per frame."""
    root = ET.Element("smil", xmlns="http://www.w3.org/2001/SMIL20/Language")
    layout = ET.SubElement(ET.SubElement(root, "head"), "layout")
    ET.SubElement(layout, "root-layout", width="320", height="480")
    ET.SubElement(layout, "region", id="Image", top="0", left="0", width="320", height="320",
                  fit="meet")
    ET.SubElement(layout, "region", id="Text", top="320", left="0", width="320", height="160",
                  fit="scroll")
    body = ET.SubElement(root, "body")
    for kind, name, ms in entries:
        par = ET.SubElement(body, "par", dur=f"{ms}ms")
        attrs = {"src": name}
        if kind != "audio":
            attrs["region"] = _region(kind)
        ET.SubElement(par, _TAGS[kind], attrs)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build_package(*, name: str, title: str, signature: str, frames: list[PackFrame],
                  max_bytes: int, version: int | None = None,
                  variables: list[str] | None = None) -> bytes:
    """The zip as bytes; refuses a missing media file or a total over `max_bytes`."""
    files: list[tuple[str, bytes]] = []
    entries: list[tuple[str, str, int]] = []
    for index, frame in enumerate(frames, start=1):
        if frame.kind == "text":
            data = frame.text.encode("utf-8")
            file_name = f"{index:02d}.txt"
        else:
            if frame.path is None or not frame.path.is_file():
                raise ExportRefused(Text("第 %(index)s 帧的素材文件不存在或尚未转码完成，不能导出",
                                         index=index))
            data = frame.path.read_bytes()
            file_name = f"{index:02d}.{_EXT.get(frame.mime, 'bin')}"
        seconds = frame.duration if frame.duration else DEFAULT_SECONDS
        files.append((file_name, data))
        entries.append((frame.kind, file_name, int(round(seconds * 1000))))
    total = sum(len(data) for _, data in files)
    if total > max_bytes:
        raise ExportRefused(Text("所有帧合计 %(total)s 字节，超出上限 %(max)s 字节 "
                                 "%(over)s 字节，不能导出",
                                 total=f"{total:,}", max=f"{max_bytes:,}",
                                 over=f"{total - max_bytes:,}"))
    meta = {"name": name, "title": title, "signature": signature, "version": version,
            "variables": variables or [], "total_bytes": total,
            "frames": [file_name for file_name, _ in files]}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(SMIL_NAME, smil(entries))
        for file_name, data in files:
            archive.writestr(file_name, data)
        archive.writestr("template.json", json.dumps(meta, ensure_ascii=False, indent=2))
    return out.getvalue()
