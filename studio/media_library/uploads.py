"""Receiving uploads: capped while streaming, sniffed, de-duplicated per workspace, stored.

The handler passes the raw request stream here; nothing below takes a ``Request``. The client's
file name is kept only as the asset's display name, its MIME type is never read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tortoise.exceptions import IntegrityError

from media.errors import MediaError
from media.multipart import FormData, MultipartLimits, UploadedFile, parse_multipart
from media.upload import check_content_length
from studio.errors import FormInvalid
from studio.jobs import queue
from studio.media_library.config import JobMedia
from studio.media_library.errors import MediaRefused
from studio.models.jobs import Job
from studio.models.media import AssetKind, AssetStatus, MediaAsset

#: the form field carrying the files
FILE_FIELD = "file"
MAX_FILES = 10
_NAME_MAX = 200


@dataclass(frozen=True)
class UploadOutcome:
    asset: MediaAsset
    job: Job | None
    #: the same bytes were already in the library: nothing new was stored
    duplicate: bool


async def receive_form(
    body: AsyncIterator[bytes],
    headers: Mapping[str, str],
    *,
    max_bytes: int,
    tmp_dir: Path,
) -> FormData:
    """Refuse by Content-Length first, then parse the multipart stream with the byte cap."""
    try:
        # one request carries at most the cap (split bigger batches); each file is also
        # counted while it streams, whatever the header said
        check_content_length(headers.get("content-length"), max_bytes)
        limits = MultipartLimits(max_file_bytes=max_bytes, max_files=MAX_FILES)
        form = await parse_multipart(
            body, headers.get("content-type", ""), limits=limits, directory=tmp_dir
        )
    except MediaError as exc:
        raise MediaRefused.from_media(exc) from exc
    if not any(f.field == FILE_FIELD for f in form.files):
        discard(form)
        raise FormInvalid({FILE_FIELD: "请选择要上传的文件"})
    return form


def discard(form: FormData) -> None:
    """Remove the temp files of a form that will not be stored."""
    for uploaded in form.files:
        uploaded.file.path.unlink(missing_ok=True)


def display_name(uploaded: UploadedFile) -> str:
    name = " ".join(uploaded.filename.split())[:_NAME_MAX]
    return name or "未命名"


async def add_uploads(
    form: FormData,
    *,
    workspace_id: int,
    user_id: int | None,
    media: JobMedia,
    now: datetime,
) -> list[UploadOutcome]:
    """Store each uploaded file as an asset (or find its twin) and queue its processing."""
    outcomes: list[UploadOutcome] = []
    try:
        for uploaded in form.files:
            if uploaded.field == FILE_FIELD:
                outcomes.append(await _add_one(uploaded, workspace_id, user_id, media, now))
    finally:
        discard(form)  # stored files were moved away; the rest are duplicates
    return outcomes


async def _add_one(
    uploaded: UploadedFile, workspace_id: int, user_id: int | None, media: JobMedia,
    now: datetime,
) -> UploadOutcome:
    received = uploaded.file
    existing = await MediaAsset.filter(workspace_id=workspace_id, sha256=received.sha256).first()
    if existing is not None:
        return UploadOutcome(existing, await _job_of(existing), duplicate=True)
    storage = media.storage()
    key = storage.put_file(received.path, move=True)
    try:
        asset = await MediaAsset.create(
            workspace_id=workspace_id, name=display_name(uploaded),
            kind=AssetKind(received.sniffed.kind.value), mime=received.sniffed.mime,
            format=received.sniffed.format, size=received.size, sha256=received.sha256,
            original_key=key, status=AssetStatus.PROCESSING, uploaded_by_id=user_id,
        )
    except IntegrityError:  # the same file arrived twice at once: keep the first
        storage.delete(key)
        twin = await MediaAsset.get(workspace_id=workspace_id, sha256=received.sha256)
        return UploadOutcome(twin, await _job_of(twin), duplicate=True)
    job = await enqueue_processing(asset, media, now=now)
    return UploadOutcome(asset, job, duplicate=False)


async def enqueue_processing(
    asset: MediaAsset, media: JobMedia, *, now: datetime, trim: bool = False
) -> Job:
    """Queue the probe + default renditions of ``asset`` and remember the job on it."""
    job = await queue.enqueue(
        "media.process",
        {"asset_id": asset.id, "trim": trim, "media": media.to_payload()},
        now=now, workspace_id=asset.workspace_id,
    )
    await MediaAsset.filter(id=asset.id).update(
        job_id=job.id, status=AssetStatus.PROCESSING, error=""
    )
    asset.job_id, asset.status, asset.error = job.id, AssetStatus.PROCESSING, ""
    return job


async def _job_of(asset: MediaAsset) -> Job | None:
    if asset.job_id is None:
        return None
    return await Job.filter(id=asset.job_id).first()
