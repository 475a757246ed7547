"""A streaming multipart/form-data parser that caps every part while it is read.

Starlette's form parser does not cap file parts, so uploads go through this instead: raw body
chunks in, text fields and temp files out, each file counted, hashed and sniffed as it streams
(see ``media.upload.UploadSink``). Built on python-multipart's low-level ``MultipartParser``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from python_multipart.multipart import MultipartParser, parse_options_header

from media.errors import MediaError
from media.upload import DEFAULT_MAX_UPLOAD_BYTES, ReceivedFile, UploadSink


class BadForm(MediaError):
    status = 400

    @classmethod
    def because(cls, en: str, zh: str = "上传的表单格式不正确。") -> BadForm:
        return cls("bad_form", zh, en)


@dataclass(frozen=True)
class MultipartLimits:
    max_file_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_files: int = 10
    max_fields: int = 50
    max_field_bytes: int = 64_000
    max_part_headers: int = 8


@dataclass(frozen=True)
class UploadedFile:
    field: str
    #: The name the client sent, path stripped: for display only, never for storage or typing.
    filename: str
    file: ReceivedFile


@dataclass(frozen=True)
class FormData:
    fields: tuple[tuple[str, str], ...]
    files: tuple[UploadedFile, ...]

    def get(self, name: str, default: str | None = None) -> str | None:
        return next((v for k, v in self.fields if k == name), default)


class _Part:
    def __init__(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.header_field = b""
        self.header_value = b""
        self.name = ""
        self.filename: str | None = None
        self.sink: UploadSink | None = None
        self.value = bytearray()


async def parse_multipart(
    body: AsyncIterator[bytes],
    content_type: str,
    *,
    limits: MultipartLimits | None = None,
    directory: str | Path | None = None,
) -> FormData:
    """Parse a multipart body; on any error every temp file written so far is removed."""
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadForm.because("Expected multipart/form-data with a boundary.")
    state = _State(limits or MultipartLimits(), directory)
    parser = MultipartParser(
        boundary, _callbacks(state.events), max_header_count=state.limits.max_part_headers
    )
    try:
        async for chunk in body:
            _feed(parser, chunk)
            await state.handle()
        parser.finalize()
        await state.handle()
        if not state.complete:
            raise BadForm.because("The body ended before the closing boundary.")
    except BaseException:
        await state.discard()
        raise
    return FormData(tuple(state.fields), tuple(state.files))


def _callbacks(events: list[tuple[str, bytes]]) -> Any:
    def mark(name: str) -> Callable[[], None]:
        return lambda: events.append((name, b""))

    def data(name: str) -> Callable[[bytes, int, int], None]:
        return lambda buf, start, end: events.append((name, bytes(buf[start:end])))

    return {
        "on_part_begin": mark("begin"),
        "on_header_field": data("header_field"),
        "on_header_value": data("header_value"),
        "on_header_end": mark("header_end"),
        "on_headers_finished": mark("headers_done"),
        "on_part_data": data("data"),
        "on_part_end": mark("end"),
        "on_end": mark("complete"),
    }


def _feed(parser: MultipartParser, chunk: bytes) -> None:
    try:
        parser.write(chunk)
    except Exception as exc:  # python-multipart raises several types for malformed bodies
        raise BadForm.because(f"Malformed multipart body: {type(exc).__name__}") from exc


class _State:
    """Parser callbacks only record events; this applies them, awaiting file writes."""

    def __init__(self, limits: MultipartLimits, directory: str | Path | None) -> None:
        self.limits = limits
        self.directory = directory
        self.events: list[tuple[str, bytes]] = []
        self.part = _Part()
        self.fields: list[tuple[str, str]] = []
        self.files: list[UploadedFile] = []
        self.complete = False

    async def handle(self) -> None:
        pending = self.events[:]
        self.events.clear()
        for name, payload in pending:
            await self._apply(name, payload)

    async def _apply(self, name: str, payload: bytes) -> None:
        part = self.part
        if name == "begin":
            self.part = _Part()
        elif name == "header_field":
            part.header_field += payload
        elif name == "header_value":
            part.header_value += payload
        elif name == "header_end":
            part.headers[part.header_field.lower()] = part.header_value
            part.header_field = part.header_value = b""
        elif name == "headers_done":
            self._start(part)
        elif name == "data" and part.sink is not None:
            await part.sink.write(payload)
        elif name == "data":
            part.value += payload
            if len(part.value) > self.limits.max_field_bytes:
                raise BadForm.because("A form field is too long.", "表单字段过长。")
        elif name == "end" and part.sink is not None:
            received = await part.sink.finish()
            part.sink = None
            self.files.append(UploadedFile(part.name, part.filename or "", received))
        elif name == "end":
            self.fields.append((part.name, part.value.decode("utf-8", "replace")))
        elif name == "complete":
            self.complete = True

    def _start(self, part: _Part) -> None:
        _, params = parse_options_header(part.headers.get(b"content-disposition", b""))
        part.name = params.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = params.get(b"filename")
        if raw_filename is None:
            if len(self.fields) >= self.limits.max_fields:
                raise BadForm.because("Too many form fields.", "表单字段过多。")
            return
        if len(self.files) >= self.limits.max_files:
            raise BadForm.because("Too many files in one upload.", "一次上传的文件过多。")
        # Keep only the last path component of what the browser sent (C:\x\y.jpg, ../../y).
        part.filename = PureWindowsPath(raw_filename.decode("utf-8", "replace")).name[:255]
        part.sink = UploadSink(self.limits.max_file_bytes, self.directory)

    async def discard(self) -> None:
        if self.part.sink is not None:
            await self.part.sink.abort()
        for uploaded in self.files:
            uploaded.file.path.unlink(missing_ok=True)
