"""Reply buttons on a CH5 page: which of the workspace's keyword messages answers a tap.

`find_reply` is the seam: it will call the message editor's `match_keyword()`
(studio/messages/) once that lands; until then it applies the same rule itself (NFKC, case
folded, trimmed; the button's data first, then its label) over approved keyword messages.
"""

from __future__ import annotations

import unicodedata

from renderers.codec import from_json
from renderers.document import Message
from renderers.errors import DocumentError


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


async def find_reply(workspace_id: int, data: str, label: str) -> Message | None:
    """The approved keyword message a reply matches, or None (the page says 已收到)."""
    from studio.models.messages import Message as MessageRow
    from studio.models.messages import MessageVersion, ReviewStatus

    wanted = [w for w in (_normalise(data), _normalise(label)) if w]
    if not wanted:
        return None
    live = await MessageRow.filter(
        workspace_id=workspace_id, deleted_at__isnull=True, approved_version__isnull=False
    ).values("id", "approved_version")
    approved = {(row["id"], row["approved_version"]) for row in live}
    versions = await MessageVersion.filter(
        workspace_id=workspace_id, status=ReviewStatus.APPROVED,
        message_id__in=[m for m, _ in approved],
    ).order_by("message_id").values("message_id", "number", "document")
    index: dict[str, dict[str, object]] = {}
    for row in versions:
        if (row["message_id"], row["number"]) not in approved:
            continue
        trigger = (row["document"] or {}).get("trigger") or {}
        if trigger.get("type") != "keywords":
            continue
        for word in trigger.get("keywords") or []:
            if isinstance(word, str):
                index.setdefault(_normalise(word), row["document"])
    for key in wanted:
        if key in index:
            try:
                return from_json(index[key])
            except DocumentError:
                return None
    return None
