"""Serving renditions publicly: ``/m/{rendition id}/{content hash}.{ext}``.

CH5 pages and carriers load media without a studio login, so the route is public; it is
unguessable because the URL carries 128 bits of the file's sha256, which must match. Originals
are never served: only ``Rendition`` rows are looked up here. Range, ETag/304, a year of
caching and ``nosniff`` come from ``media.serving``.

The studio mounts ``serve_rendition`` at ``/m/{id:int}/{name}`` (route ``studio:media_file``);
the h5 app, when it runs alone, can mount the same function at ``/-/m/{id:int}/{name}`` and
build URLs with ``public_url(base + "/-", rendition)``. It only needs ``app.state.settings``.
"""

from __future__ import annotations

import hmac
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from media.serving import plan_response, read_range
from media.storage import StoredFileNotFound
from studio.media_library.config import storage_for
from studio.models.media import Rendition

#: characters of the content hash in the URL (128 bits)
URL_HASH_CHARS = 32
_EXT = {"jpeg": "jpg", "png": "png", "gif": "gif", "mp4": "mp4", "m4a": "m4a", "mp3": "mp3",
        "amr": "amr"}
_NOT_FOUND_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


class Servable(Protocol):
    id: int
    content_hash: str
    format: str


def file_name(rendition: Servable) -> str:
    ext = _EXT.get(rendition.format, "bin")
    return f"{rendition.content_hash[:URL_HASH_CHARS]}.{ext}"


def rendition_path(rendition: Servable) -> str:
    """The path under the app's root, e.g. ``/m/12/3f9a….jpg``."""
    return f"/m/{rendition.id}/{file_name(rendition)}"


def public_url(base_url: str, rendition: Servable) -> str:
    """Absolute (or root-relative, with ``base_url=""``) URL of a rendition."""
    return base_url.rstrip("/") + rendition_path(rendition)


async def find_servable(rendition_id: int, name: str) -> Rendition | None:
    digest = name.split(".", 1)[0]
    if len(digest) != URL_HASH_CHARS:
        return None
    rendition = await Rendition.filter(id=rendition_id).first()
    if rendition is None:
        return None
    if not hmac.compare_digest(rendition.content_hash[:URL_HASH_CHARS], digest.lower()):
        return None
    return rendition


async def serve_rendition(request: Request) -> Response:
    try:
        rendition_id = int(request.path_params["id"])
    except (KeyError, ValueError):
        return Response(status_code=404, headers=_NOT_FOUND_HEADERS)
    rendition = await find_servable(rendition_id, str(request.path_params.get("name", "")))
    if rendition is None:
        return Response(status_code=404, headers=_NOT_FOUND_HEADERS)
    try:
        path = storage_for(request.app.state.settings).path(rendition.storage_key)
    except StoredFileNotFound:
        return Response(status_code=404, headers=_NOT_FOUND_HEADERS)
    plan = plan_response(
        mime=rendition.mime, size=rendition.size, content_hash=rendition.content_hash,
        range_header=request.headers.get("range"),
        if_none_match=request.headers.get("if-none-match"),
    )
    if plan.status not in (200, 206) or request.method == "HEAD":
        return Response(status_code=plan.status, headers=plan.headers)
    return StreamingResponse(
        read_range(path, plan.byte_range), status_code=plan.status, headers=plan.headers
    )
