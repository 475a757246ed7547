"""The media library (素材): grid, upload, detail with renditions, rename, delete, picker.

Other pages choose an asset with the picker: include ``studio/_media_picker_field.html`` with
``picker = await picker_context(request, ctx, target="card_media", kind="image", value=...)``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from media.errors import MediaError
from studio import audit
from studio.errors import FormInvalid, NotFound
from studio.media_library import library, processing  # noqa: F401  (registers the jobs)
from studio.media_library.config import JobMedia, storage_for, upload_tmp_dir
from studio.media_library.errors import AssetInUse, MediaRefused
from studio.media_library.renditions import profile_for
from studio.media_library.serve import file_name, serve_rendition
from studio.media_library.uploads import add_uploads, enqueue_processing, receive_form
from studio.models.media import AssetKind, AssetStatus, MediaAsset, Rendition
from studio.roles import Perm
from studio.scoping import get_scoped
from studio.settings import Settings
from studio.views.paging import Page
from studio.web.context import Ctx, login_required
from studio.web.htmx import STOP_POLLING, is_htmx, see_other
from studio.web.render import form_data, render

#: an input name the picker may fill (letters, digits, _ . - [ ])
_TARGET = re.compile(r"^[A-Za-z_][\w.\-\[\]]{0,63}$")
#: profiles a user may ask for on demand, per kind
ON_DEMAND = {
    AssetKind.IMAGE: ("thumbnail", "rcs_image", "ch5_image", "ch5_image_2x"),
    AssetKind.VIDEO: ("thumbnail", "ch5_poster", "rcs_video", "ch5_video", "video_sms",
                      "rcs_audio"),
    #: video_sms_audio: the MP3 a video SMS audio frame needs (for audio uploaded before it
    #: was made by default, or after its rendition was removed)
    AssetKind.AUDIO: ("rcs_audio", "video_sms_audio"),
}


def _now() -> datetime:
    return datetime.now(UTC)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _url_of(request: Request) -> library.UrlOf:
    def url(row: Rendition) -> str:
        return request.url_for("studio:media_file", id=row.id, name=file_name(row)).path

    return url


async def _audit(ctx: Ctx, action: str, obj: Any, **detail: Any) -> None:
    await audit.record(action, workspace_id=ctx.workspace_id, user_id=ctx.user_id, ip=ctx.ip,
                       obj=obj, detail=detail or None)


@login_required(Perm.READ_CONTENT)
async def media_list(request: Request, ctx: Ctx) -> Response:
    flt = library.LibraryFilter.from_params(request.query_params)
    page = Page.from_params(request.query_params, library.PAGE_SIZE)
    # the library lists from the newest: ask for this page's end and cut it out
    found = await library.list_assets(ctx.workspace_id, flt, _url_of(request), limit=page.fetch)
    assets, more = page.cut(found)
    context = {"assets": assets, "filter": flt, "kinds": list(AssetKind), "page": page,
               "more_url": page.url(request.url, page.number + 1) if more else None,
               "first_url": page.url(request.url, 1),
               "max_mb": _settings(request).media.upload_max_bytes / 1_000_000}
    return render(request, "studio/media_list.html", context, partial="studio/_media_grid.html")


@login_required(Perm.READ_CONTENT)
async def media_card(request: Request, ctx: Ctx) -> Response:
    """One grid card; a processing asset's card polls itself until its renditions are made."""
    asset = await get_scoped(MediaAsset, ctx, request.path_params["id"])
    (view,) = await library.views_of(ctx.workspace_id, [asset], _url_of(request))
    response = render(request, "studio/_media_card.html", {"view": view})
    if asset.status is not AssetStatus.PROCESSING and is_htmx(request):
        response.status_code = STOP_POLLING
    return response


@login_required(Perm.EDIT_CONTENT)
async def media_upload(request: Request, ctx: Ctx) -> Response:
    settings = _settings(request)
    try:
        form = await receive_form(request.stream(), request.headers,
                                  max_bytes=settings.media.upload_max_bytes,
                                  tmp_dir=upload_tmp_dir(settings))
    except (MediaRefused, FormInvalid) as exc:
        return render(request, "studio/media_upload.html", {"error": exc.message},
                      status=exc.status, partial="studio/_media_uploaded.html")
    except ClientDisconnect:  # the browser gave up; the parser removed its temp files
        return Response(status_code=400)
    outcomes = await add_uploads(form, workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                                 media=JobMedia.from_settings(settings), now=_now())
    for outcome in outcomes:
        if not outcome.duplicate:
            await _audit(ctx, "media.upload", outcome.asset, name=outcome.asset.name)
    return render(request, "studio/media_upload.html", {"outcomes": outcomes}, status=201,
                  partial="studio/_media_uploaded.html")


async def _detail(request: Request, ctx: Ctx, asset: MediaAsset, status: int = 200,
                  **extra: Any) -> Response:
    view = await library.asset_detail(asset, _url_of(request))
    context = {"view": view, "on_demand": ON_DEMAND[asset.kind], **extra}
    return render(request, "studio/media_detail.html", context, status=status)


@login_required(Perm.READ_CONTENT)
async def media_detail(request: Request, ctx: Ctx) -> Response:
    asset = await get_scoped(MediaAsset, ctx, request.path_params["id"])
    return await _detail(request, ctx, asset)


