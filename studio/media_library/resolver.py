"""The media library as a ``renderers`` ``MediaResolver``.

Renderers call the resolver synchronously, so every row it may need is loaded up front:

    resolver = await load_resolver(workspace_id, ["12", "15"], base_url="https://studio.example.cn")
    RENDERERS["rcs"](message, RenderContext(resolver=resolver))

``resolver(asset_id, rendition_key)`` answers a ``renderers.resolver.Rendition`` (URL, MIME,
size, pixels, duration, thumbnail) for the newest rendition of that profile, or raises
``MediaNotFound`` (unknown or other workspace's asset, not transcoded yet, asset not ready).
Keys are profile names (``rcs_image``, ``ch5_video``, ``thumbnail`` …); the thumbnail of a
video is its ``ch5_poster`` for ``ch5_*`` keys, else its ``thumbnail`` rendition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from renderers.document import Message
from renderers.resolver import MediaNotFound, Rendition, Thumbnail
from studio.media_library.serve import public_url
from studio.models.media import AssetStatus, MediaAsset
from studio.models.media import Rendition as RenditionRow

UrlBuilder = Callable[[RenditionRow], str]


@dataclass(frozen=True)
class LibraryResolver:
    """Plain data: ``{(asset id, profile): Rendition}``; callable as a ``MediaResolver``."""

    renditions: dict[tuple[str, str], Rendition] = field(default_factory=dict)

    def __call__(self, asset_id: str, rendition: str, /) -> Rendition:
        try:
            return self.renditions[(str(asset_id).strip(), rendition)]
        except KeyError:
            raise MediaNotFound(asset_id, rendition) from None


def media_ids(message: Message) -> set[str]:
    """Every asset id a message document refers to (its media and its cards' media)."""
    refs = [message.media, *(card.media for card in message.cards)]
    return {ref.asset_id for ref in refs if ref is not None}


async def load_resolver(
    workspace_id: int,
    asset_ids: Iterable[str | int],
    *,
    base_url: str = "",
    url_builder: UrlBuilder | None = None,
) -> LibraryResolver:
    """Load the ready renditions of ``asset_ids`` (ids of other workspaces are simply absent)."""
    ids = {int(str(a).strip()) for a in asset_ids if str(a).strip().isdigit()}
    if not ids:
        return LibraryResolver()
    build = url_builder or (lambda row: public_url(base_url, row))
    ready = await MediaAsset.filter(
        workspace_id=workspace_id, id__in=ids, status=AssetStatus.READY
    ).values_list("id", flat=True)
    rows = await RenditionRow.filter(
        workspace_id=workspace_id, asset_id__in=list(ready)
    ).order_by("created_at", "id")
    newest: dict[tuple[int, str], RenditionRow] = {}
    for row in rows:  # later rows (a changed profile) win
        newest[(row.asset_id, row.profile)] = row
    facts: dict[tuple[str, str], Rendition] = {}
    for (asset_id, profile), row in newest.items():
        thumb_row = newest.get((asset_id, _thumbnail_profile(profile, row)))
        thumb = None
        if thumb_row is not None and thumb_row is not row:
            thumb = Thumbnail(build(thumb_row), thumb_row.mime, thumb_row.size)
        facts[(str(asset_id), profile)] = Rendition(
            url=build(row), mime=row.mime, size=row.size, width=row.width, height=row.height,
            duration=row.duration, thumbnail=thumb,
        )
    return LibraryResolver(facts)


async def resolver_for(
    workspace_id: int, base_url: str, message: Message | None = None,
    asset_ids: Iterable[str | int] = (),
) -> LibraryResolver:
    """``load_resolver`` for the media of ``message`` (plus any ``asset_ids``)."""
    wanted = set(map(str, asset_ids)) | (media_ids(message) if message is not None else set())
    return await load_resolver(workspace_id, wanted, base_url=base_url)


def _thumbnail_profile(profile: str, row: RenditionRow) -> str:
    if row.mime.startswith("video/") and profile.startswith("ch5_"):
        return "ch5_poster"
    return "thumbnail"
