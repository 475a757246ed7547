"""Keyword triggers (关键词触发): matching an uplink message to a keyword message.

One rule everywhere: a keyword matches when it equals the uplink text after NFKC
normalisation, case folding and trimming (full-width `ＶＩＰ ` matches `vip`). When the
user tapped a reply button, its postback data is tried first, then its label (the text the
handset shows). A keyword is unique among the workspace's approved keyword messages; this is
checked on save (as a problem shown next to the field) and again when a version is approved.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from studio.models.messages import Message, MessageVersion, ReviewStatus

T = TypeVar("T")


def normalise_keyword(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def match_keyword(
    text: str | None, keywords: Mapping[str, T], *, postback: str | None = None
) -> T | None:
    """The target of the keyword the uplink matches, or None.

    `keywords` maps *normalised* keywords (see `keyword_index`) to targets (a message id,
    a version...). `postback` is the reply button's data when the user tapped one; it
    matches first, then `text` (the typed text, or the tapped button's label).
    """
    for candidate in (postback, text):
        if candidate is None:
            continue
        key = normalise_keyword(candidate)
        if key and key in keywords:
            return keywords[key]
    return None


def keyword_index(entries: Iterable[tuple[Iterable[str], T]]) -> dict[str, T]:
    """{normalised keyword: target} from (keywords, target) pairs; the first one wins."""
    index: dict[str, T] = {}
    for words, target in entries:
        for word in words:
            index.setdefault(normalise_keyword(word), target)
    return index


@dataclass(frozen=True)
class KeywordOwner:
    message_id: int
    message_name: str
    version_number: int
    version_id: int


async def approved_keyword_index(
    workspace_id: int, *, exclude_message_id: int | None = None
) -> dict[str, KeywordOwner]:
    """Keywords of the workspace's live messages' newest approved versions."""
    messages = await Message.filter(
        workspace_id=workspace_id, deleted_at__isnull=True, approved_version__isnull=False
    )
    wanted = {m.id: m for m in messages if m.id != exclude_message_id}
    versions = await MessageVersion.filter(
        workspace_id=workspace_id, message_id__in=list(wanted), status=ReviewStatus.APPROVED
    )
    entries = []
    for version in versions:
        message = wanted[version.message_id]
        if version.number != message.approved_version:
            continue
        trigger = (version.document or {}).get("trigger") or {}
        if trigger.get("type") != "keywords":
            continue
        words = [w for w in trigger.get("keywords") or [] if isinstance(w, str)]
        owner = KeywordOwner(message.id, message.name, version.number, version.id)
        entries.append((words, owner))
    return keyword_index(entries)


async def keyword_clashes(
    workspace_id: int, keywords: Iterable[str], *, message_id: int | None
) -> list[tuple[str, KeywordOwner]]:
    """(keyword, the other message that already answers it) for each clash."""
    index = await approved_keyword_index(workspace_id, exclude_message_id=message_id)
    found = []
    for word in keywords:
        owner = index.get(normalise_keyword(word))
        if owner is not None:
            found.append((word, owner))
    return found


async def find_keyword_message(
    workspace_id: int, text: str | None, *, postback: str | None = None
) -> KeywordOwner | None:
    """The approved message an uplink triggers (for the reply endpoint and gateways)."""
    return match_keyword(text, await approved_keyword_index(workspace_id), postback=postback)