@login_required(Perm.EDIT_CONTENT)
async def media_rename(request: Request, ctx: Ctx) -> Response:
    asset = await get_scoped(MediaAsset, ctx, request.path_params["id"])
    values = await form_data(request)
    try:
        await library.rename(asset, values.get("name", ""))
    except FormInvalid as exc:
        return await _detail(request, ctx, asset, 422, errors=exc.errors, values=values)
    await _audit(ctx, "media.rename", asset, name=asset.name)
    return see_other(request, str(request.url_for("studio:media_detail", id=asset.id)))


@login_required(Perm.EDIT_CONTENT)
async def media_delete(request: Request, ctx: Ctx) -> Response:
    asset = await get_scoped(MediaAsset, ctx, request.path_params["id"])
    try:
        await library.delete_asset(asset, storage_for(_settings(request)))
    except AssetInUse as exc:
        return await _detail(request, ctx, asset, exc.status, delete_error=exc.message)
    await _audit(ctx, "media.delete", asset, name=asset.name)
    return see_other(request, str(request.url_for("studio:media_list")))


@login_required(Perm.EDIT_CONTENT)
async def media_make(request: Request, ctx: Ctx) -> Response:
    """A rendition on demand (e.g. a video SMS share), made by a job."""
    asset = await get_scoped(MediaAsset, ctx, request.path_params["id"])
    values = await form_data(request)
    name = values.get("profile", "")
    share = values.get("share_bytes", "").strip()
    if name not in ON_DEMAND[asset.kind] or (share and not share.isdigit()):
        return await _detail(request, ctx, asset, 422, make_error="请选择有效的规格")
    if asset.status is not AssetStatus.READY:
        return await _detail(request, ctx, asset, 409, make_error="素材处理完成后才能生成新规格")
    try:
        profile = profile_for(name, int(share) if share else None)
    except MediaError as exc:  # a share outside the video SMS total
        return await _detail(request, ctx, asset, 422, make_error=exc.message_zh)
    job = await processing.request_rendition(
        asset, profile, JobMedia.from_settings(_settings(request)), now=_now(),
        share_bytes=int(share) if share else None, trim=values.get("trim") == "1",
    )
    return await _detail(request, ctx, asset, 202, made_job=job)


@login_required(Perm.EDIT_CONTENT)
async def media_retry(request: Request, ctx: Ctx) -> Response:
    """Process a failed asset again (optionally keeping only the allowed first seconds)."""
    asset = await get_scoped(MediaAsset, ctx, request.path_params["id"])
    values = await form_data(request)
    if asset.status is AssetStatus.PROCESSING:
        return await _detail(request, ctx, asset, 409)
    await enqueue_processing(asset, JobMedia.from_settings(_settings(request)), now=_now(),
                             trim=values.get("trim") == "1")
    await _audit(ctx, "media.retry", asset, trim=values.get("trim") == "1")
    return see_other(request, str(request.url_for("studio:media_detail", id=asset.id)))


def _picker_params(request: Request) -> tuple[str, AssetKind | None]:
    target = request.query_params.get("target", "")
    if not _TARGET.match(target):
        raise NotFound()
    raw_kind = request.query_params.get("kind", "")
    return target, AssetKind(raw_kind) if raw_kind in set(AssetKind) else None


@login_required(Perm.READ_CONTENT)
async def media_picker(request: Request, ctx: Ctx) -> Response:
    """The htmx picker list: choosing an asset swaps in the chosen field."""
    target, kind = _picker_params(request)
    flt = library.LibraryFilter(kind, " ".join(request.query_params.get("q", "").split())[:100])
    assets = await library.list_assets(ctx.workspace_id, flt, _url_of(request), limit=60,
                                       ready_only=True)
    current = request.query_params.get("value", "")
    context = {"assets": assets, "target": target, "kind": kind.value if kind else "",
               "query": flt.query, "current": current if current.isdigit() else ""}
    return render(request, "studio/_media_picker.html", context)


@login_required(Perm.READ_CONTENT)
async def media_pick(request: Request, ctx: Ctx) -> Response:
    target, kind = _picker_params(request)
    picked = await library.picked_asset(ctx.workspace_id, request.path_params["id"],
                                        _url_of(request))
    if picked is None or (kind is not None and picked.asset.kind is not kind):
        raise NotFound()
    picker = {"target": target, "kind": kind.value if kind else "", "picked": picked}
    return render(request, "studio/_media_picker_field.html", {"picker": picker})


async def picker_context(request: Request, ctx: Ctx, *, target: str, kind: str = "",
                         value: str | int | None = None) -> dict[str, Any]:
    """What ``studio/_media_picker_field.html`` needs, for another page's handler."""
    picked = await library.picked_asset(ctx.workspace_id, value, _url_of(request))
    return {"target": target, "kind": kind, "picked": picked}


routes = [
    Route("/media", media_list, name="media_list"),
    Route("/media/upload", media_upload, methods=["POST"], name="media_upload"),
    Route("/media/picker", media_picker, name="media_picker"),
    Route("/media/picker/{id:int}", media_pick, name="media_pick"),
    Route("/media/{id:int}", media_detail, name="media_detail"),
    Route("/media/{id:int}/card", media_card, name="media_card"),
    Route("/media/{id:int}/rename", media_rename, methods=["POST"], name="media_rename"),
    Route("/media/{id:int}/delete", media_delete, methods=["POST"], name="media_delete"),
    Route("/media/{id:int}/renditions", media_make, methods=["POST"], name="media_make"),
    Route("/media/{id:int}/retry", media_retry, methods=["POST"], name="media_retry"),
    Route("/m/{id:int}/{name}", serve_rendition, name="media_file"),
]
