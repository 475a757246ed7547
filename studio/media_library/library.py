"""Queries and changes of the library: list, detail, rename, delete, and who uses what."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from media.profiles import PROFILES
from media.storage import Storage
from studio.errors import FormInvalid
from studio.i18n import Text
from studio.media_library.errors import AssetInUse
from studio.models.jobs import Job
from studio.models.media import AssetKind, AssetStatus, AssetUse, MediaAsset, Rendition

UrlOf = Callable[[Rendition], str]
NAME_MAX = 200
PAGE_SIZE = 120
#: the rendition shown as the grid's thumbnail, best first
_THUMB_ORDER = ("thumbnail", "ch5_poster", "ch5_image", "rcs_image")
#: the rendition played or shown in the preview, best first, per kind
_PREVIEW_ORDER = {
    AssetKind.IMAGE: ("ch5_image_2x", "rcs_image", "ch5_image"),
    AssetKind.VIDEO: ("ch5_video", "rcs_video"),
    AssetKind.AUDIO: ("rcs_audio", "video_sms_audio"),
}


@dataclass(frozen=True)
class LibraryFilter:
    kind: AssetKind | None = None
    query: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> LibraryFilter:
        raw_kind = params.get("kind", "")
        kind = AssetKind(raw_kind) if raw_kind in set(AssetKind) else None
        return cls(kind, " ".join(params.get("q", "").split())[:100])


@dataclass(frozen=True)
class RenditionView:
    row: Rendition
    url: str
    description: str
    min_ssim: float

    @property
    def within_budget(self) -> bool:
        return self.row.size <= self.row.budget_bytes

    @property
    def percent_of_budget(self) -> int:
        return round(100 * self.row.size / self.row.budget_bytes)


@dataclass(frozen=True)
class AssetView:
    asset: MediaAsset
    renditions: list[RenditionView] = field(default_factory=list)
    job: Job | None = None
    uses: list[AssetUse] = field(default_factory=list)

    def _first(self, names: Iterable[str]) -> RenditionView | None:
        by_profile = {r.row.profile: r for r in self.renditions}
        return next((by_profile[n] for n in names if n in by_profile), None)

    @property
    def thumbnail(self) -> RenditionView | None:
        return self._first(_THUMB_ORDER)

    @property
    def preview(self) -> RenditionView | None:
        return self._first(_PREVIEW_ORDER[self.asset.kind])

    @property
    def poster(self) -> RenditionView | None:
        return self._first(("ch5_poster", "thumbnail"))


def _view(row: Rendition, url_of: UrlOf) -> RenditionView:
    profile = PROFILES.get(row.profile)
    return RenditionView(
        row=row, url=url_of(row),
        description=profile.description_zh if profile else row.profile,
        min_ssim=profile.min_ssim if profile else 0.0,
    )


async def list_assets(
    workspace_id: int, flt: LibraryFilter, url_of: UrlOf, *, limit: int = PAGE_SIZE,
    ready_only: bool = False,
) -> list[AssetView]:
    query = MediaAsset.filter(workspace_id=workspace_id)
    if ready_only:
        query = query.filter(status=AssetStatus.READY)
    if flt.kind is not None:
        query = query.filter(kind=flt.kind)
    if flt.query:
        query = query.filter(name__icontains=flt.query)
    assets = await query.order_by("-created_at", "-id").limit(limit)
    return await views_of(workspace_id, assets, url_of)


async def views_of(
    workspace_id: int, assets: list[MediaAsset], url_of: UrlOf
) -> list[AssetView]:
    ids = [a.id for a in assets]
    rows = await Rendition.filter(workspace_id=workspace_id, asset_id__in=ids).order_by("id")
    by_asset: dict[int, list[RenditionView]] = {}
    for row in rows:
        by_asset.setdefault(row.asset_id, []).append(_view(row, url_of))
    job_ids = [a.job_id for a in assets if a.job_id is not None]
    jobs = {j.id: j for j in await Job.filter(id__in=job_ids)} if job_ids else {}
    return [
        AssetView(a, by_asset.get(a.id, []), jobs.get(a.job_id) if a.job_id else None)
        for a in assets
    ]


async def asset_detail(asset: MediaAsset, url_of: UrlOf) -> AssetView:
    (view,) = await views_of(asset.workspace_id, [asset], url_of)
    uses = await AssetUse.filter(asset_id=asset.id).order_by("id")
    return AssetView(view.asset, view.renditions, view.job, list(uses))


async def rename(asset: MediaAsset, name: str) -> None:
    clean = " ".join(name.split())
    if not clean:
        raise FormInvalid({"name": "请输入名称"})
    if len(clean) > NAME_MAX:
        raise FormInvalid({"name": Text("名称不能超过 %(n)s 个字符", n=NAME_MAX)})
    asset.name = clean
    await MediaAsset.filter(id=asset.id).update(name=clean)


async def delete_asset(asset: MediaAsset, storage: Storage) -> None:
    """Delete the asset, its renditions and files; refused (naming the users) while used."""
    async with in_transaction():
        uses = await AssetUse.filter(asset_id=asset.id).order_by("id")
        if uses:
            raise AssetInUse.for_labels([u.label or f"{u.user_type} #{u.user_id}" for u in uses])
        keys = [asset.original_key, *await Rendition.filter(asset_id=asset.id)
                .values_list("storage_key", flat=True)]
        await Rendition.filter(asset_id=asset.id).delete()
        await MediaAsset.filter(id=asset.id).delete()
    for key in keys:  # after the commit: a failed delete never loses a used file
        storage.delete(str(key))


async def sync_uses(
    workspace_id: int, user_type: str, user_id: int, asset_ids: Iterable[str | int],
    label: str = "",
) -> None:
    """Make the assets used by (``user_type``, ``user_id``) exactly ``asset_ids``.

    Call it when a message or template version is saved; ids that are not this workspace's
    assets are ignored (the renderer's validation reports them).
    """
    wanted = {int(str(a)) for a in asset_ids if str(a).strip().isdigit()}
    known = set(await MediaAsset.filter(workspace_id=workspace_id, id__in=wanted)
                .values_list("id", flat=True)) if wanted else set()
    async with in_transaction():
        await AssetUse.filter(workspace_id=workspace_id, user_type=user_type, user_id=user_id) \
            .exclude(asset_id__in=list(known)).delete()
        have = set(await AssetUse.filter(user_type=user_type, user_id=user_id,
                                         workspace_id=workspace_id)
                   .values_list("asset_id", flat=True))
        for asset_id in sorted(known - have):
            await AssetUse.create(workspace_id=workspace_id, asset_id=asset_id,
                                  user_type=user_type, user_id=user_id, label=label[:200])


async def release_uses(workspace_id: int, user_type: str, user_id: int) -> None:
    """Forget every use by (``user_type``, ``user_id``), e.g. when a draft is deleted."""
    await sync_uses(workspace_id, user_type, user_id, ())


async def picked_asset(workspace_id: int, asset_id: str | int | None, url_of: UrlOf
                       ) -> AssetView | None:
    """The asset a picker field currently holds (None when empty, unknown or not ready)."""
    if asset_id is None or not str(asset_id).strip().isdigit():
        return None
    asset = await MediaAsset.filter(
        workspace_id=workspace_id, id=int(str(asset_id)), status=AssetStatus.READY
    ).first()
    if asset is None:
        return None
    (view,) = await views_of(workspace_id, [asset], url_of)
    return view
