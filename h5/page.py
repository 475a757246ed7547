"""CH5 page data: an approved message version rendered for one link, cached briefly.

The renderer (`renderers.ch5`) gives view data; this module supplies the h5 app's URL
builders, remembers each tracked button's real target (so `/-/b/...` redirects only to a
target stored for that link and button), and signs reply tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from h5.lookup import LinkInfo
from renderers.codec import from_json
from renderers.context import Ch5Links, RenderContext
from renderers.document import Message
from renderers.errors import DocumentError
from renderers.registry import RENDERERS
from renderers.resolver import MediaNotFound, MediaResolver, PlaceholderResolver, Rendition


class PageUnavailable(Exception):
    """The link's message version is gone, not approved, or does not render."""


@dataclass(frozen=True)
class Chatbot:
    name: str = ""
    logo_url: str = ""
    description: str = ""


@dataclass(frozen=True)
class Page:
    view: dict[str, Any]
    chatbot: Chatbot
    document: Message
    #: button id → real target of a tracked link button
    targets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageUrls:
    """Builds the h5 app's own URLs for one link (paths under the app's mount)."""

    prefix: str  #: the app's root path, e.g. "/s" when mounted, "" standalone
    code: str

    def button(self, button_id: str) -> str:
        return f"{self.prefix}/-/b/{self.code}/{button_id}"

    def reply(self, button_id: str) -> str:
        return f"{self.prefix}/-/reply/{self.code}/{button_id}"

    def ics(self, button_id: str) -> str:
        return f"{self.prefix}/-/ics/{self.code}/{button_id}"

    def location(self, button_id: str) -> str:
        return f"{self.prefix}/-/loc/{self.code}/{button_id}"

    def media(self) -> str:
        return f"{self.prefix}/-/media"


def map_url(lat: float | None, lng: float | None, query: str | None, label: str | None) -> str:
    """AMap's public URI scheme; coordinates are taken as GCJ-02 (what Chinese maps give)."""
    if lat is not None and lng is not None:
        name = f"&name={quote(label)}" if label else ""
        return (
            f"https://uri.amap.com/marker?position={lng},{lat}{name}"
            "&coordinate=gaode&callnative=0"
        )
    return f"https://uri.amap.com/search?keyword={quote(query or label or '')}&callnative=0"


def build_resolver(urls: PageUrls, library: MediaResolver | None = None) -> MediaResolver:
    """The one place the CH5 page resolves media.

    The page shows the CH5 renditions (``ch5_image`` …) of the document's media from the
    media library, else the rendition the document names; media the library cannot give yet
    (a rendition still being made) shows as a placeholder served by this app itself, never a
    third-party host, so the page still opens.
    """
    placeholder = PlaceholderResolver(base_url=urls.media())

    def resolve(asset_id: str, rendition: str, /) -> Rendition:
        ch5_key = "ch5_" + rendition.removeprefix("rcs_")
        if library is not None:
            for key in (ch5_key, rendition):
                try:
                    return library(asset_id, key)
                except MediaNotFound:
                    continue
        return placeholder(asset_id, ch5_key)

    return resolve


async def load_library(workspace_id: int, document: Message, prefix: str) -> MediaResolver:
    """The media library's renditions of a document, served under this app's `/-/m/`."""
    from studio.media_library.resolver import load_resolver, media_ids

    return await load_resolver(workspace_id, media_ids(document), base_url=f"{prefix}/-")


def sign_reply(secret: str, link_id: int, button_id: str) -> str:
    message = f"reply:{link_id}:{button_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def check_reply(secret: str, link_id: int, button_id: str, token: str) -> bool:
    return hmac.compare_digest(sign_reply(secret, link_id, button_id), token)


def recipient_values(document: Message, link_values: dict[str, str]) -> dict[str, str]:
    """The link's values for declared variables; a missing one is empty, never the sample."""
    return {v.name: link_values.get(v.name, "") for v in document.variables}


def render_page(
    document: Message, values: dict[str, str], urls: PageUrls, chatbot: Chatbot,
    library: MediaResolver | None = None,
) -> Page:
    targets: dict[str, str] = {}

    def track(target: str, button_id: str) -> str:
        targets[button_id] = target
        return urls.button(button_id)

    context = RenderContext(
        variables=values,
        resolver=build_resolver(urls, library),
        links=Ch5Links(track=track, reply=urls.reply, ics=urls.ics, map=map_url),
    )
    try:
        view = RENDERERS["ch5"](document, context).output
    except DocumentError as exc:
        raise PageUnavailable(str(exc)) from exc
    return Page(view=view, chatbot=chatbot, document=document, targets=targets)


async def load_version(version_id: int, workspace_id: int) -> tuple[Message, Chatbot]:
    from studio.models.messages import MessageVersion, ReviewStatus

    rows = await MessageVersion.filter(
        id=version_id, workspace_id=workspace_id, status=ReviewStatus.APPROVED
    ).values(
        "document", "message__chatbot__name", "message__chatbot__description",
        "message__chatbot__logo_asset_id",
    )
    if not rows:
        raise PageUnavailable(f"message version {version_id} is not approved")
    row = rows[0]
    try:
        document = from_json(row["document"])
    except DocumentError as exc:
        raise PageUnavailable(str(exc)) from exc
    chatbot = Chatbot(
        name=row["message__chatbot__name"] or "",
        description=row["message__chatbot__description"] or "",
        logo_url="",
    )
    return document, chatbot


class PageCache:
    """Rendered pages per (link, version, mount prefix) for a few seconds."""

    def __init__(self, ttl: float, max_entries: int = 5000) -> None:
        self.ttl = ttl
        self._max = max_entries
        self._entries: dict[tuple[int, int, str], tuple[float, Page]] = {}

    async def get(
        self, link: LinkInfo, prefix: str,
        loader: Callable[[int, int], Any] = load_version,
    ) -> Page:
        assert link.message_version_id is not None
        key = (link.id, link.message_version_id, prefix)
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        document, chatbot = await loader(link.message_version_id, link.workspace_id)
        urls = PageUrls(prefix, link.code)
        library = await load_library(link.workspace_id, document, prefix)
        values = recipient_values(document, link.variables)
        page = render_page(document, values, urls, chatbot, library)
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[key] = (now + self.ttl, page)
        return page
