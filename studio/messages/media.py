"""Messages and the media library: which assets a document uses, the rendition each one sends,
the resolver previews and renderings use, and the library's record of uses (so an asset a
message version uses cannot be deleted).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from renderers.resolver import MediaResolver
from studio.media_library.library import release_uses, sync_uses
from studio.media_library.resolver import load_resolver
from studio.models.media import MediaAsset

USER_TYPE = "message_version"
#: the 5G message rendition sent for each kind of asset
RENDITION_OF_KIND = {"image": "rcs_image", "video": "rcs_video", "audio": "rcs_audio"}


def media_refs(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The `{"asset_id", "rendition"}` objects of a document JSON (its media, its cards')."""
    refs = [doc.get("media")]
    cards = doc.get("cards")
    refs += [card.get("media") for card in cards if isinstance(card, dict)] if isinstance(
        cards, list) else []
    yield from (ref for ref in refs if isinstance(ref, dict))


def asset_ids(doc: dict[str, Any]) -> set[str]:
    return {str(ref.get("asset_id", "")).strip() for ref in media_refs(doc)} - {""}


async def choose_renditions(workspace_id: int, doc: dict[str, Any]) -> dict[str, Any]:
    """Set each library asset's rendition key from its kind (an image sends `rcs_image`)."""
    ids = [int(a) for a in asset_ids(doc) if a.isdigit()]
    if not ids:
        return doc
    kinds = dict(await MediaAsset.filter(workspace_id=workspace_id, id__in=ids)
                 .values_list("id", "kind"))
    for ref in media_refs(doc):
        asset = str(ref.get("asset_id", "")).strip()
        kind = kinds.get(int(asset)) if asset.isdigit() else None
        if kind is not None:
            ref["rendition"] = RENDITION_OF_KIND[str(kind)]
    return doc


async def build_media_resolver(
    workspace_id: int, doc: dict[str, Any], base_url: str = ""
) -> MediaResolver:
    """The resolver for this document's media: the library's ready renditions.

    URLs are root-relative with the default `base_url` (fine inside the studio); pass the
    public base URL where the output leaves the studio (the GSMA JSON view).
    """
    return await load_resolver(workspace_id, asset_ids(doc), base_url=base_url)


async def record_uses(workspace_id: int, version_id: int, doc: dict[str, Any],
                      label: str) -> None:
    await sync_uses(workspace_id, USER_TYPE, version_id, asset_ids(doc), label=label)


async def forget_uses(workspace_id: int, version_ids: list[int]) -> None:
    for version_id in version_ids:
        await release_uses(workspace_id, USER_TYPE, version_id)


def use_label(name: str, number: int) -> str:
    return f"消息“{name}”第 {number} 版"
