"""Reply buttons on a CH5 page: which of the workspace's keyword messages answers a tap.

The rule is the message studio's one `match_keyword()` (NFKC, case folded, trimmed; the
button's postback data first, then its label) over approved keyword messages.
"""

from __future__ import annotations

from renderers.codec import from_json
from renderers.document import Message
from renderers.errors import DocumentError


async def find_reply(workspace_id: int, data: str, label: str) -> Message | None:
    """The approved keyword message a reply matches, or None (the page says 已收到)."""
    from studio.messages.keywords import find_keyword_message
    from studio.models.messages import MessageVersion, ReviewStatus

    owner = await find_keyword_message(workspace_id, label, postback=data)
    if owner is None:
        return None
    version = await MessageVersion.filter(
        id=owner.version_id, workspace_id=workspace_id, status=ReviewStatus.APPROVED
    ).first()
    if version is None:
        return None
    try:
        return from_json(version.document)
    except DocumentError:
        return None
