"""Media budget checks: resolve each media reference and hold it against a profile."""

from __future__ import annotations

from collections.abc import Iterator

from renderers import problems
from renderers.document import Message, MessageKind
from renderers.errors import Problem, join_path
from renderers.limits import Profile
from renderers.resolver import MediaNotFound, MediaResolver, Rendition


def media_refs(message: Message) -> Iterator[tuple[str, str, str]]:
    """``(path, asset_id, rendition)`` for every media reference of the message."""
    if message.media is not None:
        yield "media", message.media.asset_id, message.media.rendition
    for index, card in enumerate(message.cards):
        if card.media is not None:
            yield f"cards[{index}].media", card.media.asset_id, card.media.rendition


def resolve_all(
    message: Message, resolver: MediaResolver
) -> tuple[dict[str, Rendition], list[Problem]]:
    """Resolve every reference; unresolvable ones become ``media_unresolved`` problems."""
    found: dict[str, Rendition] = {}
    missing: list[Problem] = []
    for path, asset_id, rendition in media_refs(message):
        try:
            found[path] = resolver(asset_id, rendition)
        except MediaNotFound:
            missing.append(problems.media_unresolved(path, asset_id, rendition))
    return found, missing


def check_media(message: Message, profile: Profile, resolver: MediaResolver) -> list[Problem]:
    renditions, missing = resolve_all(message, resolver)
    return missing + check_resolved(message, renditions, profile)


def check_resolved(
    message: Message, renditions: dict[str, Rendition], profile: Profile
) -> list[Problem]:
    """Check already-resolved renditions (by path) against ``profile``."""
    found: list[Problem] = []
    for path, rendition in renditions.items():
        found += check_rendition(rendition, path, profile)
        if path.startswith("cards") and rendition.kind == "audio":
            found.append(problems.media_bad_type(path, rendition.mime, ("image/*", "video/*")))
    if message.kind is MessageKind.RICH and "media" in renditions:
        if renditions["media"].kind == "file":
            found.append(problems.media_bad_type("media", renditions["media"].mime, ("image/*",)))
    return found


def check_rendition(rendition: Rendition, path: str, profile: Profile) -> list[Problem]:
    """Type, size, duration and thumbnail size of one rendition against ``profile``."""
    found: list[Problem] = []
    kind = rendition.kind
    allowed = profile.mime_types.get(kind)
    if kind == "file" or (allowed and rendition.mime not in allowed):
        everything = [m for types in profile.mime_types.values() for m in types]
        found.append(problems.media_bad_type(path, rendition.mime, allowed or everything))
    size = profile.get(f"{kind}.max_bytes")
    if size is not None and size.exceeded_by(rendition.size):
        found.append(problems.media_too_large(path, size.max_allowed, rendition.size))
    seconds = profile.get(f"{kind}.max_seconds")
    if seconds is not None and rendition.duration is not None:
        if seconds.exceeded_by(rendition.duration):
            found.append(problems.media_too_long(path, seconds.value, rendition.duration))
    thumb = profile.get("thumbnail.max_bytes")
    if thumb is not None and rendition.thumbnail is not None:
        if thumb.exceeded_by(rendition.thumbnail.size):
            found.append(
                problems.media_too_large(
                    join_path(path, "thumbnail"), thumb.max_allowed, rendition.thumbnail.size
                )
            )
    return found
